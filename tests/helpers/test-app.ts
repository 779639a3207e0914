import { afterAll, beforeAll, expect } from 'vitest';
import { buildApp, type App, type AppConfig, type AppDependencies } from '../../src/app.js';
import type { Clock } from '../../src/plugins/clock.js';
import { watchContract } from './contract-check.js';
import { createTestDatabase, type TestDatabase, type TestDriver } from './database.js';

export interface TestContext {
  app: App;
  database: TestDatabase;
}

/**
 * Registers hooks that give the calling test file its own migrated and seeded database and an
 * app built on it; both are torn down after the file. Read the fields inside tests only.
 */
/** Test files send thousands of bad tokens on purpose; tests/hardening.test.ts checks the real limit. */
export const testConfig: AppConfig = {
  logLevel: 'silent',
  authFailuresPerMinute: 100_000,
  writesPerMinute: 100_000,
  // Test files build apps side by side in one event loop (PGlite's start-up blocks it for a while).
  maxEventLoopDelayMs: 60_000,
};

/** Flows that must hold on both drivers run once per entry (`describe.each(drivers)`). */
export const drivers: TestDriver[] = ['postgres', 'pglite'];

export function useTestApp(
  options: { clock?: Clock; config?: Partial<AppConfig>; driver?: TestDriver; deps?: () => Partial<Omit<AppDependencies, 'database'>> } = {},
): TestContext {
  const context = {} as TestContext;
  let contractViolations = (): string[] => [];
  beforeAll(async () => {
    context.database = await createTestDatabase({ driver: options.driver ?? 'postgres' });
    context.app = await buildApp(
      { ...testConfig, ...options.config },
      // `deps` is called here, once the file's beforeAll hooks registered earlier (an SMTP sink, say) have run.
      { database: await context.database.open(), ...(options.clock ? { clock: options.clock } : {}), ...options.deps?.() },
    );
    contractViolations = watchContract(context.app);
    await context.app.ready();
  });
  afterAll(async () => {
    await context.app?.close();
    await context.database?.drop();
    // Every response this file received must match openapi/openapi.json (status, headers, body).
    expect(contractViolations(), 'responses that break openapi/openapi.json').toEqual([]);
  });
  return context;
}
