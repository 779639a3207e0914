import type { LeadOpinion } from '../../db/schema/index.js';
import { TASK_STATUS_LABEL } from '../consolidated/labels.js';
import type { Directory } from '../departments/departments.service.js';
import { officialRank } from '../overview/official-order.js';
import { formatInZone } from '../periods/deadlines.js';
import type { DepartmentRef, PlanStructure } from '../plans/plans.service.js';
import { taskKey } from '../reports/carried-tasks.js';

/** A lead department's submitted opinion on a row, as the office reads it. */
export interface LeadOpinionLine {
  department: DepartmentRef;
  status: LeadOpinion['status'];
  progress: number;
  assessment: string;
  submittedAt: string;
}

export interface SubmittedOpinions {
  departmentCode: string;
  opinions: readonly LeadOpinion[];
  submittedAt: Date;
}

/** The submitted opinions of a period by row (taskKey), each row's leads in official order. */
export function opinionsByRow(structure: PlanStructure, directory: Directory, sets: readonly SubmittedOpinions[], timeZone: string): Map<string, LeadOpinionLine[]> {
  const byRow = new Map<string, LeadOpinionLine[]>();
  if (sets.length === 0) return byRow;
  const rank = officialRank(structure, directory);
  const ordered = [...sets].sort((a, b) => (rank.get(a.departmentCode) ?? Infinity) - (rank.get(b.departmentCode) ?? Infinity));
  for (const set of ordered) {
    const department = directory.get(set.departmentCode);
    if (!department) continue;
    for (const opinion of set.opinions) {
      const lines = byRow.get(taskKey(opinion)) ?? [];
      lines.push({
        department: { code: department.code, name: department.name },
        status: opinion.status,
        progress: opinion.progress,
        assessment: opinion.assessment,
        submittedAt: formatInZone(set.submittedAt, timeZone),
      });
      byRow.set(taskKey(opinion), lines);
    }
  }
  return byRow;
}

/** `市安全监管局：推进中，60%，…`: one lead's opinion in a cell or a sentence; `shorten` cuts the text where space is short. */
export const opinionText = (line: LeadOpinionLine, shorten: (text: string) => string = (text) => text) =>
  `${line.department.name}：${TASK_STATUS_LABEL[line.status]}，${line.progress}%，${shorten(line.assessment)}`;

/** The opinions of a row, one per line (the exports' 牵头部门意见 column). */
export const opinionLines = (lines: readonly LeadOpinionLine[]) => lines.map((line) => opinionText(line)).join('\n');
