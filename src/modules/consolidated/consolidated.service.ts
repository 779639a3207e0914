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
import { narrativesOf, type UnitNarrative } from './narratives.js';
import { consolidatePeriod, type Consolidated } from './rollup.js';
import { listSubmittedOpinions, opinionSetsVersion } from '../lead/lead.repository.js';
import { opinionsByRow, type LeadOpinionLine, type SubmittedOpinions } from '../lead/opinion-lines.js';

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
  measures: (Omit<Consolidated['measures'][number], 'tasks'> & { tasks: (Consolidated['measures'][number]['tasks'][number] & { flags: RowFlag[]; leadOpinions: LeadOpinionLine[] })[] })[];
  unitFlags: UnitFlag[];
  /** The summary period only: each unit's 总结报告正文, in official order. */
  narratives?: UnitNarrative[];
};

export interface PlanHistory {
  plan: Plan;
  structure: PlanStructure;
  directory: Directory;
  phases: PhaseSpan[];
  /** In timeline order; only the periods asked for (see `consolidatedHistory`). */
  periods: FlaggedPeriod[];
}

/** Which periods to consolidate: with `upTo`, those up to and including that one; with `window`, only the last `window` of those. */
export interface HistoryOptions {
  upTo?: string;
  window?: number;
}

/**
 * The periods a history reads (those asked for, and the two before them that their flags look
 * at) and how many of them it returns; 404 for an unknown plan or `upTo`, or a targets period.
 */
export async function selectPeriods(db: Queryable, planCode: string, options: HistoryOptions) {
  const structure = await loadPlanStructure(db, planCode);
  // A year's targets are no step of progress: the flags compare quarters (and the 总结报告) only.
  const all = await listProgressPeriods(db, structure.plan.id);
  const end = options.upTo === undefined ? all.length : all.findIndex((period) => period.id === options.upTo) + 1;
  if (end === 0 && options.upTo !== undefined) await requireProgressPeriod(db, structure.plan, options.upTo);
  const returned = Math.min(options.window ?? end, end);
  return { structure, read: all.slice(Math.max(0, end - returned - (FLAG_WINDOW - 1)), end), returned };
}

/** Consolidates periods of a plan in timeline order, each with its flags (the flags still see the two periods before each). */
export async function consolidatedHistory(db: Queryable, planCode: string, options: HistoryOptions = {}): Promise<PlanHistory> {
  const [{ structure, read, returned }, directory] = await Promise.all([selectPeriods(db, planCode, options), loadDirectory(db)]);
  const { plan } = structure;
  const readIds = read.map((period) => period.id);
  const [phases, reports, submittedOpinions] = await Promise.all([listPhases(db, plan.id), listReportsOfPeriods(db, plan.id, readIds), listSubmittedOpinions(db, plan.id, readIds)]);
  const rectificationEnd = rectificationEndsOn(plan, phases);

  const results: PeriodResult[] = [];
  const flagged: FlaggedPeriod[] = [];
  for (const period of read) {
    const ofPeriod = reports.filter((report) => report.periodId === period.id);
    const result = consolidatePeriod(structure, directory, ofPeriod);
    results.push({ period, result });
    const flags = flagsOf(results.slice(-FLAG_WINDOW), rectificationEnd);
    flagged.push(flagPeriod(structure, directory, period, result, flags, submittedOpinions, ofPeriod));
  }
  return { plan, structure, directory, phases, periods: returned === 0 ? [] : flagged.slice(-returned) };
}

/** A period's consolidation with its flags, the lead departments' opinions on each row and, for the summary period, the narratives. */
export function flagPeriod(
  structure: PlanStructure,
  directory: Directory,
  period: PeriodRow,
  result: Consolidated,
  flags: ReturnType<typeof flagsOf>,
  submittedOpinions: readonly (SubmittedOpinions & { periodId: string })[],
  reports: Parameters<typeof narrativesOf>[2],
): FlaggedPeriod {
  // The lead departments' last submitted opinions on each row (src/modules/lead).
  const opinions = opinionsByRow(structure, directory, submittedOpinions.filter((set) => set.periodId === period.id), structure.plan.reportingRule.timeZone);
  return {
    ...result,
    period,
    measures: result.measures.map((measure) => ({
      ...measure,
      tasks: measure.tasks.map((task) => {
        const key = taskKey({ measureNo: measure.no, taskSeq: task.seq });
        return { ...task, flags: flags.rows.get(key) ?? [], leadOpinions: opinions.get(key) ?? [] };
      }),
    })),
    unitFlags: flags.units,
    ...(period.kind === 'summary' ? { narratives: narrativesOf(structure, directory, reports) } : {}),
  };
}

/**
 * A key that changes whenever `consolidatedHistory` with the same options would: with any report,
 * lead opinion set or deadline of the periods it reads. One query for the periods, then one each for
 * the reports' and the opinion sets' versions.
 */
export async function historyVersion(db: Queryable, planCode: string, options: HistoryOptions = {}): Promise<string> {
  const { structure, read } = await selectPeriods(db, planCode, options);
  const deadlines = read.map((period) => `${period.id}:${period.dueAt.getTime()}`).join(',');
  const ids = read.map((period) => period.id);
  // The lead departments' opinions are part of every row: a submission or revision changes the key too.
  const [reports, opinions] = await Promise.all([periodReportsVersion(db, structure.plan.id, ids), opinionSetsVersion(db, structure.plan.id, ids)]);
  return `${structure.plan.code}|${options.upTo ?? ''}|${options.window ?? ''}|${deadlines}|${reports}|${opinions}`;
}

export async function consolidated(db: Queryable, planCode: string, periodId: string) {
  const history = await consolidatedHistory(db, planCode, { upTo: periodId, window: 1 });
  const { period, ...rest } = history.periods.at(-1)!;
  return { plan: history.plan.code, period: periodView(period, history.phases, history.plan.reportingRule.timeZone), ...rest };
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
