import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App, type AppConfig } from '../src/app.js';
import { collectStoppableDefaultMetrics } from '../src/modules/metrics/default-metrics.js';
import { createMailer } from '../src/modules/reminders/mailer.js';
import { REMINDER_QUEUE, deliverReminder, type DeliveryDeps } from '../src/modules/reminders/reminders.jobs.js';
import { producerConnection } from '../src/redis.js';
import { testClock } from './helpers/clock.js';
import { watchContract } from './helpers/contract-check.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { AFTER_BEFORE_7D, PLAN_START, dueReminders, registerLiaisons } from './helpers/exactly-once.js';
import { startPrivateRedis, type PrivateRedis } from './helpers/private-redis.js';
import { OFFICE_EMAIL, PUBLIC_BASE_URL, uniquePrefix, useReminderApp } from './helpers/reminder-harness.js';
import { testConfig } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

// GET /metrics (issue 12, "Vital signs"): its own token, counts per route template, and the
// figures every process reads alike from Postgres.

const TOKEN = `metrics-${randomBytes(12).toString('hex')}`;
const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const PLAN = 'hazchem-2017';
const FROM = '市安委会办公室 <noreply@example.gov.cn>';

const clock = testClock(PLAN_START);
// No cache: each scrape reads the database, so a test sees its own write at once.
const ctx = useReminderApp(clock, { config: { metricsToken: TOKEN, metricsCacheSeconds: 0 } });

type Labels = Record<string, string>;
interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

/** The samples of a text exposition (comments skipped). */
function parse(exposition: string): Sample[] {
  return exposition
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not an exposition line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with exactly these labels, or undefined. */
function valueOf(samples: Sample[], name: string, labels: Labels = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return samples.find((sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted)?.value;
}

async function scrape(app: App = ctx.app, token = TOKEN) {
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  expect(response.statusCode, response.body).toBe(200);
  return { text: response.body, samples: parse(response.body) };
}

const reportUrl = (period: string, unit: string) => `/v1/plans/${PLAN}/periods/${period}/reports/${unit}`;

/** A unit fills every required row of its report and submits it, through the API. */
async function submitReport(app: App, period: string, unit: string) {
  const headers = await bearer(app, 'department', unit);
  const read = await app.inject({ method: 'GET', url: reportUrl(period, unit), headers });
  expect(read.statusCode).toBe(200);
  const tasks = read.json<{ tasks: { measureNo: number; taskSeq: number; required: boolean }[] }>().tasks.filter((task) => task.required);
  const entries = tasks.map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 50, summary: `措施${task.measureNo}第${task.taskSeq}项:本季度推进情况。` }));
  const saved = await app.inject({ method: 'PUT', url: reportUrl(period, unit), headers, payload: { entries } });
  expect(saved.statusCode, saved.body).toBe(200);
  const submitted = await app.inject({ method: 'POST', url: `${reportUrl(period, unit)}/submit`, headers });
  expect(submitted.statusCode, submitted.body).toBe(200);
}

/** Another app on this file's database, with its own config; closed (and contract-checked) after the test. */
async function withApp(config: Partial<AppConfig>, deps: { queue?: Queue }, run: (app: App) => Promise<void>) {
  const app = await buildApp({ ...testConfig, ...config }, { database: await ctx.database.open(), clock, ...deps });
  const violations = watchContract(app);
  await app.ready();
  try {
    await run(app);
  } finally {
    await app.close();
  }
  expect(violations(), 'responses that break openapi/openapi.json').toEqual([]);
}

describe('who may read /metrics', () => {
  it('when METRICS_TOKEN is not set, /metrics answers 404 as a problem, whatever the credentials', async () => {
    await withApp({}, {}, async (app) => {
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

describe('reminders and the queue', () => {
  let delivery: DeliveryDeps;
  beforeAll(async () => {
    delivery = { db: ctx.app.db, clock, mailer: createMailer(ctx.sink.url, FROM), officeEmail: OFFICE_EMAIL, publicBaseUrl: PUBLIC_BASE_URL };
    await registerLiaisons(ctx.app, ['work-safety', 'education']);
    await ctx.app.reminders.reconcile();
    clock.set(AFTER_BEFORE_7D);
  });
  afterAll(() => delivery?.mailer.close());

  it('when reminders are sent, fail or find no liaisons, the gauges of those statuses move by exactly one each', async () => {
    const gauge = (samples: Sample[], status: string) => valueOf(samples, 'hazchem_reminders', { plan: PLAN, status, channel: 'email' });
    const before = (await scrape()).samples;
    const due = (await dueReminders(ctx.app.db, clock.now())).filter((row) => row.channel === 'email' && row.status === 'planned');
    const emailOf = (unit: string) => due.find((row) => row.departmentCode === unit)!;
    const payload = (unit: string) => ({ reminderId: emailOf(unit).id, sendAt: emailOf(unit).sendAt.toISOString() });

    expect(await deliverReminder(delivery, payload('work-safety'))).toBe('sent');
    const refusing = createMailer('smtp://127.0.0.1:1', FROM);
    await expect(deliverReminder({ ...delivery, mailer: refusing }, payload('education'), { lastAttempt: true })).rejects.toThrow();
    refusing.close();
    expect(await deliverReminder(delivery, payload('jinshan-district'))).toBe('unreachable');

    const after = (await scrape()).samples;
    expect(gauge(after, 'sent')! - gauge(before, 'sent')!).toBe(1);
    expect(gauge(after, 'failed')! - gauge(before, 'failed')!).toBe(1);
    expect(gauge(after, 'unreachable')! - gauge(before, 'unreachable')!).toBe(1);
    expect(gauge(before, 'planned')! - gauge(after, 'planned')!).toBe(3);
    // Every status is reported, 0 included, so alerts see the series before the first failure.
    expect(gauge(after, 'cancelled')).toBeGreaterThanOrEqual(0);
    expect(valueOf(after, 'hazchem_reminders', { plan: PLAN, status: 'failed', channel: 'webhook' })).toBe(0);
  });

  it('when the queue holds jobs, their counts per state are those BullMQ gives', async () => {
    const counts = await ctx.queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
    const { samples } = await scrape();
    expect(valueOf(samples, 'hazchem_queue_up', { queue: 'reminders' })).toBe(1);
    expect(counts.delayed).toBeGreaterThan(0);
    for (const state of ['waiting', 'delayed', 'active', 'failed']) expect(valueOf(samples, 'hazchem_queue_jobs', { queue: 'reminders', state }), state).toBe(counts[state]);
  });

  it('when Redis stops answering, a scrape still answers within its timeout, with hazchem_queue_up 0 and no stale counts', async () => {
    const redis: PrivateRedis = await startPrivateRedis();
    // The queue does not close a connection it was given; this one is closed below, before its server goes.
    const connection = producerConnection(redis.url);
    const queue = new Queue(REMINDER_QUEUE, { connection, prefix: uniquePrefix() });
    const pauser = new Redis(redis.url);
    try {
      await queue.getJobCounts('waiting');
      await withApp({ metricsToken: TOKEN, metricsCacheSeconds: 0 }, { queue }, async (app) => {
        expect(valueOf((await scrape(app)).samples, 'hazchem_queue_up', { queue: 'reminders' })).toBe(1);
        // Redis holds every client's commands for 3 s: connected, but silent.
        await pauser.call('client', 'pause', '3000', 'ALL');
        const started = performance.now();
        const { samples } = await scrape(app);
        expect(performance.now() - started).toBeLessThan(3_000);
        expect(valueOf(samples, 'hazchem_queue_up', { queue: 'reminders' })).toBe(0);
        expect(samples.filter((sample) => sample.name === 'hazchem_queue_jobs')).toEqual([]);
        expect(valueOf(samples, 'hazchem_database_figures_up')).toBe(1);
        await pauser.call('client', 'unpause');
      });
    } finally {
      pauser.disconnect();
      await queue.close().catch(() => undefined);
      connection.disconnect();
      await redis.stop();
    }
  });
});

describe('reports per period', () => {
  const labels = { plan: PLAN, period: '2017Q3' };

  it('when a unit submits its report, the period’s submitted gauge moves by exactly one, and after the deadline the overdue gauge counts the others', async () => {
    const before = (await scrape()).samples;
    expect(valueOf(before, 'hazchem_reports_overdue', labels)).toBe(0);
    await submitReport(ctx.app, '2017Q3', 'work-safety');
    const after = (await scrape()).samples;
    expect(valueOf(after, 'hazchem_reports_submitted', labels)! - valueOf(before, 'hazchem_reports_submitted', labels)!).toBe(1);
    expect(valueOf(after, 'hazchem_reports_submitted', { plan: PLAN, period: '2017Q4' })).toBe(valueOf(before, 'hazchem_reports_submitted', { plan: PLAN, period: '2017Q4' }));

    // 2017Q3 is due on 2017-10-13 17:00 Shanghai time.
    clock.set('2017-10-14T09:00:00+08:00');
    const late = (await scrape()).samples;
    const expected = valueOf(late, 'hazchem_reports_expected', labels)!;
    expect(expected).toBeGreaterThan(40);
    expect(valueOf(late, 'hazchem_reports_overdue', labels)).toBe(expected - valueOf(late, 'hazchem_reports_submitted', labels)!);
    expect(valueOf(late, 'hazchem_reports_overdue', { plan: PLAN, period: '2017Q4' })).toBe(0);
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
