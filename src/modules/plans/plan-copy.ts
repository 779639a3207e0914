import { asc, eq } from 'drizzle-orm';
import type { Transaction } from '../../db/client.js';
import { categories, measures, planPhases, plans, taskAssignments, tasks } from '../../db/schema/index.js';
import type { ReportingRule } from '../periods/reporting-rule.js';

/*
 * Starting a plan anew: the 分工表 of an existing plan, copied row for row, with its whole
 * timeline moved by a whole number of months. Whole months (not days) because every phase of the
 * plan is written in months (2017-03-01..2019-10-31) and must stay month-aligned after the move.
 */

// ---------------------------------------------------------------------------------------------
// Pure date arithmetic on ISO calendar days (YYYY-MM-DD). No Date objects or time zones: the
// values are calendar days as printed in the plan, so there is no instant to get wrong.

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function parseDay(day: string) {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return { year, month, date };
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** Months counted from year 0, so shifting is plain addition (negative shifts included). */
const monthIndex = (year: number, month: number) => year * 12 + (month - 1);
const fromMonthIndex = (index: number) => ({ year: Math.floor(index / 12), month: (((index % 12) + 12) % 12) + 1 });

/** Whole months from the month of `from` to the month of `to`; the day of month is ignored. */
export function monthsBetween(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  return monthIndex(b.year, b.month) - monthIndex(a.year, a.month);
}

/**
 * `day` moved by `months`. The last day of a month stays the last day of its month (2018-03-31
 * + 119 months is 2028-02-29), so phase ends stay month ends; other days keep their day of
 * month, clamped to the target month's length (issuedOn 2017-04-05 + 120 is 2027-04-05).
 */
export function shiftDay(day: string, months: number): string {
  const { year, month, date } = parseDay(day);
  const target = fromMonthIndex(monthIndex(year, month) + months);
  const targetLength = daysInMonth(target.year, target.month);
  const targetDate = date === daysInMonth(year, month) ? targetLength : Math.min(date, targetLength);
  return `${pad(target.year, 4)}-${pad(target.month)}-${pad(targetDate)}`;
}

/** The calendar quarter containing `day`, as the rule writes it (2027Q2). */
export function quarterOf(day: string): string {
  const { year, month } = parseDay(day);
  return `${pad(year, 4)}Q${Math.ceil(month / 3)}`;
}

function quarterStart(quarter: string): string {
  const firstMonth = (Number(quarter.slice(5)) - 1) * 3 + 1;
  return `${quarter.slice(0, 4)}-${pad(firstMonth)}-01`;
}

function quarterEnd(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const lastMonth = Number(quarter.slice(5)) * 3;
  return `${quarter.slice(0, 4)}-${pad(lastMonth)}-${pad(daysInMonth(year, lastMonth))}`;
}

/**
 * The rule for the moved timeline. Reporting stays on calendar quarters (deadlines are "the 5th
 * working day after the quarter"), so when the shift is not a multiple of 3 the first and last
 * quarters are the ones containing the moved start of the old first quarter and the moved end of
 * the old last quarter. Everything else (time zone, working days, times, summary phase) is kept.
 */
export function shiftReportingRule(rule: ReportingRule, months: number): ReportingRule {
  return {
    ...rule,
    quarterly: {
      ...rule.quarterly,
      first: quarterOf(shiftDay(quarterStart(rule.quarterly.first), months)),
      last: quarterOf(shiftDay(quarterEnd(rule.quarterly.last), months)),
    },
    summary: { ...rule.summary },
  };
}

// ---------------------------------------------------------------------------------------------
// The rows.

export interface NewPlanFields {
  code: string;
  title: string;
  documentNo: string;
  issuer: string;
  issuedOn: string;
}

export interface CopiedPlan {
  id: number;
  code: string;
  reportingRule: ReportingRule;
  copied: { phases: number; categories: number; measures: number; tasks: number; assignments: number };
}

/**
 * Everything of the source plan that the copy reproduces, in the table's order. One query after
 * another: a transaction is one connection, and pg deprecates overlapping queries on a client.
 */
async function readSource(tx: Transaction, planId: number) {
  const phaseRows = await tx.select().from(planPhases).where(eq(planPhases.planId, planId)).orderBy(asc(planPhases.ordinal));
  const categoryRows = await tx.select().from(categories).where(eq(categories.planId, planId)).orderBy(asc(categories.ordinal));
  const measureRows = await tx.select().from(measures).where(eq(measures.planId, planId)).orderBy(asc(measures.no));
  const taskRows = await tx
    .select({ task: tasks })
    .from(tasks)
    .innerJoin(measures, eq(tasks.measureId, measures.id))
    .where(eq(measures.planId, planId))
    .orderBy(asc(measures.no), asc(tasks.seq));
  const assignmentRows = await tx
    .select({ assignment: taskAssignments })
    .from(taskAssignments)
    .innerJoin(tasks, eq(taskAssignments.taskId, tasks.id))
    .innerJoin(measures, eq(tasks.measureId, measures.id))
    .where(eq(measures.planId, planId))
    .orderBy(asc(taskAssignments.taskId), asc(taskAssignments.role), asc(taskAssignments.position));
  return {
    phaseRows,
    categoryRows,
    measureRows,
    taskRows: taskRows.map((row) => row.task),
    assignmentRows: assignmentRows.map((row) => row.assignment),
  };
}

/** Looks a new id up by the natural key it was inserted under; a miss is a bug, not bad input. */
function mapped<K, V>(map: Map<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`Plan copy: no new ${what} for ${String(key)}`);
  return value;
}

/**
 * Inserts the new plan and a copy of the source plan's phases (moved by `months`), categories,
 * measures, task rows and task assignments. Returns null, having written nothing, when
 * `target.code` is taken: ON CONFLICT DO NOTHING makes a concurrent copy to the same code a 409
 * rather than a unique-violation 500. It writes several tables, so it takes a transaction: the
 * caller rolls everything back if any later step (periods, audit) fails.
 *
 * New ids are matched to old ones through natural keys (category ordinal, measure no, task
 * (measure, seq)) because Postgres does not promise that RETURNING follows VALUES order.
 */
export async function insertPlanCopy(
  tx: Transaction,
  source: { id: number; reportingRule: ReportingRule },
  target: NewPlanFields,
  months: number,
): Promise<CopiedPlan | null> {
  const reportingRule = shiftReportingRule(source.reportingRule, months);
  const [plan] = await tx
    .insert(plans)
    .values({ ...target, reportingRule })
    .onConflictDoNothing({ target: plans.code })
    .returning({ id: plans.id, code: plans.code, reportingRule: plans.reportingRule });
  if (!plan) return null;

  const { phaseRows, categoryRows, measureRows, taskRows, assignmentRows } = await readSource(tx, source.id);

  if (phaseRows.length > 0) {
    await tx.insert(planPhases).values(
      phaseRows.map(({ code, parentCode, ordinal, name, startsOn, endsOn }) => ({
        planId: plan.id,
        code,
        parentCode,
        ordinal,
        name,
        startsOn: shiftDay(startsOn, months),
        endsOn: shiftDay(endsOn, months),
      })),
    );
  }

  const newCategoryByOrdinal = new Map<number, number>();
  if (categoryRows.length > 0) {
    const inserted = await tx
      .insert(categories)
      .values(categoryRows.map(({ ordinal, title }) => ({ planId: plan.id, ordinal, title })))
      .returning({ id: categories.id, ordinal: categories.ordinal });
    for (const row of inserted) newCategoryByOrdinal.set(row.ordinal, row.id);
  }
  const categoryOrdinalById = new Map(categoryRows.map((row) => [row.id, row.ordinal]));

  const newMeasureByNo = new Map<number, number>();
  if (measureRows.length > 0) {
    const inserted = await tx
      .insert(measures)
      .values(
        measureRows.map(({ categoryId, no, title }) => ({
          planId: plan.id,
          categoryId: mapped(newCategoryByOrdinal, mapped(categoryOrdinalById, categoryId, 'category ordinal'), 'category'),
          no,
          title,
        })),
      )
      .returning({ id: measures.id, no: measures.no });
    for (const row of inserted) newMeasureByNo.set(row.no, row.id);
  }
  const measureNoById = new Map(measureRows.map((row) => [row.id, row.no]));
  const newMeasureOf = (oldMeasureId: number) => mapped(newMeasureByNo, mapped(measureNoById, oldMeasureId, 'measure no'), 'measure');

  const newTaskByKey = new Map<string, number>();
  if (taskRows.length > 0) {
    const inserted = await tx
      .insert(tasks)
      .values(
        taskRows.map(({ measureId, seq, content, note, leadOpenEnded, responsibleOpenEnded }) => ({
          measureId: newMeasureOf(measureId),
          seq,
          content,
          note,
          leadOpenEnded,
          responsibleOpenEnded,
        })),
      )
      .returning({ id: tasks.id, measureId: tasks.measureId, seq: tasks.seq });
    for (const row of inserted) newTaskByKey.set(`${row.measureId}/${row.seq}`, row.id);
  }
  const oldTaskKey = new Map(taskRows.map((row) => [row.id, `${newMeasureOf(row.measureId)}/${row.seq}`]));

  if (assignmentRows.length > 0) {
    await tx.insert(taskAssignments).values(
      assignmentRows.map(({ taskId, role, departmentCode, position }) => ({
        taskId: mapped(newTaskByKey, mapped(oldTaskKey, taskId, 'task key'), 'task'),
        role,
        departmentCode,
        position,
      })),
    );
  }

  return {
    ...plan,
    copied: {
      phases: phaseRows.length,
      categories: categoryRows.length,
      measures: measureRows.length,
      tasks: taskRows.length,
      assignments: assignmentRows.length,
    },
  };
}
