import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { collectStoppableDefaultMetrics } from '../src/modules/metrics/default-metrics.js';
import { testClock } from './helpers/clock.js';
import { watchContract } from './helpers/contract-check.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { PLAN_START } from './helpers/exactly-once.js';
import { PLAN, TOKEN, parse, scrapeMetrics, submitReport, valueOf, withApp, type Sample } from './helpers/metrics-scrape.js';
import { useReminderApp } from './helpers/reminder-harness.js';
import { testConfig } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

// GET /metrics (issue 12, "Vital signs"): its own token, counts per route template, the pool and
// the process. The figures read from Postgres and Redis: tests/metrics-figures.test.ts.

const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const clock = testClock(PLAN_START);
// No cache: each scrape reads the database, so a test sees its own write at once.
const ctx = useReminderApp(clock, { config: { metricsToken: TOKEN, metricsCacheSeconds: 0 } });
const scrape = (app: App = ctx.app) => scrapeMetrics(app);

describe('who may read /metrics', () => {
  it('when METRICS_TOKEN is not set, /metrics answers 404 as a problem, whatever the credentials', async () => {
    await withApp(ctx.database, clock, {}, {}, async (app) => {
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }]) {
        const response = await app.inject({ method: 'GET', url: '/metrics', headers });
        expect(response.statusCode).toBe(404);
        expect(response.headers['content-type']).toBe('application/problem+json');
        expect(response.json()).toMatchObject({ code: 'NOT_FOUND', instance: '/metrics' });
      }
    });
  });

  it('when the token is missing, wrong or an API token, it answers 401 as a problem with WWW-Authenticate', async () => {
    const admin = await bearer(ctx.app, 'admin');
    const refused = [{}, { authorization: `Bearer ${TOKEN.slice(0, -1)}x` }, { authorization: `Bearer ${TOKEN}extra` }, { authorization: TOKEN }, admin];
    for (const headers of refused) {
      const response = await ctx.app.inject({ method: 'GET', url: '/metrics', headers });
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(response.headers['content-type']).toBe('application/problem+json');
      expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(response.json()).toMatchObject({ code: 'UNAUTHORIZED' });
    }
  });

  it('with the right token, it answers 200 in the Prometheus text format, with process, event-loop and pool metrics', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `bearer  ${TOKEN}` } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(METRICS_CONTENT_TYPE);
    const samples = parse(response.body);
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(valueOf(samples, name), name).toBeGreaterThanOrEqual(0);
    }
    expect(valueOf(samples, 'hazchem_db_pool_max', { driver: 'postgres' })).toBe(5);
    expect(valueOf(samples, 'hazchem_db_pool_connections', { driver: 'postgres' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'hazchem_db_pool_idle', { driver: 'postgres' })).toBeGreaterThanOrEqual(0);
    expect(valueOf(samples, 'hazchem_db_pool_waiting', { driver: 'postgres' })).toBe(0);
    expect(valueOf(samples, 'hazchem_database_figures_up')).toBe(1);
  });
});

describe('requests', () => {
  const route = '/v1/plans/:plan/measures/:no';
  const countOf = (samples: Sample[], name: string, status: string) => valueOf(samples, name, { method: 'GET', route, status_code: status }) ?? 0;

  it('when requests are made, the counter and the histogram of their route template grow by exactly their number', async () => {
    const before = (await scrape()).samples;
    for (const no of [12, 12, 13, 31]) expect((await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/measures/${no}` })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/measures/99` })).statusCode).toBe(404);
    const after = (await scrape()).samples;
    expect(countOf(after, 'hazchem_http_requests_total', '200') - countOf(before, 'hazchem_http_requests_total', '200')).toBe(4);
    expect(countOf(after, 'hazchem_http_requests_total', '404') - countOf(before, 'hazchem_http_requests_total', '404')).toBe(1);
    expect(countOf(after, 'hazchem_http_request_duration_seconds_count', '200') - countOf(before, 'hazchem_http_request_duration_seconds_count', '200')).toBe(4);
  });

  it('when URLs carry random ids, no label value contains them: matched routes are labelled by template, others as unmatched', async () => {
    const id = randomBytes(8).toString('hex');
    const digits = String(Date.now()).slice(-9);
    const before = (await scrape()).samples;
    const urls = [`/v1/nowhere/${id}`, `/v1/plans/${id}`, `/v1/plans/${PLAN}/measures/${digits}`, `/v1/departments/${id}?department=${id}`, `/${id}.php`];
    for (const url of urls) await ctx.app.inject({ method: 'GET', url });
    const { text, samples } = await scrape();
    expect(text).not.toContain(id);
    expect(text).not.toContain(digits);
    const unmatched = (list: Sample[]) => valueOf(list, 'hazchem_http_requests_total', { method: 'GET', route: 'unmatched', status_code: '404' }) ?? 0;
    expect(unmatched(samples) - unmatched(before)).toBeGreaterThanOrEqual(1);
    for (const sample of samples.filter((entry) => entry.name === 'hazchem_http_requests_total')) expect(sample.labels.route).toMatch(/^(unmatched|\/[\w/:.*-]*)$/);
  });
});

describe('on the embedded PGlite', () => {
  let database: TestDatabase;
  let app: App;
  let violations: () => string[];
  beforeAll(async () => {
    database = await createTestDatabase({ driver: 'pglite' });
    // A long cache: the second scrape below must not reach the database.
    app = await buildApp({ ...testConfig, metricsToken: TOKEN, metricsCacheSeconds: 300 }, { database: await database.open(), clock });
    violations = watchContract(app);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    expect(violations(), 'responses that break openapi/openapi.json').toEqual([]);
  });

  it('when scraped, /metrics answers with the one connection and the figures; within METRICS_CACHE_SECONDS a second scrape reuses them', async () => {
    clock.set(PLAN_START);
    const first = (await scrape(app)).samples;
    expect(valueOf(first, 'hazchem_db_pool_max', { driver: 'pglite' })).toBe(1);
    expect(valueOf(first, 'hazchem_db_pool_connections', { driver: 'pglite' })).toBe(1);
    expect(first.filter((sample) => sample.name === 'hazchem_db_pool_idle' || sample.name === 'hazchem_db_pool_waiting')).toEqual([]);
    expect(valueOf(first, 'hazchem_database_figures_up')).toBe(1);
    expect(valueOf(first, 'hazchem_reports_submitted', { plan: PLAN, period: '2017Q3' })).toBe(0);

    await submitReport(app, '2017Q3', 'education');
    const second = (await scrape(app)).samples;
    expect(valueOf(second, 'hazchem_reports_submitted', { plan: PLAN, period: '2017Q3' })).toBe(0);
    expect(valueOf(second, 'hazchem_http_requests_total', { method: 'PUT', route: '/v1/plans/:plan/periods/:period/reports/:department', status_code: '200' })).toBe(1);
  });
});

describe('the default metrics of a closed app', () => {
  const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** The mean event-loop delay since the previous read; NaN when the monitor took no sample. */
  const meanLag = async (register: Registry) => valueOf(parse(await register.metrics()), 'nodejs_eventloop_lag_mean_seconds')!;

  it('when stopped, the event-loop monitor takes no more samples, while a running one does', async () => {
    const [running, stopped] = [new Registry(), new Registry()];
    const stopRunning = collectStoppableDefaultMetrics(running);
    const stop = collectStoppableDefaultMetrics(stopped);
    await meanLag(running);
    await meanLag(stopped);
    stop();
    await idle(100);
    expect(await meanLag(running)).toBeGreaterThan(0);
    expect(await meanLag(stopped)).toBeNaN();
    stopRunning();
  });
});
