import { once } from 'node:events';
import { Worker } from 'bullmq';
import { sql } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../src/db/client.js';
import { DELIVERY_LEASE_MS, REMINDER_QUEUE } from '../src/modules/reminders/reminders.jobs.js';
import { findReminder } from '../src/modules/reminders/reminders.repository.js';
import { workerConnection } from '../src/redis.js';
import { testClock } from './helpers/clock.js';
import { AFTER_BEFORE_7D, PLAN_START, REGISTERED_UNITS, dueReminders, expectEveryDueReminderExactlyOnce, registerLiaisons, untilSettled } from './helpers/exactly-once.js';
import { startHoldingSmtpSink, type HoldingSmtpSink } from './helpers/holding-smtp-sink.js';
import { OFFICE_EMAIL, PUBLIC_BASE_URL, TEST_REDIS_URL, until, useReminderApp } from './helpers/reminder-harness.js';
import { startWorkerProcess, type WorkerProcess } from './helpers/worker-process-control.js';

// Fault: a worker killed (SIGKILL, no shutdown code) in the middle of a batch, while it is
// inside the SMTP transaction of one reminder: the server has the whole message but has not
// answered DATA yet, so nothing was delivered, and the reminder is `sending` under its lease.

const clock = testClock(PLAN_START);
const ctx = useReminderApp(clock);
let holding: HoldingSmtpSink;
let killed: WorkerProcess | undefined;
let sweeper: Worker | undefined;
let sweeperConnection: Redis | undefined;

beforeAll(async () => {
  holding = await startHoldingSmtpSink();
  await registerLiaisons(ctx.app);
  await ctx.app.reminders.reconcile();
});

afterAll(async () => {
  await killed?.kill();
  await sweeper?.close();
  sweeperConnection?.disconnect();
  await holding?.close();
});

describe('a worker killed in the middle of a batch', () => {
  it('SIGKILLed inside an SMTP transaction: once its lease runs out the stalled job is taken over and every due reminder arrives exactly once', async () => {
    clock.set(AFTER_BEFORE_7D);
    await ctx.app.reminders.reconcile();
    const due = await dueReminders(ctx.app.db, clock.now());
    expect(due.every((row) => row.status === 'planned')).toBe(true);
    expect(await ctx.queue.getWaitingCount()).toBe(due.length);

    // The batch: every due job, one at a time (concurrency 1). The sink acknowledges two
    // e-mails and keeps the third one's DATA unanswered.
    holding.holdAfter(2);
    const applicationName = `killed-worker-${ctx.prefix}`;
    const databaseUrl = new URL(ctx.database.url);
    databaseUrl.searchParams.set('application_name', applicationName);
    killed = startWorkerProcess({
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: ctx.prefix,
      SMTP_URL: holding.url,
      CLOCK_AT: clock.now().toISOString(),
      OFFICE_EMAIL,
      PUBLIC_BASE_URL,
      LOCK_DURATION_MS: '3000',
      STALLED_INTERVAL_MS: '1000',
    });
    const exitedEarly = killed.exited.then(() => {
      throw new Error(`the worker process exited by itself: ${killed!.stderr()}`);
    });
    const [inTransit] = await Promise.race([holding.waitForHeld(1, 30_000), exitedEarly]);
    // (Its report of the job it is on precedes the SMTP session; wait for it to be read.)
    const reported = (event: string) => killed!.events.filter((candidate) => candidate.event === event).length;
    await until(() => reported('active') === reported('completed') + 1, 5_000, 'the worker’s report of its current job');

    // Where the worker is now: its job for one reminder is active, that reminder is claimed
    // (`sending`, its first attempt, under a lease), two e-mails went out before it, and jobs are
    // still waiting.
    const active = killed.events.filter((event) => event.event === 'active').at(-1)!;
    expect(active.reminderId).toBeTypeOf('number');
    expect(await ctx.queue.getJobState(active.jobId!)).toBe('active');
    const leaseUntil = new Date(clock.now().getTime() + DELIVERY_LEASE_MS);
    expect(await findReminder(ctx.app.db, active.reminderId!)).toMatchObject({ status: 'sending', attempts: 1, leaseUntil });
    expect(holding.messages).toHaveLength(2);
    expect(await ctx.queue.getWaitingCount()).toBeGreaterThan(0);
    const doneBeforeKill = killed.events.filter((event) => event.event === 'completed').length;
    expect(doneBeforeKill).toBeGreaterThanOrEqual(2);

    expect(await killed.kill()).toEqual({ code: null, signal: 'SIGKILL' });
    // The sink saw the connection go without ever answering: that message was not delivered.
    expect(await holding.waitForDropped(1)).toEqual([inTransit]);
    expect(holding.messages).toHaveLength(2);
    // Its Postgres session is gone too; no transaction was open, the claim is all it left.
    await until(async () => {
      const [row] = await selectRows<{ n: number }>(ctx.app.db, sql`select count(*)::int as n from pg_stat_activity where application_name = ${applicationName}`);
      return row!.n === 0;
    }, 10_000, 'the killed worker’s Postgres session to end');
    expect(await findReminder(ctx.app.db, active.reminderId!)).toMatchObject({ status: 'sending', attempts: 1, leaseUntil });
    // In Redis the job is still active under the dead worker's lock.
    expect(await ctx.queue.getJobState(active.jobId!)).toBe('active');

    // BullMQ's stalled check (run by any worker, here one with a short interval) moves the job
    // back to wait once the dead worker's lock has expired.
    sweeperConnection = workerConnection(TEST_REDIS_URL);
    sweeper = new Worker(REMINDER_QUEUE, null, { connection: sweeperConnection, prefix: ctx.prefix, stalledInterval: 500 });
    sweeper.on('error', () => {});
    const stalled = once(sweeper, 'stalled', { signal: AbortSignal.timeout(20_000) });
    await sweeper.startStalledCheckTimer();
    const [stalledJobId] = await stalled;
    expect(stalledJobId).toBe(active.jobId);
    await sweeper.close();

    // A replacement worker (the service's own), once the lease has run out, carries out the
    // stalled job and the rest of the batch.
    clock.set(new Date(leaseUntil.getTime() + 1_000).toISOString());
    ctx.startWorker();
    await untilSettled(ctx.app.db, ctx.queue, clock.now());
    expect(await ctx.queue.getFailedCount()).toBe(0);

    const messages = [...holding.messages, ...ctx.sink.messages];
    await expectEveryDueReminderExactlyOnce({ db: ctx.app.db, now: clock.now(), messages, expectedEmails: REGISTERED_UNITS.length });
    // The reminder that was in transit went out once, from the replacement.
    const resent = ctx.sink.messages.filter((mail) => mail.to[0] === inTransit!.to[0] && mail.subject === inTransit!.subject);
    expect(resent).toHaveLength(1);
    expect(await findReminder(ctx.app.db, active.reminderId!)).toMatchObject({ status: 'sent', attempts: 2, leaseUntil: null });
  }, 90_000);
});
