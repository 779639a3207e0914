import { periodLabel } from '../periods/period-label.js';
import { TASK_STATUS_LABEL } from './labels.js';
import type { DepartmentRef } from '../plans/plans.service.js';
import { taskKey } from '../reports/carried-tasks.js';
import { isCounted, type Rollup, type TaskStatus, type UnitLine } from './rollup.js';

/**
 * Behind-plan flags, computed from the roll-ups of consecutive periods (pure; the caller passes
 * the periods in timeline order, the one flagged last). Each flag carries the figures behind it.
 *
 * - `stalled`: the row's mean progress is the same in this period and the two before it
 *   (unchanged over two consecutive periods), and the row is not completed.
 * - `regressed`: the row's mean progress is lower than in the previous period.
 * - `blocked`: at least one unit reports the row as blocked (受阻) in this period.
 * - `overdue`: the period ends after the 整治阶段 ended and the row's latest roll-up (this period,
 *   else the latest of the two before) is not completed; a row nobody reported on is not flagged (nothing is known).
 * - per unit, `missing-twice`: an expected unit that has submitted nothing for this period nor the previous one.
 */
export type RowFlag =
  | { code: 'stalled'; detail: string; periods: string[]; progress: number[] }
  | { code: 'regressed'; detail: string; periods: string[]; progress: number[] }
  | { code: 'blocked'; detail: string; units: DepartmentRef[] }
  | { code: 'overdue'; detail: string; rectificationEndedOn: string; latestPeriod: string; status: TaskStatus; progress: number | null };

export interface UnitFlag {
  code: 'missing-twice';
  detail: string;
  department: DepartmentRef;
  periods: string[];
}

export interface FlagPeriod {
  id: string;
  endsOn: string;
}

/** What the flags read of a period's consolidation (a `Consolidated` is one; the JSON path builds the earlier periods' from SQL). */
export interface FlagInput {
  measures: readonly { no: number; tasks: readonly { seq: number; rollup: Rollup; units: readonly Pick<UnitLine, 'department' | 'entry' | 'reportStatus'>[] }[] }[];
  totals: { missingDepartments: readonly DepartmentRef[] };
}

export interface PeriodResult {
  period: FlagPeriod;
  result: FlagInput;
}


type Lines = FlagInput['measures'][number]['tasks'][number]['units'];
const blockedByLines = new WeakMap<Lines, DepartmentRef[]>();
/** The units whose counted entry on a row is blocked; kept per array of lines, which is never mutated (a row no unit wrote to keeps its array: rollup.ts). */
function blockedUnitsOf(lines: Lines): DepartmentRef[] {
  let units = blockedByLines.get(lines);
  if (units === undefined) blockedByLines.set(lines, (units = lines.filter((line) => isCounted(line) && line.entry.status === 'blocked').map((line) => line.department)));
  return units;
}

const rowRollups = (result: FlagInput) =>
  new Map(result.measures.flatMap((measure) => measure.tasks.map((task) => [taskKey({ measureNo: measure.no, taskSeq: task.seq }), task.rollup] as const)));

/** Flags of the last period in `history` (its rows by task key, and its units). */
export function flagsOf(history: readonly PeriodResult[], rectificationEndsOn: string | null): { rows: Map<string, RowFlag[]>; units: UnitFlag[] } {
  const current = history.at(-1);
  if (!current) return { rows: new Map(), units: [] };
  const [before2, before1] = [history.at(-3), history.at(-2)];
  const rollupsBefore1 = before1 && rowRollups(before1.result);
  const rollupsBefore2 = before2 && rowRollups(before2.result);
  const rows = new Map<string, RowFlag[]>();

  for (const measure of current.result.measures) {
    for (const task of measure.tasks) {
      const key = taskKey({ measureNo: measure.no, taskSeq: task.seq });
      const flags: RowFlag[] = [];
      const now = task.rollup;
      const previous: Rollup | undefined = rollupsBefore1?.get(key);
      const earlier: Rollup | undefined = rollupsBefore2?.get(key);

      if (
        now.progress !== null &&
        now.status !== 'completed' &&
        previous?.progress === now.progress &&
        earlier?.progress === now.progress
      ) {
        const periods = [before2!.period.id, before1!.period.id, current.period.id];
        flags.push({ code: 'stalled', detail: `平均进度连续两期未变化(${periods.map(periodLabel).join('、')}均为 ${now.progress}%)`, periods, progress: [now.progress, now.progress, now.progress] });
      }
      if (now.progress !== null && previous?.progress != null && now.progress < previous.progress) {
        const periods = [before1!.period.id, current.period.id];
        flags.push({ code: 'regressed', detail: `平均进度由 ${previous.progress}% 降至 ${now.progress}%`, periods, progress: [previous.progress, now.progress] });
      }
      // A counted entry is blocked exactly when the row's roll-up is (rollup.ts): only then are the lines read.
      const blockedUnits = now.status === 'blocked' ? blockedUnitsOf(task.units) : [];
      if (blockedUnits.length > 0) {
        flags.push({ code: 'blocked', detail: `${blockedUnits.map((unit) => unit.name).join('、')}报告受阻`, units: blockedUnits });
      }
      if (rectificationEndsOn !== null && current.period.endsOn > rectificationEndsOn) {
        const window: [PeriodResult | undefined, Rollup | undefined][] = [[current, now], [before1, previous], [before2, earlier]];
        const latest = window.find(([, rollup]) => rollup?.status);
        const [period, rollup] = latest ?? [];
        if (period && rollup?.status && rollup.status !== 'completed') {
          flags.push({
            code: 'overdue',
            detail: `整治阶段已于 ${rectificationEndsOn} 结束,截至${periodLabel(period.period.id)}为${TASK_STATUS_LABEL[rollup.status]}(${rollup.progress}%)`,
            rectificationEndedOn: rectificationEndsOn,
            latestPeriod: period.period.id,
            status: rollup.status,
            progress: rollup.progress,
          });
        }
      }
      if (flags.length > 0) rows.set(key, flags);
    }
  }

  const missingBefore = new Set(before1?.result.totals.missingDepartments.map((unit) => unit.code) ?? []);
  const units: UnitFlag[] = before1
    ? current.result.totals.missingDepartments
        .filter((unit) => missingBefore.has(unit.code))
        .map((department) => ({
          code: 'missing-twice' as const,
          detail: `${periodLabel(before1.period.id)}、${periodLabel(current.period.id)}连续两期未报送`,
          department,
          periods: [before1.period.id, current.period.id],
        }))
    : [];
  return { rows, units };
}
