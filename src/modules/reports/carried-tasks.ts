import { assignmentsOf, type Department, type Directory } from '../departments/departments.service.js';
import type { DepartmentRef, PlanStructure } from '../plans/plans.service.js';

export interface CarriedTask {
  taskId: number;
  measureNo: number;
  taskSeq: number;
  content: string;
  role: 'lead' | 'responsible';
  via: DepartmentRef | null;
  /** Required rows must be reported on before submitting; optional ones may be. */
  required: boolean;
}

/** A collective with no defined membership (各有关部门, 领导小组各成员单位): any unit may speak for it. */
const isOpenCollective = (directory: Directory, unit: DepartmentRef) => {
  const department = directory.get(unit.code);
  return department?.kind === 'collective' && department.members.length === 0;
};

const openRowsCache = new WeakMap<PlanStructure, WeakMap<Directory, CarriedTask[]>>();

/** The rows given to an open collective, as optional rows; computed once per structure and directory. */
function openRows(structure: PlanStructure, directory: Directory): CarriedTask[] {
  const byDirectory = openRowsCache.get(structure) ?? new WeakMap<Directory, CarriedTask[]>();
  openRowsCache.set(structure, byDirectory);
  let rows = byDirectory.get(directory);
  if (rows) return rows;
  rows = [];
  for (const measure of structure.measures) {
    for (const task of measure.tasks) {
      const role = (['lead', 'responsible'] as const).find((candidate) => task[candidate].some((unit) => isOpenCollective(directory, unit)));
      const via = role && task[role].find((unit) => isOpenCollective(directory, unit))!;
      if (role && via) rows.push({ taskId: task.id, measureNo: measure.no, taskSeq: task.seq, content: task.content, role, via, required: false });
    }
  }
  byDirectory.set(directory, rows);
  return rows;
}

/**
 * The rows a unit reports on: those the 分工表 gives it (directly or through 各区政府) are
 * required; rows given to an open collective such as 各有关部门 are optional for every unit.
 * In the table's order.
 */
export function carriedTasks(structure: PlanStructure, directory: Directory, department: Department): CarriedTask[] {
  const required = new Map<number, CarriedTask>();
  for (const { taskId, measureNo, taskSeq, content, role, via } of assignmentsOf(structure, department)) {
    if (!required.has(taskId)) required.set(taskId, { taskId, measureNo, taskSeq, content, role, via, required: true });
  }
  const optional = openRows(structure, directory).filter((row) => !required.has(row.taskId));
  return [...required.values(), ...optional].sort((a, b) => a.measureNo - b.measureNo || a.taskSeq - b.taskSeq);
}

export const taskKey = (task: { measureNo: number; taskSeq: number }) => `${task.measureNo}-${task.taskSeq}`;
