import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { createMailer } from '../src/modules/reminders/mailer.js';
import { REMINDER_QUEUE, deliverReminder, type DeliveryDeps } from '../src/modules/reminders/reminders.jobs.js';
import { producerConnection } from '../src/redis.js';
import { testClock } from './helpers/clock.js';
import { AFTER_BEFORE_7D, PLAN_START, dueReminders, registerLiaisons } from './helpers/exactly-once.js';
import { PLAN, TOKEN, scrapeMetrics, submitReport, valueOf, withApp, type Sample } from './helpers/metrics-scrape.js';
import { startPrivateRedis, type PrivateRedis } from './helpers/private-redis.js';
import { OFFICE_EMAIL, PUBLIC_BASE_URL, uniquePrefix, useReminderApp } from './helpers/reminder-harness.js';

// GET /metrics (issue 12, "Vital signs"): the figures every process reads alike, reminders and
// reports from Postgres, job counts from Redis. Access, requests, pool: tests/metrics-requests.test.ts.

const FROM = '市安委会办公室 <noreply@example.gov.cn>';

const clock = testClock(PLAN_START);
// No cache: each scrape reads the database, so a test sees its own write at once.
const ctx = useReminderApp(clock, { config: { metricsToken: TOKEN, metricsCacheSeconds: 0 } });
const scrape = (app: App = ctx.app) => scrapeMetrics(app);

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
      await withApp(ctx.database, clock, { metricsToken: TOKEN, metricsCacheSeconds: 0 }, { queue }, async (app) => {
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
