import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { leadOpinionSets, leadOpinionVersions } from '../../db/schema/index.js';

export type OpinionSetRow = typeof leadOpinionSets.$inferSelect;
export type OpinionVersionRow = typeof leadOpinionVersions.$inferSelect;

export interface OpinionSetKey {
  planId: number;
  periodId: string;
  departmentCode: string;
}

const byKey = (key: OpinionSetKey) =>
  and(eq(leadOpinionSets.planId, key.planId), eq(leadOpinionSets.periodId, key.periodId), eq(leadOpinionSets.departmentCode, key.departmentCode));

export async function findSet(db: Queryable, key: OpinionSetKey): Promise<OpinionSetRow | undefined> {
  const [row] = await db.select().from(leadOpinionSets).where(byKey(key));
  return row;
}

/** Locks the set for the rest of the transaction, creating an empty one (version 0) first if needed, in one statement (as lockReport does). */
export async function lockSet(db: Queryable, key: OpinionSetKey, at: Date): Promise<OpinionSetRow> {
  const [row] = await db
    .insert(leadOpinionSets)
    .values({ ...key, status: 'draft', version: 0, opinions: [], updatedAt: at })
    .onConflictDoUpdate({ target: [leadOpinionSets.planId, leadOpinionSets.periodId, leadOpinionSets.departmentCode], set: { version: sql`${leadOpinionSets.version}` } })
    .returning();
  return row!;
}

export async function updateSet(db: Queryable, id: number, changes: Partial<OpinionSetRow>): Promise<OpinionSetRow> {
  const [row] = await db.update(leadOpinionSets).set(changes).where(eq(leadOpinionSets.id, id)).returning();
  return row!;
}

export async function insertVersion(db: Queryable, version: typeof leadOpinionVersions.$inferInsert): Promise<void> {
  await db.insert(leadOpinionVersions).values(version);
}

export function listVersions(db: Queryable, setId: number) {
  return db.select().from(leadOpinionVersions).where(eq(leadOpinionVersions.setId, setId)).orderBy(asc(leadOpinionVersions.version));
}

/**
 * Each set's latest submission in the periods (of `departmentCodes` only, when given): what the
 * office reads. A set the lead is revising (a draft again) keeps showing what it last submitted
 * until it is submitted anew.
 */
export function listSubmittedOpinions(db: Queryable, planId: number, periodIds: readonly string[], departmentCodes?: readonly string[]) {
  if (periodIds.length === 0 || departmentCodes?.length === 0) return Promise.resolve([]);
  return db
    .selectDistinctOn([leadOpinionVersions.setId], {
      periodId: leadOpinionSets.periodId,
      departmentCode: leadOpinionSets.departmentCode,
      version: leadOpinionVersions.version,
      opinions: leadOpinionVersions.opinions,
      submittedAt: leadOpinionVersions.at,
    })
    .from(leadOpinionVersions)
    .innerJoin(leadOpinionSets, eq(leadOpinionSets.id, leadOpinionVersions.setId))
    .where(
      and(
        eq(leadOpinionSets.planId, planId),
        inArray(leadOpinionSets.periodId, [...periodIds]),
        departmentCodes ? inArray(leadOpinionSets.departmentCode, [...departmentCodes]) : undefined,
        eq(leadOpinionVersions.action, 'submit'),
      ),
    )
    .orderBy(leadOpinionVersions.setId, desc(leadOpinionVersions.version));
}

/** Changes whenever an opinion set of the periods is written: part of the consolidated reports' cache key. */
export async function opinionSetsVersion(db: Queryable, planId: number, periodIds: readonly string[]): Promise<string> {
  if (periodIds.length === 0) return '0.0.';
  const [row] = await db
    .select({ count: sql<number>`count(*)`, versions: sql<number>`coalesce(sum(${leadOpinionSets.version}), 0)`, latest: sql<string>`max(${leadOpinionSets.updatedAt})::text` })
    .from(leadOpinionSets)
    .where(and(eq(leadOpinionSets.planId, planId), inArray(leadOpinionSets.periodId, [...periodIds])));
  return `${row!.count}.${row!.versions}.${row!.latest ?? ''}`;
}
