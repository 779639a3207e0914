import { and, asc, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { accounts, apiTokens, departments, liaisons, sessions, signInLinks } from '../../db/schema/index.js';

export type AccountRow = typeof accounts.$inferSelect;
export type LinkRow = typeof signInLinks.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

/** Units whose 处级联络员 or 工作人员 has this address (compared lower-cased), with the person's name. */
export async function findLiaisonUnits(db: Queryable, email: string) {
  const officer = sql<string>`lower(${liaisons.officer}->>'email')`;
  const staff = sql<string>`lower(${liaisons.staff}->>'email')`;
  const rows = await db
    .select({ code: departments.code, name: departments.name, officer: liaisons.officer, staff: liaisons.staff })
    .from(liaisons)
    .innerJoin(departments, eq(departments.code, liaisons.departmentCode))
    .where(or(eq(officer, email), eq(staff, email)))
    .orderBy(asc(departments.code));
  return rows.map((row) => ({
    department: { code: row.code, name: row.name },
    personName: row.officer.email.toLowerCase() === email ? row.officer.name : row.staff.name,
  }));
}

export async function findActiveAccountByEmail(db: Queryable, email: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(and(eq(accounts.email, email), isNull(accounts.disabledAt)));
  return row;
}

export function listActiveAccounts(db: Queryable) {
  return db.select().from(accounts).where(isNull(accounts.disabledAt)).orderBy(asc(accounts.email));
}

export async function findAccount(db: Queryable, id: string): Promise<AccountRow | undefined> {
  const [row] = await db.select().from(accounts).where(eq(accounts.id, id));
  return row;
}

/** A disabled account with the same address is brought back (the address is unique). */
export async function upsertAccount(db: Queryable, row: { email: string; name: string; role: AccountRow['role']; createdAt: Date }): Promise<AccountRow | undefined> {
  const [saved] = await db
    .insert(accounts)
    .values(row)
    .onConflictDoUpdate({ target: accounts.email, set: { name: row.name, role: row.role, createdAt: row.createdAt, disabledAt: null }, where: sql`${accounts.disabledAt} is not null` })
    .returning();
  return saved;
}

export async function disableAccount(db: Queryable, id: string, at: Date): Promise<AccountRow | undefined> {
  const [row] = await db.update(accounts).set({ disabledAt: at }).where(and(eq(accounts.id, id), isNull(accounts.disabledAt))).returning();
  return row;
}

export async function insertLink(db: Queryable, row: typeof signInLinks.$inferInsert): Promise<LinkRow> {
  const [saved] = await db.insert(signInLinks).values(row).returning();
  return saved!;
}

/** Marks the link used, only if it is unused and unexpired: one statement, so two tabs cannot both use it. */
export async function consumeLink(db: Queryable, tokenHash: string, at: Date): Promise<LinkRow | undefined> {
  const [row] = await db
    .update(signInLinks)
    .set({ usedAt: at })
    .where(and(eq(signInLinks.tokenHash, tokenHash), isNull(signInLinks.usedAt), gt(signInLinks.expiresAt, at)))
    .returning();
  return row;
}

/** Links and sessions long past use; kept a day for the record, then dropped. */
export async function deleteStale(db: Queryable, before: Date): Promise<void> {
  await db.delete(signInLinks).where(lt(signInLinks.expiresAt, before));
  await db.delete(sessions).where(or(lt(sessions.expiresAt, before), lt(sessions.revokedAt, before)));
}

export async function insertSession(db: Queryable, row: typeof sessions.$inferInsert): Promise<SessionRow> {
  const [saved] = await db.insert(sessions).values(row).returning();
  return saved!;
}

/**
 * A live session with what still entitles it: the unit's liaisons (for a department), the
 * account (office, admin signed in by link) and the pasted API token. A liaison replaced, an
 * account disabled or a token revoked ends the session at its next request, in every process.
 */
export async function findLiveSession(db: Queryable, tokenHash: string, at: Date) {
  const [row] = await db
    .select({
      session: sessions,
      departmentName: departments.name,
      officer: liaisons.officer,
      staff: liaisons.staff,
      account: { name: accounts.name, role: accounts.role, disabledAt: accounts.disabledAt },
      tokenRevokedAt: apiTokens.revokedAt,
      tokenRole: apiTokens.role,
      tokenLabel: apiTokens.label,
    })
    .from(sessions)
    .leftJoin(departments, eq(departments.code, sessions.departmentCode))
    .leftJoin(liaisons, eq(liaisons.departmentCode, sessions.departmentCode))
    .leftJoin(accounts, eq(accounts.email, sessions.email))
    .leftJoin(apiTokens, eq(apiTokens.id, sessions.apiTokenId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, at)));
  return row;
}

export async function touchSession(db: Queryable, id: string, at: Date, expiresAt: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: at, expiresAt }).where(eq(sessions.id, id));
}

export async function revokeSession(db: Queryable, id: string, at: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: at }).where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));
}

export async function revokeSessionByHash(db: Queryable, tokenHash: string, at: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: at }).where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)));
}
