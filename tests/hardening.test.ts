import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { openDatabase } from '../src/db/client.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { until } from './helpers/reminder-harness.js';
import { bearer } from './helpers/tokens.js';

let database: TestDatabase;
const apps: App[] = [];

async function appWith(config: Parameters<typeof buildApp>[0], poolOptions: { poolMax?: number; connectTimeoutMs?: number } = {}) {
  const handle = await (poolOptions.poolMax
    ? openDatabase({ databaseUrl: database.url, dataDir: '', poolMax: poolOptions.poolMax, connectTimeoutMs: poolOptions.connectTimeoutMs })
    : database.open());
  const app = await buildApp(config, { database: handle });
  apps.push(app);
  return app;
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await database.drop();
});

describe('security headers', () => {
  it('every response carries helmet’s headers', async () => {
    const app = await appWith({ logLevel: 'silent' });
    const response = await app.inject({ method: 'GET', url: '/v1/plans' });
    expect(response.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
  });
});

describe('failed authentication', () => {
  it('after the limit, answers 429 with Retry-After, even to a valid token from that address, and public routes still work', async () => {
    const app = await appWith({ logLevel: 'silent', authFailuresPerMinute: 3 });
    const valid = await bearer(app, 'office');
    const attempt = (authorization: string) => app.inject({ method: 'GET', url: '/v1/liaisons', headers: { authorization } });
    expect((await attempt(valid.authorization)).statusCode).toBe(200);
    for (let i = 0; i < 3; i += 1) expect((await attempt(`Bearer guess-${i}`)).statusCode).toBe(401);
    const limited = await attempt('Bearer guess-4');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await attempt(valid.authorization)).statusCode).toBe(429);
    expect((await app.inject({ method: 'GET', url: '/v1/plans' })).statusCode).toBe(200);
    const elsewhere = await app.inject({ method: 'GET', url: '/v1/liaisons', headers: valid, remoteAddress: '10.0.0.9' });
    expect(elsewhere.statusCode).toBe(200);
  });
});

describe('limits', () => {
  it('a body over the limit is 413 problem+json and nothing is read', async () => {
    const app = await appWith({ logLevel: 'silent', bodyLimitBytes: 2048 });
    const response = await app.inject({
      method: 'PUT',
      url: '/v1/departments/work-safety/liaisons',
      headers: { ...(await bearer(app, 'office')), 'content-type': 'application/json' },
      payload: JSON.stringify({ officer: { name: 'x'.repeat(4000) } }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('when the event loop lags, sheds load with 503 and Retry-After', async () => {
    const app = await appWith({ logLevel: 'silent', maxEventLoopDelayMs: 10 });
    await app.ready();
    await until(() => {
      const end = Date.now() + 150;
      while (Date.now() < end); // hold the event loop, as a flood of work would
      return app.isUnderPressure();
    }, 10_000, 'under-pressure to notice the lag');
    const response = await app.inject({ method: 'GET', url: '/v1/plans' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('10');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('database trouble', () => {
  it('a saturated pool gives a fast 503 with Retry-After, not a hang', async () => {
    const app = await appWith({ logLevel: 'silent' }, { poolMax: 1, connectTimeoutMs: 200 });
    let slowQueryDone = false;
    const slow = app.db.execute(sql`select pg_sleep(3)`).then(() => (slowQueryDone = true));
    await until(async () => {
      const probe = await app.inject({ method: 'GET', url: '/v1/plans' });
      return probe.statusCode === 503;
    }, 5_000, 'the pool to be saturated');
    const response = await app.inject({ method: 'GET', url: '/v1/plans' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE', detail: 'The database is unavailable; retry shortly' });
    expect(slowQueryDone).toBe(false);
    await slow;
  });

  it('when the database is gone, API routes answer 503 problem+json, never 500', async () => {
    const app = await appWith({ logLevel: 'silent' });
    const other = await createTestDatabase({ seed: false });
    const handle = await other.open();
    const orphan = await buildApp({ logLevel: 'silent' }, { database: handle });
    apps.push(orphan);
    await other.drop();
    for (const url of ['/v1/plans', '/v1/plans/hazchem-2017/measures', '/v1/departments']) {
      const response = await orphan.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(503);
      expect(response.json().detail).not.toMatch(/does not exist|hazchem_test/);
    }
    expect((await app.inject({ method: 'GET', url: '/v1/plans' })).statusCode).toBe(200);
  });
});
