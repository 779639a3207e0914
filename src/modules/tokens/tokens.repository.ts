import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { apiTokens } from '../../db/schema/index.js';

export type TokenRow = typeof apiTokens.$inferSelect;
export type NewToken = typeof apiTokens.$inferInsert;

export async function insertToken(db: Queryable, token: NewToken): Promise<TokenRow> {
  const [row] = await db.insert(apiTokens).values(token).returning();
  return row!;
}

export async function findActiveTokenByHash(db: Queryable, tokenHash: string): Promise<TokenRow | undefined> {
  const [row] = await db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, tokenHash), isNull(apiTokens.revokedAt)));
  return row;
}

export async function findToken(db: Queryable, id: string): Promise<TokenRow | undefined> {
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row;
}

export function listTokens(db: Queryable) {
  return db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt));
}

export async function revokeToken(db: Queryable, id: string, at: Date): Promise<TokenRow | undefined> {
  const [row] = await db.update(apiTokens).set({ revokedAt: at }).where(eq(apiTokens.id, id)).returning();
  return row;
}

export async function hasActiveAdmin(db: Queryable): Promise<boolean> {
  const rows = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.role, 'admin'), isNull(apiTokens.revokedAt)))
    .limit(1);
  return rows.length > 0;
}
