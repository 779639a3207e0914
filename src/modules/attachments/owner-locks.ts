import type { Queryable } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { findSet, lockSet } from '../lead/lead.repository.js';
import { findReport, lockReport } from '../reports/reports.repository.js';
import { requireStatus } from '../reports/reports.service.js';
import type { OwnerKey } from './attachments.repository.js';

/**
 * Run in the transaction that adds or removes an attachment: locks the owner (the report, or the
 * lead opinions), refuses with 409 unless it may change, and returns its version, which the
 * attachment's addedAfterVersion / removedAfterVersion record.
 */
export type VersionLock = (tx: Queryable, at: Date) => Promise<number>;

/** Attachments change with their owner: while it is not started, a draft or returned. */
const EDITABLE = ['not_started', 'draft', 'returned'];

const opinionStatusZh: Record<string, string> = { not_started: '尚未填写', draft: '仍是草稿', submitted: '已提交', accepted: '已审核通过', returned: '已退回' };

function requireEditableOpinions(row: { version: number; status: string }) {
  const status = row.version === 0 ? 'not_started' : row.status;
  if (!EDITABLE.includes(status)) {
    throw new AppError('CONFLICT', { en: `Cannot edit lead opinions that are ${status}`, zh: `牵头汇总意见${opinionStatusZh[status] ?? status}，不能修改` });
  }
}

const ownerKey = ({ planId, periodId, departmentCode }: OwnerKey) => ({ planId, periodId, departmentCode });

/** The owner's lock, by the kind of owner: the report's workflow, or the lead opinions'. */
export function versionLock(key: OwnerKey): VersionLock {
  if (key.owner === 'report') {
    return async (tx, at) => {
      const row = await lockReport(tx, ownerKey(key), at);
      requireStatus(row, EDITABLE, 'edit');
      return row.version;
    };
  }
  return async (tx, at) => {
    const row = await lockSet(tx, ownerKey(key), at);
    requireEditableOpinions(row);
    return row.version;
  };
}

/** The same check without a lock, before an upload is read: a report that cannot change is refused before its file is sent. */
export async function assertOwnerEditable(db: Queryable, key: OwnerKey): Promise<void> {
  if (key.owner === 'report') {
    const row = await findReport(db, ownerKey(key));
    if (row) requireStatus(row, EDITABLE, 'edit');
    return;
  }
  const row = await findSet(db, ownerKey(key));
  if (row) requireEditableOpinions(row);
}

/** The owner's current version and status, unlocked (0 / not_started when it has none yet). */
export async function ownerState(db: Queryable, key: OwnerKey): Promise<{ version: number; status: string }> {
  const row = key.owner === 'report' ? await findReport(db, ownerKey(key)) : await findSet(db, ownerKey(key));
  return { version: row?.version ?? 0, status: !row || row.version === 0 ? 'not_started' : row.status };
}
