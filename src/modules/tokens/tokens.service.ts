import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { invalid } from '../../http/validation.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import * as repository from './tokens.repository.js';

export type TokenRole = 'department' | 'office' | 'admin';

export interface TokenSpec {
  role: TokenRole;
  departmentCode?: string | null | undefined;
  label?: string | null | undefined;
}

const TOKEN_PREFIX = 'hzt_';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Public view of a token row: never the hash. */
export function describeToken(row: repository.TokenRow) {
  return {
    id: row.id,
    role: row.role,
    department: row.departmentCode,
    label: row.label,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Creates a token and returns its secret once; only the hash is kept. */
export async function createToken(db: Database, actor: Actor, at: Date, spec: TokenSpec, departmentExists: (code: string) => boolean) {
  if (spec.role === 'department' && !spec.departmentCode) {
    throw invalid([{ path: 'body.department', message: { en: 'required when role is department', zh: '角色为 department 时必填' } }]);
  }
  if (spec.role !== 'department' && spec.departmentCode) {
    throw invalid([{ path: 'body.department', message: { en: `must be absent when role is ${spec.role}`, zh: `角色为 ${spec.role} 时不得填写` } }]);
  }
  if (spec.departmentCode && !departmentExists(spec.departmentCode)) {
    throw invalid([{ path: 'body.department', message: { en: `no department has code ${spec.departmentCode}`, zh: `没有代码为 ${spec.departmentCode} 的单位` } }]);
  }
  const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await db.transaction(async (tx) => {
    const inserted = await repository.insertToken(tx, {
      tokenHash: hashToken(secret),
      role: spec.role,
      departmentCode: spec.departmentCode ?? null,
      label: spec.label ?? null,
      createdAt: at,
    });
    await recordAudit(tx, actor, at, { action: 'token.create', entityType: 'token', entityId: inserted.id, before: null, after: describeToken(inserted) });
    return inserted;
  });
  return { ...describeToken(row), token: secret };
}

export async function revokeToken(db: Database, actor: Actor, at: Date, id: string) {
  return db.transaction(async (tx) => {
    const before = await repository.findToken(tx, id);
    if (!before) throw notFound({ en: `Token ${id} does not exist`, zh: `令牌 ${id} 不存在` });
    if (before.revokedAt) return describeToken(before);
    const after = (await repository.revokeToken(tx, id, at))!;
    await recordAudit(tx, actor, at, { action: 'token.revoke', entityType: 'token', entityId: id, before: describeToken(before), after: describeToken(after) });
    return describeToken(after);
  });
}

export async function listTokens(db: Database) {
  return (await repository.listTokens(db)).map(describeToken);
}
