import { and, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { auditLog } from '../../db/schema/index.js';
import type { AuditAction, AuditEntityType } from './audit.schemas.js';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

export async function insertAudit(db: Queryable, row: NewAuditRow): Promise<void> {
  await db.insert(auditLog).values(row);
}

/** Entity types whose id is a unit's code. */
const UNIT_ENTITIES: AuditEntityType[] = ['liaisons', 'webhook'];
/** Entity types whose id has the period second (`plan/period[/unit]`). */
const PERIOD_ENTITIES: AuditEntityType[] = ['report', 'period', 'lead-opinions', 'attachment'];
/** Entity types whose id is `plan/period/unit` (an attachment's goes on: `plan/period/unit/id`). */
const UNIT_PERIOD_ENTITIES: AuditEntityType[] = ['report', 'lead-opinions', 'attachment'];

export interface AuditFilter {
  entityType?: AuditEntityType | undefined;
  entityId?: string | undefined;
  action?: AuditAction | undefined;
  actorDepartment?: string | undefined;
  /** Rows about a unit: entity ids are `plan/period/unit` for reports and the unit's code for these types. */
  department?: string | undefined;
  /** Rows about a period: entity ids are `plan/period/unit` for reports and `plan/period` for deadlines. */
  period?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Keyset cursor: only rows with a smaller id. */
  before?: number | undefined;
  limit: number;
}

export function listAudit(db: Queryable, filter: AuditFilter) {
  const conditions: (SQL | undefined)[] = [
    filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
    filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
    filter.action ? eq(auditLog.action, filter.action) : undefined,
    filter.actorDepartment ? eq(auditLog.actorDepartment, filter.actorDepartment) : undefined,
    filter.department
      ? or(
          and(inArray(auditLog.entityType, UNIT_ENTITIES), eq(auditLog.entityId, filter.department)),
          and(inArray(auditLog.entityType, UNIT_PERIOD_ENTITIES), sql`split_part(${auditLog.entityId}, '/', 3) = ${filter.department}`),
        )
      : undefined,
    filter.period
      ? and(inArray(auditLog.entityType, PERIOD_ENTITIES), sql`split_part(${auditLog.entityId}, '/', 2) = ${filter.period}`)
      : undefined,
    filter.from ? gte(auditLog.at, filter.from) : undefined,
    filter.to ? lte(auditLog.at, filter.to) : undefined,
    filter.before ? lt(auditLog.id, filter.before) : undefined,
  ];
  return db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit);
}
