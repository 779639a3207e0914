import type { Queryable } from '../../db/client.js';
import { formatInZone } from '../periods/deadlines.js';
import type { AttachmentView } from './attachments.schemas.js';
import * as repository from './attachments.repository.js';

/** What an attachment's JSON names beside its row: the plan's code and time zone, and the unit. */
export interface ViewContext {
  planCode: string;
  timeZone: string;
  department: { code: string; name: string };
}

export const attachmentHref = (id: string) => `/v1/attachments/${id}`;

export function attachmentView(row: repository.AttachmentRow, context: ViewContext): AttachmentView {
  return {
    id: row.id,
    owner: row.owner,
    plan: context.planCode,
    period: row.periodId,
    department: context.department,
    measureNo: row.measureNo,
    taskSeq: row.taskSeq,
    fileName: row.fileName,
    description: row.description,
    size: row.size,
    mediaType: row.mediaType,
    sha256: row.sha256,
    addedAfterVersion: row.addedAfterVersion,
    removedAfterVersion: row.removedAfterVersion,
    uploadedAt: formatInZone(row.uploadedAt, context.timeZone),
    actorEmail: row.actorEmail,
    enteredByOffice: row.enteredByOffice,
    href: attachmentHref(row.id),
  };
}

/** Whether an attachment is part of version `version` of its owner: in (addedAfterVersion, removedAfterVersion]. */
export const inVersion = (row: Pick<repository.AttachmentRow, 'addedAfterVersion' | 'removedAfterVersion'>, version: number) =>
  row.addedAfterVersion < version && (row.removedAfterVersion === null || row.removedAfterVersion >= version);

/**
 * The attachments of each of an owner's versions, for its history (GET …/history): one query for
 * all of them. Keyed by version number.
 */
export async function attachmentsOfVersions(
  db: Queryable,
  key: repository.OwnerKey,
  context: ViewContext,
  versions: readonly number[],
): Promise<Map<number, AttachmentView[]>> {
  const rows = versions.length > 0 ? await repository.listOwnerHistory(db, key) : [];
  const views = new Map(rows.map((row) => [row.id, attachmentView(row, context)]));
  return new Map(versions.map((version) => [version, rows.filter((row) => inVersion(row, version)).map((row) => views.get(row.id)!)]));
}
