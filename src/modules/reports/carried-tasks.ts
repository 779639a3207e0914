import { assignmentsOf, type Department, type Directory } from '../departments/departments.service.js';
import type { DepartmentRef, PlanStructure, TaskView } from '../plans/plans.service.js';

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

function openCollectiveOf(directory: Directory, task: TaskView) {
  for (const role of ['lead', 'responsible'] as const) {
    const unit = task[role].find((candidate) => isOpenCollective(directory, candidate));
    if (unit) return { role, via: unit };
  }
  return null;
}

/**
 * The rows a unit reports on: those the 分工表 gives it (directly or through 各区政府) are
 * required; rows given to an open collective such as 各有关部门 are optional for every unit.
 */
export function carriedTasks(structure: PlanStructure, directory: Directory, department: Department): CarriedTask[] {
  const required = new Map<number, CarriedTask>();
  for (const assignment of assignmentsOf(structure, department)) {
    if (required.has(assignment.taskId)) continue;
    const { taskId, measureNo, taskSeq, content, role, via } = assignment;
    required.set(taskId, { taskId, measureNo, taskSeq, content, role, via, required: true });
  }
  const result: CarriedTask[] = [];
  for (const measure of structure.measures) {
    for (const task of measure.tasks) {
      const own = required.get(task.id);
      const open = own ? null : openCollectiveOf(directory, task);
      if (own) result.push(own);
      else if (open) {
        result.push({ taskId: task.id, measureNo: measure.no, taskSeq: task.seq, content: task.content, ...open, required: false });
      }
    }
  }
  return result;
}

export const taskKey = (task: { measureNo: number; taskSeq: number }) => `${task.measureNo}-${task.taskSeq}`;
