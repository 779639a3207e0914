import type { Queryable } from '../../db/client.js';
import type { ReportEntry } from '../../db/schema/index.js';
import { loadDirectory } from '../departments/departments.service.js';
import { overview } from '../overview/overview.service.js';
import { targetsPeriodId } from '../periods/period-label.js';
import { periodView, requirePeriod } from '../periods/periods.service.js';
import { listPhases } from '../plans/plans.repository.js';
import { loadPlanStructure } from '../plans/plans.service.js';
import { VISIBLE } from '../consolidated/rollup.js';
import { carriedTasks } from '../reports/carried-tasks.js';
import { listAcceptedEntries, listReportsOfPeriod } from '../reports/reports.repository.js';
import type { ReportAddress } from '../reports/reports.service.js';

/*
 * A unit's targets for a year (分年度工作任务目标, 方案 五(二)) are its report of the period
 * `<year>-targets`: same workflow, deadlines, reminders and review as a quarter's report. Each
 * entry is the state expected at year end (status and progress), its metrics the quantified
 * targets (indicator, value, unit) and its summary the short description.
 */

/** The report behind /years/{year}/targets/{department}. */
export const targetsAddress = (params: { plan: string; year: string; department: string }): ReportAddress => ({
  plan: params.plan,
  period: targetsPeriodId(Number(params.year)),
  department: params.department,
});


/**
 * The office's view of a year's targets: the 总览 of the targets period (every expected unit in
 * official order with its status), each unit's submitted targets, and who has not set theirs.
 */
export async function yearTargets(db: Queryable, planCode: string, year: number) {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, planCode), loadDirectory(db)]);
  const { plan } = structure;
  const period = await requirePeriod(db, plan, targetsPeriodId(year));
  const [status, rows, phases] = await Promise.all([overview(db, planCode, period.id), listReportsOfPeriod(db, plan.id, period.id), listPhases(db, plan.id)]);
  const reportOf = new Map(rows.map((row) => [row.departmentCode, row]));
  const units = status.units.map(({ liaisons: _liaisons, ...unit }) => {
    const report = reportOf.get(unit.code);
    const entries = report && VISIBLE.has(report.status) && report.version > 0 ? report.entries : [];
    const required = carriedTasks(structure, directory, directory.get(unit.code)!).filter((task) => task.required).length;
    return { ...unit, rowsRequired: required, rowsSet: entries.length, entries };
  });
  return {
    plan: plan.code,
    year,
    period: periodView(period, phases, plan.reportingRule.timeZone),
    totals: status.totals,
    units,
    missing: units.filter((unit) => unit.submittedAt === null).map(({ code, name }) => ({ code, name })),
    /** The 催报 view of the same period, for the workbook's list with liaisons. */
    overview: status,
  };
}

export type YearTargets = Awaited<ReturnType<typeof yearTargets>>;

/**
 * Each unit's ACCEPTED targets for a year, by unit code: what the assessment and the summary report
 * measure against (targets not yet reviewed, or returned, are not targets yet).
 */
export async function acceptedTargets(db: Queryable, planId: number, year: number): Promise<Map<string, ReportEntry[]>> {
  const rows = await listAcceptedEntries(db, planId, targetsPeriodId(year));
  return new Map(rows.map((row) => [row.departmentCode, row.entries]));
}
