import type { LeadOpinion } from '../../db/schema/index.js';
import { attachmentView, inVersion } from '../attachments/attachment-view.js';
import type { AttachmentRow } from '../attachments/attachments.service.js';
import { formatInZone } from '../periods/deadlines.js';
import type { Assignment } from '../departments/departments.service.js';
import type { PlanStructure } from '../plans/plans.service.js';
import { taskKey } from '../reports/carried-tasks.js';
import type { ReportRow } from '../reports/reports.repository.js';
import { isCounted, type Consolidated, type ConsolidatedTask, type UnitLine } from '../consolidated/rollup.js';
import type { LedRow } from './lead.schemas.js';

/**
 * A row's responsible units among its consolidated lines: those carrying it as 负责部门 (directly,
 * through a collective with members, or through an open collective when they reported on it). A
 * unit named in both cells carries the row as lead in the consolidation, so the cell decides.
 */
const isResponsible = (task: ConsolidatedTask, line: UnitLine) => line.role === 'responsible' || task.responsible.some((unit) => unit.code === line.department.code);

export interface LedRowsInput {
  led: readonly Assignment[];
  consolidated: Consolidated;
  reports: readonly ReportRow[];
  /** The period's report attachments (owner 'report'). */
  attachments: readonly AttachmentRow[];
  /** The lead's own opinions as last saved. */
  opinions: readonly LeadOpinion[];
  planCode: string;
  timeZone: string;
}

/**
 * What a lead reads of each row it leads: its responsible units in official order (the
 * consolidation's order) with what they submitted, those that have not, the row's roll-up, the
 * files tied to the row in those reports, and the lead's own opinion. Drafts and returned reports
 * read as not reported: the lead sees what the office counts, nothing more. Pure.
 */
export function ledRows(input: LedRowsInput): LedRow[] {
  const reportByUnit = new Map(input.reports.map((report) => [report.departmentCode, report]));
  const opinionByRow = new Map(input.opinions.map((opinion) => [taskKey(opinion), opinion]));
  const instant = (value: Date) => formatInZone(value, input.timeZone);
  return input.led.map((assignment) => {
    const measure = input.consolidated.measures.find((candidate) => candidate.no === assignment.measureNo)!;
    const task = measure.tasks.find((candidate) => candidate.seq === assignment.taskSeq)!;
    const lines = task.units.filter((line) => isResponsible(task, line) && (line.required || isCounted(line)));
    const units = lines.map((line) => {
      const report = reportByUnit.get(line.department.code);
      const counted = isCounted(line) && report !== undefined;
      return {
        department: line.department,
        via: line.via,
        required: line.required,
        reportStatus: counted ? (line.reportStatus as 'submitted' | 'accepted') : ('not_reported' as const),
        entry: counted ? { ...line.entry!, submittedAt: instant(report.submittedAt ?? report.updatedAt), late: report.late } : null,
      };
    });
    const reporting = new Set(units.filter((unit) => unit.entry).map((unit) => unit.department.code));
    const files = input.attachments.filter((file) => {
      const report = reportByUnit.get(file.departmentCode);
      return (
        reporting.has(file.departmentCode) && report && file.owner === 'report' && file.measureNo === assignment.measureNo && file.taskSeq === assignment.taskSeq && inVersion(file, report.version)
      );
    });
    const names = new Map(units.map((unit) => [unit.department.code, unit.department]));
    const view = (file: AttachmentRow) => attachmentView(file, { planCode: input.planCode, timeZone: input.timeZone, department: names.get(file.departmentCode)! });
    const opinion = opinionByRow.get(taskKey(assignment));
    return {
      measureNo: measure.no,
      measureTitle: measure.title,
      taskSeq: task.seq,
      content: task.content,
      lead: task.lead,
      responsible: task.responsible,
      responsibleOpenEnded: task.responsibleOpenEnded,
      units,
      notReported: units.filter((unit) => unit.required && !unit.entry).map((unit) => unit.department),
      rollup: task.rollup,
      attachments: files.map(view),
      opinion: opinion ? { status: opinion.status, progress: opinion.progress, assessment: opinion.assessment } : null,
    };
  });
}
