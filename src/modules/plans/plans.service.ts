import type { Queryable } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { invalid } from '../../http/validation.js';
import { assignmentsOf, loadDirectory } from '../departments/departments.service.js';
import * as repository from './plans.repository.js';

export interface DepartmentRef {
  code: string;
  name: string;
}

export interface TaskView {
  id: number;
  seq: number;
  content: string;
  lead: DepartmentRef[];
  responsible: DepartmentRef[];
  leadOpenEnded: boolean;
  responsibleOpenEnded: boolean;
  note: string | null;
}

export interface MeasureView {
  no: number;
  title: string;
  category: { ordinal: number; title: string };
  tasks: TaskView[];
}

export type Plan = NonNullable<Awaited<ReturnType<typeof repository.findPlan>>>;

export interface PlanStructure {
  plan: Plan;
  measures: MeasureView[];
}

export const listPlans = (db: Queryable) => repository.listPlans(db);

export async function requirePlan(db: Queryable, code: string): Promise<Plan> {
  const plan = await repository.findPlan(db, code);
  if (!plan) throw notFound(`Plan ${code} does not exist`);
  return plan;
}

export async function getPlanDetail(db: Queryable, code: string) {
  const plan = await requirePlan(db, code);
  const [phases, categories] = await Promise.all([repository.listPhases(db, plan.id), repository.listCategories(db, plan.id)]);
  const toPeriod = (row: (typeof phases)[number]) => ({ code: row.code, name: row.name, startsOn: row.startsOn, endsOn: row.endsOn });
  return {
    ...plan,
    categories,
    phases: phases
      .filter((phase) => phase.parentCode === null)
      .map((phase) => ({
        ...toPeriod(phase),
        stages: phases.filter((stage) => stage.parentCode === phase.code).map(toPeriod),
      })),
  };
}

/** The whole 分工表 of a plan as measures -> task rows -> units, in the table's order. */
export async function loadPlanStructure(db: Queryable, code: string): Promise<PlanStructure> {
  const plan = await requirePlan(db, code);
  const [rows, assignments] = await Promise.all([repository.listTaskRows(db, plan.id), repository.listAssignments(db, plan.id)]);
  const unitsByTask = new Map<number, { lead: DepartmentRef[]; responsible: DepartmentRef[] }>();
  for (const { taskId, role, code: unitCode, name } of assignments) {
    const units = unitsByTask.get(taskId) ?? { lead: [], responsible: [] };
    units[role].push({ code: unitCode, name });
    unitsByTask.set(taskId, units);
  }
  const measures: MeasureView[] = [];
  for (const row of rows) {
    let measure = measures.at(-1);
    if (measure?.no !== row.measureNo) {
      measure = {
        no: row.measureNo,
        title: row.measureTitle,
        category: { ordinal: row.categoryOrdinal, title: row.categoryTitle },
        tasks: [],
      };
      measures.push(measure);
    }
    measure.tasks.push({
      id: row.taskId,
      seq: row.seq,
      content: row.content,
      ...(unitsByTask.get(row.taskId) ?? { lead: [], responsible: [] }),
      leadOpenEnded: row.leadOpenEnded,
      responsibleOpenEnded: row.responsibleOpenEnded,
      note: row.note,
    });
  }
  return { plan, measures };
}

export function findMeasure(structure: PlanStructure, no: number): MeasureView {
  const measure = structure.measures.find((candidate) => candidate.no === no);
  if (!measure) throw notFound(`Plan ${structure.plan.code} has no measure ${no}`);
  return measure;
}

export interface MeasureFilter {
  category?: number | undefined;
  department?: string | undefined;
}

/** Measures of a plan, optionally narrowed to one category or to the rows one unit carries. */
export async function listMeasures(db: Queryable, code: string, filter: MeasureFilter): Promise<MeasureView[]> {
  const structure = await loadPlanStructure(db, code);
  let result = structure.measures;
  if (filter.category !== undefined) {
    const ordinals = new Set(result.map((measure) => measure.category.ordinal));
    if (!ordinals.has(filter.category)) {
      throw invalid([{ path: 'query.category', message: `plan ${code} has categories ${[...ordinals].join(', ')}` }]);
    }
    result = result.filter((measure) => measure.category.ordinal === filter.category);
  }
  if (filter.department !== undefined) {
    const department = (await loadDirectory(db)).get(filter.department);
    if (!department) throw invalid([{ path: 'query.department', message: `no department has code ${filter.department}` }]);
    const measureNos = new Set(assignmentsOf(structure, department).map((assignment) => assignment.measureNo));
    result = result.filter((measure) => measureNos.has(measure.no));
  }
  return result;
}
