import type { Database, Queryable } from '../../db/client.js';
import { memoizePerDatabase } from '../../db/memo.js';
import { AppError, notFound } from '../../errors.js';
import { invalid } from '../../http/validation.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { assignmentsOf, loadDirectory } from '../departments/departments.service.js';
import { calendarWarnings } from '../periods/calendar-coverage.js';
import { listPeriods } from '../periods/periods.repository.js';
import { syncPlanPeriods } from '../periods/periods.service.js';
import { copyPolicy } from '../reminders/reminders.repository.js';
import { copyRubric } from '../assessment/assessment.repository.js';
import { insertPlanCopy, monthsBetween, shiftDay } from './plan-copy.js';
import * as repository from './plans.repository.js';
import type { CopyPlanBody } from './plans.schemas.js';

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
  if (!plan) throw notFound({ en: `Plan ${code} does not exist`, zh: `计划 ${code} 不存在` });
  return plan;
}

/** The plan, its categories and phases, and warnings about its deadlines (see calendarWarnings). */
export async function getPlanDetail(db: Queryable, code: string) {
  const plan = await requirePlan(db, code);
  const [phases, categories, periods] = await Promise.all([repository.listPhases(db, plan.id), repository.listCategories(db, plan.id), listPeriods(db, plan.id)]);
  const toPeriod = (row: (typeof phases)[number]) => ({ code: row.code, name: row.name, startsOn: row.startsOn, endsOn: row.endsOn });
  return {
    ...plan,
    warnings: calendarWarnings(periods, plan.reportingRule.timeZone),
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
export const loadPlanStructure = memoizePerDatabase(buildPlanStructure);

async function buildPlanStructure(db: Queryable, code: string): Promise<PlanStructure> {
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
  if (!measure) throw notFound({ en: `Plan ${structure.plan.code} has no measure ${no}`, zh: `计划 ${structure.plan.code} 没有措施 ${no}` });
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
      throw invalid([{ path: 'query.category', message: { en: `plan ${code} has categories ${[...ordinals].join(', ')}`, zh: `计划 ${code} 的类别只有 ${[...ordinals].join('、')}` } }]);
    }
    result = result.filter((measure) => measure.category.ordinal === filter.category);
  }
  if (filter.department !== undefined) {
    const department = (await loadDirectory(db)).get(filter.department);
    if (!department) throw invalid([{ path: 'query.department', message: { en: `no department has code ${filter.department}`, zh: `没有代码为 ${filter.department} 的单位` } }]);
    const measureNos = new Set(assignmentsOf(structure, department).map((assignment) => assignment.measureNo));
    result = result.filter((measure) => measureNos.has(measure.no));
  }
  return result;
}

/**
 * Starts a plan anew from `copyFrom`: the same 分工表 with the timeline moved so its earliest
 * phase starts on `startsOn`, and its reporting periods derived on the moved dates. One
 * transaction, so a rejected or failed copy leaves nothing behind (no plan, rows or audit entry).
 */
export async function copyPlan(db: Database, actor: Actor, at: Date, input: CopyPlanBody) {
  const code = await db.transaction(async (tx) => {
    const source = await requirePlan(tx, input.copyFrom);
    const earliestStart = (await repository.listPhases(tx, source.id)).map((phase) => phase.startsOn).sort()[0];
    if (earliestStart === undefined) throw new AppError('CONFLICT', { en: `Plan ${source.code} has no phases to move`, zh: `计划 ${source.code} 没有可平移的阶段` });
    const months = monthsBetween(earliestStart, input.startsOn);
    const fields = {
      code: input.code,
      title: input.title ?? source.title,
      documentNo: input.documentNo ?? source.documentNo,
      issuer: input.issuer ?? source.issuer,
      issuedOn: input.issuedOn ?? shiftDay(source.issuedOn, months),
    };
    const copy = await insertPlanCopy(tx, source, fields, months);
    if (!copy) throw new AppError('CONFLICT', { en: `Plan ${input.code} already exists`, zh: `计划 ${input.code} 已存在` });
    await syncPlanPeriods(tx, copy);
    await copyPolicy(tx, source.id, copy.id, at);
    await copyRubric(tx, source.id, copy.id);
    const phases = await repository.listPhases(tx, copy.id);
    await recordAudit(tx, actor, at, {
      action: 'plan.copy',
      entityType: 'plan',
      entityId: copy.code,
      before: null,
      after: {
        ...fields,
        copyFrom: source.code,
        shiftMonths: months,
        phases: phases.map(({ code: phase, startsOn, endsOn }) => ({ code: phase, startsOn, endsOn })),
        reportingRule: copy.reportingRule,
        copied: copy.copied,
      },
    });
    return copy.code;
  });
  // Read once committed, through the pool: getPlanDetail runs its queries in parallel, which a
  // transaction's single connection would only queue (and pg deprecates).
  return getPlanDetail(db, code);
}
