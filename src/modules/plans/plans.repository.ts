import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { categories, departments, measures, planPhases, plans, taskAssignments, tasks } from '../../db/schema/index.js';

export const planColumns = {
  id: plans.id,
  code: plans.code,
  title: plans.title,
  documentNo: plans.documentNo,
  issuer: plans.issuer,
  issuedOn: plans.issuedOn,
  reportingRule: plans.reportingRule,
};

export function listPlans(db: Queryable) {
  return db.select(planColumns).from(plans).orderBy(asc(plans.issuedOn), asc(plans.code));
}

export async function findPlan(db: Queryable, code: string) {
  const [plan] = await db.select(planColumns).from(plans).where(eq(plans.code, code));
  return plan;
}

export function listPhases(db: Queryable, planId: number) {
  return db.select().from(planPhases).where(eq(planPhases.planId, planId)).orderBy(asc(planPhases.ordinal));
}

export function listCategories(db: Queryable, planId: number) {
  return db
    .select({ ordinal: categories.ordinal, title: categories.title })
    .from(categories)
    .where(eq(categories.planId, planId))
    .orderBy(asc(categories.ordinal));
}

/** Every task row of a plan with its measure and category, in the table's order. */
export function listTaskRows(db: Queryable, planId: number) {
  return db
    .select({
      taskId: tasks.id,
      measureNo: measures.no,
      measureTitle: measures.title,
      categoryOrdinal: categories.ordinal,
      categoryTitle: categories.title,
      seq: tasks.seq,
      content: tasks.content,
      note: tasks.note,
      leadOpenEnded: tasks.leadOpenEnded,
      responsibleOpenEnded: tasks.responsibleOpenEnded,
    })
    .from(tasks)
    .innerJoin(measures, eq(tasks.measureId, measures.id))
    .innerJoin(categories, eq(measures.categoryId, categories.id))
    .where(eq(measures.planId, planId))
    .orderBy(asc(measures.no), asc(tasks.seq));
}

/** Every (task, role, unit) of a plan, in printed order within each cell. */
export function listAssignments(db: Queryable, planId: number) {
  return db
    .select({
      taskId: taskAssignments.taskId,
      role: taskAssignments.role,
      code: departments.code,
      name: departments.name,
    })
    .from(taskAssignments)
    .innerJoin(tasks, eq(taskAssignments.taskId, tasks.id))
    .innerJoin(measures, eq(tasks.measureId, measures.id))
    .innerJoin(departments, eq(taskAssignments.departmentCode, departments.code))
    .where(eq(measures.planId, planId))
    .orderBy(asc(taskAssignments.taskId), asc(taskAssignments.role), asc(taskAssignments.position));
}
