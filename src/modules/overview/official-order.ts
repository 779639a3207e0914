import { officialDistrictOrder } from '../../../seed/departments.js';
import { isReportingUnit, type Department, type Directory } from '../departments/departments.service.js';
import type { DepartmentRef, PlanStructure } from '../plans/plans.service.js';
import { carriedTasks, taskKey, type CarriedTask } from '../reports/carried-tasks.js';

/**
 * The office lists units as the government does: the 市级部门 and the other bodies in the order
 * they first appear in the 分工表 (row by row, 牵头部门 before 负责部门), then the 16 districts in
 * the official order 黄浦 … 崇明 (seed/departments.ts). A district government is listed with the
 * districts even where the table names it directly (金山, 奉贤 in measure 9). Anything else (a unit
 * the table does not name, a district government outside the official list) follows, by code.
 */
export function officialOrder(structure: PlanStructure, directory: Directory): Department[] {
  return cachedPer(orderCache, structure, directory, () => computeOfficialOrder(structure, directory));
}

/** Each unit's place in `officialOrder`, by code. */
export function officialRank(structure: PlanStructure, directory: Directory): ReadonlyMap<string, number> {
  return cachedPer(rankCache, structure, directory, () => new Map(officialOrder(structure, directory).map((department, index) => [department.code, index])));
}

const orderCache = new WeakMap<PlanStructure, WeakMap<Directory, Department[]>>();
const rankCache = new WeakMap<PlanStructure, WeakMap<Directory, ReadonlyMap<string, number>>>();
const expectedCache = new WeakMap<PlanStructure, WeakMap<Directory, Department[]>>();

/** Structures and directories are immutable while memoised, so derived lists are kept per pair. */
function cachedPer<T>(cache: WeakMap<PlanStructure, WeakMap<Directory, T>>, structure: PlanStructure, directory: Directory, compute: () => T): T {
  const byDirectory = cache.get(structure) ?? new WeakMap<Directory, T>();
  cache.set(structure, byDirectory);
  if (!byDirectory.has(directory)) byDirectory.set(directory, compute());
  return byDirectory.get(directory)!;
}

function computeOfficialOrder(structure: PlanStructure, directory: Directory): Department[] {
  const firstSeen = new Map<string, number>();
  for (const measure of structure.measures) {
    for (const task of measure.tasks) {
      for (const unit of [...task.lead, ...task.responsible]) if (!firstSeen.has(unit.code)) firstSeen.set(unit.code, firstSeen.size);
    }
  }
  const districtRank = new Map(officialDistrictOrder.map((code, index) => [code, index]));
  const rank = (department: Department): [number, number] => {
    if (districtRank.has(department.code)) return [1, districtRank.get(department.code)!];
    if (department.kind !== 'district-government' && firstSeen.has(department.code)) return [0, firstSeen.get(department.code)!];
    return [2, firstSeen.get(department.code) ?? Number.MAX_SAFE_INTEGER];
  };
  const ranked = directory.departments.map((department) => ({ department, rank: rank(department) }));
  ranked.sort((a, b) => a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.department.code.localeCompare(b.department.code));
  return ranked.map(({ department }) => department);
}

/**
 * The units expected to report in every period of the plan (those with at least one required row,
 * as in the consolidated totals), in official order; computed once per structure and directory.
 */
export function expectedUnitsInOrder(structure: PlanStructure, directory: Directory): Department[] {
  return cachedPer(expectedCache, structure, directory, () =>
    officialOrder(structure, directory).filter(
      (department) => isReportingUnit(department) && carriedTasks(structure, directory, department).some((task) => task.required),
    ),
  );
}

/** A reporting unit with the rows the 分工表 makes it report on, each with its `taskKey`. */
export interface UnitRows {
  department: Department;
  /** The unit's code and name, one object shared by every line that names it (the JSON writer keys its printed parts on it). */
  ref: DepartmentRef;
  required: { key: string; task: CarriedTask }[];
}

/** Every reporting unit in official order, and the rows any unit may report on (those of open collectives), by `taskKey`. */
export interface ReportingUnits {
  units: UnitRows[];
  optional: ReadonlyMap<string, CarriedTask>;
}

const rowsCache = new WeakMap<PlanStructure, WeakMap<Directory, ReportingUnits>>();

/**
 * `carriedTasks` of every reporting unit, computed once per structure and directory: a
 * consolidation of 20,000 units would otherwise work out each unit's rows on every read. The
 * optional rows are the same for every unit (but where the table makes one required), so they are
 * kept once.
 */
export function reportingUnits(structure: PlanStructure, directory: Directory): ReportingUnits {
  return cachedPer(rowsCache, structure, directory, () => {
    const optional = new Map<string, CarriedTask>();
    const units = officialOrder(structure, directory)
      .filter(isReportingUnit)
      .map((department) => {
        const required: UnitRows['required'] = [];
        for (const task of carriedTasks(structure, directory, department)) {
          if (task.required) required.push({ key: taskKey(task), task });
          else optional.set(taskKey(task), task);
        }
        return { department, ref: { code: department.code, name: department.name }, required };
      });
    return { units, optional };
  });
}
