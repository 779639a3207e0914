import type { Queryable } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { consolidatePeriod } from '../consolidated/rollup.js';
import { isReportingUnit, ledAssignments, loadDirectory, requireDepartment, type Assignment, type Department, type Directory } from '../departments/departments.service.js';
import { formatInZone } from '../periods/deadlines.js';
import { requireProgressPeriod, type PeriodRow } from '../periods/periods.service.js';
import { loadPlanStructure, type Plan, type PlanStructure } from '../plans/plans.service.js';
import { listReportsOfPeriod, periodReportsVersion } from '../reports/reports.repository.js';
import { listAttachments } from '../attachments/attachments.service.js';
import { ledRows } from './led-rows.js';
import type { LedRows } from './lead.schemas.js';
import * as repository from './lead.repository.js';

export interface LeadAddress {
  plan: string;
  period: string;
  department: string;
}

export interface LeadContext {
  structure: PlanStructure;
  directory: Directory;
  plan: Plan;
  period: PeriodRow;
  department: Department;
  /** The rows the unit leads, in table order. */
  led: Assignment[];
}

/**
 * The plan, a progress period (a year's targets have no lead consolidation: 404) and a reporting
 * unit (a collective is 422, as for reports), with the rows the unit leads.
 */
export async function loadLeadContext(db: Queryable, address: LeadAddress): Promise<LeadContext> {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, address.plan), loadDirectory(db)]);
  const period = await requireProgressPeriod(db, structure.plan, address.period);
  const department = requireDepartment(directory, address.department);
  if (!isReportingUnit(department)) {
    throw new AppError('UNPROCESSABLE', { en: `${department.name} is a collective; its member units lead and report for it`, zh: `${department.name} 是集合单位，由其成员单位牵头和报送` });
  }
  return { structure, directory, plan: structure.plan, period, department, led: ledAssignments(structure, department) };
}

export const setKeyOf = (context: LeadContext) => ({ planId: context.plan.id, periodId: context.period.id, departmentCode: context.department.code });

/**
 * A key that changes whenever `getLedRows` would: with any report of the period (an attachment of
 * a submitted report cannot change without a new version), the deadline (lateness) and the lead's
 * own opinions.
 */
export async function ledRowsKey(db: Queryable, context: LeadContext): Promise<string> {
  const [reports, set] = await Promise.all([periodReportsVersion(db, context.plan.id, [context.period.id]), repository.findSet(db, setKeyOf(context))]);
  return ['led', context.plan.code, context.period.id, context.department.code, context.period.dueAt.getTime(), reports, set?.version ?? 0, set?.updatedAt.getTime() ?? ''].join('|');
}

/** Everything a lead reads of the rows it leads in a period (see ledRows), for the context `ledRowsKey` was computed on. */
export async function getLedRows(db: Queryable, context: LeadContext): Promise<LedRows> {
  const { plan, period, department } = context;
  const [reports, set, attachments] = await Promise.all([
    listReportsOfPeriod(db, plan.id, period.id),
    repository.findSet(db, setKeyOf(context)),
    // The period's current report attachments; ledRows keeps those of the versions the lead sees.
    context.led.length > 0 ? listAttachments(db, { planId: plan.id, periodId: period.id, owner: 'report' }) : Promise.resolve([]),
  ]);
  const timeZone = plan.reportingRule.timeZone;
  const consolidated = consolidatePeriod(context.structure, context.directory, reports);
  return {
    plan: plan.code,
    period: period.id,
    dueAt: formatInZone(period.dueAt, timeZone),
    department: { code: department.code, name: department.name },
    opinions: {
      status: !set || set.version === 0 ? 'not_started' : (set.status as 'draft' | 'submitted'),
      version: set?.version ?? 0,
      submittedAt: set?.submittedAt ? formatInZone(set.submittedAt, timeZone) : null,
    },
    rows: ledRows({ led: context.led, consolidated, reports, attachments, opinions: set?.opinions ?? [], planCode: plan.code, timeZone }),
  };
}
