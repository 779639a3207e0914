import type { Queryable } from '../../db/client.js';
import type { LiaisonRow } from '../liaisons/liaisons.repository.js';
import { listLiaisons } from '../liaisons/liaisons.repository.js';
import { loadDirectory, type Department } from '../departments/departments.service.js';
import { formatInZone } from '../periods/deadlines.js';
import { requirePeriod } from '../periods/periods.service.js';
import { loadPlanStructure } from '../plans/plans.service.js';
import { expectedUnitsInOrder } from './official-order.js';
import { listReportStates, type ReportState } from './overview.repository.js';

export type UnitStatus = 'not_started' | ReportState['status'];

export interface OverviewUnit {
  code: string;
  name: string;
  kind: Department['kind'];
  status: UnitStatus;
  late: boolean | null;
  submittedAt: string | null;
  reviewedAt: string | null;
  enteredByOffice: boolean;
  liaisons: Pick<LiaisonRow, 'officer' | 'staff'> | null;
}

export interface OverviewTotals {
  expected: number;
  submitted: number;
  accepted: number;
  returned: number;
  draft: number;
  notSubmitted: number;
  late: number;
}

/**
 * The counts of the 总览, each a plain predicate over the units listed, so the web app can filter
 * the list and find the same number: `submitted` counts units that have submitted at least once
 * (as the consolidated totals do) and `notSubmitted` the others (the 催报 list), so the two add
 * up to `expected`; accepted, returned and draft count the current status (a returned report the
 * unit is revising is a draft again); late counts first submissions after the deadline.
 */
export function totalsOf(units: readonly OverviewUnit[]): OverviewTotals {
  const count = (predicate: (unit: OverviewUnit) => boolean) => units.filter(predicate).length;
  const submitted = count((unit) => unit.submittedAt !== null);
  return {
    expected: units.length,
    submitted,
    accepted: count((unit) => unit.status === 'accepted'),
    returned: count((unit) => unit.status === 'returned'),
    draft: count((unit) => unit.status === 'draft'),
    notSubmitted: units.length - submitted,
    late: count((unit) => unit.late === true),
  };
}

/** Pure: the expected units in official order with their report's state and their liaisons. */
export function overviewUnits(expected: readonly Department[], states: readonly ReportState[], liaisons: readonly LiaisonRow[], timeZone: string): OverviewUnit[] {
  const stateOf = new Map(states.map((state) => [state.departmentCode, state]));
  const liaisonsOf = new Map(liaisons.map((row) => [row.departmentCode, row]));
  const instant = (value: Date | null | undefined) => (value ? formatInZone(value, timeZone) : null);
  return expected.map((department) => {
    const state = stateOf.get(department.code);
    const contacts = liaisonsOf.get(department.code);
    return {
      code: department.code,
      name: department.name,
      kind: department.kind,
      status: !state || state.version === 0 ? 'not_started' : state.status,
      late: state?.late ?? null,
      // submittedAt is set by the first submission and never cleared, like firstSubmittedAt.
      submittedAt: instant(state?.submittedAt ?? state?.firstSubmittedAt),
      reviewedAt: instant(state?.reviewedAt),
      enteredByOffice: state?.enteredByOffice ?? false,
      liaisons: contacts ? { officer: contacts.officer, staff: contacts.staff } : null,
    };
  });
}

/** The office's 总览 of a period: two queries beyond the (cached) 分工表 and directory. */
export async function overview(db: Queryable, planCode: string, periodId: string) {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, planCode), loadDirectory(db)]);
  const { plan } = structure;
  const period = await requirePeriod(db, plan, periodId);
  const [states, liaisons] = await Promise.all([listReportStates(db, plan.id, period.id), listLiaisons(db)]);
  const timeZone = plan.reportingRule.timeZone;
  const units = overviewUnits(expectedUnitsInOrder(structure, directory), states, liaisons, timeZone);
  return { plan: plan.code, period: period.id, dueAt: formatInZone(period.dueAt, timeZone), totals: totalsOf(units), units };
}

export type Overview = Awaited<ReturnType<typeof overview>>;

/** The 催报 list: expected units that have not submitted yet, in official order. */
export const notSubmitted = (result: Overview) => result.units.filter((unit) => unit.submittedAt === null);
