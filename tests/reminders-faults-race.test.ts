import type { Job } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { DELIVER_JOB, deliverJobOptions, type DeliverPayload } from '../src/modules/reminders/reminders.jobs.js';
import { testClock } from './helpers/clock.js';
import {
  AFTER_BEFORE_3D,
  PLAN_START,
  REGISTERED_UNITS,
  dueReminders,
  expectEveryDueReminderExactlyOnce,
  registerLiaisons,
  registerWebhook,
  untilSettled,
} from './helpers/exactly-once.js';
import { until, useReminderApp } from './helpers/reminder-harness.js';

// Fault: two (here three) workers racing on one queue, over the service's own jobs and
// duplicates of them, e-mail and webhook.

const clock = testClock(PLAN_START);
const ctx = useReminderApp(clock);

beforeAll(async () => {
  await registerLiaisons(ctx.app);
  await registerWebhook(ctx.app, 'jinshan-district', ctx.receiver.url);
  await ctx.app.reminders.reconcile();
});

describe('workers racing', () => {
  it('three workers on one queue, each reminder queued three times: every due reminder is carried out by exactly one job, once (before-7d superseded by before-3d)', async () => {
    /** [worker, reminderId, outcome] of every deliver job finished. */
    const outcomes: Array<[number, number, string]> = [];
    const workers = [ctx.startWorker(), ctx.startWorker(), ctx.startWorker()];
    workers.forEach((worker, index) => worker.on('completed', (job: Job, result: string) => outcomes.push([index, (job.data as DeliverPayload).reminderId, result])));
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));

    // The before-7d and before-3d reminders of 2017Q3 come due together.
    clock.set(AFTER_BEFORE_3D);
    const due = await dueReminders(ctx.app.db, clock.now());
    expect(new Set(due.map((row) => row.kind))).toEqual(new Set(['before-7d', 'before-3d']));
    expect(due.filter((row) => row.channel === 'webhook')).toHaveLength(2);
    expect(due.every((row) => row.status === 'planned')).toBe(true);

    // The reconcile releases the service's jobs, and while the workers take them two duplicates
    // of each are added. (Not during the reconcile: it removes deliver jobs it does not know.)
    const duplicates = due.flatMap((row) =>
      ['a', 'b'].map((copy) => ({ name: DELIVER_JOB, data: { reminderId: row.id, sendAt: row.sendAt.toISOString() }, opts: { ...deliverJobOptions, jobId: `dup-${copy}-${row.id}` } })),
    );
    await ctx.app.reminders.reconcile();
    await ctx.queue.addBulk(duplicates);

    const jobs = 3 * due.length;
    await until(() => outcomes.length >= jobs, 30_000, `${jobs} deliver jobs`);
    await untilSettled(ctx.app.db, ctx.queue, clock.now());
    expect(outcomes).toHaveLength(jobs);
    expect(await ctx.queue.getFailedCount()).toBe(0);
    // The workers really raced: more than one of them took jobs.
    expect(new Set(outcomes.map(([worker]) => worker)).size).toBeGreaterThan(1);

    // Per reminder, exactly one of its three jobs carried it out; the others found it busy or done.
    // The before-3d reminder speaks; the before-7d one, due with it, is superseded (cancelled).
    const done = ['sent', 'unreachable', 'cancelled'];
    const carriedOut = new Map<number, string[]>();
    for (const [, id, outcome] of outcomes) if (done.includes(outcome)) carriedOut.set(id, [...(carriedOut.get(id) ?? []), outcome]);
    const expected = new Map(
      due.map((row) => [row.id, [row.kind === 'before-7d' ? 'cancelled' : row.channel === 'email' && !REGISTERED_UNITS.includes(row.departmentCode as never) ? 'unreachable' : 'sent']]),
    );
    expect(carriedOut).toEqual(expected);
    expect(outcomes.filter(([, , outcome]) => !done.includes(outcome)).every(([, , outcome]) => outcome === 'stale' || outcome === 'busy')).toBe(true);

    const before7d = due.filter((row) => row.kind === 'before-7d');
    const delivered = await expectEveryDueReminderExactlyOnce({
      db: ctx.app.db,
      now: clock.now(),
      messages: ctx.sink.messages,
      hooks: ctx.receiver.requests,
      expectedEmails: REGISTERED_UNITS.length,
      superseded: before7d.length,
    });
    expect(new Set(delivered.map((row) => row.kind))).toEqual(new Set(['before-3d']));
    expect(ctx.sink.messages.every((mail) => mail.subject.includes('还有3天'))).toBe(true);
  }, 60_000);
});
