import { index, integer, jsonb, pgEnum, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { departments } from './departments.js';
import { plans } from './plans.js';

export interface Escalation {
  /** The first overdue reminder goes out this many working days after the deadline. */
  afterWorkingDays: number;
  everyDays: number;
  maxCount: number;
}

/** When reminders go out for a plan; editable by the office. */
export const reminderPolicies = pgTable('reminder_policies', {
  planId: integer('plan_id')
    .primaryKey()
    .references(() => plans.id),
  offsetsDays: jsonb('offsets_days').$type<number[]>().notNull(),
  sendTime: text('send_time').notNull(),
  escalation: jsonb('escalation').$type<Escalation>().notNull(),
  officeEmail: text('office_email'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export const reminderChannel = pgEnum('reminder_channel', ['email', 'webhook']);
/**
 * `sending`: claimed by a worker until `lease_until` (the send runs outside any transaction).
 * `recorded`: an e-mail reminder composed and kept in the unit's feed, but not sent because no
 * SMTP server is configured.
 */
export const reminderStatus = pgEnum('reminder_status', ['planned', 'sent', 'failed', 'cancelled', 'unreachable', 'sending', 'recorded']);

/**
 * The source of truth for which reminders should exist: one row per plan, period, unit, kind
 * and channel. BullMQ only carries them out; a reconcile re-creates lost jobs from these rows.
 */
export const reminders = pgTable(
  'reminders',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    periodId: text('period_id').notNull(),
    departmentCode: text('department_code')
      .notNull()
      .references(() => departments.code),
    /** before-7d, before-3d, before-1d, overdue-1 ... */
    kind: text('kind').notNull(),
    channel: reminderChannel('channel').notNull(),
    sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
    status: reminderStatus('status').notNull(),
    /** Claims so far; the claim's number also identifies it when the worker marks the outcome. */
    attempts: integer('attempts').notNull().default(0),
    /** While `sending`: the claim is void after this instant, and another worker may take it over. */
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    unique('reminders_natural_key').on(table.planId, table.periodId, table.departmentCode, table.kind, table.channel),
    index('reminders_status_send_at_idx').on(table.status, table.sendAt),
  ],
);

/** The in-app feed of a unit: one row per reminder it was sent. */
export const notifications = pgTable(
  'notifications',
  {
    id: serial('id').primaryKey(),
    departmentCode: text('department_code')
      .notNull()
      .references(() => departments.code),
    reminderId: integer('reminder_id')
      .references(() => reminders.id)
      .unique(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('notifications_department_idx').on(table.departmentCode, table.createdAt)],
);

export const departmentWebhooks = pgTable('department_webhooks', {
  departmentCode: text('department_code')
    .primaryKey()
    .references(() => departments.code),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** Secret-in-URL tokens for a unit's iCalendar feed; only the hash is kept. */
export const calendarFeeds = pgTable('calendar_feeds', {
  departmentCode: text('department_code')
    .primaryKey()
    .references(() => departments.code),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
