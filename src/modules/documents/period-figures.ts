import type { FlaggedPeriod } from '../consolidated/consolidated.service.js';
import { truncate } from '../../http/print-layout.js';
import { NO_REPORT_LABEL, TASK_STATUS_LABEL } from '../consolidated/labels.js';
import { rollup, type Rollup, type TaskStatus } from '../consolidated/rollup.js';

/*
 * The figures the charts and the summary report show, derived from one consolidated period
 * (consolidatedHistory) and nothing else, so the document says what the consolidated JSON says.
 */

/** The order rows are counted and charted in: from not started to done, then the exceptions. */
export const STATUS_ORDER: readonly TaskStatus[] = ['not_started', 'in_progress', 'completed', 'blocked'];

/** 2018-07-20 → 2018年7月20日 (GB/T 9704 writes dates in Arabic numerals, without leading zeros). */
export function chineseDate(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return `${year}年${month}月${date}日`;
}

type Task = FlaggedPeriod['measures'][number]['tasks'][number];
export type Measure = FlaggedPeriod['measures'][number];

export const tasksOf = (period: Pick<FlaggedPeriod, 'measures'>): Task[] => period.measures.flatMap((measure) => measure.tasks);

const withData = (rollups: Rollup[]) => rollups.filter((value): value is { status: TaskStatus; progress: number } => value.status !== null);

/** Mean progress over the rows that have a roll-up, as a measure's roll-up is taken over its rows. */
export const overallProgress = (period: Pick<FlaggedPeriod, 'measures'>): number | null => rollup(withData(tasksOf(period).map((task) => task.rollup))).progress;

/** Task rows by roll-up status, 暂无报送 for rows no counted report covers. */
export function rowsByStatus(period: Pick<FlaggedPeriod, 'measures'>): { label: string; status: TaskStatus | null; count: number }[] {
  const tasks = tasksOf(period);
  return [
    ...STATUS_ORDER.map((status) => ({ label: TASK_STATUS_LABEL[status], status, count: tasks.filter((task) => task.rollup.status === status).length })),
    { label: NO_REPORT_LABEL, status: null, count: tasks.filter((task) => task.rollup.status === null).length },
  ];
}

export interface CategoryFigures {
  ordinal: number;
  title: string;
  rows: number;
  reportedRows: number;
  progress: number | null;
}

/** Per category of the plan: its rows, the rows with a roll-up, and their mean progress. */
export function categoryFigures(period: Pick<FlaggedPeriod, 'measures'>): CategoryFigures[] {
  const byCategory = new Map<number, { title: string; tasks: Task[] }>();
  for (const measure of period.measures) {
    const entry = byCategory.get(measure.category.ordinal) ?? { title: measure.category.title, tasks: [] };
    entry.tasks.push(...measure.tasks);
    byCategory.set(measure.category.ordinal, entry);
  }
  return [...byCategory.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ordinal, { title, tasks }]) => {
      const reported = withData(tasks.map((task) => task.rollup));
      return { ordinal, title, rows: tasks.length, reportedRows: reported.length, progress: rollup(reported).progress };
    });
}

/** Expected units by how they reported: on time, late, not at all (the three add up to `expected`). */
export function timeliness(period: Pick<FlaggedPeriod, 'totals'>) {
  const { onTime, late, missing } = period.totals;
  return [
    { label: '按时报送', count: onTime },
    { label: '逾期报送', count: late },
    { label: '未报送', count: missing },
  ];
}

/** 60 → "60%", 62.5 → "62.5%", null → 暂无报送. */
export const percent = (value: number | null) => (value === null ? NO_REPORT_LABEL : `${value}%`);

/*
 * Characters XML 1.0 cannot carry (https://www.w3.org/TR/xml/#charsets). Report text may hold
 * control characters (the API refuses only NUL), and one of them would make the .docx unreadable.
 */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Unit text as XML can carry it: the control characters dropped. */
export const xmlSafe = (value: string) => value.replace(NOT_XML, '');

/** Unit text for a document: control characters dropped, white space folded, cut after `max` characters with an ellipsis. */
export const shorten = (value: string, max: number) => truncate(xmlSafe(value).replace(/\s+/g, ' ').trim(), max);

/** Names joined with 、, at most `max` of them, then "等 N 个单位". */
export function nameList(names: readonly string[], max: number): string {
  if (names.length <= max) return names.join('、');
  return `${names.slice(0, max).join('、')}等${names.length}个单位`;
}
