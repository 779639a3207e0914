import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js';
import { migrateAndSeed } from '../../src/db/bootstrap.js';

/** The server tests create their databases on; override with TEST_DATABASE_URL. */
export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  /** Opens a new handle (pool) on this database; the caller closes it. */
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

/** A fresh, uniquely named database, migrated and seeded unless `seed: false`. */
export async function createTestDatabase(options: { seed?: boolean; migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `hazchem_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const open = () => openDatabase({ databaseUrl: url.toString(), dataDir: '', poolMax: 5 });
  if (options.migrate !== false) {
    const handle = await open();
    try {
      if (options.seed === false) await handle.migrate();
      else await migrateAndSeed(handle);
    } finally {
      await handle.close();
    }
  }
  return {
    url: url.toString(),
    name,
    open,
    drop: () => admin((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
