import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { selectRows, type Queryable } from '../../db/client.js';
import { insertFrom, pendingRow, type PendingRow } from '../../db/pending-rows.js';
import { reportingPeriods, reports, reportVersions } from '../../db/schema/index.js';

export type ReportRow = typeof reports.$inferSelect;
export type ReportVersionRow = typeof reportVersions.$inferSelect;

export interface ReportKey {
  planId: number;
  periodId: string;
  departmentCode: string;
}

const byKey = (key: ReportKey) =>
  and(eq(reports.planId, key.planId), eq(reports.periodId, key.periodId), eq(reports.departmentCode, key.departmentCode));

export async function findReport(db: Queryable, key: ReportKey): Promise<ReportRow | undefined> {
  const [row] = await db.select().from(reports).where(byKey(key));
  return row;
}

/** The row of a report not started (version 0, which reads as not_started): what lockReport creates, what a step starts from when there is no row. */
export const emptyReport = (key: ReportKey, at: Date): ReportRow => ({
  id: 0,
  ...key,
  status: 'draft',
  version: 0,
  entries: [],
  narrative: null,
  firstSubmittedAt: null,
  submittedAt: null,
  late: null,
  reviewedAt: null,
  returnReason: null,
  enteredByOffice: false,
  updatedAt: at,
});

/**
 * Locks the report row for the rest of the transaction, creating an empty one (version 0) first
 * if needed: in one statement, since ON CONFLICT DO UPDATE locks the row it finds.
 */
export async function lockReport(db: Queryable, key: ReportKey, at: Date): Promise<ReportRow> {
  const { id: _id, ...empty } = emptyReport(key, at);
  const [row] = await db
    .insert(reports)
    .values(empty)
    .onConflictDoUpdate({ target: [reports.planId, reports.periodId, reports.departmentCode], set: { version: sql`${reports.version}` } })
    .returning();
  return row!;
}

/** The period and the unit's report of it (undefined: not started), in one statement; no period: both undefined. */
export async function findPeriodAndReport(db: Queryable, key: ReportKey) {
  const [row] = await db
    .select({ period: reportingPeriods, report: reports })
    .from(reportingPeriods)
    .leftJoin(reports, and(eq(reports.planId, reportingPeriods.planId), eq(reports.periodId, reportingPeriods.id), eq(reports.departmentCode, key.departmentCode)))
    .where(and(eq(reportingPeriods.planId, key.planId), eq(reportingPeriods.id, key.periodId)));
  return { period: row?.period, report: row?.report ?? undefined };
}

/** A version row as the step writes it: its report, status, entries and narrative are the written row's. */
export type NewReportVersion = Omit<typeof reportVersions.$inferInsert, 'reportId' | 'status' | 'entries' | 'narrative'>;

const written = { id: reports.id, status: reports.status, entries: reports.entries, narrative: reports.narrative };

/**
 * Writes a workflow step in one statement (a data-modifying CTE, atomic on its own): the report
 * row, its version row and the `rows` that go with it (audit, remembered answer). An existing
 * report is updated only if it is still as read (same version and late mark: the columns other
 * writers change), a new one inserted only if no other write created it, so no lock is held
 * across round trips. A report changed meanwhile writes nothing and returns undefined: the
 * caller reads it again.
 */
export async function writeStep(
  db: Queryable,
  report: { read: Pick<ReportRow, 'id' | 'version' | 'late'>; changes: Partial<ReportRow> } | { insert: typeof reports.$inferInsert },
  version: NewReportVersion,
  rows: PendingRow[],
): Promise<number | undefined> {
  const row =
    'read' in report
      ? db
          .update(reports)
          .set(report.changes)
          .where(and(eq(reports.id, report.read.id), eq(reports.version, report.read.version), sql`${reports.late} is not distinct from ${report.read.late}`))
          .returning(written)
      : db.insert(reports).values(report.insert).onConflictDoNothing().returning(written);
  const source = sql`${sql.identifier('written')}`;
  // The version row copies what the report row holds from it (RETURNING): the entries cross the wire once.
  const copied = { reportId: sql`${source}.id`, status: sql`${source}.status`, entries: sql`${source}.entries`, narrative: sql`${source}.narrative` };
  const inserts = [pendingRow(reportVersions, { ...version, ...copied }), ...rows];
  const [result] = await selectRows<{ id: number }>(
    db,
    sql`with ${source} as (${row.getSQL()}), ${sql.join(
      inserts.map((insert, index) => sql`${sql.identifier(`insert_${index}`)} as (${insertFrom(insert, source)})`),
      sql`, `,
    )} select id from ${source}`,
  );
  return result?.id;
}

export function listVersions(db: Queryable, reportId: number) {
  return db.select().from(reportVersions).where(eq(reportVersions.reportId, reportId)).orderBy(asc(reportVersions.version));
}

export function listReportsOfPeriod(db: Queryable, planId: number, periodId: string) {
  return db
    .select()
    .from(reports)
    .where(and(eq(reports.planId, planId), eq(reports.periodId, periodId)));
}

export function listReportsOfPeriods(db: Queryable, planId: number, periodIds: readonly string[]) {
  return db
    .select()
    .from(reports)
    .where(and(eq(reports.planId, planId), inArray(reports.periodId, [...periodIds])));
}

/** Each unit's entries of its accepted report of the period. */
export function listAcceptedEntries(db: Queryable, planId: number, periodId: string) {
  return db
    .select({ departmentCode: reports.departmentCode, entries: reports.entries })
    .from(reports)
    .where(and(eq(reports.planId, planId), eq(reports.periodId, periodId), eq(reports.status, 'accepted')));
}

/** Changes whenever a report of the periods is written: the key of cached consolidations. */
export async function periodReportsVersion(db: Queryable, planId: number, periodIds: readonly string[]): Promise<string> {
  const [row] = await db
    .select({ count: sql<number>`count(*)`, versions: sql<number>`coalesce(sum(${reports.version}), 0)`, latest: sql<string>`max(${reports.updatedAt})::text` })
    .from(reports)
    .where(and(eq(reports.planId, planId), inArray(reports.periodId, [...periodIds])));
  return `${row!.count}.${row!.versions}.${row!.latest ?? ''}`;
}

/** (period, unit) of the reports in scope that have been submitted at least once. */
export function listSubmitted(db: Queryable, planId: number, scope: { periodId?: string | undefined; departmentCode?: string | undefined }) {
  return db
    .select({ periodId: reports.periodId, departmentCode: reports.departmentCode })
    .from(reports)
    .where(
      and(
        eq(reports.planId, planId),
        isNotNull(reports.firstSubmittedAt),
        scope.periodId ? eq(reports.periodId, scope.periodId) : undefined,
        scope.departmentCode ? eq(reports.departmentCode, scope.departmentCode) : undefined,
      ),
    );
}

export function listReportsOfPlan(db: Queryable, planId: number) {
  return db.select().from(reports).where(eq(reports.planId, planId));
}
