import { and, asc, eq, isNull, lt, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { attachmentBlobs, attachmentChunks, attachments, plans } from '../../db/schema/index.js';

export type AttachmentRow = typeof attachments.$inferSelect;
export type AttachmentOwner = AttachmentRow['owner'];

/** Whose attachments: a unit's report (or lead opinions) of a period. */
export interface OwnerKey {
  planId: number;
  periodId: string;
  departmentCode: string;
  owner: AttachmentOwner;
}

export interface AttachmentFilter {
  planId: number;
  periodId: string;
  departmentCode?: string | undefined;
  owner?: AttachmentOwner | undefined;
  /** Those of this version of their owner; without it, the current ones (not removed). */
  version?: number | undefined;
}

/**
 * Part of version v: added while the owner was at an earlier version, and not removed before v was
 * made (attachment-view.ts `inVersion` in JS). `version` is a number or a column (the dossier joins
 * each report's current version).
 */
export const partOfVersion = (version: number | AnyColumn): SQL =>
  and(lt(attachments.addedAfterVersion, version), or(isNull(attachments.removedAfterVersion), sql`${attachments.removedAfterVersion} >= ${version}`))!;

export function listAttachments(db: Queryable, filter: AttachmentFilter): Promise<AttachmentRow[]> {
  return db
    .select()
    .from(attachments)
    .where(
      and(
        eq(attachments.planId, filter.planId),
        eq(attachments.periodId, filter.periodId),
        filter.departmentCode ? eq(attachments.departmentCode, filter.departmentCode) : undefined,
        filter.owner ? eq(attachments.owner, filter.owner) : undefined,
        filter.version === undefined ? isNull(attachments.removedAfterVersion) : partOfVersion(filter.version),
      ),
    )
    .orderBy(asc(attachments.departmentCode), asc(attachments.uploadedAt), asc(attachments.id));
}

/** Every attachment an owner ever had (for its history), oldest first. */
export function listOwnerHistory(db: Queryable, key: OwnerKey): Promise<AttachmentRow[]> {
  return db.select().from(attachments).where(byOwner(key)).orderBy(asc(attachments.uploadedAt), asc(attachments.id));
}

const byOwner = (key: OwnerKey) =>
  and(eq(attachments.planId, key.planId), eq(attachments.periodId, key.periodId), eq(attachments.departmentCode, key.departmentCode), eq(attachments.owner, key.owner));

/** The owner's current attachments: how many, and their bytes together. */
export async function currentUsage(db: Queryable, key: OwnerKey): Promise<{ files: number; bytes: number }> {
  const [row] = await db
    .select({ files: sql<number>`count(*)::int`, bytes: sql<string>`coalesce(sum(${attachments.size}), 0)::text` })
    .from(attachments)
    .where(and(byOwner(key), isNull(attachments.removedAfterVersion)));
  return { files: row?.files ?? 0, bytes: Number(row?.bytes ?? 0) };
}

export async function findAttachment(db: Queryable, id: string): Promise<AttachmentRow | undefined> {
  const [row] = await db.select().from(attachments).where(eq(attachments.id, id));
  return row;
}

/** The attachment with its plan's code (entity ids and the plan structure are by code). */
export async function findAttachmentWithPlan(db: Queryable, id: string): Promise<{ attachment: AttachmentRow; planCode: string } | undefined> {
  const [row] = await db.select({ attachment: attachments, planCode: plans.code }).from(attachments).innerJoin(plans, eq(plans.id, attachments.planId)).where(eq(attachments.id, id));
  return row;
}

export async function lockAttachment(db: Queryable, id: string): Promise<AttachmentRow | undefined> {
  const [row] = await db.select().from(attachments).where(eq(attachments.id, id)).for('update');
  return row;
}

export async function insertAttachment(db: Queryable, row: typeof attachments.$inferInsert): Promise<AttachmentRow> {
  const [inserted] = await db.insert(attachments).values(row).returning();
  return inserted!;
}

export async function markRemoved(db: Queryable, id: string, version: number): Promise<void> {
  await db.update(attachments).set({ removedAfterVersion: version }).where(eq(attachments.id, id));
}

export async function deleteAttachment(db: Queryable, id: string): Promise<void> {
  await db.delete(attachments).where(eq(attachments.id, id));
}

// Blobs and their chunks.

export async function insertPendingBlob(db: Queryable, id: string, at: Date): Promise<void> {
  await db.insert(attachmentBlobs).values({ id, complete: false, createdAt: at });
}

export async function insertChunk(db: Queryable, blobId: string, seq: number, data: Buffer): Promise<void> {
  await db.insert(attachmentChunks).values({ blobId, seq, data });
}

/** A chunk's bytes: a Buffer from `pg`, a Uint8Array from PGlite; undefined past the last one. */
export async function readChunk(db: Queryable, blobId: string, seq: number): Promise<Uint8Array | undefined> {
  const [row] = await db
    .select({ data: attachmentChunks.data })
    .from(attachmentChunks)
    .where(and(eq(attachmentChunks.blobId, blobId), eq(attachmentChunks.seq, seq)));
  return row?.data;
}

/** The complete blob with this content, locked so that it cannot be deleted before the attachment naming it commits. */
export async function lockCompleteBlob(db: Queryable, sha256: string): Promise<{ id: string } | undefined> {
  const [row] = await db
    .select({ id: attachmentBlobs.id })
    .from(attachmentBlobs)
    .where(and(eq(attachmentBlobs.sha256, sha256), eq(attachmentBlobs.complete, true)))
    .for('update');
  return row;
}

export async function completeBlob(db: Queryable, id: string, content: { sha256: string; size: number; mediaType: string }): Promise<void> {
  await db
    .update(attachmentBlobs)
    .set({ ...content, complete: true })
    .where(eq(attachmentBlobs.id, id));
}

/** Deletes a blob still pending (its chunks go with it); a completed one is left alone. */
export async function deletePendingBlob(db: Queryable, id: string): Promise<void> {
  await db.delete(attachmentBlobs).where(and(eq(attachmentBlobs.id, id), eq(attachmentBlobs.complete, false)));
}

/** Deletes a blob no attachment names any more; the lock keeps an upload from naming it meanwhile. */
export async function deleteBlobIfUnused(db: Queryable, id: string): Promise<boolean> {
  const [blob] = await db.select({ id: attachmentBlobs.id }).from(attachmentBlobs).where(eq(attachmentBlobs.id, id)).for('update');
  if (!blob) return false;
  const [used] = await db.select({ id: attachments.id }).from(attachments).where(eq(attachments.blobId, id)).limit(1);
  if (used) return false;
  await db.delete(attachmentBlobs).where(eq(attachmentBlobs.id, id));
  return true;
}

/** Pending blobs created before `before`: uploads that a crash or a lost connection left behind. */
export async function deleteStalePendingBlobs(db: Queryable, before: Date): Promise<number> {
  const deleted = await db
    .delete(attachmentBlobs)
    .where(and(eq(attachmentBlobs.complete, false), lt(attachmentBlobs.createdAt, before)))
    .returning({ id: attachmentBlobs.id });
  return deleted.length;
}
