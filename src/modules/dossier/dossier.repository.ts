import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { attachments, auditLog, reminders, reports } from '../../db/schema/index.js';
import type { ReportRow } from '../reports/reports.repository.js';
import { partOfVersion } from '../attachments/attachments.repository.js';
import { listSubmittedOpinions } from '../lead/lead.repository.js';

/*
 * The dossier reads a period's units a slice at a time (src/modules/dossier/dossier.service.ts):
 * each query here takes one period and the codes of one slice, so what is in memory stays small
 * whatever the number of units.
 */

export interface Slice {
  planId: number;
  periodId: string;
  codes: string[];
}

export function reportsOf(db: Queryable, slice: Slice): Promise<ReportRow[]> {
  return db
    .select()
    .from(reports)
    .where(and(eq(reports.planId, slice.planId), eq(reports.periodId, slice.periodId), inArray(reports.departmentCode, slice.codes)));
}

/** Reminders that reached each unit for the period: sent (e-mail or webhook) or recorded in its in-app feed without SMTP. */
export async function remindersSent(db: Queryable, slice: Slice): Promise<Map<string, number>> {
  const rows = await db
    .select({ departmentCode: reminders.departmentCode, count: sql<number>`count(*)::int` })
    .from(reminders)
    .where(
      and(
        eq(reminders.planId, slice.planId),
        eq(reminders.periodId, slice.periodId),
        inArray(reminders.departmentCode, slice.codes),
        inArray(reminders.status, ['sent', 'recorded']),
      ),
    )
    .groupBy(reminders.departmentCode);
  return new Map(rows.map((row) => [row.departmentCode, row.count]));
}

/**
 * How many files each report's current version holds, per row they are tied to (null: the whole
 * report), by the attachments' own version rule (partOfVersion).
 */
export function reportFileCounts(db: Queryable, slice: Slice) {
  return db
    .select({
      departmentCode: attachments.departmentCode,
      measureNo: attachments.measureNo,
      taskSeq: attachments.taskSeq,
      count: sql<number>`count(*)::int`,
    })
    .from(attachments)
    .innerJoin(
      reports,
      and(eq(reports.planId, attachments.planId), eq(reports.periodId, attachments.periodId), eq(reports.departmentCode, attachments.departmentCode)),
    )
    .where(
      and(
        eq(attachments.planId, slice.planId),
        eq(attachments.periodId, slice.periodId),
        inArray(attachments.departmentCode, slice.codes),
        eq(attachments.owner, 'report'),
        partOfVersion(reports.version),
      ),
    )
    .groupBy(attachments.departmentCode, attachments.measureNo, attachments.taskSeq);
}

/** Each lead's latest submitted opinions of the period (what the office reads), with that version's number. */
export const submittedOpinions = (db: Queryable, slice: Slice) => listSubmittedOpinions(db, slice.planId, [slice.periodId], slice.codes);

/**
 * The audit rows of the units' reports, lead opinions and attachments in the period: every entity
 * whose id is `plan/period/unit[/…]`. With a measure, an attachment tied to another measure's row
 * is left out (as its file is).
 */
export function auditOf(db: Queryable, planCode: string, slice: Slice, measureNo: number | null) {
  const part = (n: number) => sql`split_part(${auditLog.entityId}, '/', ${n})`;
  const otherMeasure =
    measureNo === null
      ? undefined
      : sql`not exists (select 1 from ${attachments} where ${auditLog.entityType} = 'attachment' and ${attachments.id}::text = ${part(4)}
          and ${attachments.measureNo} is not null and ${attachments.measureNo} <> ${measureNo})`;
  return db
    .select()
    .from(auditLog)
    .where(and(sql`${part(1)} = ${planCode}`, sql`${part(2)} = ${slice.periodId}`, inArray(part(3), slice.codes), otherMeasure))
    .orderBy(asc(auditLog.id));
}
