import type { Queue } from 'bullmq';
import { inArray } from 'drizzle-orm';
import { buildApp } from '../src/app.js';
import { openDatabase } from '../src/db/client.js';
import { reminders } from '../src/db/schema/index.js';
import { createReminderQueue } from '../src/reminder-runtime.js';
import type { SmtpSink } from '../tests/helpers/smtp-sink.js';
import { COPY_PLAN, databaseUrl, PLAN, queuePrefix, redisUrl, sizes, smoke } from './config.js';
import { withClient } from './dataset.js';
import { send } from './load.js';

export interface ReminderFindings {
  copy: { seconds: number; planned: number; queued: number; policy: string };
  replan: { seconds: number; planned: number; queued: number; units: number; periods: number; offsets: number[] };
  delivery: { requested: number; received: number; seconds: number; perSecond: number; duplicates: number; sentRows: number; timedOut: boolean };
}

/** Delayed jobs but the job schedulers' next runs (the server's periodic reconcile). */
const delayedDeliveries = async (queue: Queue) => (await queue.getDelayedCount()) - (await queue.getJobSchedulersCount());

const countPlanned = () =>
  withClient(async (client) => {
    const result = await client.query(
      `select count(*) as n, count(distinct r.department_code) as units from reminders r join plans p on p.id = r.plan_id where p.code = $1 and r.status = 'planned'`,
      [COPY_PLAN],
    );
    return { rows: Number(result.rows[0].n), units: Number(result.rows[0].units) };
  });

/**
 * Reminders on a copy of the plan whose deadlines are ahead (2030-):
 * 1. POST /v1/plans to the server child (office token), timed: copy + plan + enqueue with the
 *    default policy (3 offsets and 4 escalations per unit and period);
 * 2. the 66,000 figure: the copy's reminders deleted, its queue drained, its policy set to the
 *    3 offsets without escalations, then app.reminders.replan({ plan }) in this process (buildApp
 *    + createReminderQueue on the server's queue prefix), timed; planned rows and delayed jobs counted;
 * 3. delivery: `sizes.deliveries` of those rows made due now (send_at = now(), their jobs
 *    enqueued afresh through app.reminders.enqueue; a reconcile would move send_at back to the
 *    policy's time) and carried out by the server child's worker into the SMTP sink; messages/s
 *    until all arrived, and no (recipient, subject) received twice.
 */
export async function reminderPhase(serverUrl: string, officeToken: string, sink: SmtpSink, log: (line: string) => void): Promise<ReminderFindings> {
  const database = await openDatabase({ databaseUrl, dataDir: '', poolMax: 10 });
  const queue = createReminderQueue(redisUrl, queuePrefix);
  let owned = true; // until buildApp takes the database and the queue (it closes both on app.close())
  try {
    await queue.waitUntilReady();
    let begin = performance.now();
    const created = await send(serverUrl, 'POST', '/v1/plans', { authorization: `Bearer ${officeToken}` }, JSON.stringify({ code: COPY_PLAN, copyFrom: PLAN, startsOn: '2030-03-01' }));
    const copySeconds = (performance.now() - begin) / 1000;
    if (created.status !== 201) throw new Error(`POST /v1/plans answered ${created.status}: ${created.body.slice(0, 500)}`);
    const copy = { seconds: copySeconds, planned: (await countPlanned()).rows, queued: await delayedDeliveries(queue), policy: 'default (7/3/1 days + 4 escalations)' };
    log(`  POST /v1/plans: ${copySeconds.toFixed(1)} s, ${copy.planned} reminders planned, ${copy.queued} delayed jobs`);

    await queue.drain(true);
    const periods = await withClient(async (client) => {
      await client.query(`delete from reminders where plan_id = (select id from plans where code = $1)`, [COPY_PLAN]);
      await client.query(
        `insert into reminder_policies (plan_id, offsets_days, send_time, escalation, office_email, updated_at)
         select id, $2::jsonb, '09:00', '{"afterWorkingDays":1,"everyDays":7,"maxCount":0}'::jsonb, null, now() from plans where code = $1
         on conflict (plan_id) do update set offsets_days = excluded.offsets_days, escalation = excluded.escalation, updated_at = now()`,
        [COPY_PLAN, JSON.stringify(sizes.reminderOffsets)],
      );
      const result = await client.query(`select count(*) as n from reporting_periods rp join plans p on p.id = rp.plan_id where p.code = $1`, [COPY_PLAN]);
      return Number(result.rows[0].n);
    });

    const app = await buildApp({ logLevel: 'warn' }, { database, queue });
    owned = false;
    await app.ready();
    try {
      begin = performance.now();
      await app.reminders.replan({ plan: COPY_PLAN });
      const replanSeconds = (performance.now() - begin) / 1000;
      const planned = await countPlanned();
      const replan = { seconds: replanSeconds, planned: planned.rows, queued: await delayedDeliveries(queue), units: planned.units, periods, offsets: sizes.reminderOffsets };
      log(`  replan ${COPY_PLAN} in-process: ${replanSeconds.toFixed(1)} s, ${replan.planned} planned, ${replan.queued} delayed jobs`);
      const delivery = await deliver(app, sink, Math.min(sizes.deliveries, replan.planned));
      log(`  delivery: ${delivery.received}/${delivery.requested} in ${delivery.seconds.toFixed(1)} s, ${delivery.duplicates} duplicates`);
      return { copy, replan, delivery };
    } finally {
      await app.close();
    }
  } finally {
    if (owned) {
      await queue.close().catch(() => undefined);
      await database.close();
    }
  }
}

async function deliver(app: Awaited<ReturnType<typeof buildApp>>, sink: SmtpSink, count: number): Promise<ReminderFindings['delivery']> {
  const before = sink.messages.length;
  const ids = await withClient(async (client) => {
    const result = await client.query<{ id: number }>(
      // One reminder per unit and period: several of one unit and period due at once would be
      // superseded by the newest (README, Re-planning), and would read alike.
      `update reminders set send_at = now() where id in (
         select id from (
           select distinct on (r.department_code, r.period_id) r.id from reminders r join plans p on p.id = r.plan_id
           where p.code = $1 and r.status = 'planned' and r.channel = 'email' order by r.department_code, r.period_id, r.id) one
         order by id limit $2)
       returning id`,
      [COPY_PLAN, count],
    );
    return result.rows.map((row) => row.id);
  });
  const rows = await app.db.select().from(reminders).where(inArray(reminders.id, ids));
  const started = Date.now();
  await app.reminders.enqueue(rows);
  let timedOut = false;
  await sink.waitFor(before + ids.length, sizes.deliveryTimeoutSeconds * 1000).catch(() => {
    timedOut = true;
  });
  const received = sink.messages.slice(before);
  const last = received.reduce((latest, message) => Math.max(latest, message.receivedAt.getTime()), started);
  // A duplicate would arrive after the others: give the worker a moment to send one.
  await new Promise((resolve) => setTimeout(resolve, smoke ? 500 : 2_000));
  const all = sink.messages.slice(before);
  const seen = new Map<string, number>();
  for (const message of all) {
    const key = `${message.to.join(',')}|${message.subject}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const duplicates = [...seen.values()].reduce((sum, times) => sum + (times - 1), 0);
  const sentRows = await withClient(async (client) => Number((await client.query(`select count(*) as n from reminders where id = any($1) and status = 'sent'`, [ids])).rows[0].n));
  const seconds = (last - started) / 1000;
  return { requested: ids.length, received: received.length, seconds, perSecond: received.length / Math.max(seconds, 0.001), duplicates, sentRows, timedOut };
}
