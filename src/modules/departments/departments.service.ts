import type { Queryable } from '../../db/client.js';
import { memoizePerDatabase } from '../../db/memo.js';
import { notFound } from '../../errors.js';
import type { DepartmentRef, PlanStructure } from '../plans/plans.service.js';
import * as repository from './departments.repository.js';

type DepartmentRow = Awaited<ReturnType<typeof repository.listDepartments>>[number];

export interface Department extends DepartmentRow {
  /** For a collective: its members, where they are defined. */
  members: DepartmentRef[];
  /** The collectives this unit belongs to. */
  memberOf: DepartmentRef[];
}

export interface Directory {
  departments: Department[];
  get(code: string): Department | undefined;
}

export type Role = 'lead' | 'responsible';

export interface Assignment {
  measureNo: number;
  measureTitle: string;
  taskId: number;
  taskSeq: number;
  content: string;
  role: Role;
  /** The collective through which the unit carries the task, or null when named directly. */
  via: DepartmentRef | null;
}

const loadDirectoryOnce = memoizePerDatabase((db) => buildDirectory(db));

/** The units and their memberships, memoised until the database announces a change (src/db/change-feed.ts). */
export const loadDirectory = (db: Queryable) => loadDirectoryOnce(db, 'directory');

async function buildDirectory(db: Queryable): Promise<Directory> {
  const [rows, memberships] = await Promise.all([repository.listDepartments(db), repository.listMemberships(db)]);
  const refByCode = new Map(rows.map((row) => [row.code, { code: row.code, name: row.name }]));
  const departments = rows.map((row) => ({
    ...row,
    members: memberships.filter((m) => m.collectiveCode === row.code).map((m) => refByCode.get(m.memberCode)!),
    memberOf: memberships.filter((m) => m.memberCode === row.code).map((m) => refByCode.get(m.collectiveCode)!),
  }));
  const byCode = new Map(departments.map((department) => [department.code, department]));
  return { departments, get: (code) => byCode.get(code) };
}

export function requireDepartment(directory: Directory, code: string): Department {
  const department = directory.get(code);
  if (!department) throw notFound({ en: `Department ${code} does not exist`, zh: `单位 ${code} 不存在` });
  return department;
}

/**
 * The task rows a unit carries: where the 分工表 names it, or names a collective it belongs to
 * (各区政府 -> each district government). A row naming it both ways counts once, as direct.
 */
export function assignmentsOf(structure: PlanStructure, department: Department): Assignment[] {
  const index = cellIndex(structure);
  const throughCollectives = department.memberOf.flatMap((collective) =>
    (index.get(collective.code) ?? []).map((cell) => ({ ...cell, assignment: { ...cell.assignment, via: { code: collective.code, name: collective.name } } })),
  );
  // Direct cells come first, so a row naming the unit both ways keeps the direct one.
  const byCell = new Map<number, IndexedCell>();
  for (const cell of [...(index.get(department.code) ?? []), ...throughCollectives]) if (!byCell.has(cell.order)) byCell.set(cell.order, cell);
  return [...byCell.values()].sort((a, b) => a.order - b.order).map((cell) => cell.assignment);
}

/**
 * The rows a unit leads: those whose 牵头部门 cell names it directly. A collective in that cell
 * (各区政府) makes no member a lead: a district does not read the other districts' reports.
 */
export const ledAssignments = (structure: PlanStructure, department: Department): Assignment[] =>
  assignmentsOf(structure, department).filter((assignment) => assignment.role === 'lead' && assignment.via === null);

interface IndexedCell {
  /** The cell's position in the table (measure, row, lead before responsible); unique per cell. */
  order: number;
  assignment: Assignment;
}

const cellIndexes = new WeakMap<PlanStructure, Map<string, IndexedCell[]>>();

/**
 * Every unit named in a plan's cells, with the cells naming it, built once per (cached)
 * structure: with thousands of units, scanning the table for each one would dominate.
 */
function cellIndex(structure: PlanStructure): Map<string, IndexedCell[]> {
  let index = cellIndexes.get(structure);
  if (index) return index;
  index = new Map();
  let order = 0;
  for (const measure of structure.measures) {
    for (const task of measure.tasks) {
      for (const role of ['lead', 'responsible'] as const) {
        order += 1;
        for (const unit of task[role]) {
          const cells = index.get(unit.code) ?? [];
          cells.push({
            order,
            assignment: { measureNo: measure.no, measureTitle: measure.title, taskId: task.id, taskSeq: task.seq, content: task.content, role, via: null },
          });
          index.set(unit.code, cells);
        }
      }
    }
  }
  cellIndexes.set(structure, index);
  return index;
}

/** Collectives (e.g. 各区政府) are named in the 分工表 but report through their members. */
export const isReportingUnit = (department: Pick<Department, 'kind'>) => department.kind !== 'collective';
