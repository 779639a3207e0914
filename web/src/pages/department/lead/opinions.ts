import type { components } from '../../../api/schema';
import { progressOfStatus, type TaskStatus } from '../report/entries';

type Schemas = components['schemas'];
export type LedRows = Schemas['LedRows'];
export type LedRow = LedRows['rows'][number];
export type OpinionSet = Schemas['LeadOpinionSet'];
export type Opinion = Schemas['LeadOpinion'];

/** The opinion form of one row; left without a status, the row has no opinion yet. */
export interface OpinionValues {
  status?: TaskStatus;
  progress?: number | null;
  assessment?: string;
}

const sameRow = (a: { measureNo: number; taskSeq: number }, b: { measureNo: number; taskSeq: number }) => a.measureNo === b.measureNo && a.taskSeq === b.taskSeq;

export function toValues(rows: LedRow[], opinions: Opinion[]): OpinionValues[] {
  return rows.map((row) => {
    const opinion = opinions.find((candidate) => sameRow(candidate, row));
    return opinion ? { status: opinion.status, progress: opinion.progress, assessment: opinion.assessment } : { progress: 0 };
  });
}

/** The opinions to PUT, and for each the index of its row's card (to map errors back). */
export function toOpinions(rows: LedRow[], values: OpinionValues[]): { opinions: Opinion[]; rowOf: number[] } {
  const opinions: Opinion[] = [];
  const rowOf: number[] = [];
  rows.forEach((row, index) => {
    const value = values[index];
    if (!value?.status) return;
    opinions.push({
      measureNo: row.measureNo,
      taskSeq: row.taskSeq,
      status: value.status,
      progress: progressOfStatus[value.status] ?? value.progress ?? 0,
      assessment: value.assessment ?? '',
    });
    rowOf.push(index);
  });
  return { opinions, rowOf };
}

/** The server's `body.opinions.3.assessment` as the form's `['opinions', <card>, 'assessment']`; the rest for a general alert. */
export function opinionFieldErrors(errors: { path: string; message: string }[], rowOf: number[]) {
  const fields: { name: (string | number)[]; errors: string[] }[] = [];
  const other: { path: string; message: string }[] = [];
  for (const error of errors) {
    const match = /^body\.opinions\.(\d+)\.(status|progress|assessment)$/.exec(error.path);
    const row = match ? rowOf[Number(match[1])] : undefined;
    if (row === undefined) other.push(error);
    else fields.push({ name: ['opinions', row, match![2]!], errors: [error.message] });
  }
  return { fields, other };
}
