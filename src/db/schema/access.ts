import { bigserial, index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid, integer } from 'drizzle-orm/pg-core';
import type { AuditAction, AuditEntityType } from '../../modules/audit/audit.schemas.js';
import type { Actor } from '../../modules/audit/audit.service.js';
import { departments } from './departments.js';

export const tokenRole = pgEnum('token_role', ['department', 'office', 'admin']);

/** Bearer tokens; only their SHA-256 is stored. */
export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull().unique(),
  role: tokenRole('role').notNull(),
  departmentCode: text('department_code').references(() => departments.code),
  label: text('label'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

/** Every write: who, when, what, before and after. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    actorTokenId: uuid('actor_token_id'),
    actorRole: text('actor_role').$type<Actor['role']>().notNull(),
    actorDepartment: text('actor_department'),
    /** The person, when the actor signed in through the web app (a session), not with an API token. */
    actorEmail: text('actor_email'),
    // Typed, not constrained: the values are the contract's enums (audit.schemas.ts), checked at compile time.
    action: text('action').$type<AuditAction>().notNull(),
    entityType: text('entity_type').$type<AuditEntityType>().notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before').$type<Record<string, unknown> | null>(),
    after: jsonb('after').$type<Record<string, unknown> | null>(),
    requestId: text('request_id'),
  },
  (table) => [index('audit_log_entity_idx').on(table.entityType, table.entityId), index('audit_log_at_idx').on(table.at)],
);

/** Stored answers of POST actions sent with an Idempotency-Key, per token. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    tokenId: uuid('token_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    statusCode: integer('status_code').notNull(),
    body: jsonb('body').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.tokenId, table.key] })],
);

/** Office and admin people who sign in to the web app with a one-time link (liaisons sign in with the addresses their unit registered). */
export const accounts = pgTable('accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Lower-cased. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: tokenRole('role').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
});

/** One-time sign-in links: single use, short-lived; only the SHA-256 of the secret is stored. */
export const signInLinks = pgTable(
  'sign_in_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    /** Lower-cased address the link was sent to. */
    email: text('email').notNull(),
    role: tokenRole('role').notNull(),
    departmentCode: text('department_code').references(() => departments.code),
    /** Where to go after signing in (a path inside the web app). */
    next: text('next'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (table) => [index('sign_in_links_expires_idx').on(table.expiresAt)],
);

/** Web sessions, kept server side so every API process shares them; only the SHA-256 of the cookie is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    role: tokenRole('role').notNull(),
    departmentCode: text('department_code').references(() => departments.code),
    email: text('email'),
    /** The API token pasted to sign in, when it was one (office and admin). */
    apiTokenId: uuid('api_token_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** Idle expiry: lastSeenAt + 8 hours, pushed forward as the session is used. */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (table) => [index('sessions_expires_idx').on(table.expiresAt)],
);
