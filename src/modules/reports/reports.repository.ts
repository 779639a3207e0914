import { and, asc, eq, getTableColumns, inArray, isNotNull, sql } from 'drizzle-orm';
import { runStatement, type Queryable } from '../../db/client.js';
import { pendingRow, quoted, StatementParams, type PendingWrite } from '../../db/pending-rows.js';
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

/** The step's read, prepared once per database handle (drizzle's prepared query: built once, run by name). */
const stepReads = new WeakMap<Queryable, ReturnType<typeof prepareStepRead>>();
const prepareStepRead = (db: Queryable) =>
  db
    .select({ period: reportingPeriods, report: reports })
    .from(reportingPeriods)
    .leftJoin(
      reports,
      and(eq(reports.planId, reportingPeriods.planId), eq(reports.periodId, reportingPeriods.id), eq(reports.departmentCode, sql.placeholder('departmentCode'))),
    )
    .where(and(eq(reportingPeriods.planId, sql.placeholder('planId')), eq(reportingPeriods.id, sql.placeholder('periodId'))))
    .prepare('report_step_read');

/** The period and the unit's report of it (undefined: not started), in one statement; no period: both undefined. */
export async function findPeriodAndReport(db: Queryable, key: ReportKey) {
  let read = stepReads.get(db);
  if (!read) stepReads.set(db, (read = prepareStepRead(db)));
  const [row] = await read.execute({ ...key });
  return { period: row?.period, report: row?.report ?? undefined };
}

/** A version row as the step writes it: its report, status, entries and narrative are the written row's. */
export type NewReportVersion = Omit<typeof reportVersions.$inferInsert, 'reportId' | 'status' | 'entries' | 'narrative'>;

/** The version row of a step: what it copies from the written report row (RETURNING) crosses the wire once. */
export const versionRow = (version: NewReportVersion): PendingWrite =>
  pendingRow(reportVersions, version, { fromSource: { reportId: 'id', status: 'status', entries: 'entries', narrative: 'narrative' } });

const KEY_COLUMNS = new Set<string>(['planId', 'periodId', 'departmentCode']);
const written = Object.entries(getTableColumns(reports)).filter(([property]) => property !== 'id');
const writtenNames = written.map(([, column]) => quoted(column.name));
const updatedOnConflict = written
  .filter(([property]) => !KEY_COLUMNS.has(property))
  .map(([, column]) => `${quoted(column.name)} = excluded.${quoted(column.name)}`)
  .join(', ');

/**
 * Writes a workflow step in one statement (a data-modifying CTE, atomic on its own): the report
 * row as it is after the step, and the `writes` that go with it (version, audit, remembered
 * answer, …). The row is written only if it is still as read (`read`: same version and late mark,
 * the columns other writers change; version 0 for a report not started, whether or not its empty
 * row exists), so no lock is held across round trips. A report changed meanwhile writes nothing
 * and returns undefined: the caller reads it again. The statement is text with parameters, run by
 * name (src/db/client.ts runStatement): the same few shapes on every request.
 */
export async function writeStep(db: Queryable, row: ReportRow, read: Pick<ReportRow, 'version' | 'late'>, writes: PendingWrite[]): Promise<number | undefined> {
  const params = new StatementParams();
  const values = written.map(([property, column]) => params.column(column, row[property as keyof ReportRow]));
  const report = `insert into reports as stored (${writtenNames.join(', ')}) values (${values.join(', ')})
    on conflict (plan_id, period_id, department_code) do update set ${updatedOnConflict}
    where stored.version = ${params.add(read.version, 'integer')} and stored.late is not distinct from ${params.add(read.late, 'boolean')}
    returning id, status, entries, narrative`;
  const also = writes.map((write, index) => `, write_${index} as (${write(params, 'written')})`).join('');
  const [result] = await runStatement<{ id: number }>(db, `with written as (${report})${also} select id from written`, params.values);
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

/**
 * Each period's reports version: how many reports, the sum of their versions and the latest
 * update, which changes whenever one of its reports is written. The key of cached consolidations
 * and of each earlier period's figures.
 */
export async function periodVersions(db: Queryable, planId: number, periodIds: readonly string[]): Promise<Map<string, string>> {
  const versions = new Map(periodIds.map((id) => [id, '0.0.']));
  if (periodIds.length === 0) return versions;
  const rows = await db
    .select({
      periodId: reports.periodId,
      count: sql<number>`count(*)::int`,
      versions: sql<number>`coalesce(sum(${reports.version}), 0)::int`,
      latest: sql<string | null>`max(${reports.updatedAt})::text`,
    })
    .from(reports)
    .where(and(eq(reports.planId, planId), inArray(reports.periodId, [...periodIds])))
    .groupBy(reports.periodId);
  for (const row of rows) versions.set(row.periodId, `${row.count}.${row.versions}.${row.latest ?? ''}`);
  return versions;
}

/** The periods' reports versions as one key: it changes whenever a report of any of them is written. */
export const periodReportsVersion = async (db: Queryable, planId: number, periodIds: readonly string[]): Promise<string> =>
  [...(await periodVersions(db, planId, periodIds)).values()].join(',');

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
