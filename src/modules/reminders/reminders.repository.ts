import { and, asc, desc, eq, gt, inArray, lt, lte, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { quoted, type PendingWrite } from '../../db/pending-rows.js';
import { departmentWebhooks, notifications, reminderPolicies, reminders } from '../../db/schema/index.js';

export type ReminderRow = typeof reminders.$inferSelect;
export type NewReminder = Pick<ReminderRow, 'planId' | 'periodId' | 'departmentCode' | 'kind' | 'channel' | 'sendAt'>;
export type PolicyRow = typeof reminderPolicies.$inferSelect;

export async function findPolicy(db: Queryable, planId: number): Promise<PolicyRow | undefined> {
  const [row] = await db.select().from(reminderPolicies).where(eq(reminderPolicies.planId, planId));
  return row;
}

export async function upsertPolicy(db: Queryable, row: PolicyRow): Promise<void> {
  const { planId: _planId, ...changes } = row;
  await db.insert(reminderPolicies).values(row).onConflictDoUpdate({ target: reminderPolicies.planId, set: changes });
}

/** A copied plan starts with its source's reminder policy; without one, both use the default. */
export async function copyPolicy(db: Queryable, fromPlanId: number, toPlanId: number, at: Date): Promise<void> {
  const source = await findPolicy(db, fromPlanId);
  if (source) await db.insert(reminderPolicies).values({ ...source, planId: toPlanId, updatedAt: at });
}

export interface ReminderScope {
  planId: number;
  periodId?: string | undefined;
  departmentCode?: string | undefined;
}

const inScope = (scope: ReminderScope): SQL | undefined =>
  and(
    eq(reminders.planId, scope.planId),
    scope.periodId ? eq(reminders.periodId, scope.periodId) : undefined,
    scope.departmentCode ? eq(reminders.departmentCode, scope.departmentCode) : undefined,
  );

export type PlannedReminder = Pick<ReminderRow, 'id' | 'periodId' | 'departmentCode' | 'kind' | 'channel' | 'sendAt'>;

/** Planned reminders, with just what planning and queueing need (there may be tens of thousands). */
export function listPlanned(db: Queryable, scope?: ReminderScope): Promise<PlannedReminder[]> {
  return db
    .select({ id: reminders.id, periodId: reminders.periodId, departmentCode: reminders.departmentCode, kind: reminders.kind, channel: reminders.channel, sendAt: reminders.sendAt })
    .from(reminders)
    .where(and(eq(reminders.status, 'planned'), scope ? inScope(scope) : undefined));
}

/**
 * Inserts the wanted reminders, moving the send time of those still planned; a reminder already
 * sent, failed or cancelled keeps its state, and an unchanged one is not rewritten. One statement
 * per chunk, the rows passed as one JSON parameter: tens of thousands of rows plan in seconds.
 */
export async function upsertPlanned(db: Queryable, rows: NewReminder[], at: Date): Promise<void> {
  for (let start = 0; start < rows.length; start += 20_000) {
    const chunk = JSON.stringify(rows.slice(start, start + 20_000));
    await db.execute(sql`
      insert into reminders (plan_id, period_id, department_code, kind, channel, send_at, status, attempts, updated_at)
      select "planId", "periodId", "departmentCode", kind, channel, "sendAt", 'planned', 0, ${at.toISOString()}::timestamptz
      from jsonb_to_recordset(${chunk}::jsonb)
        as wanted("planId" int, "periodId" text, "departmentCode" text, kind text, channel reminder_channel, "sendAt" timestamptz)
      on conflict (plan_id, period_id, department_code, kind, channel) do update
        set send_at = excluded.send_at, updated_at = excluded.updated_at
        where reminders.status = 'planned' and reminders.send_at is distinct from excluded.send_at`);
  }
}

export async function cancel(db: Queryable, ids: number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.update(reminders).set({ status: 'cancelled', cancelledAt: at, updatedAt: at }).where(and(inArray(reminders.id, ids), eq(reminders.status, 'planned')));
}

/**
 * Cancels the planned reminders of one unit for one period when it submits: in the submission's
 * own statement (src/db/pending-rows.ts), so a submitted report never has a reminder left planned
 * and the submission costs no round trip for it. `source` is the written report (none: nothing).
 */
export const cancelPlannedWith =
  (scope: Required<ReminderScope>, at: Date): PendingWrite =>
  (params, source) => {
    const column = (property: keyof typeof reminders.$inferSelect) => quoted(reminders[property].name);
    const instant = params.column(reminders.cancelledAt, at);
    return `update reminders set ${column('status')} = 'cancelled', ${column('cancelledAt')} = ${instant}, ${column('updatedAt')} = ${instant}
      where ${column('status')} = 'planned' and ${column('planId')} = ${params.column(reminders.planId, scope.planId)}
      and ${column('periodId')} = ${params.column(reminders.periodId, scope.periodId)} and ${column('departmentCode')} = ${params.column(reminders.departmentCode, scope.departmentCode)}
      and exists (select from ${source})`;
  };

/**
 * Claims a due reminder for delivery in one statement: `planned`, or `sending` under a lease that
 * has run out (its worker died), becomes `sending` until `leaseUntil`, with one more attempt.
 * Nothing stays locked after it: the send happens outside any transaction, so re-plans and the
 * reconcile never wait on an SMTP server. Two claims at once: one wins, the other gets nothing.
 */
/**
 * `send_at` at the precision of a JavaScript Date: Postgres keeps microseconds (a time set in SQL,
 * `now()`, has them), a job's payload and a row read into JS only milliseconds, so comparisons
 * between the two are made at milliseconds.
 */
const sendAtMs = sql<Date>`date_trunc('milliseconds', ${reminders.sendAt})`;

export async function claimForDelivery(db: Queryable, id: number, sendAt: Date, at: Date, leaseUntil: Date): Promise<ReminderRow | undefined> {
  const [row] = await db
    .update(reminders)
    .set({ status: 'sending', leaseUntil, attempts: sql`${reminders.attempts} + 1`, updatedAt: at })
    .where(
      and(
        eq(reminders.id, id),
        eq(sendAtMs, sendAt),
        or(eq(reminders.status, 'planned'), and(eq(reminders.status, 'sending'), lt(reminders.leaseUntil, at))),
      ),
    )
    .returning();
  return row;
}

/**
 * The newest reminder of the same plan, period, unit and channel that came due after this one
 * (by `at`) and was not cancelled: it says the same, counted from the same moment, so it alone
 * speaks. Two due together after an outage would otherwise read exactly alike.
 */
export async function findSuperseding(db: Queryable, row: Pick<ReminderRow, 'planId' | 'periodId' | 'departmentCode' | 'channel' | 'sendAt'>, at: Date): Promise<Pick<ReminderRow, 'id' | 'kind'> | undefined> {
  const [newer] = await db
    .select({ id: reminders.id, kind: reminders.kind })
    .from(reminders)
    .where(
      and(
        inScope({ planId: row.planId, periodId: row.periodId, departmentCode: row.departmentCode }),
        eq(reminders.channel, row.channel),
        gt(sendAtMs, row.sendAt),
        lte(reminders.sendAt, at),
        ne(reminders.status, 'cancelled'),
      ),
    )
    .orderBy(desc(reminders.sendAt))
    .limit(1);
  return newer;
}

/**
 * Records the outcome of a claim, if it still holds: nobody claimed the reminder since (the
 * attempt count is the claim's) and it is still `sending`, or `planned` because the reconcile
 * released the lease and no one took it yet. Returns whether it did.
 */
export async function settleClaim(db: Queryable, claim: Pick<ReminderRow, 'id' | 'attempts'>, changes: Partial<ReminderRow>): Promise<boolean> {
  const rows = await db
    .update(reminders)
    .set({ ...changes, leaseUntil: null })
    .where(and(eq(reminders.id, claim.id), eq(reminders.attempts, claim.attempts), inArray(reminders.status, ['sending', 'planned'])))
    .returning({ id: reminders.id });
  return rows.length > 0;
}

/** Reminders whose worker died mid-send (lease run out) are planned again, to be re-planned and re-sent. */
export async function releaseExpiredLeases(db: Queryable, at: Date): Promise<number> {
  const rows = await db
    .update(reminders)
    .set({ status: 'planned', leaseUntil: null, updatedAt: at })
    .where(and(eq(reminders.status, 'sending'), lt(reminders.leaseUntil, at)))
    .returning({ id: reminders.id });
  return rows.length;
}

export async function update(db: Queryable, id: number, changes: Partial<ReminderRow>): Promise<ReminderRow> {
  const [row] = await db.update(reminders).set(changes).where(eq(reminders.id, id)).returning();
  return row!;
}

export async function findReminder(db: Queryable, id: number): Promise<ReminderRow | undefined> {
  const [row] = await db.select().from(reminders).where(eq(reminders.id, id));
  return row;
}

export interface ReminderFilter {
  planId?: number | undefined;
  periodId?: string | undefined;
  departmentCode?: string | undefined;
  status?: ReminderRow['status'] | undefined;
}

/** A page of the list, ordered by (sendAt, id): after a keyset position, or (older clients) at an offset. */
export interface ReminderPage {
  limit: number;
  after?: { sendAt: Date; id: number } | undefined;
  offset?: number | undefined;
}

const matching = (filter: ReminderFilter): SQL | undefined =>
  and(
    filter.planId ? eq(reminders.planId, filter.planId) : undefined,
    filter.periodId ? eq(reminders.periodId, filter.periodId) : undefined,
    filter.departmentCode ? eq(reminders.departmentCode, filter.departmentCode) : undefined,
    filter.status ? eq(reminders.status, filter.status) : undefined,
  );

export function listReminders(db: Queryable, filter: ReminderFilter, page: ReminderPage) {
  const after = page.after && sql`(${reminders.sendAt}, ${reminders.id}) > (${page.after.sendAt.toISOString()}::timestamptz, ${page.after.id})`;
  return db
    .select()
    .from(reminders)
    .where(and(matching(filter), after))
    .orderBy(asc(reminders.sendAt), asc(reminders.id))
    .limit(page.limit)
    .offset(page.offset ?? 0);
}

export async function countReminders(db: Queryable, filter: ReminderFilter): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(reminders).where(matching(filter));
  return row!.n;
}

/** Units with planned e-mail reminders in the filter's scope. */
export async function departmentsWithPlannedEmail(db: Queryable, filter: Omit<ReminderFilter, 'status'>): Promise<string[]> {
  const rows = await db
    .selectDistinct({ departmentCode: reminders.departmentCode })
    .from(reminders)
    .where(and(matching({ ...filter, status: 'planned' }), eq(reminders.channel, 'email')));
  return rows.map((row) => row.departmentCode);
}

export async function insertNotification(db: Queryable, row: typeof notifications.$inferInsert): Promise<void> {
  await db.insert(notifications).values(row).onConflictDoNothing();
}

export function listNotifications(db: Queryable, departmentCode: string, limit: number) {
  return db.select().from(notifications).where(eq(notifications.departmentCode, departmentCode)).orderBy(desc(notifications.id)).limit(limit);
}

export async function findWebhook(db: Queryable, departmentCode: string) {
  const [row] = await db.select().from(departmentWebhooks).where(eq(departmentWebhooks.departmentCode, departmentCode));
  return row;
}

export function listWebhookDepartments(db: Queryable) {
  return db.select({ departmentCode: departmentWebhooks.departmentCode }).from(departmentWebhooks);
}

export async function upsertWebhook(db: Queryable, row: typeof departmentWebhooks.$inferSelect): Promise<void> {
  await db
    .insert(departmentWebhooks)
    .values(row)
    .onConflictDoUpdate({ target: departmentWebhooks.departmentCode, set: { url: row.url, secret: row.secret, updatedAt: row.updatedAt } });
}

export async function deleteWebhook(db: Queryable, departmentCode: string): Promise<void> {
  await db.delete(departmentWebhooks).where(eq(departmentWebhooks.departmentCode, departmentCode));
}
