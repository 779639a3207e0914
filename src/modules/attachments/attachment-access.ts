import type { Queryable } from '../../db/client.js';
import { AppError, notFound } from '../../errors.js';
import { ledAssignments, loadDirectory, type Department } from '../departments/departments.service.js';
import { loadPlanStructure, type PlanStructure } from '../plans/plans.service.js';
import { taskKey } from '../reports/carried-tasks.js';
import { inVersion } from './attachment-view.js';
import * as repository from './attachments.repository.js';

type AttachmentRow = repository.AttachmentRow;
import { ownerState } from './owner-locks.js';

/** The rows a unit leads (departments.service ledAssignments), as task keys `measure-task`. */
export const rowsLedDirectly = (structure: PlanStructure, department: Department): Set<string> => new Set(ledAssignments(structure, department).map(taskKey));

/** What decides whether a lead department may read another unit's attachment. */
export interface LeadReadCheck {
  /** The rows the reader leads directly (rowsLedDirectly). */
  ledRows: ReadonlySet<string>;
  /** The owner report's status and version now. */
  report: { status: string; version: number };
  attachment: Pick<AttachmentRow, 'owner' | 'measureNo' | 'taskSeq' | 'addedAfterVersion' | 'removedAfterVersion'>;
}

/**
 * A lead department (牵头部门) reads the evidence of the rows it leads: an attachment of another
 * unit's report, once that report is submitted or accepted, tied to a row the lead leads directly,
 * and part of the report as it stands (not one removed in an earlier version).
 */
export function canLeadRead({ ledRows, report, attachment }: LeadReadCheck): boolean {
  if (attachment.owner !== 'report' || attachment.measureNo === null || attachment.taskSeq === null) return false;
  if (report.status !== 'submitted' && report.status !== 'accepted') return false;
  return ledRows.has(taskKey({ measureNo: attachment.measureNo, taskSeq: attachment.taskSeq })) && inVersion(attachment, report.version);
}

export interface Reader {
  role: 'department' | 'office' | 'admin';
  departmentCode: string | null;
}

/**
 * The attachment a principal asks to download, with its plan's code: the unit it belongs to, the
 * office and admin, or a lead department on the rows it leads (canLeadRead); 403 for anyone else.
 */
export async function readableAttachment(db: Queryable, id: string, reader: Reader): Promise<{ attachment: AttachmentRow; planCode: string }> {
  const found = await repository.findAttachmentWithPlan(db, id);
  if (!found) throw notFound({ en: `Attachment ${id} does not exist`, zh: `附件 ${id} 不存在` });
  const { attachment, planCode } = found;
  if (reader.role !== 'department' || reader.departmentCode === attachment.departmentCode) return found;
  const [structure, directory, report] = await Promise.all([loadPlanStructure(db, planCode), loadDirectory(db), ownerState(db, attachment)]);
  const lead = reader.departmentCode ? directory.get(reader.departmentCode) : undefined;
  if (lead && canLeadRead({ ledRows: rowsLedDirectly(structure, lead), report, attachment })) return found;
  throw new AppError('FORBIDDEN', {
    en: `This attachment belongs to ${attachment.departmentCode}; another unit may read it only when it leads the row the file is tied to and the report is submitted or accepted`,
    zh: `该附件属于 ${attachment.departmentCode}；其他单位仅在牵头该附件所关联的任务、且报告已提交或已审核通过时可以查看`,
  });
}

/** Who may remove an attachment: the unit it belongs to, the office, admin (403 otherwise). */
export function assertOwnUnit(reader: Reader, attachment: Pick<AttachmentRow, 'departmentCode'>) {
  if (reader.role === 'department' && reader.departmentCode !== attachment.departmentCode) {
    throw new AppError('FORBIDDEN', {
      en: `This attachment belongs to ${attachment.departmentCode}; only that unit or the office may remove it`,
      zh: `该附件属于 ${attachment.departmentCode}，只有该单位或市安委办可以删除`,
    });
  }
}
