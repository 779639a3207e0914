import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js';
import { migrateAndSeed } from '../../src/db/bootstrap.js';

/** The server tests create their databases on; override with TEST_DATABASE_URL. */
export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** `postgres`: a fresh database on the real server; `pglite`: the embedded default, in memory. */
export type TestDriver = 'postgres' | 'pglite';

export interface TestDatabase {
  driver: TestDriver;
  /** The Postgres URL (for child processes and the CLI); empty for PGlite, which lives in this process. */
  url: string;
  name: string;
  /**
   * Opens a new handle (pool) on this database; the caller closes it. PGlite in memory is one
   * instance: its single handle is handed out once, and closing it is the end of the database.
   */
  open(): Promise<DatabaseHandle>;
  drop(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

interface TestDatabaseOptions {
  seed?: boolean;
  migrate?: boolean;
  driver?: TestDriver;
}

async function prepare(handle: DatabaseHandle, options: TestDatabaseOptions) {
  if (options.migrate === false) return;
  if (options.seed === false) await handle.migrate();
  else await migrateAndSeed(handle);
}

/**
 * A fresh database, migrated and seeded unless `seed: false`. Handles are strict: a query on the
 * outer handle inside a transaction throws (it would hang the embedded default).
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (options.driver === 'pglite') return createPgliteDatabase(options);
  const name = `hazchem_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const open = () => openDatabase({ databaseUrl: url.toString(), dataDir: '', poolMax: 5, strictTransactions: true });
  const handle = await open();
  try {
    await prepare(handle, options);
  } finally {
    await handle.close();
  }
  return {
    driver: 'postgres',
    url: url.toString(),
    name,
    open,
    drop: () => admin((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/** The embedded database as `npm start` runs it without DATABASE_URL (DATA_DIR=memory://). */
async function createPgliteDatabase(options: TestDatabaseOptions): Promise<TestDatabase> {
  const handle = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://', poolMax: 1 });
  await prepare(handle, options);
  let opened = false;
  return {
    driver: 'pglite',
    url: '',
    name: 'memory://',
    open: async () => {
      if (opened) throw new Error('An in-memory PGlite database has one handle; it was already opened');
      opened = true;
      return handle;
    },
    drop: async () => {
      if (!opened) await handle.close();
    },
  };
}
