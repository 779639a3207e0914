import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { reportingPeriods, reports } from '../../db/schema/index.js';
import type { PeriodDefinition } from './deadlines.js';

export type PeriodRow = typeof reportingPeriods.$inferSelect;

/** Writes the derived periods; a deadline the office moved is kept. */
export async function upsertPeriods(db: Queryable, planId: number, periods: PeriodDefinition[]): Promise<void> {
  await db
    .insert(reportingPeriods)
    .values(periods.map((period, index) => ({ planId, ordinal: index + 1, ...period, dueAt: period.defaultDueAt })))
    .onConflictDoUpdate({
      target: [reportingPeriods.planId, reportingPeriods.id],
      set: {
        ordinal: sql`excluded.ordinal`,
        kind: sql`excluded.kind`,
        startsOn: sql`excluded.starts_on`,
        endsOn: sql`excluded.ends_on`,
        defaultDueAt: sql`excluded.default_due_at`,
        dueAt: sql`case when ${reportingPeriods.dueAt} = ${reportingPeriods.defaultDueAt} then excluded.default_due_at else ${reportingPeriods.dueAt} end`,
      },
    });
}

export function listPeriods(db: Queryable, planId: number) {
  return db.select().from(reportingPeriods).where(eq(reportingPeriods.planId, planId)).orderBy(asc(reportingPeriods.ordinal));
}

/** Quarters and the 总结报告: the periods whose reports say how the work progressed (not a year's targets). */
export const isProgressPeriod = (period: Pick<PeriodRow, 'kind'>) => period.kind !== 'targets';

/** The progress periods of a plan in timeline order: what roll-ups, flags, charts and the assessment read. */
export async function listProgressPeriods(db: Queryable, planId: number) {
  return (await listPeriods(db, planId)).filter(isProgressPeriod);
}

export async function findPeriod(db: Queryable, planId: number, id: string): Promise<PeriodRow | undefined> {
  const [row] = await db
    .select()
    .from(reportingPeriods)
    .where(and(eq(reportingPeriods.planId, planId), eq(reportingPeriods.id, id)));
  return row;
}

export async function setDueAt(db: Queryable, planId: number, id: string, dueAt: Date): Promise<PeriodRow> {
  const [row] = await db
    .update(reportingPeriods)
    .set({ dueAt })
    .where(and(eq(reportingPeriods.planId, planId), eq(reportingPeriods.id, id)))
    .returning();
  return row!;
}

/**
 * Marks the period's submitted reports late or on time against `dueAt` (first submission after
 * it is late); only rows whose mark changes are written. Returns how many changed.
 */
export async function markLateness(db: Queryable, planId: number, periodId: string, dueAt: Date): Promise<number> {
  const late = sql<boolean>`${reports.firstSubmittedAt} > ${dueAt.toISOString()}::timestamptz`;
  const changed = await db
    .update(reports)
    .set({ late })
    .where(and(eq(reports.planId, planId), eq(reports.periodId, periodId), isNotNull(reports.firstSubmittedAt), sql`${reports.late} is distinct from ${late}`))
    .returning({ id: reports.id });
  return changed.length;
}
