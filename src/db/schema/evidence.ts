import { bigint, boolean, customType, index, integer, jsonb, pgEnum, pgTable, primaryKey, serial, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { departments } from './departments.js';
import { plans } from './plans.js';
import { reportAction, reportStatus } from './reporting.js';

/**
 * Evidence kept for the 国务院安委会 inspection (方案 五(二)): files attached to reports and to
 * lead departments' opinions, and the 牵头汇总意见 themselves.
 */

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

/**
 * A file's content, stored once per SHA-256 however many attachments name it. `sha256` is null
 * while the upload is streaming in (`complete` false); a pending blob left by a crash is swept.
 */
export const attachmentBlobs = pgTable(
  'attachment_blobs',
  {
    id: uuid('id').primaryKey(),
    sha256: text('sha256'),
    size: bigint('size', { mode: 'number' }).notNull().default(0),
    mediaType: text('media_type'),
    complete: boolean('complete').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex('attachment_blobs_sha256').on(table.sha256)],
);

/** The bytes of a blob in order, a few hundred KiB per row, so that no read or write holds a whole file. */
export const attachmentChunks = pgTable(
  'attachment_chunks',
  {
    blobId: uuid('blob_id')
      .notNull()
      .references(() => attachmentBlobs.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    data: bytea('data').notNull(),
  },
  (table) => [primaryKey({ columns: [table.blobId, table.seq] })],
);

/** Whose versions an attachment follows: the unit's report, or its lead opinions for the period. */
export const attachmentOwner = pgEnum('attachment_owner', ['report', 'lead']);

/**
 * A file attached by a unit to its report (or lead opinions) of a period, optionally tied to one
 * row. It belongs to the owner's versions numbered in (addedAfterVersion, removedAfterVersion]:
 * attached while the owner is at version v, it is part of every later version until removed.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    periodId: text('period_id').notNull(),
    departmentCode: text('department_code')
      .notNull()
      .references(() => departments.code),
    owner: attachmentOwner('owner').notNull(),
    measureNo: integer('measure_no'),
    taskSeq: integer('task_seq'),
    fileName: text('file_name').notNull(),
    description: text('description').notNull().default(''),
    blobId: uuid('blob_id')
      .notNull()
      .references(() => attachmentBlobs.id),
    sha256: text('sha256').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    mediaType: text('media_type').notNull(),
    addedAfterVersion: integer('added_after_version').notNull(),
    removedAfterVersion: integer('removed_after_version'),
    uploadedAt: timestamp('uploaded_at', { withTimezone: true }).notNull(),
    actorTokenId: uuid('actor_token_id'),
    actorEmail: text('actor_email'),
    /** Attached by the office on the unit's behalf (evidence that came on paper). */
    enteredByOffice: boolean('entered_by_office').notNull().default(false),
  },
  (table) => [index('attachments_owner_idx').on(table.planId, table.periodId, table.departmentCode, table.owner), index('attachments_blob_idx').on(table.blobId)],
);

/** A lead department's 牵头汇总意见 on one row it leads. */
export interface LeadOpinion {
  measureNo: number;
  taskSeq: number;
  status: 'not_started' | 'in_progress' | 'completed' | 'blocked';
  progress: number;
  assessment: string;
}

/** A lead department's opinions for a period: one document per (plan, period, unit), drafted and submitted like a report. */
export const leadOpinionSets = pgTable(
  'lead_opinion_sets',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    periodId: text('period_id').notNull(),
    departmentCode: text('department_code')
      .notNull()
      .references(() => departments.code),
    status: reportStatus('status').notNull(),
    version: integer('version').notNull(),
    opinions: jsonb('opinions').$type<LeadOpinion[]>().notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    enteredByOffice: boolean('entered_by_office').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [unique('lead_opinion_sets_plan_period_department').on(table.planId, table.periodId, table.departmentCode)],
);

/** Every saved version of a lead department's opinions. */
export const leadOpinionVersions = pgTable(
  'lead_opinion_versions',
  {
    setId: integer('set_id')
      .notNull()
      .references(() => leadOpinionSets.id),
    version: integer('version').notNull(),
    action: reportAction('action').notNull(),
    status: reportStatus('status').notNull(),
    opinions: jsonb('opinions').$type<LeadOpinion[]>().notNull(),
    actorTokenId: uuid('actor_token_id'),
    actorEmail: text('actor_email'),
    enteredByOffice: boolean('entered_by_office').notNull().default(false),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [unique('lead_opinion_versions_set_version').on(table.setId, table.version)],
);
