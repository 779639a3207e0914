import { afterAll, beforeAll } from 'vitest';
import { buildApp, type App, type AppConfig } from '../../src/app.js';
import type { Clock } from '../../src/plugins/clock.js';
import { createTestDatabase, type TestDatabase } from './database.js';

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
  // Test files build apps side by side in one event loop (PGlite's start-up blocks it for a while).
  maxEventLoopDelayMs: 60_000,
};

export function useTestApp(options: { clock?: Clock; config?: Partial<AppConfig> } = {}): TestContext {
  const context = {} as TestContext;
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.app = await buildApp({ ...testConfig, ...options.config }, { database: await context.database.open(), ...(options.clock ? { clock: options.clock } : {}) });
    await context.app.ready();
  });
  afterAll(async () => {
    await context.app?.close();
    await context.database?.drop();
  });
  return context;
}
