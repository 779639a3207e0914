import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { findActiveTokenByHash } from '../tokens/tokens.repository.js';
import { hashToken } from '../tokens/tokens.service.js';
import * as repository from './auth.repository.js';
import type { Role } from './auth.schemas.js';
import { openSession } from './sessions.service.js';

/** A sign-in link is valid this long, for one use (the issue: 15 minutes). */
export const LINK_TTL_MS = 15 * 60 * 1000;

/** Someone an address may sign in as: an account (office, admin) or a liaison of one unit. */
export interface Identity {
  role: Role;
  department: { code: string; name: string } | null;
  name: string;
}

export interface IssuedLink {
  url: string;
  expiresAt: Date;
  email: string;
  identity: Identity;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * Everyone the address may sign in as: its account first, then each unit it is registered for
 * (by code). An address registered for two units gets a link per unit; each link carries its unit.
 */
export async function identitiesOf(db: Queryable, email: string): Promise<Identity[]> {
  const [account, units] = await Promise.all([repository.findActiveAccountByEmail(db, email), repository.findLiaisonUnits(db, email)]);
  return [
    ...(account ? [{ role: account.role, department: null, name: account.name }] : []),
    ...units.map((unit) => ({ role: 'department' as const, department: unit.department, name: unit.personName })),
  ];
}

/** The web app's sign-in page with the link's secret (and where to go next). */
export function signInUrl(publicBaseUrl: string, secret: string, next: string | undefined) {
  const query = new URLSearchParams({ token: secret, ...(next ? { next } : {}) });
  return `${publicBaseUrl.replace(/\/+$/, '')}/sign-in?${query.toString()}`;
}

async function createLink(db: Queryable, at: Date, publicBaseUrl: string, email: string, identity: Identity, next: string | undefined): Promise<IssuedLink & { id: string }> {
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(at.getTime() + LINK_TTL_MS);
  const row = await repository.insertLink(db, {
    tokenHash: hashToken(secret),
    email,
    role: identity.role,
    departmentCode: identity.department?.code ?? null,
    next: next ?? null,
    createdAt: at,
    expiresAt,
  });
  return { id: row.id, url: signInUrl(publicBaseUrl, secret, next), expiresAt, email, identity };
}

/** Links for every identity of a registered address (none for any other address: the caller answers the same). */
export async function requestLinks(db: Database, at: Date, publicBaseUrl: string, request: { email: string; next?: string | undefined }): Promise<IssuedLink[]> {
  const email = normaliseEmail(request.email);
  const identities = await identitiesOf(db, email);
  if (identities.length === 0) return [];
  return db.transaction(async (tx) => Promise.all(identities.map((identity) => createLink(tx, at, publicBaseUrl, email, identity, request.next))));
}

/**
 * A link shown to an admin (who passes it on, e.g. when there is no SMTP) or printed by the CLI.
 * It lets the holder act as that person, so it is audited.
 */
export async function issueLink(db: Database, actor: Actor, at: Date, publicBaseUrl: string, request: { email: string; next?: string | undefined; department?: string | undefined }): Promise<IssuedLink> {
  const email = normaliseEmail(request.email);
  const identity = chooseIdentity(await identitiesOf(db, email), email, request.department);
  return db.transaction(async (tx) => {
    const link = await createLink(tx, at, publicBaseUrl, email, identity, request.next);
    await recordAudit(tx, actor, at, {
      action: 'sign-in-link.issue',
      entityType: 'sign-in-link',
      entityId: link.id,
      before: null,
      after: { email, role: identity.role, department: identity.department?.code ?? null, expiresAt: link.expiresAt.toISOString() },
    });
    return link;
  });
}

function chooseIdentity(identities: Identity[], email: string, department: string | undefined): Identity {
  if (identities.length === 0) {
    throw new AppError('UNPROCESSABLE', { en: `No account or unit's liaison has the address ${email}`, zh: `${email} 不是已登记的账号或单位联络员地址` }, [
      { path: 'body.email', message: { en: 'is not registered', zh: '未登记' } },
    ]);
  }
  if (department) {
    const match = identities.find((identity) => identity.department?.code === department);
    if (match) return match;
    throw new AppError('UNPROCESSABLE', { en: `${email} is not a liaison of ${department}`, zh: `${email} 不是该单位(${department})的联络员` }, [
      { path: 'body.department', message: { en: 'the address is not registered for this unit', zh: '该地址未登记为此单位的联络员' } },
    ]);
  }
  const account = identities.find((identity) => identity.department === null);
  if (account) return account;
  if (identities.length === 1) return identities[0]!;
  const codes = identities.map((identity) => identity.department!.code).join(', ');
  throw new AppError('UNPROCESSABLE', { en: `${email} is registered for several units (${codes}); name one in department`, zh: `${email} 登记为多个单位的联络员(${codes}),请在 department 中指定一个` }, [
    { path: 'body.department', message: { en: `required: one of ${codes}`, zh: `必填:${codes} 之一` } },
  ]);
}

const linkRefused = () =>
  new AppError('UNAUTHORIZED', {
    en: 'The sign-in link is unknown, already used or expired (links are valid 15 minutes, once); request a new one',
    zh: '登录链接无效、已使用或已过期(链接15分钟内有效,仅可使用一次),请重新获取',
  });

/** Uses a link (once) and opens a session for the person it was issued to, if they are still entitled. */
export async function signInWithLink(db: Database, at: Date, secret: string) {
  return db.transaction(async (tx) => {
    const link = await repository.consumeLink(tx, hashToken(secret), at);
    if (!link) throw linkRefused();
    const still = (await identitiesOf(tx, link.email)).some((identity) => identity.role === link.role && (identity.department?.code ?? null) === link.departmentCode);
    if (!still) throw linkRefused();
    const { secret: sessionSecret } = await openSession(tx, at, { role: link.role, departmentCode: link.departmentCode, email: link.email, apiTokenId: null });
    return { sessionSecret, next: link.next };
  });
}

/** Opens a session with a pasted office or admin API token; department tokens are for integrations only. */
export async function signInWithApiToken(db: Database, at: Date, secret: string) {
  const token = await findActiveTokenByHash(db, hashToken(secret.trim()));
  if (!token) {
    throw new AppError('UNAUTHORIZED', { en: 'The API token is unknown or revoked', zh: 'API 令牌无效或已撤销' });
  }
  if (token.role === 'department') {
    throw new AppError('FORBIDDEN', {
      en: 'A department token cannot sign in to the web app; liaisons sign in with a link sent to their registered address',
      zh: '部门令牌不能用于登录网页版;联络员请使用发送到登记邮箱的登录链接',
    });
  }
  const { secret: sessionSecret } = await openSession(db, at, { role: token.role, departmentCode: null, email: null, apiTokenId: token.id });
  return { sessionSecret };
}
