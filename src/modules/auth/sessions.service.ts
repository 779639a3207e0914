import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/client.js';
import { hashToken } from '../tokens/tokens.service.js';
import * as repository from './auth.repository.js';
import type { Role } from './auth.schemas.js';

/** Idle expiry: a session unused this long is over (the issue: 8 hours). */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
/** Each use pushes the expiry forward, but writes at most this often. */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 1000;
/** Ended links and sessions are dropped this long after they ended. */
const KEEP_ENDED_MS = 24 * 60 * 60 * 1000;

/** Who a session belongs to, as the rest of the service sees it. */
export interface SessionIdentity {
  sessionId: string;
  role: Role;
  department: { code: string; name: string } | null;
  email: string | null;
  name: string | null;
  /** The API token pasted to sign in (office, admin), or null for a link. */
  apiTokenId: string | null;
  via: 'link' | 'api-token';
  expiresAt: Date;
}

export interface NewSession {
  role: Role;
  departmentCode: string | null;
  email: string | null;
  apiTokenId: string | null;
}

/** Creates a session; returns the cookie's secret (only its hash is stored) and the row. */
export async function openSession(db: Queryable, at: Date, spec: NewSession) {
  const secret = randomBytes(32).toString('base64url');
  const row = await repository.insertSession(db, {
    tokenHash: hashToken(secret),
    ...spec,
    createdAt: at,
    lastSeenAt: at,
    expiresAt: new Date(at.getTime() + SESSION_IDLE_MS),
  });
  await repository.deleteStale(db, new Date(at.getTime() - KEEP_ENDED_MS));
  return { secret, row };
}

/**
 * The session behind a cookie, if it is live and its holder is still entitled to it (a liaison
 * still registered for the unit, an account still active, a pasted token not revoked); its idle
 * expiry moves forward, written at most once a minute.
 */
export async function resolveSession(db: Queryable, secret: string, at: Date): Promise<SessionIdentity | undefined> {
  const found = await repository.findLiveSession(db, hashToken(secret), at);
  if (!found) return undefined;
  const { session } = found;
  const name = entitledName(found);
  if (name === undefined) return undefined;
  let expiresAt = session.expiresAt;
  if (at.getTime() - session.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) {
    expiresAt = new Date(at.getTime() + SESSION_IDLE_MS);
    await repository.touchSession(db, session.id, at, expiresAt);
  }
  return {
    sessionId: session.id,
    role: session.role,
    department: session.departmentCode ? { code: session.departmentCode, name: found.departmentName ?? session.departmentCode } : null,
    email: session.email,
    name,
    apiTokenId: session.apiTokenId,
    via: session.apiTokenId ? 'api-token' : 'link',
    expiresAt,
  };
}

type Found = NonNullable<Awaited<ReturnType<typeof repository.findLiveSession>>>;

/** The holder's name if the session is still entitled (null when there is none to show), else undefined. */
function entitledName(found: Found): string | null | undefined {
  const { session } = found;
  if (session.apiTokenId) {
    const live = found.tokenRole !== null && found.tokenRevokedAt === null && found.tokenRole === session.role;
    return live ? found.tokenLabel : undefined;
  }
  if (session.role === 'department') {
    const email = session.email ?? '';
    if (found.officer?.email.toLowerCase() === email) return found.officer.name;
    if (found.staff?.email.toLowerCase() === email) return found.staff.name;
    return undefined;
  }
  const account = found.account;
  return account && account.disabledAt === null && account.role === session.role ? account.name : undefined;
}

export const endSession = (db: Queryable, sessionId: string, at: Date) => repository.revokeSession(db, sessionId, at);

/** Ends the session a cookie names, if any (signing in again replaces the browser's session). */
export const endSessionOfCookie = (db: Queryable, secret: string, at: Date) => repository.revokeSessionByHash(db, hashToken(secret), at);
