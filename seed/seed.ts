import { sql } from 'drizzle-orm';
import type { Database, Queryable } from '../src/db/client.js';
import {
  categories,
  departmentMembers,
  departments,
  measures,
  planPhases,
  plans,
  taskAssignments,
  tasks,
} from '../src/db/schema/index.js';
import { syncPlanPeriods } from '../src/modules/periods/periods.service.js';
import { parseDepartmentCell } from './cells.js';
import { departments as departmentSources } from './departments.js';
import { hazchem2017 } from './plan-hazchem-2017.js';
import type { DepartmentSource, PlanSource } from './types.js';

export const seededPlans: readonly PlanSource[] = [hazchem2017];

/**
 * Writes the directory and the plans. Idempotent: every row is upserted on its natural key, so
 * a second run changes nothing, and a corrected transcription updates the rows in place.
 */
export async function seedDatabase(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await seedDepartments(tx, departmentSources);
    for (const plan of seededPlans) await seedPlan(tx, plan, departmentSources);
    // Plans copied before a kind of period existed (a year's targets) get it on the next start;
    // deadlines the office moved stay moved.
    const seededCodes = new Set(seededPlans.map((plan) => plan.code));
    for (const plan of await tx.select({ id: plans.id, code: plans.code, reportingRule: plans.reportingRule }).from(plans)) {
      if (!seededCodes.has(plan.code)) await syncPlanPeriods(tx, plan);
    }
  });
}

async function seedDepartments(tx: Queryable, sources: readonly DepartmentSource[]) {
  await tx
    .insert(departments)
    .values(sources.map(({ code, name, englishName, kind }) => ({ code, name, englishName, kind })))
    .onConflictDoUpdate({
      target: departments.code,
      set: { name: sql`excluded.name`, englishName: sql`excluded.english_name`, kind: sql`excluded.kind` },
    });
  const memberships = sources.flatMap((unit) =>
    (unit.members ?? []).map((memberCode) => ({ collectiveCode: unit.code, memberCode })),
  );
  if (memberships.length > 0) await tx.insert(departmentMembers).values(memberships).onConflictDoNothing();
}

async function seedPlan(tx: Queryable, source: PlanSource, directory: readonly DepartmentSource[]) {
  const codeByName = new Map(directory.map((unit) => [unit.name, unit.code]));
  const { code, title, documentNo, issuer, issuedOn, reportingRule } = source;
  const planValues = { code, title, documentNo, issuer, issuedOn, reportingRule };
  const [plan] = await tx
    .insert(plans)
    .values(planValues)
    .onConflictDoUpdate({ target: plans.code, set: planValues })
    .returning({ id: plans.id, reportingRule: plans.reportingRule });
  const planId = plan!.id;

  const phaseRows = source.phases.flatMap((phase) => [
    { code: phase.code, parentCode: null, name: phase.name, startsOn: phase.startsOn, endsOn: phase.endsOn },
    ...phase.stages.map((stage) => ({ ...stage, parentCode: phase.code })),
  ]);
  await tx
    .insert(planPhases)
    .values(phaseRows.map((row, index) => ({ ...row, planId, ordinal: index + 1 })))
    .onConflictDoUpdate({
      target: [planPhases.planId, planPhases.code],
      set: {
        parentCode: sql`excluded.parent_code`,
        ordinal: sql`excluded.ordinal`,
        name: sql`excluded.name`,
        startsOn: sql`excluded.starts_on`,
        endsOn: sql`excluded.ends_on`,
      },
    });

  await syncPlanPeriods(tx, plan!);

  for (const category of source.categories) {
    const [categoryRow] = await tx
      .insert(categories)
      .values({ planId, ordinal: category.ordinal, title: category.title })
      .onConflictDoUpdate({ target: [categories.planId, categories.ordinal], set: { title: category.title } })
      .returning({ id: categories.id });
    for (const measure of category.measures) {
      const [measureRow] = await tx
        .insert(measures)
        .values({ planId, categoryId: categoryRow!.id, no: measure.no, title: measure.title })
        .onConflictDoUpdate({
          target: [measures.planId, measures.no],
          set: { categoryId: categoryRow!.id, title: measure.title },
        })
        .returning({ id: measures.id });
      for (const [index, task] of measure.tasks.entries()) {
        const lead = parseDepartmentCell(task.lead);
        const responsible = parseDepartmentCell(task.responsible);
        const values = {
          content: task.content,
          note: task.note,
          leadOpenEnded: lead.openEnded,
          responsibleOpenEnded: responsible.openEnded,
        };
        const [taskRow] = await tx
          .insert(tasks)
          .values({ measureId: measureRow!.id, seq: index + 1, ...values })
          .onConflictDoUpdate({ target: [tasks.measureId, tasks.seq], set: values })
          .returning({ id: tasks.id });
        const assignments = [
          ...lead.names.map((name, position) => ({ role: 'lead' as const, name, position })),
          ...responsible.names.map((name, position) => ({ role: 'responsible' as const, name, position })),
        ].map(({ role, name, position }) => ({
          taskId: taskRow!.id,
          role,
          position: position + 1,
          departmentCode: requireCode(codeByName, name, `${source.code} measure ${measure.no} task ${index + 1}`),
        }));
        await tx
          .insert(taskAssignments)
          .values(assignments)
          .onConflictDoUpdate({
            target: [taskAssignments.taskId, taskAssignments.role, taskAssignments.departmentCode],
            set: { position: sql`excluded.position` },
          });
      }
    }
  }
}

function requireCode(codeByName: Map<string, string>, name: string, where: string): string {
  const code = codeByName.get(name);
  if (!code) throw new Error(`Seed data: ${where} names "${name}", which is not in seed/departments.ts`);
  return code;
}
