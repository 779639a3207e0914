import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../db/client.js';
import { notFound, AppError } from '../../errors.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { loadDirectory, requireDepartment } from '../departments/departments.service.js';
import { listLiaisons } from '../liaisons/liaisons.repository.js';
import { findPlan } from '../plans/plans.repository.js';
import { requirePlan } from '../plans/plans.service.js';
import { loadPolicy } from './planner.js';
import type { ReminderPolicy } from './policy.js';
import * as repository from './reminders.repository.js';

export const getPolicy = async (db: Database, planCode: string, officeEmail: string | null) =>
  loadPolicy(db, await requirePlan(db, planCode), officeEmail);

export async function setPolicy(db: Database, actor: Actor, at: Date, planCode: string, policy: ReminderPolicy, officeEmail: string | null) {
  const plan = await requirePlan(db, planCode);
  await db.transaction(async (tx) => {
    const before = await loadPolicy(db, plan, officeEmail);
    await repository.upsertPolicy(tx, { planId: plan.id, ...policy, updatedAt: at });
    await recordAudit(tx, actor, at, { action: 'reminder-policy.set', entityType: 'reminder-policy', entityId: plan.code, before, after: policy });
  });
  return policy;
}

export interface ReminderQuery {
  plan?: string | undefined;
  period?: string | undefined;
  department?: string | undefined;
  status?: repository.ReminderRow['status'] | undefined;
  limit: number;
  offset: number;
}

/** The office's reminder view: every reminder with its state, and who cannot be reached. */
export async function listReminderView(db: Queryable, query: ReminderQuery) {
  const plan = query.plan ? await findPlan(db, query.plan) : undefined;
  if (query.plan && !plan) throw notFound(`Plan ${query.plan} does not exist`);
  const [rows, liaisons, directory] = await Promise.all([
    repository.listReminders(db, { planId: plan?.id, periodId: query.period, departmentCode: query.department, status: query.status, limit: query.limit, offset: query.offset }),
    listLiaisons(db),
    loadDirectory(db),
  ]);
  const registered = new Set(liaisons.map((row) => row.departmentCode));
  const pending = await repository.listReminders(db, { planId: plan?.id, periodId: query.period, departmentCode: query.department, status: 'planned', limit: 100_000, offset: 0 });
  const unreachable = [...new Set(pending.filter((row) => row.channel === 'email' && !registered.has(row.departmentCode)).map((row) => row.departmentCode))];
  const ref = (code: string) => ({ code, name: directory.get(code)?.name ?? code });
  return {
    items: rows.map((row) => ({
      id: row.id,
      periodId: row.periodId,
      department: ref(row.departmentCode),
      kind: row.kind,
      channel: row.channel,
      status: row.status,
      sendAt: row.sendAt.toISOString(),
      attempts: row.attempts,
      lastError: row.lastError,
      sentAt: row.sentAt?.toISOString() ?? null,
      cancelledAt: row.cancelledAt?.toISOString() ?? null,
      reachable: row.channel !== 'email' || registered.has(row.departmentCode),
    })),
    unreachableDepartments: unreachable.map(ref),
  };
}

/** Puts a failed, unreachable or cancelled reminder back in line, to be sent now. */
export async function retryReminder(db: Database, actor: Actor, at: Date, id: number) {
  const row = await repository.findReminder(db, id);
  if (!row) throw notFound(`Reminder ${id} does not exist`);
  if (row.status === 'planned' || row.status === 'sent') throw new AppError('CONFLICT', `Reminder ${id} is ${row.status}; only failed, unreachable or cancelled reminders are retried`);
  return db.transaction(async (tx) => {
    const updated = await repository.update(tx, id, { status: 'planned', sendAt: at, attempts: 0, lastError: null, cancelledAt: null, updatedAt: at });
    await recordAudit(tx, actor, at, { action: 'reminder.retry', entityType: 'reminder', entityId: String(id), before: { status: row.status }, after: { status: 'planned', sendAt: at.toISOString() } });
    return updated;
  });
}

export async function setWebhook(db: Database, actor: Actor, at: Date, departmentCode: string, url: string, secret: string | undefined) {
  requireDepartment(await loadDirectory(db), departmentCode);
  const value = { departmentCode, url, secret: secret ?? randomBytes(24).toString('base64url'), updatedAt: at };
  await db.transaction(async (tx) => {
    const before = await repository.findWebhook(tx, departmentCode);
    await repository.upsertWebhook(tx, value);
    await recordAudit(tx, actor, at, { action: 'webhook.set', entityType: 'webhook', entityId: departmentCode, before: before ? { url: before.url } : null, after: { url } });
  });
  return { department: departmentCode, url, secret: value.secret, updatedAt: at.toISOString() };
}

export async function removeWebhook(db: Database, actor: Actor, at: Date, departmentCode: string) {
  await db.transaction(async (tx) => {
    const before = await repository.findWebhook(tx, departmentCode);
    if (!before) throw notFound(`${departmentCode} has no webhook`);
    await repository.deleteWebhook(tx, departmentCode);
    await recordAudit(tx, actor, at, { action: 'webhook.delete', entityType: 'webhook', entityId: departmentCode, before: { url: before.url }, after: null });
  });
}

export async function notificationsOf(db: Queryable, departmentCode: string, limit: number) {
  requireDepartment(await loadDirectory(db), departmentCode);
  const rows = await repository.listNotifications(db, departmentCode, limit);
  return { items: rows.map((row) => ({ id: row.id, reminderId: row.reminderId, subject: row.subject, body: row.body, createdAt: row.createdAt.toISOString() })) };
}
