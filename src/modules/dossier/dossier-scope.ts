import type { Queryable } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { isReportingUnit, loadDirectory, requireDepartment, type Department, type Directory } from '../departments/departments.service.js';
import { officialOrder } from '../overview/official-order.js';
import { dayInZone } from '../periods/deadlines.js';
import { periodLabel } from '../periods/period-label.js';
import { listPeriods } from '../periods/periods.repository.js';
import { requirePeriod, type PeriodRow } from '../periods/periods.service.js';
import { findMeasure, loadPlanStructure, type Plan, type PlanStructure } from '../plans/plans.service.js';
import { carriedTasks, taskKey } from '../reports/carried-tasks.js';
import type { ReportRow } from '../reports/reports.repository.js';
import type { TokenRole } from '../tokens/tokens.service.js';
import * as repository from './dossier.repository.js';
import { safeComponent } from './entry-names.js';
import type { RowInfo } from './report-docx.js';

export interface DossierQuery {
  department?: string | undefined;
  measure?: number | undefined;
  period?: string | undefined;
}

export interface Requester {
  role: TokenRole;
  departmentCode: string | null;
}

export interface DossierScope {
  structure: PlanStructure;
  directory: Directory;
  plan: Plan;
  timeZone: string;
  /** In deadline order: the one asked for, or every period that has begun. */
  periods: PeriodRow[];
  /** The units looked at, in official order: the one asked for, or every reporting unit. */
  units: Department[];
  unit: Department | null;
  measureNo: number | null;
  rows: ReadonlyMap<string, RowInfo>;
  /** A unit sees the e-mail addresses of its own people in the audit trail; the office sees all. */
  requester: Requester;
  fileName: string;
}

/**
 * Who may have which dossier: the office and admins any unit's or all; a unit its own only (its
 * token asking for another unit is 403). An unknown unit, measure or period is 404, a collective 422.
 */
export async function resolveScope(db: Queryable, planCode: string, query: DossierQuery, requester: Requester, now: Date): Promise<DossierScope> {
  if (requester.role === 'department' && query.department !== undefined && query.department !== requester.departmentCode) {
    throw new AppError('FORBIDDEN', {
      en: `This token acts for ${requester.departmentCode}; it may download only its own dossier, not that of ${query.department}`,
      zh: `当前身份仅代表 ${requester.departmentCode}，只能下载本单位的台账，不能下载 ${query.department} 的台账`,
    });
  }
  const [structure, directory] = await Promise.all([loadPlanStructure(db, planCode), loadDirectory(db)]);
  const { plan } = structure;
  const timeZone = plan.reportingRule.timeZone;
  const code = requester.role === 'department' ? requester.departmentCode! : query.department;
  const unit = code === undefined ? null : requireDepartment(directory, code);
  if (unit && !isReportingUnit(unit)) {
    throw new AppError('UNPROCESSABLE', { en: `${unit.name} is a collective; its member units keep their own dossiers`, zh: `${unit.name} 是集合单位，台账由其成员单位各自归档` });
  }
  const measure = query.measure === undefined ? null : findMeasure(structure, query.measure);
  const today = dayInZone(now, timeZone);
  const periods = query.period === undefined ? (await listPeriods(db, plan.id)).filter((period) => period.startsOn <= today) : [await requirePeriod(db, plan, query.period)];
  const rows = new Map<string, RowInfo>();
  for (const { no, title, tasks } of structure.measures) {
    for (const task of tasks) rows.set(taskKey({ measureNo: no, taskSeq: task.seq }), { measureNo: no, measureTitle: title, taskSeq: task.seq, content: task.content });
  }
  const nameParts = ['台账', plan.code, unit?.name ?? '全部', ...(measure ? [`措施${measure.no}`] : []), ...(query.period ? [periodLabel(query.period)] : [])];
  return {
    structure,
    directory,
    plan,
    timeZone,
    periods,
    units: unit ? [unit] : officialOrder(structure, directory).filter(isReportingUnit),
    unit,
    measureNo: measure?.no ?? null,
    rows,
    requester,
    fileName: `${safeComponent(nameParts.join('-'))}.zip`,
  };
}

/** A row a unit reports on, as the dossier lists it. */
export interface ScopedRow {
  measureNo: number;
  taskSeq: number;
  /** 牵头, 负责, 负责（各区政府）, or 选报 for an optional row it reported on. */
  role: string;
}

export interface UnitInScope {
  unit: Department;
  /** Its report of the period once saved (version ≥ 1). */
  report: ReportRow | undefined;
  rows: ScopedRow[];
}

/** Units read per query: large enough for few round trips, small enough to keep memory flat. */
export const SLICE_UNITS = 200;

/**
 * The period's units in scope, a slice at a time and in official order: those that carry a
 * required row in scope, or reported on an optional one. One query per slice.
 */
export async function* periodSlices(db: Queryable, scope: DossierScope, period: PeriodRow): AsyncGenerator<{ slice: repository.Slice; units: UnitInScope[] }> {
  for (let start = 0; start < scope.units.length; start += SLICE_UNITS) {
    const candidates = scope.units.slice(start, start + SLICE_UNITS);
    const slice = { planId: scope.plan.id, periodId: period.id, codes: candidates.map((unit) => unit.code) };
    const reports = new Map((await repository.reportsOf(db, slice)).filter((report) => report.version > 0).map((report) => [report.departmentCode, report]));
    const units: UnitInScope[] = [];
    for (const unit of candidates) {
      const report = reports.get(unit.code);
      const reported = new Set(report?.entries.map(taskKey));
      const rows = carriedTasks(scope.structure, scope.directory, unit)
        .filter((task) => (task.required || reported.has(taskKey(task))) && (scope.measureNo === null || task.measureNo === scope.measureNo))
        .map((task) => ({
          measureNo: task.measureNo,
          taskSeq: task.taskSeq,
          role: !task.required ? '选报' : `${task.role === 'lead' ? '牵头' : '负责'}${task.via ? `（${task.via.name}）` : ''}`,
        }));
      if (rows.length > 0) units.push({ unit, report, rows });
    }
    if (units.length > 0) yield { slice: { ...slice, codes: units.map(({ unit }) => unit.code) }, units };
  }
}
