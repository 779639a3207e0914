import { sql } from 'drizzle-orm';
import Fastify from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { openDatabase } from '../src/db/client.js';
import { shedUnlessUnmeasured } from '../src/plugins/hardening.js';
import { counterConnection, freePort } from '../src/redis.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { until } from './helpers/reminder-harness.js';
import { watchContract } from './helpers/contract-check.js';
import { bearer } from './helpers/tokens.js';
import { liaisonPair } from './helpers/fixtures.js';

let database: TestDatabase;
const apps: App[] = [];
/** Every app here is watched: its 413s, 429s and 503s must be what openapi/openapi.json declares. */
const contractViolations: Array<() => string[]> = [];
const watched = (app: App) => {
  contractViolations.push(watchContract(app));
  return app;
};

async function appWith(config: Parameters<typeof buildApp>[0], poolOptions: { poolMax?: number; connectTimeoutMs?: number } = {}) {
  const handle = await (poolOptions.poolMax
    ? openDatabase({ databaseUrl: database.url, dataDir: '', poolMax: poolOptions.poolMax, connectTimeoutMs: poolOptions.connectTimeoutMs })
    : database.open());
  const app = watched(await buildApp(config, { database: handle }));
  apps.push(app);
  return app;
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await database.drop();
  expect(contractViolations.flatMap((violations) => violations()), 'responses that break openapi/openapi.json').toEqual([]);
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

const liaisons = liaisonPair();

const listLiaisons = (app: App, authorization: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url: '/v1/liaisons', headers: { authorization, ...headers } });

describe('failed authentication', () => {
  it('when one address sent 20 bad tokens and was locked out, a valid admin token from that address still gets 200', async () => {
    const app = await appWith({ logLevel: 'silent' });
    const admin = await bearer(app, 'admin');
    for (let i = 0; i < 20; i += 1) expect((await listLiaisons(app, `Bearer hzt_guess-${i}`)).statusCode).toBe(401);
    for (let i = 0; i < 20; i += 1) await listLiaisons(app, 'Bearer hzt_stale');
    expect((await listLiaisons(app, 'Bearer hzt_stale')).statusCode).toBe(429);
    expect((await listLiaisons(app, admin.authorization)).statusCode).toBe(200);
  });

  it('when one address guesses with a new token every time, it is braked at ten times the limit, while a valid token from there still gets 200', async () => {
    const app = await appWith({ logLevel: 'silent', authFailuresPerMinute: 3 });
    const admin = await bearer(app, 'admin');
    for (let i = 0; i < 30; i += 1) expect((await listLiaisons(app, `Bearer hzt_guess-${i}`)).statusCode).toBe(401);
    const braked = await listLiaisons(app, 'Bearer hzt_guess-30');
    expect(braked.statusCode).toBe(429);
    expect(Number(braked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await listLiaisons(app, admin.authorization)).statusCode).toBe(200);
  });

  it('when a client keeps presenting a bad token, after the limit it gets 429 problem+json with Retry-After, and public routes still work', async () => {
    const app = await appWith({ logLevel: 'silent', authFailuresPerMinute: 3 });
    for (let i = 0; i < 3; i += 1) expect((await listLiaisons(app, 'Bearer hzt_wrong')).statusCode).toBe(401);
    const limited = await listLiaisons(app, 'Bearer hzt_wrong');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await app.inject({ method: 'GET', url: '/v1/plans' })).statusCode).toBe(200);
  });

  it('when TRUST_PROXY trusts the proxy (true or a hop count), clients behind it are counted apart by X-Forwarded-For; without it the header is ignored', async () => {
    const behindProxy = await appWith({ logLevel: 'silent', authFailuresPerMinute: 3, trustProxy: true });
    const from = (client: string) => ({ 'x-forwarded-for': client });
    for (let i = 0; i < 4; i += 1) await listLiaisons(behindProxy, 'Bearer hzt_wrong', from('203.0.113.1'));
    expect((await listLiaisons(behindProxy, 'Bearer hzt_wrong', from('203.0.113.1'))).statusCode).toBe(429);
    expect((await listLiaisons(behindProxy, 'Bearer hzt_wrong', from('203.0.113.2'))).statusCode).toBe(401);

    // Without it, the header is the client's word and is ignored: everyone is the proxy.
    const direct = await appWith({ logLevel: 'silent', authFailuresPerMinute: 3 });
    for (let i = 0; i < 4; i += 1) await listLiaisons(direct, 'Bearer hzt_wrong', from('203.0.113.1'));
    expect((await listLiaisons(direct, 'Bearer hzt_wrong', from('203.0.113.2'))).statusCode).toBe(429);

    // A hop count trusts that many proxies: with one, the client is the last address it added.
    const oneHop = await appWith({ logLevel: 'silent', authFailuresPerMinute: 3, trustProxy: 1 });
    for (let i = 0; i < 4; i += 1) await listLiaisons(oneHop, 'Bearer hzt_wrong', from(`198.51.100.${i}, 203.0.113.1`));
    expect((await listLiaisons(oneHop, 'Bearer hzt_wrong', from('198.51.100.9, 203.0.113.1'))).statusCode).toBe(429);
    expect((await listLiaisons(oneHop, 'Bearer hzt_wrong', from('198.51.100.0, 203.0.113.2'))).statusCode).toBe(401);
  });
});

describe('write rate limit', () => {
  const write = (app: App, authorization: string) =>
    app.inject({ method: 'PUT', url: '/v1/departments/work-safety/liaisons', headers: { authorization }, payload: liaisons });

  it('when a token writes more than WRITES_PER_MINUTE, it gets 429 problem+json with Retry-After; reads and other tokens go on', async () => {
    const app = await appWith({ logLevel: 'silent', writesPerMinute: 2 });
    const office = await bearer(app, 'office');
    const other = await bearer(app, 'office');
    expect((await write(app, office.authorization)).statusCode).toBe(200);
    expect((await write(app, office.authorization)).statusCode).toBe(200);
    const limited = await write(app, office.authorization);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await listLiaisons(app, office.authorization)).statusCode).toBe(200);
    expect((await write(app, other.authorization)).statusCode).toBe(200);
  });
});

describe('counters in Redis', () => {
  const prefix = `test-hardening-${process.pid}-${Date.now()}`;
  const connections: Redis[] = [];
  const redisApp = async (config: Partial<Parameters<typeof buildApp>[0]>, url = 'redis://127.0.0.1:6379') => {
    const redis = counterConnection(url);
    connections.push(redis);
    const app = watched(await buildApp({ logLevel: 'silent', queuePrefix: prefix, ...config }, { database: await database.open(), redis }));
    apps.push(app);
    return app;
  };
  afterAll(async () => {
    const keys = await connections[0]!.keys(`${prefix}:*`);
    if (keys.length > 0) await connections[0]!.del(...keys);
    for (const connection of connections) connection.disconnect();
  });

  it('when two API processes share a Redis, they share the failure and write counts', async () => {
    const [first, second] = [await redisApp({ authFailuresPerMinute: 3, writesPerMinute: 2 }), await redisApp({ authFailuresPerMinute: 3, writesPerMinute: 2 })];
    await until(() => connections.every((connection) => connection.status === 'ready'), 5_000, 'Redis to connect');
    for (const app of [first, first, second]) expect((await listLiaisons(app, 'Bearer hzt_wrong')).statusCode).toBe(401);
    expect((await listLiaisons(second, 'Bearer hzt_wrong')).statusCode).toBe(429);
    expect((await listLiaisons(first, 'Bearer hzt_wrong')).statusCode).toBe(429);

    const office = await bearer(first, 'office');
    const write = (app: App) => app.inject({ method: 'PUT', url: '/v1/departments/work-safety/liaisons', headers: office, payload: liaisons });
    expect((await write(first)).statusCode).toBe(200);
    expect((await write(second)).statusCode).toBe(200);
    expect((await write(first)).statusCode).toBe(429);
  });

  it('when Redis does not answer, requests are served as if nothing were counted', async () => {
    const app = await redisApp({ authFailuresPerMinute: 1, writesPerMinute: 1 }, `redis://127.0.0.1:${await freePort()}`);
    for (let i = 0; i < 3; i += 1) expect((await listLiaisons(app, 'Bearer hzt_wrong')).statusCode).toBe(401);
    const office = await bearer(app, 'office');
    for (let i = 0; i < 3; i += 1) {
      const response = await app.inject({ method: 'PUT', url: '/v1/departments/work-safety/liaisons', headers: office, payload: liaisons });
      expect(response.statusCode).toBe(200);
    }
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
      return Number.isFinite(app.memoryUsage().eventLoopDelay) && app.isUnderPressure();
    }, 10_000, 'under-pressure to notice the lag');
    const response = await app.inject({ method: 'GET', url: '/v1/plans' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('10');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('overload shedding after one long stretch', () => {
  // Right after the event loop was held longer than under-pressure's sampling interval (a big query
  // on the embedded PGlite), the library has no sample and reads the delay as Infinity.
  it('when the delay is unmeasured, the request goes through; a measured delay over the limit is a 503 with Retry-After', async () => {
    const app = Fastify();
    app.get('/:value', async (request, reply) => {
      const value = (request.params as { value: string }).value;
      await shedUnlessUnmeasured(request, reply, 'eventLoopDelay', value === 'unmeasured' ? Infinity : Number(value));
      return 'served';
    });
    const unmeasured = await app.inject({ method: 'GET', url: '/unmeasured' });
    expect([unmeasured.statusCode, unmeasured.body]).toEqual([200, 'served']);
    const measured = await app.inject({ method: 'GET', url: '/250' });
    expect(measured.statusCode).toBe(503);
    expect(measured.headers['retry-after']).toBe('10');
    await app.close();
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
