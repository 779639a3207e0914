import type { Queryable } from '../../db/client.js';
import { loadDirectory } from '../departments/departments.service.js';
import { listPhases } from '../plans/plans.repository.js';
import { loadPlanStructure } from '../plans/plans.service.js';
import { listPeriods } from '../periods/periods.repository.js';
import { periodView, requirePeriod } from '../periods/periods.service.js';
import { listReportsOfPeriod, listReportsOfPlan, periodReportsVersion } from '../reports/reports.repository.js';
import { consolidatePeriod } from './rollup.js';

export async function consolidated(db: Queryable, planCode: string, periodId: string) {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, planCode), loadDirectory(db)]);
  const { plan } = structure;
  const period = await requirePeriod(db, plan, periodId);
  const [reports, phases] = await Promise.all([listReportsOfPeriod(db, plan.id, period.id), listPhases(db, plan.id)]);
  return {
    plan: plan.code,
    period: periodView(period, phases, plan.reportingRule.timeZone),
    ...consolidatePeriod(structure, directory, reports),
  };
}

/** A key that changes with any report of the period or its deadline; 404s for unknown plans and periods. */
export async function consolidatedVersion(db: Queryable, planCode: string, periodId: string): Promise<string> {
  const { plan } = await loadPlanStructure(db, planCode);
  const period = await requirePeriod(db, plan, periodId);
  return `${plan.code}|${period.id}|${period.dueAt.getTime()}|${await periodReportsVersion(db, plan.id, period.id)}`;
}

export type ConsolidatedReport = Awaited<ReturnType<typeof consolidated>>;

/** Measures × periods: each measure's roll-up in every period, to follow the trend over 2017–2019. */
export async function progressMatrix(db: Queryable, planCode: string) {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, planCode), loadDirectory(db)]);
  const { plan } = structure;
  const [periods, reports] = await Promise.all([listPeriods(db, plan.id), listReportsOfPlan(db, plan.id)]);
  const perPeriod = periods.map((period) => {
    const result = consolidatePeriod(structure, directory, reports.filter((report) => report.periodId === period.id));
    return { period: period.id, result };
  });
  return {
    plan: plan.code,
    periods: periods.map((period) => period.id),
    measures: structure.measures.map((measure, index) => ({
      no: measure.no,
      title: measure.title,
      cells: perPeriod.map(({ period, result }) => ({ period, ...result.measures[index]!.rollup })),
    })),
    submissions: perPeriod.map(({ period, result }) => {
      const { missingDepartments: _missing, ...totals } = result.totals;
      return { period, ...totals };
    }),
  };
}
