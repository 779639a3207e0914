import type { ReportEntry } from '../../db/schema/index.js';
import type { Directory } from '../departments/departments.service.js';
import { reportingUnits, type ReportingUnits, type UnitRows } from '../overview/official-order.js';
import type { DepartmentRef, PlanStructure, TaskView } from '../plans/plans.service.js';
import { taskKey, type CarriedTask } from '../reports/carried-tasks.js';
import type { ReportRow } from '../reports/reports.repository.js';

export type TaskStatus = ReportEntry['status'];
export type ReportStatus = 'not_started' | ReportRow['status'];

export interface Rollup {
  status: TaskStatus | null;
  progress: number | null;
}

/** Reports whose content counts: what the unit sent and the office has not returned. */
export const COUNTED: ReadonlySet<ReportStatus> = new Set(['submitted', 'accepted']);
/** Reports whose content the office sees. */
export const VISIBLE: ReadonlySet<ReportStatus> = new Set(['submitted', 'accepted', 'returned']);

/** A unit's line whose entry counts in roll-ups, flags and documents. */
export const isCounted = <L extends Pick<UnitLine, 'entry' | 'reportStatus'>>(line: L): line is L & { entry: ReportEntry } => line.entry !== null && COUNTED.has(line.reportStatus);

/** blocked wins; all completed is completed; all not started is not started; anything else is in progress. */
export function rollup(entries: readonly Pick<ReportEntry, 'status' | 'progress'>[]): Rollup {
  if (entries.length === 0) return { status: null, progress: null };
  const first = entries[0]!.status;
  let blocked = false;
  let same = true;
  let sum = 0;
  for (const entry of entries) {
    if (entry.status === 'blocked') blocked = true;
    else if (entry.status !== first) same = false;
    sum += entry.progress;
  }
  const status: TaskStatus = blocked ? 'blocked' : same ? first : 'in_progress';
  return { status, progress: Math.round((sum / entries.length) * 10) / 10 };
}

export interface UnitLine {
  department: DepartmentRef;
  role: CarriedTask['role'];
  via: DepartmentRef | null;
  required: boolean;
  reportStatus: ReportStatus;
  late: boolean | null;
  entry: ReportEntry | null;
}

/** A row of the 分工表 as printed, with this period's reports on it. */
export interface ConsolidatedTask extends Omit<TaskView, 'id'> {
  expected: number;
  reported: number;
  rollup: Rollup;
  units: UnitLine[];
}

export interface ConsolidatedMeasure {
  no: number;
  title: string;
  category: { ordinal: number; title: string };
  rollup: Rollup;
  tasks: ConsolidatedTask[];
}

export interface Totals {
  expected: number;
  submitted: number;
  onTime: number;
  late: number;
  missing: number;
  accepted: number;
  returned: number;
  awaitingReview: number;
  missingDepartments: DepartmentRef[];
}

/** What a consolidation reads of a report (the JSON path loads no more than this). */
export type ConsolidatedReportRow = Pick<ReportRow, 'departmentCode' | 'status' | 'version' | 'late' | 'firstSubmittedAt' | 'entries'>;

const statusOf = (report: ConsolidatedReportRow | undefined): ReportStatus => (!report || report.version === 0 ? 'not_started' : report.status);

/**
 * The office's view of one period: every task row with each carrying unit's report, a roll-up
 * per row and per measure, and the submission totals. Pure: callers load the inputs.
 */
export function consolidatePeriod(structure: PlanStructure, directory: Directory, reports: readonly ConsolidatedReportRow[], memo?: ConsolidationMemo) {
  const reportByUnit = new Map<string, ConsolidatedReportRow>();
  for (const report of reports) reportByUnit.set(report.departmentCode, report);
  const linesByTask = new Map<string, UnitLine[]>();
  const totals: Totals = { expected: 0, submitted: 0, onTime: 0, late: 0, missing: 0, accepted: 0, returned: 0, awaitingReview: 0, missingDepartments: [] };

  // Official order, so the missing units and each row's units read as the government lists them.
  const { units, optional } = reportingUnits(structure, directory);
  if (memo && memo.units !== units) Object.assign(memo, { units, slots: [], rows: new Map() });
  units.forEach(({ ref, required }, index) => {
    const report = reportByUnit.get(ref.code);
    const status = statusOf(report);
    const late = report?.late ?? null;
    const entries = VISIBLE.has(status) ? report!.entries : NO_ENTRIES;
    if (required.length > 0) countExpected(totals, ref, report, status);
    let slot = memo?.slots[index];
    if (slot?.status !== status || slot.late !== late || slot.entries !== entries) {
      slot = { status, late, entries, lines: unitLines(ref, required, optional, { status, late, entries }) };
      if (memo) memo.slots[index] = slot;
    }
    for (const { key, line } of slot.lines) {
      const lines = linesByTask.get(key);
      if (lines) lines.push(line);
      else linesByTask.set(key, [line]);
    }
  });

  const measures: ConsolidatedMeasure[] = structure.measures.map((measure) => {
    const tasks = measure.tasks.map((task): ConsolidatedTask => {
      const key = taskKey({ measureNo: measure.no, taskSeq: task.seq });
      const row = rowFigures(linesByTask.get(key) ?? [], memo?.rows.get(key));
      memo?.rows.set(key, row);
      const { id: _id, ...printed } = task;
      return { ...printed, ...row };
    });
    const taskRollups = tasks.map((task) => task.rollup).filter((value): value is { status: TaskStatus; progress: number } => value.status !== null);
    return { no: measure.no, title: measure.title, category: measure.category, rollup: rollup(taskRollups), tasks };
  });
  return { measures, totals };
}

/**
 * What a consolidation of a period keeps for the next one of the same period (opt-in; the
 * consolidated JSON keeps one per period: kept-contents.ts): each unit's lines, by its place in
 * `reportingUnits`, while its report's status, lateness and entries (the same array: kept
 * contents) stay; each row's lines and figures while its lines stay the same objects. A read
 * after one unit's write then builds that unit's lines and its rows' figures only, and the rows
 * it does not carry keep their `units` array, which the JSON writer keeps printed
 * (consolidated.writer.ts). Lines are never mutated once built.
 */
export interface ConsolidationMemo {
  units?: ReportingUnits['units'];
  slots: ({ status: ReportStatus; late: boolean | null; entries: readonly ReportEntry[]; lines: { key: string; line: UnitLine }[] } | undefined)[];
  rows: Map<string, RowFigures>;
}

export const createConsolidationMemo = (): ConsolidationMemo => ({ slots: [], rows: new Map() });

type RowFigures = Pick<ConsolidatedTask, 'expected' | 'reported' | 'rollup' | 'units'>;

/** A row's figures from its lines; those kept when the lines are the ones they were computed from. */
function rowFigures(units: UnitLine[], kept: RowFigures | undefined): RowFigures {
  if (kept && kept.units.length === units.length && kept.units.every((line, index) => line === units[index])) return kept;
  const entries: ReportEntry[] = [];
  let expected = 0;
  for (const line of units) {
    if (line.required) expected += 1;
    if (isCounted(line)) entries.push(line.entry);
  }
  return { expected, reported: entries.length, rollup: rollup(entries), units };
}

/** A unit's line on each row it carries, and on each row of an open collective it reported on. */
function unitLines(ref: DepartmentRef, required: UnitRows['required'], optional: ReportingUnits['optional'], report: { status: ReportStatus; late: boolean | null; entries: readonly ReportEntry[] }) {
  const byKey = new Map(report.entries.map((entry) => [taskKey(entry), entry]));
  const lineOf = (key: string, task: CarriedTask, entry: ReportEntry | null) => ({
    key,
    line: { department: ref, role: task.role, via: task.via, required: task.required, reportStatus: report.status, late: report.late, entry } satisfies UnitLine,
  });
  const lines = required.map(({ key, task }) => lineOf(key, task, byKey.get(key) ?? null));
  // A row of an open collective (各有关部门) is the unit's only where it reported on it.
  for (const [key, entry] of byKey) {
    const task = optional.get(key);
    if (task && !required.some((row) => row.key === key)) lines.push(lineOf(key, task, entry));
  }
  return lines;
}

const NO_ENTRIES: readonly ReportEntry[] = [];

/** Counts an expected unit in the totals: submitted (at least once), on time or late, missing, and its report's status. */
function countExpected(totals: Totals, unit: DepartmentRef, report: ConsolidatedReportRow | undefined, status: ReportStatus) {
  totals.expected += 1;
  if (report?.firstSubmittedAt) {
    totals.submitted += 1;
    if (report.late === false) totals.onTime += 1;
    if (report.late === true) totals.late += 1;
  } else {
    totals.missing += 1;
    totals.missingDepartments.push(unit);
  }
  if (status === 'accepted') totals.accepted += 1;
  if (status === 'returned') totals.returned += 1;
  if (status === 'submitted') totals.awaitingReview += 1;
}

export type Consolidated = ReturnType<typeof consolidatePeriod>;
