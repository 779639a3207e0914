import type { Queue } from 'bullmq';
import { and, asc, eq, inArray, like, lte, ne, sql } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { notifications, reminders } from '../../src/db/schema/index.js';
import { until } from './reminder-harness.js';
import type { ReceivedMail } from './smtp-sink.js';
import { bearer } from './tokens.js';
import type { ReceivedHook } from './webhook-receiver.js';

/** Where the fault tests start: a week before 2017Q3 is due (2017-10-13 17:00). */
export const PLAN_START = '2017-10-01T08:00:00+08:00';
/** Just after the before-7d reminders of 2017Q3 (2017-10-06 09:00 Shanghai). */
export const AFTER_BEFORE_7D = '2017-10-06T09:00:05+08:00';
/** Just after the before-3d reminders of 2017Q3 (2017-10-10 09:00 Shanghai). */
export const AFTER_BEFORE_3D = '2017-10-10T09:00:05+08:00';

/** Units that register liaisons in the fault tests; every other reporting unit stays unreachable. */
export const REGISTERED_UNITS = ['work-safety', 'jinshan-district', 'education', 'huangpu-district', 'environmental-protection', 'public-security'] as const;

export const officerEmail = (code: string) => `${code}.officer@example.gov.cn`;

const liaisons = (code: string) => ({
  officer: { name: `${code}处长`, position: '处长', phone: '021-23111111', email: officerEmail(code) },
  staff: { name: `${code}干事`, phone: '021-23111112', email: `${code}.staff@example.gov.cn` },
});

/** Registers the liaisons of REGISTERED_UNITS through the API, each with its own unit's token. */
export async function registerLiaisons(app: App, units: readonly string[] = REGISTERED_UNITS): Promise<void> {
  for (const code of units) {
    const response = await app.inject({ method: 'PUT', url: `/v1/departments/${code}/liaisons`, headers: await bearer(app, 'department', code), payload: liaisons(code) } as InjectOptions);
    expect(response.statusCode, `liaisons of ${code}`).toBe(200);
  }
}

/** Sets a unit's webhook through the API. */
export async function registerWebhook(app: App, code: string, url: string): Promise<void> {
  const response = await app.inject({ method: 'PUT', url: `/v1/departments/${code}/webhook`, headers: await bearer(app, 'department', code), payload: { url } } as InjectOptions);
  expect(response.statusCode, `webhook of ${code}`).toBe(200);
}

export interface DueReminder {
  id: number;
  periodId: string;
  departmentCode: string;
  kind: string;
  channel: 'email' | 'webhook';
  status: string;
  sendAt: Date;
  subject: string | null;
}

/** What both views below read of a reminder. */
const reminderColumns = {
  id: reminders.id,
  periodId: reminders.periodId,
  departmentCode: reminders.departmentCode,
  kind: reminders.kind,
  channel: reminders.channel,
  status: reminders.status,
  sendAt: reminders.sendAt,
};

/** Every reminder due by `now` that was not cancelled, with the subject it was composed with. */
export function dueReminders(db: Database, now: Date): Promise<DueReminder[]> {
  return db
    .select({ ...reminderColumns, subject: notifications.subject })
    .from(reminders)
    .leftJoin(notifications, eq(notifications.reminderId, reminders.id))
    .where(and(lte(reminders.sendAt, now), ne(reminders.status, 'cancelled')))
    .orderBy(asc(reminders.id));
}

export interface SupersededReminder extends Omit<DueReminder, 'subject'> {
  lastError: string | null;
  /** Its feed entry, if one was (wrongly) written. */
  notificationId: number | null;
}

/** Reminders due by `now` that a newer due one superseded: cancelled, with why. */
export function supersededReminders(db: Database, now: Date): Promise<SupersededReminder[]> {
  return db
    .select({ ...reminderColumns, lastError: reminders.lastError, notificationId: notifications.id })
    .from(reminders)
    .leftJoin(notifications, eq(notifications.reminderId, reminders.id))
    .where(and(lte(reminders.sendAt, now), eq(reminders.status, 'cancelled'), like(reminders.lastError, 'superseded by %')))
    .orderBy(asc(reminders.id));
}

/** Due reminders not yet done: planned, or claimed by a worker (`sending`). */
export async function countPlannedDue(db: Database, now: Date): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(reminders)
    .where(and(inArray(reminders.status, ['planned', 'sending']), lte(reminders.sendAt, now)));
  return row!.n;
}

/** Jobs that are runnable or running (delayed ones are not due yet). */
export async function pendingJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('wait', 'active', 'prioritized', 'waiting-children');
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Waits until nothing due is left planned and no job is waiting or running. */
export async function untilSettled(db: Database, queue: Queue, now: Date, timeoutMs = 30_000): Promise<void> {
  await until(async () => (await countPlannedDue(db, now)) === 0 && (await pendingJobs(queue)) === 0, timeoutMs, `every reminder due by ${now.toISOString()} handled and the queue idle`);
}

const mailKey = (mail: Pick<ReceivedMail, 'to' | 'subject'>) => `${mail.to[0]} | ${mail.subject}`;

/**
 * The acceptance check of the fault tests: every reminder due by `now` is `sent` (or
 * `unreachable` for a unit without liaisons) in Postgres, and the SMTP servers accepted exactly
 * one message per (officer, subject), one per sent e-mail reminder and nothing else; webhooks
 * likewise exactly one POST per sent webhook reminder. Exactly `superseded` reminders (default
 * none) gave way to a newer one due with them: cancelled, naming the newest due reminder of
 * their unit, period and channel, with no feed entry, e-mail or POST of their own.
 */
export async function expectEveryDueReminderExactlyOnce(options: {
  db: Database;
  now: Date;
  /** Every message any SMTP server accepted during the test. */
  messages: ReceivedMail[];
  hooks?: ReceivedHook[];
  registered?: readonly string[];
  /** The e-mails that must have gone out, e.g. registered units × due kinds. */
  expectedEmails: number;
  /** How many due reminders a newer one due with them superseded. */
  superseded?: number;
}): Promise<DueReminder[]> {
  const registered = new Set(options.registered ?? REGISTERED_UNITS);
  const due = await dueReminders(options.db, options.now);
  expect(due.length).toBeGreaterThan(0);

  const superseded = await supersededReminders(options.db, options.now);
  expect(superseded, 'reminders superseded by a newer one due with them').toHaveLength(options.superseded ?? 0);
  const groupOf = (row: Pick<DueReminder, 'periodId' | 'departmentCode' | 'channel'>) => `${row.periodId} ${row.departmentCode} ${row.channel}`;
  const newest = new Map<string, DueReminder>();
  for (const row of due) {
    const seen = newest.get(groupOf(row));
    if (!seen || seen.sendAt < row.sendAt) newest.set(groupOf(row), row);
  }
  const wrongSuperseded = superseded
    .map((row) => ({ row, newest: newest.get(groupOf(row)) }))
    .filter(({ row, newest }) => row.notificationId !== null || !newest || newest.sendAt <= row.sendAt || row.lastError !== `superseded by ${newest.kind}`)
    .map(({ row }) => row);
  expect(wrongSuperseded, 'superseded reminders: no feed entry, and the newest due one named').toEqual([]);

  const wrongStatus = due
    .map((row) => ({ id: row.id, unit: row.departmentCode, kind: row.kind, channel: row.channel, status: row.status, expected: row.channel === 'email' && !registered.has(row.departmentCode) ? 'unreachable' : 'sent' }))
    .filter((row) => row.status !== row.expected);
  expect(wrongStatus, 'reminders due but not in their final state').toEqual([]);

  const counts = new Map<string, number>();
  for (const mail of options.messages) counts.set(mailKey(mail), (counts.get(mailKey(mail)) ?? 0) + 1);
  const duplicated = [...counts].filter(([, count]) => count > 1);
  expect(duplicated, 'e-mails received more than once').toEqual([]);

  const sentEmails = due.filter((row) => row.channel === 'email' && row.status === 'sent');
  expect(sentEmails.every((row) => row.subject), 'every sent reminder has its notification').toBe(true);
  const expectedKeys = sentEmails.map((row) => mailKey({ to: [officerEmail(row.departmentCode)], subject: row.subject! })).sort();
  expect([...counts.keys()].sort(), 'e-mails received = e-mail reminders sent').toEqual(expectedKeys);
  expect(options.messages).toHaveLength(options.expectedEmails);

  const sentHooks = due.filter((row) => row.channel === 'webhook' && row.status === 'sent').map((row) => row.id);
  const hookIds = (options.hooks ?? []).map((hook) => (JSON.parse(hook.body) as { id: number }).id).sort((a, b) => a - b);
  expect(hookIds, 'webhook POSTs received = webhook reminders sent, once each').toEqual(sentHooks);
  return due;
}
