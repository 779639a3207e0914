import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { NOTIFICATION_CLIENT_NAME, type DatabaseHandle, type Queryable } from '../src/db/client.js';
import { UNANNOUNCED_PRINCIPAL_CACHE_MS } from '../src/plugins/auth.js';
import { invalidateMemos, memoizePerDatabase, trustMemos, UNTRUSTED_MEMO_MS } from '../src/db/memo.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { until } from './helpers/reminder-harness.js';
import { drivers, testConfig, useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

const renamed = (suffix: string) => `市商务委(${suffix})`;

describe.each(drivers)('the change feed on %s', (driver) => {
  const ctx = useTestApp({ driver });

  /** SQL as another process (or psql) would send it; on PGlite, the one process is the only writer. */
  async function execute(statement: string) {
    if (driver === 'pglite') return void (await ctx.app.db.execute(sql.raw(statement)));
    const client = new pg.Client({ connectionString: ctx.database.url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  const nameOf = async (code: string) => (await ctx.app.inject({ url: `/v1/departments/${code}` })).json<{ name: string }>().name;
  const namesInTable = async (code: string) => {
    const list = (await ctx.app.inject({ url: '/v1/plans/hazchem-2017/measures?department=' + code })).json<{ items: Array<{ tasks: Array<{ lead: Array<{ code: string; name: string }>; responsible: Array<{ code: string; name: string }> }> }> }>();
    return new Set(list.items.flatMap((measure) => measure.tasks.flatMap((task) => [...task.lead, ...task.responsible])).filter((unit) => unit.code === code).map((unit) => unit.name));
  };

  it('when a department is renamed with SQL, the directory and the cached 分工表 serve the new name within a second', async () => {
    expect(ctx.app.changes.listening).toBe(true);
    expect(await nameOf('commerce')).toBe('市商务委');
    expect(await namesInTable('commerce')).toEqual(new Set(['市商务委']));
    await execute(`update departments set name = '${renamed(driver)}' where code = 'commerce'`);
    const started = Date.now();
    await until(async () => (await nameOf('commerce')) === renamed(driver) && (await namesInTable('commerce')).has(renamed(driver)), 5_000, 'the new name');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when a token is revoked with SQL, it is refused within a second', async () => {
    const headers = await bearer(ctx.app, 'office');
    const url = '/v1/plans/hazchem-2017/periods/2017Q3/reports/commerce';
    expect((await ctx.app.inject({ url, headers })).statusCode).toBe(200);
    await execute(`update api_tokens set revoked_at = now() where revoked_at is null and role = 'office'`);
    const started = Date.now();
    await until(async () => (await ctx.app.inject({ url, headers })).statusCode === 401, 5_000, 'the token to be refused');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('when the LISTEN connection is lost (Postgres)', () => {
  const ctx = useTestApp();

  async function withClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: ctx.database.url });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }
  const listeners = () =>
    withClient(async (client) => (await client.query('select pid from pg_stat_activity where datname = current_database() and application_name = $1', [NOTIFICATION_CLIENT_NAME])).rows.map((row) => row.pid as number));

  it('when its connection is terminated, it listens again and changes made afterwards are served', async () => {
    const [pid, ...others] = await listeners();
    expect(others).toEqual([]);
    await withClient((client) => client.query('select pg_terminate_backend($1)', [pid]));
    await until(() => !ctx.app.changes.listening, 5_000, 'the feed to notice');
    await until(() => ctx.app.changes.listening, 10_000, 'the feed to listen again');
    const now = await listeners();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(pid);

    await ctx.app.inject({ url: '/v1/departments/commerce' });
    await withClient((client) => client.query(`update departments set name = '${renamed('重连后')}' where code = 'commerce'`));
    await until(async () => (await ctx.app.inject({ url: '/v1/departments/commerce' })).json<{ name: string }>().name === renamed('重连后'), 1_000, 'the name changed after the reconnect');
  });
});

describe('when the database refuses the LISTEN connection', () => {
  // The fault: every attempt to open the notification connection fails, as with a proxy in
  // front of Postgres that drops long-lived connections; the pool keeps working.
  let database: TestDatabase;
  let app: App;

  beforeAll(async () => {
    database = await createTestDatabase();
    const handle = await database.open();
    const refusing: DatabaseHandle = { ...handle, openNotifications: () => Promise.reject(new Error('LISTEN refused by the test')) };
    app = await buildApp(testConfig, { database: refusing });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('when nothing is announced, the directory and checked tokens are trusted a second at most', async () => {
    expect(app.changes.listening).toBe(false);
    const headers = await bearer(app, 'office');
    const url = '/v1/plans/hazchem-2017/periods/2017Q3/reports/commerce';
    expect((await app.inject({ url, headers })).statusCode).toBe(200);
    expect((await app.inject({ url: '/v1/departments/commerce' })).json<{ name: string }>().name).toBe('市商务委');

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(`update departments set name = '${renamed('无通知')}' where code = 'commerce'`);
      await client.query(`update api_tokens set revoked_at = now() where revoked_at is null and role = 'office'`);
    } finally {
      await client.end();
    }
    const started = Date.now();
    await until(async () => (await app.inject({ url: '/v1/departments/commerce' })).json<{ name: string }>().name === renamed('无通知'), 3_000, 'the new name');
    await until(async () => (await app.inject({ url, headers })).statusCode === 401, 3_000, 'the token to be refused');
    // Both were cached before `started`, so both have expired within the longer of the two lifetimes.
    expect(Date.now() - started).toBeLessThan(Math.max(UNTRUSTED_MEMO_MS, UNANNOUNCED_PRINCIPAL_CACHE_MS) + 200);
  });
});

describe('memoised values', () => {
  const db = {} as Queryable;
  let loads = 0;
  const load = memoizePerDatabase(async () => (loads += 1));

  it('when a change is announced, the next read loads again', async () => {
    const first = await load(db, 'key');
    expect(await load(db, 'key')).toBe(first);
    invalidateMemos(db);
    expect(await load(db, 'key')).toBe(first + 1);
  });

  it('when changes are not being announced, a value is kept at most UNTRUSTED_MEMO_MS, and again for good once they are', async () => {
    trustMemos(db, false);
    const first = await load(db, 'key');
    const started = Date.now();
    await until(async () => (await load(db, 'key')) !== first, 3_000, 'the value to expire');
    expect(Date.now() - started).toBeLessThanOrEqual(UNTRUSTED_MEMO_MS + 100);
    trustMemos(db, true);
    const trusted = await load(db, 'key');
    const kept = Date.now() + UNTRUSTED_MEMO_MS + 100;
    await until(() => Date.now() > kept, 3_000, 'longer than the untrusted lifetime');
    expect(await load(db, 'key')).toBe(trusted);
  });
});
