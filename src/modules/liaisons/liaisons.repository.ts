import { eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { liaisons } from '../../db/schema/index.js';

export type LiaisonRow = typeof liaisons.$inferSelect;

export async function findLiaisons(db: Queryable, departmentCode: string): Promise<LiaisonRow | undefined> {
  const [row] = await db.select().from(liaisons).where(eq(liaisons.departmentCode, departmentCode));
  return row;
}

export function listLiaisons(db: Queryable) {
  return db.select().from(liaisons);
}

export async function upsertLiaisons(db: Queryable, row: LiaisonRow): Promise<LiaisonRow> {
  const [saved] = await db
    .insert(liaisons)
    .values(row)
    .onConflictDoUpdate({ target: liaisons.departmentCode, set: { officer: row.officer, staff: row.staff, updatedAt: row.updatedAt } })
    .returning();
  return saved!;
}
