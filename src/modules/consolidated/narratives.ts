import type { SummaryNarrative } from '../../db/schema/index.js';
import { isReportingUnit, type Directory } from '../departments/departments.service.js';
import { officialOrder } from '../overview/official-order.js';
import type { DepartmentRef, PlanStructure } from '../plans/plans.service.js';
import type { ReportRow } from '../reports/reports.repository.js';
import { VISIBLE, type ReportStatus } from './rollup.js';

/** A unit's 总结报告正文 as the office sees it, with the status of its report. */
export interface UnitNarrative {
  department: DepartmentRef;
  reportStatus: ReportStatus;
  narrative: SummaryNarrative;
}

/**
 * The summary period's narratives the office sees (submitted, accepted or returned reports, as
 * for the entries; drafts stay private), units in official order. Pure: callers load the reports.
 */
export function narrativesOf(structure: PlanStructure, directory: Directory, reports: readonly Pick<ReportRow, 'departmentCode' | 'narrative' | 'version' | 'status'>[]): UnitNarrative[] {
  const byUnit = new Map(reports.map((report) => [report.departmentCode, report]));
  return officialOrder(structure, directory)
    .filter(isReportingUnit)
    .flatMap((department) => {
      const report = byUnit.get(department.code);
      if (!report?.narrative || report.version === 0 || !VISIBLE.has(report.status)) return [];
      return [{ department: { code: department.code, name: department.name }, reportStatus: report.status, narrative: report.narrative }];
    });
}
