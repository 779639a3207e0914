import type { components } from '../../../api/schema';

type Schemas = components['schemas'];
export type Report = Schemas['Report'];
export type ReportEntry = Schemas['ReportEntry'];
export type TaskStatus = Schemas['TaskStatus'];
export type CarriedTask = Report['tasks'][number];
export type Narrative = Schemas['SummaryNarrative'];

/** The server's limits (src/modules/reports/reports.schemas.ts). */
export const LIMITS = { text: 5000, metrics: 20, metricName: 100, metricUnit: 20, narrative: 20_000 } as const;

export const EMPTY_NARRATIVE: Narrative = { work: '', results: '', problems: '', nextSteps: '' };

/** The narrative to PUT: each section as typed (the server trims). */
export const toNarrative = (values: Partial<Narrative> | undefined): Narrative => ({
  work: values?.work ?? '',
  results: values?.results ?? '',
  problems: values?.problems ?? '',
  nextSteps: values?.nextSteps ?? '',
});

/** The sections still empty: the server refuses to submit a 总结报告 without all four. */
export const missingSections = (values: Partial<Narrative> | undefined) => (Object.keys(EMPTY_NARRATIVE) as (keyof Narrative)[]).filter((key) => !values?.[key]?.trim());

/** The status/progress rule the server enforces: 已完成 means 100, 未启动 means 0. */
export const progressOfStatus: Partial<Record<TaskStatus, number>> = { completed: 100, not_started: 0 };

export interface MetricRow {
  name?: string;
  value?: number | null;
  unit?: string;
}

/** One card of the form: a row the unit carries; left without a status, it is not reported. */
export interface RowValues {
  status?: TaskStatus;
  progress?: number | null;
  summary?: string;
  problems?: string;
  nextSteps?: string;
  metrics?: MetricRow[];
}

export const sameRow = (a: { measureNo: number; taskSeq: number }, b: { measureNo: number; taskSeq: number }) =>
  a.measureNo === b.measureNo && a.taskSeq === b.taskSeq;

export function toRows(report: Report): RowValues[] {
  return report.tasks.map((task) => {
    const entry = report.entries.find((candidate) => sameRow(candidate, task));
    if (!entry) return { progress: 0, metrics: [] };
    return {
      status: entry.status,
      progress: entry.progress,
      summary: entry.summary,
      problems: entry.problems ?? '',
      nextSteps: entry.nextSteps ?? '',
      metrics: entry.metrics ?? [],
    };
  });
}

const filled = (text: string | undefined) => (text && text.trim() ? { value: text } : null);

/** The entries to PUT, and for each the index of the card it came from (to map errors back). */
export function toEntries(tasks: CarriedTask[], rows: RowValues[]): { entries: ReportEntry[]; rowOf: number[] } {
  const entries: ReportEntry[] = [];
  const rowOf: number[] = [];
  tasks.forEach((task, index) => {
    const row = rows[index];
    if (!row?.status) return;
    const problems = filled(row.problems);
    const nextSteps = filled(row.nextSteps);
    const metrics = (row.metrics ?? []).filter((metric) => metric.name?.trim() && typeof metric.value === 'number');
    entries.push({
      measureNo: task.measureNo,
      taskSeq: task.taskSeq,
      status: row.status,
      progress: progressOfStatus[row.status] ?? row.progress ?? 0,
      summary: row.summary ?? '',
      ...(problems ? { problems: problems.value } : {}),
      ...(nextSteps ? { nextSteps: nextSteps.value } : {}),
      ...(metrics.length > 0 ? { metrics: metrics.map((m) => ({ name: m.name!.trim(), value: m.value!, unit: m.unit?.trim() ?? '' })) } : {}),
    });
    rowOf.push(index);
  });
  return { entries, rowOf };
}

/** Required rows without a status: what the confirmation lists (the server refuses to submit them). */
export function missingRequired(tasks: CarriedTask[], rows: RowValues[]): CarriedTask[] {
  return tasks.filter((task, index) => task.required && !rows[index]?.status);
}

const FIELD_NAMES: Record<string, string> = { status: 'status', progress: 'progress', summary: 'summary', problems: 'problems', nextSteps: 'nextSteps', metrics: 'metrics' };

/**
 * The server's field errors (`body.entries.3.progress`, `body.entries.3.metrics.0.name`) as form
 * field names (`['rows', <card>, 'progress']`); the rest are returned for a general alert.
 */
export function fieldErrors(errors: { path: string; message: string }[], rowOf: number[]) {
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  const other: { path: string; message: string }[] = [];
  for (const error of errors) {
    // The 总结报告正文: body.narrative.results on a save, report.narrative.results on a submission.
    const section = /^(?:body|report)\.narrative\.(work|results|problems|nextSteps)$/.exec(error.path);
    if (section) {
      fields.push({ name: ['narrative', section[1]!], errors: [error.message] });
      continue;
    }
    const match = /^body\.entries\.(\d+)\.(\w+)(?:\.(\d+)\.(\w+))?/.exec(error.path);
    const row = match ? rowOf[Number(match[1])] : undefined;
    const field = match ? FIELD_NAMES[match[2]!] : undefined;
    if (row === undefined || !field) {
      other.push(error);
      continue;
    }
    const name: (string | number)[] = ['rows', row, field];
    if (field === 'metrics' && match![3] !== undefined) name.push(Number(match![3]), match![4]!);
    fields.push({ name, errors: [error.message] });
  }
  return { fields, other };
}
