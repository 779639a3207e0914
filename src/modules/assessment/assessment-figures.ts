import type { ReportEntry } from '../../db/schema/index.js';
import { COUNTED } from '../consolidated/rollup.js';
import { taskKey } from '../reports/carried-tasks.js';
import type { ReportRow } from '../reports/reports.repository.js';
import { roundTenth, type UnitCounts } from './rubric.js';

/** The year of a period: the year its last day falls in (2019Q3 and the 总结报告 of 2019-11 count in 2019). */
export const yearOfPeriod = (period: { endsOn: string }) => Number(period.endsOn.slice(0, 4));

export type ReportFacts = Pick<ReportRow, 'periodId' | 'status' | 'firstSubmittedAt' | 'late' | 'entries'>;

export interface UnitFigures extends Omit<UnitCounts, 'targets'> {
  submitted: number;
  /** Reports the office has accepted (审核通过), as they stand now. */
  accepted: number;
  /** The period of the latest counted report, whose entries give the progress figures. */
  latestPeriod: string | null;
  rowsCompleted: number | null;
  rowsCarried: number | null;
}


function progressOf(entries: readonly Pick<ReportEntry, 'progress' | 'status'>[]) {
  if (entries.length === 0) return { meanProgress: null, rowsCompleted: 0, rowsCarried: 0 };
  const sum = entries.reduce((total, entry) => total + entry.progress, 0);
  return {
    meanProgress: roundTenth(sum / entries.length),
    rowsCompleted: entries.filter((entry) => entry.status === 'completed').length,
    rowsCarried: entries.length,
  };
}

/**
 * One unit's year: `periodIds` are the year's periods in timeline order (the unit is expected in
 * each), `reports` the unit's reports of those periods. A report counts as submitted once it was
 * first submitted, whatever happened since; `late` is the report's own mark (its first submission
 * against the deadline in force). A submitted report that is now returned, or a draft again after a
 * return, counts as returned until it is resubmitted.
 */
export function unitFigures(periodIds: readonly string[], reports: readonly ReportFacts[]): UnitFigures & { yearEnd: ReportEntry[] | null } {
  const byPeriod = new Map(reports.map((report) => [report.periodId, report]));
  const figures = { expected: periodIds.length, onTime: 0, late: 0, missing: 0, returned: 0, accepted: 0 };
  let latest: ReportFacts | undefined;
  for (const periodId of periodIds) {
    const report = byPeriod.get(periodId);
    if (!report?.firstSubmittedAt) {
      figures.missing += 1;
      continue;
    }
    if (report.late === true) figures.late += 1;
    else figures.onTime += 1;
    if (report.status === 'accepted') figures.accepted += 1;
    // Content counts as in the consolidated report: submitted or accepted, not returned.
    if (COUNTED.has(report.status)) latest = report;
    else figures.returned += 1;
  }
  const progress = latest ? progressOf(latest.entries) : { meanProgress: null, rowsCompleted: null, rowsCarried: null };
  return {
    ...figures,
    submitted: figures.onTime + figures.late,
    latestPeriod: latest?.periodId ?? null,
    ...progress,
    yearEnd: latest?.entries ?? null,
  };
}

type Figures = Pick<ReportEntry, 'status' | 'progress' | 'metrics'>;

export interface TargetRow {
  measureNo: number;
  taskSeq: number;
  target: { status: ReportEntry['status']; progress: number; metrics: NonNullable<ReportEntry['metrics']> };
  /** The row's entry in the year-end report; null when that report has none (or there is no such report). */
  result: { status: ReportEntry['status']; progress: number; metrics: NonNullable<ReportEntry['metrics']> } | null;
  met: boolean;
}

/** How far a status goes: not_started < in_progress < completed; blocked reaches nothing. */
const STATUS_REACH: Record<ReportEntry['status'], number> = { blocked: -1, not_started: 0, in_progress: 1, completed: 2 };

/**
 * Whether a year-end entry meets its row's target: the status reached (a blocked row meets
 * none), progress at least the target's, and every target metric at least its value in the
 * entry's metric of the same name (matched by name; a metric missing from the entry is not met).
 */
export function meetsTarget(target: Figures, result: Figures | null): boolean {
  if (!result) return false;
  if (STATUS_REACH[result.status] < STATUS_REACH[target.status]) return false;
  if (result.progress < target.progress) return false;
  const reached = new Map((result.metrics ?? []).map((metric) => [metric.name, metric.value]));
  return (target.metrics ?? []).every((metric) => (reached.get(metric.name) ?? -Infinity) >= metric.value);
}

const figuresOf = (entry: Figures) => ({ status: entry.status, progress: entry.progress, metrics: entry.metrics ?? [] });

/** Each row of the accepted targets beside its year-end result, and how many are met (null without targets). */
export function targetFigures(targets: readonly ReportEntry[] | null, yearEnd: readonly ReportEntry[] | null): { rows: TargetRow[]; counts: UnitCounts['targets'] } {
  if (targets === null) return { rows: [], counts: null };
  const results = new Map((yearEnd ?? []).map((entry) => [taskKey(entry), entry]));
  const rows = targets.map((target): TargetRow => {
    const result = results.get(taskKey(target)) ?? null;
    return { measureNo: target.measureNo, taskSeq: target.taskSeq, target: figuresOf(target), result: result && figuresOf(result), met: meetsTarget(target, result) };
  });
  return { rows, counts: { rows: rows.length, met: rows.filter((row) => row.met).length } };
}
