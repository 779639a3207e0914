import type { Database, Queryable } from '../../db/client.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { isReportingUnit, loadDirectory, requireDepartment, type Department } from '../departments/departments.service.js';
import { officialOrder } from '../overview/official-order.js';
import { listPlans, loadPlanStructure } from '../plans/plans.service.js';
import * as repository from './liaisons.repository.js';

type Liaisons = Pick<repository.LiaisonRow, 'officer' | 'staff'>;

/** Units that report and so name liaisons: everything but the collectives. */

function view(department: Department, row: repository.LiaisonRow) {
  return {
    department: { code: department.code, name: department.name },
    officer: row.officer,
    staff: row.staff,
    updatedAt: row.updatedAt.toISOString(),
  };
}

async function requireReportingUnit(db: Queryable, code: string): Promise<Department> {
  const department = requireDepartment(await loadDirectory(db), code);
  if (!isReportingUnit(department)) {
    throw new AppError('UNPROCESSABLE', {
      en: `${department.name} is a collective; its member units name their own liaisons`,
      zh: `${department.name} 是集合单位，由其成员单位各自登记联络员`,
    });
  }
  return department;
}

export async function getLiaisons(db: Queryable, code: string) {
  const department = await requireReportingUnit(db, code);
  const row = await repository.findLiaisons(db, code);
  if (!row) throw notFound({ en: `${department.name} has not named its liaisons yet`, zh: `${department.name} 尚未登记联络员` });
  return view(department, row);
}

export async function setLiaisons(db: Database, actor: Actor, at: Date, code: string, liaisons: Liaisons) {
  const department = await requireReportingUnit(db, code);
  return db.transaction(async (tx) => {
    const before = await repository.findLiaisons(tx, code);
    const saved = await repository.upsertLiaisons(tx, { departmentCode: code, ...liaisons, updatedAt: at });
    await recordAudit(tx, actor, at, {
      action: 'liaisons.set',
      entityType: 'liaisons',
      entityId: code,
      before: before ? { officer: before.officer, staff: before.staff } : null,
      after: liaisons,
    });
    return view(department, saved);
  });
}

/** Every reporting unit with its liaisons, or flagged as not registered yet. */
export async function roster(db: Queryable) {
  const [directory, rows, plans] = await Promise.all([loadDirectory(db), repository.listLiaisons(db), listPlans(db)]);
  const byCode = new Map(rows.map((row) => [row.departmentCode, row]));
  // The roster spans plans; it follows the official order of the first (seeded) plan's 分工表.
  const ordered = plans[0] ? officialOrder(await loadPlanStructure(db, plans[0].code), directory) : directory.departments;
  const items = ordered.filter(isReportingUnit).map((department) => {
    const row = byCode.get(department.code);
    return {
      department: { code: department.code, name: department.name },
      kind: department.kind,
      registered: row !== undefined,
      officer: row?.officer ?? null,
      staff: row?.staff ?? null,
      updatedAt: row?.updatedAt.toISOString() ?? null,
    };
  });
  return {
    total: items.length,
    registered: items.filter((item) => item.registered).length,
    unregistered: items.filter((item) => !item.registered).map((item) => item.department),
    items,
  };
}

export type Roster = Awaited<ReturnType<typeof roster>>;
