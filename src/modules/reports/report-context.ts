import type { Queryable } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { isReportingUnit, loadDirectory, requireDepartment, type Department } from '../departments/departments.service.js';
import { requirePeriod, requirePeriodRow, type PeriodRow } from '../periods/periods.service.js';
import { loadPlanStructure, type Plan } from '../plans/plans.service.js';
import { carriedTasks, type CarriedTask } from './carried-tasks.js';
import * as repository from './reports.repository.js';

export interface ReportAddress {
  plan: string;
  period: string;
  department: string;
}

/** What a report's workflow needs to know besides the report: the plan, the period, the unit and the rows it carries. */
export interface ReportContext {
  plan: Plan;
  period: PeriodRow;
  department: Department;
  tasks: CarriedTask[];
}

async function loadDirectoryAndPlan(db: Queryable, address: ReportAddress) {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, address.plan), loadDirectory(db)]);
  return { structure, directory };
}

function contextOf({ structure, directory }: Awaited<ReturnType<typeof loadDirectoryAndPlan>>, period: PeriodRow, address: ReportAddress): ReportContext {
  const department = requireDepartment(directory, address.department);
  if (!isReportingUnit(department)) {
    throw new AppError('UNPROCESSABLE', { en: `${department.name} is a collective; its member units report for it`, zh: `${department.name} 是集合单位，由其成员单位报送` });
  }
  return { plan: structure.plan, period, department, tasks: carriedTasks(structure, directory, department) };
}

export async function loadContext(db: Queryable, address: ReportAddress): Promise<ReportContext> {
  const loaded = await loadDirectoryAndPlan(db, address);
  return contextOf(loaded, await requirePeriod(db, loaded.structure.plan, address.period), address);
}

/** The context and the report as it stands (unlocked), the period and the report in one statement. */
export async function loadForStep(db: Queryable, address: ReportAddress) {
  const loaded = await loadDirectoryAndPlan(db, address);
  const { plan } = loaded.structure;
  const { period, report } = await repository.findPeriodAndReport(db, { planId: plan.id, periodId: address.period, departmentCode: address.department });
  return { context: contextOf(loaded, requirePeriodRow(plan, address.period, period), address), report };
}

export const keyOf = (context: ReportContext) => ({
  planId: context.plan.id,
  periodId: context.period.id,
  departmentCode: context.department.code,
});
