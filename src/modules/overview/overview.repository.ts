import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { reports } from '../../db/schema/index.js';

/** Where each unit's report of a period stands, without its entries: one query for the whole 总览. */
export function listReportStates(db: Queryable, planId: number, periodId: string) {
  return db
    .select({
      departmentCode: reports.departmentCode,
      status: reports.status,
      version: reports.version,
      late: reports.late,
      submittedAt: reports.submittedAt,
      firstSubmittedAt: reports.firstSubmittedAt,
      reviewedAt: reports.reviewedAt,
      enteredByOffice: reports.enteredByOffice,
    })
    .from(reports)
    .where(and(eq(reports.planId, planId), eq(reports.periodId, periodId)));
}

export type ReportState = Awaited<ReturnType<typeof listReportStates>>[number];
