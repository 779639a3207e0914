import type { components } from '../../../api/schema';
import { narrativeSections, taskStatusText } from '../../../i18n/zh';
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

/** A year's targets read the same fields under the target page's names (it has no 存在问题 or 下步计划). */
const TARGET_FIELDS: typeof FIELDS = [
  { label: '年底预期状态', text: FIELDS[0]!.text },
  { label: '预期进度', text: FIELDS[1]!.text },
  { label: '目标说明', text: FIELDS[2]!.text },
  { label: '量化指标', text: FIELDS[5]!.text },
];

/** What changed between two versions, row by row and field by field (rows added or removed included). */
export function diffEntries(before: Entry[], after: Entry[], targets = false): RowChange[] {
  const fields = targets ? TARGET_FIELDS : FIELDS;
  const missing = targets ? '(未设定)' : '(未填报)';
  const key = (entry: Entry) => `${entry.measureNo}-${entry.taskSeq}`;
  const keys = [...new Set([...before, ...after].map(key))];
  const rows: RowChange[] = [];
  for (const rowKey of keys) {
    const old = before.find((entry) => key(entry) === rowKey);
    const now = after.find((entry) => key(entry) === rowKey);
    const sample = (old ?? now)!;
    const changes = fields.map(({ label, text }) => ({ field: label, before: old ? text(old) : missing, after: now ? text(now) : missing })).filter(
      (change) => change.before !== change.after,
    );
    if (changes.length > 0) rows.push({ measureNo: sample.measureNo, taskSeq: sample.taskSeq, changes });
  }
  return rows.sort((a, b) => a.measureNo - b.measureNo || a.taskSeq - b.taskSeq);
}

/** What changed in the 总结报告正文 between two versions, section by section (未填写 for an empty one). */
export function diffNarrative(before: components['schemas']['SummaryNarrative'] | null, after: components['schemas']['SummaryNarrative'] | null): FieldChange[] {
  const text = (value: string | undefined) => value || '(未填写)';
  return narrativeSections
    .map(({ key, title }) => ({ field: title, before: text(before?.[key]), after: text(after?.[key]) }))
    .filter((change) => change.before !== change.after);
}
