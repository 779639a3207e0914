import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Database, Queryable } from '../../db/client.js';
import { AppError, notFound, type Text } from '../../errors.js';
import { invalid } from '../../http/validation.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { isReportingUnit, loadDirectory, requireDepartment } from '../departments/departments.service.js';
import { requirePeriod } from '../periods/periods.service.js';
import { loadPlanStructure } from '../plans/plans.service.js';
import { carriedTasks, taskKey } from '../reports/carried-tasks.js';
import { attachmentView, type ViewContext } from './attachment-view.js';
import { assertOwnUnit, rowsLedDirectly, type Reader } from './attachment-access.js';
import type { AttachmentView, UploadFields } from './attachments.schemas.js';
import { discardPending, openBlob, receiveFile, settleBlob, sweepStalePending, type ReceivedFile } from './blob-storage.js';
import { safeFileName } from './file-kinds.js';
import { ownerState, versionLock, type VersionLock } from './owner-locks.js';
import * as repository from './attachments.repository.js';

export type { AttachmentRow, AttachmentOwner, AttachmentFilter, OwnerKey } from './attachments.repository.js';
export { canLeadRead, rowsLedDirectly } from './attachment-access.js';
export { versionLock, type VersionLock } from './owner-locks.js';

export interface AttachmentLimits {
  /** The largest file (413 beyond). */
  maxFileBytes: number;
  /** What one owner (a report, or lead opinions) may hold at once, in bytes (413 beyond) and files (409 beyond). */
  maxBytesPerOwner: number;
  maxFilesPerOwner: number;
}

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxFileBytes: 20 * 1024 * 1024, maxBytesPerOwner: 200 * 1024 * 1024, maxFilesPerOwner: 50 };

/** Whose attachments, as routes address them: plan code, period id, unit code, and the kind of owner. */
export interface OwnerAddress {
  plan: string;
  period: string;
  department: string;
  owner: repository.AttachmentOwner;
}

/** An owner ready to take a file: where its attachments go, the rows a file may be tied to, and how much room is left. */
export interface UploadTarget {
  address: OwnerAddress;
  key: repository.OwnerKey;
  view: ViewContext;
  rows: ReadonlySet<string>;
  limits: AttachmentLimits;
  /** Bytes the next file may have: the smaller of the file limit and the room left (413 beyond). */
  allowance: number;
}

const ownerNoun: Record<repository.AttachmentOwner, Text> = { report: { en: 'The report', zh: '本报告' }, lead: { en: 'The lead opinions', zh: '本牵头汇总意见' } };
const mib = (bytes: number) => `${Number((bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 2))} MiB`;

/** The plan, period and unit of an owner, with the rows its files may be tied to: the rows the unit reports on, or those it leads. */
async function loadOwner(db: Queryable, address: OwnerAddress) {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, address.plan), loadDirectory(db)]);
  const period = await requirePeriod(db, structure.plan, address.period);
  const department = requireDepartment(directory, address.department);
  if (!isReportingUnit(department)) {
    throw new AppError('UNPROCESSABLE', { en: `${department.name} is a collective; its member units report for it`, zh: `${department.name} 是集合单位，由其成员单位报送` });
  }
  const rows = address.owner === 'report' ? new Set(carriedTasks(structure, directory, department).map(taskKey)) : rowsLedDirectly(structure, department);
  const key: repository.OwnerKey = { planId: structure.plan.id, periodId: period.id, departmentCode: department.code, owner: address.owner };
  const view: ViewContext = { planCode: structure.plan.code, timeZone: structure.plan.reportingRule.timeZone, department: { code: department.code, name: department.name } };
  return { key, view, rows, department };
}

/** Loads the owner and checks there is room for one more file (409 at the file count, 413 when full), before any file is read. */
export async function prepareUpload(db: Queryable, address: OwnerAddress, limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS): Promise<UploadTarget> {
  const { key, view, rows } = await loadOwner(db, address);
  const usage = await repository.currentUsage(db, key);
  assertRoom(address.owner, usage, 1, limits);
  return { address, key, view, rows, limits, allowance: Math.min(limits.maxFileBytes, limits.maxBytesPerOwner - usage.bytes) };
}

const noRoom = (owner: repository.AttachmentOwner, usedBytes: number, limits: AttachmentLimits) =>
  new AppError('PAYLOAD_TOO_LARGE', {
    en: `${ownerNoun[owner].en}'s attachments may take ${mib(limits.maxBytesPerOwner)} together and already take ${mib(usedBytes)}; this file does not fit: remove some first`,
    zh: `${ownerNoun[owner].zh}的佐证材料合计不得超过 ${mib(limits.maxBytesPerOwner)}，现已占用 ${mib(usedBytes)}，放不下该文件，请先删除部分附件`,
  });

const fileTooLarge = (limits: AttachmentLimits) =>
  new AppError('PAYLOAD_TOO_LARGE', { en: `The file is larger than ${mib(limits.maxFileBytes)}, the most an attachment may be`, zh: `文件超过 ${mib(limits.maxFileBytes)} 的上限` });

function assertRoom(owner: repository.AttachmentOwner, usage: { files: number; bytes: number }, adding: number, limits: AttachmentLimits) {
  if (usage.files + 1 > limits.maxFilesPerOwner) {
    throw new AppError('CONFLICT', {
      en: `${ownerNoun[owner].en} already has ${usage.files} attachments, the most it may have (${limits.maxFilesPerOwner}); remove one first`,
      zh: `${ownerNoun[owner].zh}已有 ${usage.files} 个佐证材料，已达上限（${limits.maxFilesPerOwner} 个），请先删除部分附件`,
    });
  }
  if (usage.bytes + adding > limits.maxBytesPerOwner) throw noRoom(owner, usage.bytes, limits);
}

/** A file may be tied to a row its owner carries (or leads); 422 otherwise. */
export function assertRow(target: UploadTarget, fields: UploadFields) {
  if (fields.measureNo === undefined || fields.taskSeq === undefined) return;
  if (target.rows.has(taskKey({ measureNo: fields.measureNo, taskSeq: fields.taskSeq }))) return;
  const name = target.view.department.name;
  const carries = target.address.owner === 'report' ? { en: 'does not carry', zh: '不承担' } : { en: 'does not lead', zh: '不牵头' };
  const message = { en: `${name} ${carries.en} measure ${fields.measureNo} task ${fields.taskSeq}`, zh: `${name} ${carries.zh}措施 ${fields.measureNo} 任务 ${fields.taskSeq}` };
  throw new AppError('UNPROCESSABLE', { en: `The file cannot be tied to that row: ${message.en}`, zh: `附件不能关联到该任务：${message.zh}` }, [{ path: 'body.measureNo', message }]);
}

/** Streams the file into a pending blob within the target's allowance (see blob-storage.ts). */
export function receiveUpload(db: Queryable, target: UploadTarget, fileStream: Readable, fileName: string, at: Date): Promise<ReceivedFile> {
  const { limits, allowance } = target;
  const tooLarge = () => (allowance < limits.maxFileBytes ? noRoom(target.address.owner, limits.maxBytesPerOwner - allowance, limits) : fileTooLarge(limits));
  return receiveFile(db, fileStream, { at, maxBytes: allowance, tooLarge, fileName });
}

export interface AttachParams {
  fields: UploadFields;
  fileName: string;
  /** The owner's version, read by the caller; or a lock run in the attachment's transaction (409 when the owner may not change). */
  currentVersion: number | VersionLock;
  actor: Actor;
  at: Date;
}

/** Postgres unique_violation: two identical files completing at once; the retry finds the other's blob. */
const isUniqueViolation = (error: unknown): boolean =>
  error instanceof Error && ((error as { code?: unknown }).code === '23505' || isUniqueViolation((error as { cause?: unknown }).cause));

/**
 * Records a received file as the owner's attachment, in one transaction: the owner's version (and
 * lock), the limits again, the blob (reused when the same content is stored already), the row and
 * its audit. Whatever fails, the pending blob is deleted.
 */
export async function attachUpload(db: Database, target: UploadTarget, received: ReceivedFile, params: AttachParams): Promise<AttachmentView> {
  const { key, address } = target;
  const fileName = safeFileName(params.fileName, received.kind);
  const onBehalf = params.actor.role === 'office' || params.actor.role === 'admin';
  const attach = () =>
    db.transaction(async (tx) => {
      const version = typeof params.currentVersion === 'number' ? params.currentVersion : await params.currentVersion(tx, params.at);
      assertRoom(address.owner, await repository.currentUsage(tx, key), received.size, target.limits);
      const blobId = await settleBlob(tx, received);
      const row = await repository.insertAttachment(tx, {
        id: randomUUID(),
        ...key,
        measureNo: params.fields.measureNo ?? null,
        taskSeq: params.fields.taskSeq ?? null,
        fileName,
        description: params.fields.description ?? '',
        blobId,
        sha256: received.sha256,
        size: received.size,
        mediaType: received.kind.mediaType,
        addedAfterVersion: version,
        uploadedAt: params.at,
        actorTokenId: params.actor.tokenId,
        actorEmail: params.actor.email ?? null,
        enteredByOffice: onBehalf,
      });
      await recordAudit(tx, params.actor, params.at, {
        action: 'attachment.add',
        entityType: 'attachment',
        entityId: `${address.plan}/${address.period}/${address.department}/${row.id}`,
        before: null,
        after: { owner: row.owner, fileName, size: row.size, sha256: row.sha256, mediaType: row.mediaType, measureNo: row.measureNo, taskSeq: row.taskSeq, addedAfterVersion: version, ...(onBehalf ? { enteredByOffice: true } : {}) },
      });
      return row;
    });
  try {
    assertRow(target, params.fields);
    const row = await attach().catch((error: unknown) => (isUniqueViolation(error) ? attach() : Promise.reject(error)));
    return attachmentView(row, target.view);
  } catch (error) {
    await discardPending(db, received.pendingBlobId);
    throw error;
  }
}

export interface UploadParams extends OwnerAddress {
  currentVersion: number | VersionLock;
  measureNo?: number | undefined;
  taskSeq?: number | undefined;
  description?: string | undefined;
  actor: Actor;
  at: Date;
  limits?: AttachmentLimits | undefined;
}

/**
 * Attaches one file to an owner, fields known up front (see prepareUpload → receiveUpload →
 * attachUpload for fields that may come after the file). Refused before the file is read: no
 * room left (409/413), a row the owner does not carry or lead (422).
 */
export async function storeUpload(db: Database, params: UploadParams, fileStream: Readable, fileName: string): Promise<AttachmentView> {
  const { plan, period, department, owner, currentVersion, measureNo, taskSeq, description, actor, at, limits } = params;
  const target = await prepareUpload(db, { plan, period, department, owner }, limits);
  const fields: UploadFields = { measureNo, taskSeq, description };
  if ((measureNo === undefined) !== (taskSeq === undefined)) {
    throw invalid([{ path: 'body.taskSeq', message: { en: 'measureNo and taskSeq go together: send both or neither', zh: 'measureNo 与 taskSeq 须同时填写或同时不填' } }]);
  }
  assertRow(target, fields);
  const received = await receiveUpload(db, target, fileStream, fileName, at);
  return attachUpload(db, target, received, { fields, fileName, currentVersion, actor, at });
}

/** The attachments in scope (see AttachmentFilter): the current ones, or those of one version of their owners. H2 and H3 read these. */
export const listAttachments = (db: Queryable, filter: repository.AttachmentFilter) => repository.listAttachments(db, filter);

/** A blob's bytes as a stream (one chunk in memory at a time): `listAttachments(...)[i].blobId`. */
export const openAttachmentContent = (db: Queryable, blobId: string): Readable => openBlob(db, blobId);

/** An owner's attachments as JSON: the current ones, or those of version `version` (404 for a version it does not have). */
export async function listOwnerAttachments(db: Queryable, address: OwnerAddress, version?: number): Promise<AttachmentView[]> {
  const { key, view } = await loadOwner(db, address);
  if (version !== undefined) {
    const current = (await ownerState(db, key)).version;
    if (version > current) throw notFound({ en: `${ownerNoun[key.owner].en} has no version ${version}; it is at version ${current}`, zh: `${ownerNoun[key.owner].zh}没有第 ${version} 版，当前为第 ${current} 版` });
  }
  const rows = await repository.listAttachments(db, { ...key, version });
  return rows.map((row) => attachmentView(row, view));
}

export interface RemoveParams {
  id: string;
  actor: Actor;
  at: Date;
  /** Default: the lock of the attachment's owner (the report's workflow, or the lead opinions'). */
  currentVersion?: VersionLock | undefined;
  /** Who asks: a unit may remove only its own attachments (403); without it, no check. */
  reader?: Reader | undefined;
}

/**
 * Removes an attachment while its owner may change (409 otherwise): one never part of a version
 * (attached at the current version) is deleted for good, with its blob when no other attachment
 * names it; any other stays in the versions it was part of (removedAfterVersion = current version).
 */
export async function removeAttachment(db: Database, params: RemoveParams): Promise<{ deleted: boolean }> {
  const found = await repository.findAttachmentWithPlan(db, params.id);
  if (!found) throw notFound({ en: `Attachment ${params.id} does not exist`, zh: `附件 ${params.id} 不存在` });
  const { attachment, planCode } = found;
  if (params.reader) assertOwnUnit(params.reader, attachment);
  const lock = params.currentVersion ?? versionLock(attachment);
  return db.transaction(async (tx) => {
    const version = await lock(tx, params.at);
    const row = await repository.lockAttachment(tx, params.id);
    if (!row) throw notFound({ en: `Attachment ${params.id} does not exist`, zh: `附件 ${params.id} 不存在` });
    if (row.removedAfterVersion !== null) {
      throw new AppError('CONFLICT', { en: `The attachment was removed already (after version ${row.removedAfterVersion})`, zh: `该附件已于第 ${row.removedAfterVersion} 版后删除` });
    }
    const deleted = row.addedAfterVersion >= version;
    if (deleted) {
      await repository.deleteAttachment(tx, row.id);
      await repository.deleteBlobIfUnused(tx, row.blobId);
    } else {
      await repository.markRemoved(tx, row.id, version);
    }
    await recordAudit(tx, params.actor, params.at, {
      action: 'attachment.remove',
      entityType: 'attachment',
      entityId: `${planCode}/${row.periodId}/${row.departmentCode}/${row.id}`,
      before: { owner: row.owner, fileName: row.fileName, size: row.size, sha256: row.sha256, addedAfterVersion: row.addedAfterVersion },
      after: { fileName: row.fileName, size: row.size, sha256: row.sha256, ...(deleted ? { deleted: true } : { removedAfterVersion: version }) },
    });
    return { deleted };
  });
}

/** Deletes the pending blobs of uploads that never finished (older than an hour); run at start-up. */
export const sweepPendingUploads = (db: Queryable, now: Date) => sweepStalePending(db, now);
