import type { components } from '../../../api/schema';
import { taskStatusText } from '../../../i18n/zh';
import { metricsText } from '../../../components/EntriesView';

type Entry = components['schemas']['ReportEntry'];

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export interface RowChange {
  measureNo: number;
  taskSeq: number;
  changes: FieldChange[];
}

const FIELDS: { label: string; text: (entry: Entry) => string }[] = [
  { label: '状态', text: (entry) => taskStatusText[entry.status] },
  { label: '进度', text: (entry) => `${entry.progress}%` },
  { label: '工作进展', text: (entry) => entry.summary },
  { label: '存在问题', text: (entry) => entry.problems ?? '' },
  { label: '下步计划', text: (entry) => entry.nextSteps ?? '' },
  { label: '指标', text: (entry) => metricsText(entry.metrics) },
];

/** What changed between two versions, row by row and field by field (rows added or removed included). */
export function diffEntries(before: Entry[], after: Entry[]): RowChange[] {
  const key = (entry: Entry) => `${entry.measureNo}-${entry.taskSeq}`;
  const keys = [...new Set([...before, ...after].map(key))];
  const rows: RowChange[] = [];
  for (const rowKey of keys) {
    const old = before.find((entry) => key(entry) === rowKey);
    const now = after.find((entry) => key(entry) === rowKey);
    const sample = (old ?? now)!;
    const changes = FIELDS.map(({ label, text }) => ({ field: label, before: old ? text(old) : '(未填报)', after: now ? text(now) : '(未填报)' })).filter(
      (change) => change.before !== change.after,
    );
    if (changes.length > 0) rows.push({ measureNo: sample.measureNo, taskSeq: sample.taskSeq, changes });
  }
  return rows.sort((a, b) => a.measureNo - b.measureNo || a.taskSeq - b.taskSeq);
}
