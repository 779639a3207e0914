import type { Database } from '../../db/client.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import * as repository from './auth.repository.js';
import { normaliseEmail } from './sign-in.service.js';

/** Public view of an account. */
export function describeAccount(row: repository.AccountRow) {
  return { id: row.id, email: row.email, name: row.name, role: row.role as 'office' | 'admin', createdAt: row.createdAt.toISOString() };
}

export async function listAccounts(db: Database) {
  return (await repository.listActiveAccounts(db)).map(describeAccount);
}

/** Registers an office or admin person who signs in with a link sent to this address. */
export async function createAccount(db: Database, actor: Actor, at: Date, spec: { email: string; name: string; role: 'office' | 'admin' }) {
  const email = normaliseEmail(spec.email);
  return db.transaction(async (tx) => {
    // Inserted, or a disabled one with this address brought back; an active one is left alone.
    const row = await repository.upsertAccount(tx, { email, name: spec.name, role: spec.role, createdAt: at });
    if (!row) throw new AppError('CONFLICT', { en: `An account with the address ${email} already exists`, zh: `地址 ${email} 的账号已存在` });
    await recordAudit(tx, actor, at, { action: 'account.create', entityType: 'account', entityId: row.id, before: null, after: describeAccount(row) });
    return describeAccount(row);
  });
}

/** Disables the account: its links and sessions stop working at once (checked on every use). */
export async function deleteAccount(db: Database, actor: Actor, at: Date, id: string) {
  await db.transaction(async (tx) => {
    const before = await repository.findAccount(tx, id);
    if (!before || before.disabledAt) throw notFound({ en: `Account ${id} does not exist`, zh: `账号 ${id} 不存在` });
    await repository.disableAccount(tx, id, at);
    await recordAudit(tx, actor, at, { action: 'account.delete', entityType: 'account', entityId: id, before: describeAccount(before), after: null });
  });
}
