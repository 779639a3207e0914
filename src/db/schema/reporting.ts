import {
  boolean,
  date,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  serial,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { departments } from './departments.js';
import { plans } from './plans.js';

/** 处级联络员 and 工作人员 of a unit (方案 五(一)). */
export const liaisons = pgTable('liaisons', {
  departmentCode: text('department_code')
    .primaryKey()
    .references(() => departments.code),
  officer: jsonb('officer').$type<{ name: string; position: string; phone: string; email: string }>().notNull(),
  staff: jsonb('staff').$type<{ name: string; phone: string; email: string }>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

/** `targets`: a unit's 分年度工作任务目标 for a year, reported like a period (id `<year>-targets`). */
export const periodKind = pgEnum('period_kind', ['quarterly', 'summary', 'targets']);

export const reportingPeriods = pgTable(
  'reporting_periods',
  {
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    id: text('id').notNull(),
    ordinal: integer('ordinal').notNull(),
    kind: periodKind('kind').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
    /** The deadline the plan's rule gives; `dueAt` differs when the office moved it. */
    defaultDueAt: timestamp('default_due_at', { withTimezone: true }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  },
  (table) => [unique('reporting_periods_plan_period').on(table.planId, table.id)],
);

export const reportStatus = pgEnum('report_status', ['draft', 'submitted', 'accepted', 'returned']);

export interface ReportEntry {
  measureNo: number;
  taskSeq: number;
  status: 'not_started' | 'in_progress' | 'completed' | 'blocked';
  progress: number;
  summary: string;
  problems?: string | undefined;
  nextSteps?: string | undefined;
  metrics?: { name: string; value: number; unit: string }[] | undefined;
}

/**
 * 总结报告正文: the summary period's narrative, four plain-text sections (工作开展情况, 主要成效,
 * 存在问题, 下步打算), paragraphs separated by blank lines. Null on every other period.
 */
export interface SummaryNarrative {
  work: string;
  results: string;
  problems: string;
  nextSteps: string;
}

/** One report per (plan, period, unit); `version` increases with every saved change and is the ETag. */
export const reports = pgTable(
  'reports',
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
    entries: jsonb('entries').$type<ReportEntry[]>().notNull(),
    narrative: jsonb('narrative').$type<SummaryNarrative>(),
    firstSubmittedAt: timestamp('first_submitted_at', { withTimezone: true }),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    late: boolean('late'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    returnReason: text('return_reason'),
    /** The office entered the current version on the unit's behalf (a report sent on paper). */
    enteredByOffice: boolean('entered_by_office').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [unique('reports_plan_period_department').on(table.planId, table.periodId, table.departmentCode)],
);

export const reportAction = pgEnum('report_action', ['save', 'submit', 'accept', 'return']);

/** Every saved version of a report, kept for good. */
export const reportVersions = pgTable(
  'report_versions',
  {
    reportId: integer('report_id')
      .notNull()
      .references(() => reports.id),
    version: integer('version').notNull(),
    action: reportAction('action').notNull(),
    status: reportStatus('status').notNull(),
    entries: jsonb('entries').$type<ReportEntry[]>().notNull(),
    narrative: jsonb('narrative').$type<SummaryNarrative>(),
    late: boolean('late'),
    reason: text('reason'),
    actorTokenId: uuid('actor_token_id'),
    /** Who acted, when they signed in through the web app (e-mail of the liaison or office account). */
    actorEmail: text('actor_email'),
    /** This version was entered by the office on the unit's behalf. */
    enteredByOffice: boolean('entered_by_office').notNull().default(false),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [unique('report_versions_report_version').on(table.reportId, table.version)],
);
