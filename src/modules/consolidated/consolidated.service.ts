import type { Queryable } from '../../db/client.js';
import { loadDirectory, type Directory } from '../departments/departments.service.js';
import { listPhases } from '../plans/plans.repository.js';
import { loadPlanStructure, type Plan, type PlanStructure } from '../plans/plans.service.js';
import type { PhaseSpan } from '../periods/deadlines.js';
import { listProgressPeriods, type PeriodRow } from '../periods/periods.repository.js';
import { periodView, requireProgressPeriod } from '../periods/periods.service.js';
import { taskKey } from '../reports/carried-tasks.js';
import { listReportsOfPeriods, periodReportsVersion } from '../reports/reports.repository.js';
import { flagsOf, type PeriodResult, type RowFlag, type UnitFlag } from './flags.js';
import { consolidatePeriod, type Consolidated } from './rollup.js';

/** Flags look back this many periods (the period itself and the two before it). */
const FLAG_WINDOW = 3;

/** The end of the 整治阶段: the latest top-level phase other than the one the 总结报告 belongs to. */
export function rectificationEndsOn(plan: Pick<Plan, 'reportingRule'>, phases: readonly PhaseSpan[]): string | null {
  const ends = phases.filter((phase) => phase.parentCode === null && phase.code !== plan.reportingRule.summary.phase).map((phase) => phase.endsOn);
  return ends.length === 0 ? null : ends.sort().at(-1)!;
}

/** One period's consolidation with its behind-plan flags on the rows, and its units flagged. */
export type FlaggedPeriod = Omit<Consolidated, 'measures'> & {
  period: PeriodRow;
  measures: (Omit<Consolidated['measures'][number], 'tasks'> & { tasks: (Consolidated['measures'][number]['tasks'][number] & { flags: RowFlag[] })[] })[];
  unitFlags: UnitFlag[];
};

export interface PlanHistory {
  plan: Plan;
  structure: PlanStructure;
  directory: Directory;
  phases: PhaseSpan[];
  /** In timeline order; only the periods asked for (see `consolidatedHistory`). */
  periods: FlaggedPeriod[];
}

/**
 * Consolidates periods of a plan in timeline order, each with its flags. With `upTo`, the
 * periods up to and including that one (404 if unknown); with `window`, only the last `window`
 * of those are returned (the flags still see the two periods before each).
 */
export async function consolidatedHistory(db: Queryable, planCode: string, options: { upTo?: string; window?: number } = {}): Promise<PlanHistory> {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, planCode), loadDirectory(db)]);
  const { plan } = structure;
  if (options.upTo !== undefined) await requireProgressPeriod(db, plan, options.upTo);
  // A year's targets are no step of progress: the flags compare quarters (and the 总结报告) only.
  const [allPeriods, phases] = await Promise.all([listProgressPeriods(db, plan.id), listPhases(db, plan.id)]);
  const end = options.upTo === undefined ? allPeriods.length : allPeriods.findIndex((period) => period.id === options.upTo) + 1;
  const wanted = options.window ?? end;
  const start = Math.max(0, end - wanted - (FLAG_WINDOW - 1));
  const periods = allPeriods.slice(start, end);
  const reports = await listReportsOfPeriods(db, plan.id, periods.map((period) => period.id));
  const rectificationEnd = rectificationEndsOn(plan, phases);

  const results: PeriodResult[] = [];
  const flagged: FlaggedPeriod[] = [];
  for (const period of periods) {
    const result = consolidatePeriod(structure, directory, reports.filter((report) => report.periodId === period.id));
    results.push({ period, result });
    const flags = flagsOf(results.slice(-FLAG_WINDOW), rectificationEnd);
    flagged.push({
      ...result,
      period,
      measures: result.measures.map((measure) => ({
        ...measure,
        tasks: measure.tasks.map((task) => ({ ...task, flags: flags.rows.get(taskKey({ measureNo: measure.no, taskSeq: task.seq })) ?? [] })),
      })),
      unitFlags: flags.units,
    });
  }
  return { plan, structure, directory, phases, periods: flagged.slice(-Math.min(wanted, end)) };
}

export async function consolidated(db: Queryable, planCode: string, periodId: string) {
  const history = await consolidatedHistory(db, planCode, { upTo: periodId, window: 1 });
  const { period, ...rest } = history.periods.at(-1)!;
  return { plan: history.plan.code, period: periodView(period, history.phases, history.plan.reportingRule.timeZone), ...rest };
}

/** A key that changes with any report of the period (or of the two before it, for the flags) or its deadline; 404s for unknown plans and periods. */
export async function consolidatedVersion(db: Queryable, planCode: string, periodId: string): Promise<string> {
  const { plan } = await loadPlanStructure(db, planCode);
  const all = await listProgressPeriods(db, plan.id);
  const period = all.find((other) => other.id === periodId) ?? (await requireProgressPeriod(db, plan, periodId));
  const periods = all.filter((other) => other.ordinal <= period.ordinal).slice(-FLAG_WINDOW);
  const version = await periodReportsVersion(db, plan.id, periods.map((other) => other.id));
  return `${plan.code}|${period.id}|${period.dueAt.getTime()}|${version}`;
}

export type ConsolidatedReport = Awaited<ReturnType<typeof consolidated>>;

/** Measures × periods: each measure's and row's roll-up in every period, with the rows' flags, to follow the trend over 2017–2019. */
export async function progressMatrix(db: Queryable, planCode: string) {
  const { plan, structure, periods } = await consolidatedHistory(db, planCode);
  return {
    plan: plan.code,
    periods: periods.map(({ period }) => period.id),
    measures: structure.measures.map((measure, index) => ({
      no: measure.no,
      title: measure.title,
      category: measure.category,
      cells: periods.map(({ period, measures }) => ({ period: period.id, ...measures[index]!.rollup })),
      tasks: measure.tasks.map((task, taskIndex) => ({
        seq: task.seq,
        content: task.content,
        cells: periods.map(({ period, measures }) => {
          const { rollup, flags } = measures[index]!.tasks[taskIndex]!;
          return { period: period.id, ...rollup, flags };
        }),
      })),
    })),
    submissions: periods.map(({ period, totals }) => {
      const { missingDepartments: _missing, ...figures } = totals;
      return { period: period.id, ...figures };
    }),
  };
}

export type ProgressMatrix = Awaited<ReturnType<typeof progressMatrix>>;
