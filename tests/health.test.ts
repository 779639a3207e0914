import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { watchContract } from './helpers/contract-check.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

let database: TestDatabase;
let app: App;
let contractViolations: () => string[];

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = await buildApp({ logLevel: 'silent' }, { database: await database.open() });
  contractViolations = watchContract(app);
});
afterAll(async () => {
  await app.close();
  await database.drop();
  // The probes' answers, the 503 included, are what openapi/openapi.json declares.
  expect(contractViolations(), 'responses that break openapi/openapi.json').toEqual([]);
});

describe('health probes', () => {
  it('GET /healthz answers 200 while the process runs', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 while the database answers', async () => {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.json()).toEqual({ status: 'ready', database: 'postgres' });
  });

  it('when the database is gone, GET /readyz answers 503 with the reason and /healthz still 200', async () => {
    await database.drop();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().detail).toMatch(/^database unreachable: .*does not exist/);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
