import type { Worker } from 'bullmq';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminders } from '../src/db/schema/index.js';
import { testClock } from './helpers/clock.js';
import {
  AFTER_BEFORE_3D,
  AFTER_BEFORE_7D,
  PLAN_START,
  REGISTERED_UNITS,
  countPlannedDue,
  expectEveryDueReminderExactlyOnce,
  registerLiaisons,
  untilSettled,
} from './helpers/exactly-once.js';
import { startPrivateRedis } from './helpers/private-redis.js';
import { until, useReminderApp } from './helpers/reminder-harness.js';

// Fault: Redis loses everything (flushed; crashed and restarted empty). Postgres holds the
// reminders, so the reconcile must rebuild the queue from it without sending anything twice.
// This file runs its own redis-server: the shared one on 6379 is never flushed.

const redis = await startPrivateRedis();
const connections: Redis[] = [];
// Registered before useReminderApp, so it runs after the app, its queue and workers are closed.
afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  await redis.stop();
});

const clock = testClock(PLAN_START);
const ctx = useReminderApp(clock, { redisUrl: redis.url });
let worker: Worker;

const jobCount = async () => Object.values(await ctx.queue.getJobCounts()).reduce((sum, count) => sum + count, 0);
const plannedLater = async () => {
  const [row] = await ctx.app.db
    .select({ n: sql<number>`count(*)::int` })
    .from(reminders)
    .where(and(eq(reminders.status, 'planned'), gt(reminders.sendAt, clock.now())));
  return row!.n;
};

beforeAll(async () => {
  connections.push(ctx.queue.opts.connection as Redis);
  // While Redis is down the queue reports its connection errors; expected here, so not logged.
  ctx.queue.on('error', () => {});
  await registerLiaisons(ctx.app);
  // A worker runs throughout, through the flush and the crash.
  worker = ctx.startWorker();
  connections.push(worker.opts.connection as Redis);
  await worker.waitUntilReady();
  await ctx.app.reminders.reconcile();
});

describe('Redis losing the queue', () => {
  it('flushed: the jobs are gone; the reconcile re-creates them from Postgres, the due ones go out exactly once, the others wait as delayed jobs', async () => {
    const planned = await plannedLater();
    expect(planned).toBeGreaterThan(0);
    expect(await ctx.queue.getDelayedCount()).toBe(planned);

    await redis.flushAll();
    expect(await jobCount()).toBe(0);
    expect(await plannedLater()).toBe(planned);

    clock.set(AFTER_BEFORE_7D);
    expect(await countPlannedDue(ctx.app.db, clock.now())).toBeGreaterThan(0);
    await ctx.app.reminders.reconcile();
    await untilSettled(ctx.app.db, ctx.queue, clock.now());
    expect(await ctx.queue.getFailedCount()).toBe(0);
    await expectEveryDueReminderExactlyOnce({ db: ctx.app.db, now: clock.now(), messages: ctx.sink.messages, expectedEmails: REGISTERED_UNITS.length });

    const later = await plannedLater();
    expect(later).toBeGreaterThan(0);
    expect(await ctx.queue.getDelayedCount()).toBe(later);
  }, 60_000);

  it('crashed and restarted empty under a running worker: the worker reconnects, and after the reconcile the next reminders go out exactly once and none again', async () => {
    await redis.crashAndRestart();
    // The service's producer connection comes back by itself.
    let jobsAfterRestart = -1;
    await until(async () => {
      jobsAfterRestart = await jobCount().catch(() => -1);
      return jobsAfterRestart >= 0;
    }, 20_000, 'the queue to reconnect');
    expect(jobsAfterRestart).toBe(0);

    clock.set(AFTER_BEFORE_3D);
    await ctx.app.reminders.reconcile();
    await untilSettled(ctx.app.db, ctx.queue, clock.now());
    expect(await ctx.queue.getFailedCount()).toBe(0);
    // before-7d (sent before the crash, not re-queued) and before-3d, each once.
    await expectEveryDueReminderExactlyOnce({ db: ctx.app.db, now: clock.now(), messages: ctx.sink.messages, expectedEmails: 2 * REGISTERED_UNITS.length });

    const later = await plannedLater();
    expect(later).toBeGreaterThan(0);
    expect(await ctx.queue.getDelayedCount()).toBe(later);
  }, 60_000);
});
