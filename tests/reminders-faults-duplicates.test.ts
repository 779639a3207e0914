import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src/modules/reminders/mailer.js';
import { DELIVER_JOB, deliverJobId, deliverJobOptions, deliverReminder, type DeliveryDeps, type DeliverPayload } from '../src/modules/reminders/reminders.jobs.js';
import { testClock } from './helpers/clock.js';
import {
  AFTER_BEFORE_7D,
  PLAN_START,
  REGISTERED_UNITS,
  dueReminders,
  expectEveryDueReminderExactlyOnce,
  officerEmail,
  registerLiaisons,
  untilSettled,
  type DueReminder,
} from './helpers/exactly-once.js';
import { startHoldingSmtpSink, type HoldingSmtpSink } from './helpers/holding-smtp-sink.js';
import { OFFICE_EMAIL, PUBLIC_BASE_URL, until, useReminderApp } from './helpers/reminder-harness.js';

// Fault: a job delivered twice. BullMQ delivers at least once, the reconcile re-adds jobs and the
// office may retry; a reminder must still reach its unit once.

const clock = testClock(PLAN_START);
const ctx = useReminderApp(clock);
let holding: HoldingSmtpSink;
let direct: DeliveryDeps;
/** [reminderId, outcome] of every deliver job the worker finished. */
const outcomes: Array<[number, string]> = [];

const payloadOf = (row: Pick<DueReminder, 'id' | 'sendAt'>): DeliverPayload => ({ reminderId: row.id, sendAt: row.sendAt.toISOString() });
const allMessages = () => [...holding.messages, ...ctx.sink.messages];

beforeAll(async () => {
  holding = await startHoldingSmtpSink();
  direct = { db: ctx.app.db, clock, mailer: createMailer(holding.url, '市安委会办公室 <noreply@example.gov.cn>'), officeEmail: OFFICE_EMAIL, publicBaseUrl: PUBLIC_BASE_URL };
  await registerLiaisons(ctx.app);
  await ctx.app.reminders.reconcile();
  // Due now, but the jobs stay delayed (no reconcile has released them) and no worker runs yet.
  clock.set(AFTER_BEFORE_7D);
});

afterAll(async () => {
  direct?.mailer.close();
  await holding?.close();
});

describe('a reminder delivered twice is sent once', () => {
  it('two concurrent deliveries of one reminder: one claims it for its SMTP transaction, the other finds it busy; a third finds it sent', async () => {
    const row = (await dueReminders(ctx.app.db, clock.now())).find((candidate) => candidate.departmentCode === 'work-safety' && candidate.channel === 'email')!;
    expect(row).toMatchObject({ kind: 'before-7d', status: 'planned' });

    holding.hold();
    const deliveries = [deliverReminder(direct, payloadOf(row)), deliverReminder(direct, payloadOf(row))];
    // One of them is inside mailer.send, the reminder claimed (`sending`)...
    await holding.waitForHeld(1);
    // ...so the other one, running at the same time, does nothing.
    expect(await Promise.race(deliveries)).toBe('busy');
    holding.release();
    expect((await Promise.all(deliveries)).sort()).toEqual(['busy', 'sent']);
    // Delivered again once the first settled: it is no longer planned.
    expect(await deliverReminder(direct, payloadOf(row))).toBe('stale');

    expect(holding.messages.map((mail) => mail.to[0])).toEqual([officerEmail('work-safety')]);
    expect((await dueReminders(ctx.app.db, clock.now())).find((candidate) => candidate.id === row.id)).toMatchObject({ status: 'sent' });
  });

  it('every due reminder queued three times (its own job and two duplicates with other job ids): one e-mail each', async () => {
    const worker = ctx.startWorker();
    worker.on('completed', (job: Job, result: string) => outcomes.push([(job.data as DeliverPayload).reminderId, result]));
    await worker.waitUntilReady();

    const due = await dueReminders(ctx.app.db, clock.now());
    const alreadySent = due.filter((row) => row.status === 'sent');
    expect(alreadySent).toHaveLength(1);
    // The reconcile releases the due jobs (and drops the job of the reminder sent above), and
    // the duplicates race them.
    await ctx.app.reminders.reconcile();
    await ctx.queue.addBulk(
      due.flatMap((row) =>
        ['a', 'b'].map((copy) => ({ name: DELIVER_JOB, data: payloadOf(row), opts: { ...deliverJobOptions, jobId: `dup-${copy}-${row.id}` } })),
      ),
    );
    const jobs = 3 * due.length - alreadySent.length;
    await until(() => outcomes.length >= jobs, 30_000, `${jobs} deliver jobs`);
    await untilSettled(ctx.app.db, ctx.queue, clock.now());
    expect(outcomes).toHaveLength(jobs);
    expect(await ctx.queue.getFailedCount()).toBe(0);

    // Per reminder, exactly one job (or, for the first one, the direct call) did the delivery.
    const delivering = new Map<number, string[]>();
    for (const [id, outcome] of outcomes) if (outcome === 'sent' || outcome === 'unreachable') delivering.set(id, [...(delivering.get(id) ?? []), outcome]);
    const expected = new Map(due.filter((row) => row.status !== 'sent').map((row) => [row.id, [REGISTERED_UNITS.includes(row.departmentCode as never) ? 'sent' : 'unreachable']]));
    expect(delivering).toEqual(expected);
    expect(outcomes.every(([, outcome]) => ['sent', 'unreachable', 'stale', 'busy'].includes(outcome))).toBe(true);

    await expectEveryDueReminderExactlyOnce({ db: ctx.app.db, now: clock.now(), messages: allMessages(), expectedEmails: REGISTERED_UNITS.length });
  }, 60_000);

  it('a job delivered again under its own id after it completed (as a re-add or a lost acknowledgement would) finds the reminder sent', async () => {
    const due = await dueReminders(ctx.app.db, clock.now());
    const before = outcomes.length;
    const mailsBefore = allMessages().length;
    // Completed jobs are removed, so the original ids are free to be added again.
    await ctx.queue.addBulk(due.map((row) => ({ name: DELIVER_JOB, data: payloadOf(row), opts: { ...deliverJobOptions, jobId: deliverJobId(row) } })));
    await until(() => outcomes.length >= before + due.length, 30_000, 'the re-added jobs');
    await untilSettled(ctx.app.db, ctx.queue, clock.now());
    expect(outcomes.slice(before).map(([, outcome]) => outcome)).toEqual(due.map(() => 'stale'));
    expect(allMessages()).toHaveLength(mailsBefore);
    await expectEveryDueReminderExactlyOnce({ db: ctx.app.db, now: clock.now(), messages: allMessages(), expectedEmails: REGISTERED_UNITS.length });
  }, 60_000);
});
