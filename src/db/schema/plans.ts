import {
  boolean,
  date,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core';
import type { AssessmentRubric } from '../../modules/assessment/rubric.js';
import type { ReportingRule } from '../../modules/periods/reporting-rule.js';
import { departments } from './departments.js';

export const plans = pgTable('plans', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  title: text('title').notNull(),
  documentNo: text('document_no').notNull(),
  issuer: text('issuer').notNull(),
  issuedOn: date('issued_on').notNull(),
  /** How the plan's reporting periods and deadlines are derived (the 分工表's rule: quarterly, 5 working days after). */
  reportingRule: jsonb('reporting_rule').$type<ReportingRule>().notNull(),
  /** How the 年度考核 weighs and grades the units (src/modules/assessment/rubric.ts); null means the defaults. */
  assessmentRubric: jsonb('assessment_rubric').$type<AssessmentRubric>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Phases (阶段) and, under a phase, its stages: 整治阶段 has 深入整治 and 深化提升. */
export const planPhases = pgTable(
  'plan_phases',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    code: text('code').notNull(),
    parentCode: text('parent_code'),
    ordinal: integer('ordinal').notNull(),
    name: text('name').notNull(),
    startsOn: date('starts_on').notNull(),
    endsOn: date('ends_on').notNull(),
  },
  (table) => [unique().on(table.planId, table.code)],
);

export const categories = pgTable(
  'categories',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    ordinal: integer('ordinal').notNull(),
    title: text('title').notNull(),
  },
  (table) => [unique().on(table.planId, table.ordinal)],
);

export const measures = pgTable(
  'measures',
  {
    id: serial('id').primaryKey(),
    planId: integer('plan_id')
      .notNull()
      .references(() => plans.id),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id),
    no: integer('no').notNull(),
    title: text('title').notNull(),
  },
  (table) => [unique().on(table.planId, table.no)],
);

/** One row of the 分工表. */
export const tasks = pgTable(
  'tasks',
  {
    id: serial('id').primaryKey(),
    measureId: integer('measure_id')
      .notNull()
      .references(() => measures.id),
    seq: integer('seq').notNull(),
    content: text('content').notNull(),
    note: text('note'),
    leadOpenEnded: boolean('lead_open_ended').notNull(),
    responsibleOpenEnded: boolean('responsible_open_ended').notNull(),
  },
  (table) => [unique().on(table.measureId, table.seq)],
);

export const assignmentRole = pgEnum('assignment_role', ['lead', 'responsible']);

/** A unit named in a task row's 牵头部门 or 负责部门 cell, at its printed position. */
export const taskAssignments = pgTable(
  'task_assignments',
  {
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    role: assignmentRole('role').notNull(),
    departmentCode: text('department_code')
      .notNull()
      .references(() => departments.code),
    position: integer('position').notNull(),
  },
  (table) => [primaryKey({ columns: [table.taskId, table.role, table.departmentCode] })],
);
