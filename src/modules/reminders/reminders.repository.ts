import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
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

/** Cancels the planned reminders of one unit for one period (it has submitted). */
export async function cancelPlannedOf(db: Queryable, scope: Required<ReminderScope>, at: Date): Promise<void> {
  await db
    .update(reminders)
    .set({ status: 'cancelled', cancelledAt: at, updatedAt: at })
    .where(and(eq(reminders.status, 'planned'), inScope(scope)));
}

/** Locks a reminder for delivery; a row another worker holds is skipped, not waited for. */
export async function lockForDelivery(db: Queryable, id: number): Promise<ReminderRow | undefined> {
  const [row] = await db.select().from(reminders).where(eq(reminders.id, id)).for('update', { skipLocked: true });
  return row;
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
  limit: number;
  offset: number;
}

export function listReminders(db: Queryable, filter: ReminderFilter) {
  return db
    .select()
    .from(reminders)
    .where(
      and(
        filter.planId ? eq(reminders.planId, filter.planId) : undefined,
        filter.periodId ? eq(reminders.periodId, filter.periodId) : undefined,
        filter.departmentCode ? eq(reminders.departmentCode, filter.departmentCode) : undefined,
        filter.status ? eq(reminders.status, filter.status) : undefined,
      ),
    )
    .orderBy(asc(reminders.sendAt), asc(reminders.id))
    .limit(filter.limit)
    .offset(filter.offset);
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
