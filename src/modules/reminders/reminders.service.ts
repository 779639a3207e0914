import { randomBytes } from 'node:crypto';
import type { Database, Queryable } from '../../db/client.js';
import { notFound, AppError } from '../../errors.js';
import { invalid } from '../../http/validation.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { loadDirectory, requireDepartment } from '../departments/departments.service.js';
import { listLiaisons } from '../liaisons/liaisons.repository.js';
import { findPlan } from '../plans/plans.repository.js';
import { requirePlan } from '../plans/plans.service.js';
import { loadPolicy } from './planner.js';
import type { ReminderPolicy } from './policy.js';
import * as repository from './reminders.repository.js';
import { checkWebhookTarget } from './webhook-target.js';

export const getPolicy = async (db: Database, planCode: string, officeEmail: string | null) =>
  loadPolicy(db, await requirePlan(db, planCode), officeEmail);

export async function setPolicy(db: Database, actor: Actor, at: Date, planCode: string, policy: ReminderPolicy, officeEmail: string | null) {
  const plan = await requirePlan(db, planCode);
  await db.transaction(async (tx) => {
    const before = await loadPolicy(tx, plan, officeEmail);
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
  cursor?: string | undefined;
  offset: number;
}

/** The list's cursor: the (sendAt, id) of the last reminder on the page, opaque to clients. */
const encodeCursor = (row: Pick<repository.ReminderRow, 'sendAt' | 'id'>) => Buffer.from(JSON.stringify([row.sendAt.toISOString(), row.id])).toString('base64url');

function decodeCursor(cursor: string): { sendAt: Date; id: number } {
  try {
    const [sendAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [string, number];
    const at = new Date(sendAt);
    if (Number.isInteger(id) && !Number.isNaN(at.getTime())) return { sendAt: at, id };
  } catch {
    // Falls through to the 400 below.
  }
  throw invalid([{ path: 'query.cursor', message: { en: 'must be a nextCursor from this list', zh: '必须是本列表返回的 nextCursor' } }]);
}

/** The office's reminder view: every reminder with its state, and who cannot be reached. */
export async function listReminderView(db: Queryable, query: ReminderQuery) {
  const plan = query.plan ? await findPlan(db, query.plan) : undefined;
  if (query.plan && !plan) throw notFound({ en: `Plan ${query.plan} does not exist`, zh: `计划 ${query.plan} 不存在` });
  const filter = { planId: plan?.id, periodId: query.period, departmentCode: query.department };
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  // One row more than the page tells whether there is a next one.
  const [rows, total, liaisons, directory, pending] = await Promise.all([
    repository.listReminders(db, { ...filter, status: query.status }, { limit: query.limit + 1, after, offset: query.offset }),
    repository.countReminders(db, { ...filter, status: query.status }),
    listLiaisons(db),
    loadDirectory(db),
    repository.departmentsWithPlannedEmail(db, filter),
  ]);
  const page = rows.slice(0, query.limit);
  const registered = new Set(liaisons.map((row) => row.departmentCode));
  const unreachable = pending.filter((code) => !registered.has(code)).sort();
  const ref = (code: string) => ({ code, name: directory.get(code)?.name ?? code });
  return {
    items: page.map((row) => ({
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
    total,
    nextCursor: rows.length > query.limit ? encodeCursor(page.at(-1)!) : null,
    unreachableDepartments: unreachable.map(ref),
  };
}

/**
 * Puts a failed, unreachable, cancelled or recorded reminder back in line, to be sent now. A
 * recorded one counts as done (no automatic resend); the office retries it once SMTP_URL is set.
 */
export async function retryReminder(db: Database, actor: Actor, at: Date, id: number) {
  const row = await repository.findReminder(db, id);
  if (!row) throw notFound({ en: `Reminder ${id} does not exist`, zh: `催报 ${id} 不存在` });
  if (row.status === 'planned' || row.status === 'sending' || row.status === 'sent') {
    throw new AppError('CONFLICT', {
      en: `Reminder ${id} is ${row.status}; only failed, unreachable, cancelled or recorded reminders are retried`,
      zh: `催报 ${id} 的状态为 ${row.status}；只有发送失败（failed）、无法送达（unreachable）、已取消（cancelled）或已记录（recorded）的催报可以重发`,
    });
  }
  return db.transaction(async (tx) => {
    const updated = await repository.update(tx, id, { status: 'planned', sendAt: at, attempts: 0, lastError: null, cancelledAt: null, updatedAt: at });
    await recordAudit(tx, actor, at, { action: 'reminder.retry', entityType: 'reminder', entityId: String(id), before: { status: row.status }, after: { status: 'planned', sendAt: at.toISOString() } });
    return updated;
  });
}

/** Stores the unit's webhook once its target passes the SSRF check (webhook-target.ts); refused, nothing is stored. */
export async function setWebhook(db: Database, actor: Actor, at: Date, departmentCode: string, url: string, secret: string | undefined, allowedNetworks: readonly string[]) {
  requireDepartment(await loadDirectory(db), departmentCode);
  const target = await checkWebhookTarget(url, allowedNetworks);
  if (!target.ok) throw invalid([{ path: 'body.url', message: target.reason }]);
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
    if (!before) throw notFound({ en: `${departmentCode} has no webhook`, zh: `${departmentCode} 未设置 Webhook` });
    await repository.deleteWebhook(tx, departmentCode);
    await recordAudit(tx, actor, at, { action: 'webhook.delete', entityType: 'webhook', entityId: departmentCode, before: { url: before.url }, after: null });
  });
}

export async function notificationsOf(db: Queryable, departmentCode: string, limit: number) {
  requireDepartment(await loadDirectory(db), departmentCode);
  const rows = await repository.listNotifications(db, departmentCode, limit);
  return { items: rows.map((row) => ({ id: row.id, reminderId: row.reminderId, subject: row.subject, body: row.body, createdAt: row.createdAt.toISOString() })) };
}
