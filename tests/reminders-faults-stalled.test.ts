import { once } from 'node:events';
import { Worker } from 'bullmq';
import { expect, it } from 'vitest';
import { DELIVERY_LEASE_MS, REMINDER_QUEUE, deliverJobId } from '../src/modules/reminders/reminders.jobs.js';
import { findReminder } from '../src/modules/reminders/reminders.repository.js';
import { workerConnection } from '../src/redis.js';
import { testClock } from './helpers/clock.js';
import { AFTER_BEFORE_7D, PLAN_START, dueReminders, registerLiaisons } from './helpers/exactly-once.js';
import { startHoldingSmtpSink } from './helpers/holding-smtp-sink.js';
import { OFFICE_EMAIL, PUBLIC_BASE_URL, TEST_REDIS_URL, until, useReminderApp } from './helpers/reminder-harness.js';
import { startWorkerProcess } from './helpers/worker-process-control.js';

const clock = testClock(PLAN_START);
const ctx = useReminderApp(clock);

/**
 * BullMQ fails a job that stalls twice (a worker killed twice while on it) without running it;
 * its reminder is left `sending` under the last worker's lease. Once that lease has run out, the
 * reconcile must run such a job again.
 */
it('when a job stalled twice and BullMQ failed it, the reconcile runs it again and the reminder arrives once', async () => {
  const holding = await startHoldingSmtpSink();
  await registerLiaisons(ctx.app, ['work-safety']);
  await ctx.app.reminders.reconcile();
  clock.set(AFTER_BEFORE_7D);
  await ctx.app.reminders.reconcile();
  const env = { DATABASE_URL: ctx.database.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: ctx.prefix, SMTP_URL: holding.url, OFFICE_EMAIL, PUBLIC_BASE_URL };
  // Each worker starts after the lease of the one killed before it has run out.
  const afterLease = () => clock.set(new Date(clock.now().getTime() + DELIVERY_LEASE_MS + 1_000));
  const conn = workerConnection(TEST_REDIS_URL);
  let jobId = '';
  for (let round = 1; round <= 2; round++) {
    holding.hold();
    if (round > 1) afterLease();
    const child = startWorkerProcess({ ...env, CLOCK_AT: clock.now().toISOString() });
    await holding.waitForHeld(1, 30000);
    await until(() => child.events.some((e) => e.event === 'active'));
    jobId = child.events.filter((e) => e.event === 'active').at(-1)!.jobId!;
    await child.kill();
    await holding.waitForDropped(round);
    const sweeper = new Worker(REMINDER_QUEUE, null, { connection: conn, prefix: ctx.prefix, stalledInterval: 500 });
    const stalled = once(sweeper, 'stalled');
    await sweeper.startStalledCheckTimer();
    expect((await stalled)[0]).toBe(jobId);
    await sweeper.close();
  }
  holding.release();
  const worker = ctx.startWorker();
  const [job, err] = await once(worker, 'failed');
  expect([job.id, (err as Error).message]).toEqual([jobId, 'job stalled more than allowable limit']);
  const row = (await dueReminders(ctx.app.db, clock.now())).find((r) => deliverJobId(r) === jobId)!;
  expect(await findReminder(ctx.app.db, row.id)).toMatchObject({ status: 'sending', attempts: 2 });
  afterLease();
  await ctx.app.reminders.reconcile();
  await until(async () => (await findReminder(ctx.app.db, row.id))?.status === 'sent', 30_000, 'the failed job to run again');
  const mails = [...holding.messages, ...ctx.sink.messages].filter((m) => m.to[0] === 'work-safety.officer@example.gov.cn');
  expect(mails).toHaveLength(1);
  conn.disconnect();
  await holding.close();
}, 120000);
