import { afterAll, beforeAll } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
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
export function useTestApp(options: { clock?: Clock } = {}): TestContext {
  const context = {} as TestContext;
  beforeAll(async () => {
    context.database = await createTestDatabase();
    context.app = await buildApp({ logLevel: 'silent' }, { database: await context.database.open(), ...options });
    await context.app.ready();
  });
  afterAll(async () => {
    await context.app?.close();
    await context.database?.drop();
  });
  return context;
}
