import type { JobsOptions } from 'bullmq';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database, Queryable } from '../../db/client.js';
import { plans } from '../../db/schema/index.js';
import type { Clock } from '../../plugins/clock.js';
import { loadDirectory } from '../departments/departments.service.js';
import { findLiaisons } from '../liaisons/liaisons.repository.js';
import { findPeriod } from '../periods/periods.repository.js';
import { loadPlanStructure } from '../plans/plans.service.js';
import { carriedTasks, taskKey } from '../reports/carried-tasks.js';
import { findReport } from '../reports/reports.repository.js';
import type { Mailer } from './mailer.js';
import { composeReminder } from './message.js';
import * as repository from './reminders.repository.js';
import { postWebhook } from './webhook.js';

export const REMINDER_QUEUE = 'reminders';
export const DELIVER_JOB = 'deliver';

export const deliverPayloadSchema = z.object({ reminderId: z.number().int(), sendAt: z.iso.datetime() });
export type DeliverPayload = z.infer<typeof deliverPayloadSchema>;

/** One job per planned reminder and send time: a moved reminder gets a new id, the old job finds it stale. */
export const deliverJobId = (row: Pick<repository.ReminderRow, 'id' | 'sendAt'>) => `r${row.id}-${row.sendAt.getTime()}`;

export const deliverJobOptions: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: true,
  removeOnFail: 5_000,
};

export interface DeliveryDeps {
  db: Database;
  clock: Clock;
  mailer: Mailer;
  publicBaseUrl: string;
  officeEmail: string | null;
}

export type DeliveryOutcome = 'sent' | 'unreachable' | 'cancelled' | 'stale' | 'busy';

async function loadMessageInput(db: Queryable, row: repository.ReminderRow, deps: DeliveryDeps) {
  const [planRow] = await db.select({ code: plans.code }).from(plans).where(eq(plans.id, row.planId));
  // One connection (a transaction) runs one query at a time: no Promise.all here.
  const structure = await loadPlanStructure(deps.db, planRow!.code);
  const directory = await loadDirectory(deps.db);
  const period = await findPeriod(db, row.planId, row.periodId);
  const liaisons = await findLiaisons(db, row.departmentCode);
  const department = directory.get(row.departmentCode)!;
  const report = await findReport(db, { planId: row.planId, periodId: row.periodId, departmentCode: row.departmentCode });
  const filled = new Set((report?.entries ?? []).map(taskKey));
  const titles = new Map(structure.measures.map((measure) => [measure.no, measure.title]));
  const openTasks = carriedTasks(structure, directory, department)
    .filter((task) => task.required && !filled.has(taskKey(task)))
    .map((task) => ({ measureNo: task.measureNo, measureTitle: titles.get(task.measureNo)!, taskSeq: task.taskSeq }));
  const plan = structure.plan;
  return {
    submitted: Boolean(report?.firstSubmittedAt),
    liaisons,
    input: {
      plan: { title: plan.title, documentNo: plan.documentNo, timeZone: plan.reportingRule.timeZone },
      period: { id: row.periodId, dueAt: period!.dueAt },
      department: { code: department.code, name: department.name },
      officerName: liaisons?.officer.name ?? null,
      openTasks,
      reportUrl: `${deps.publicBaseUrl}/v1/plans/${plan.code}/periods/${row.periodId}/reports/${department.code}`,
      kind: row.kind,
    },
  };
}

/**
 * Sends one reminder exactly once. The row is locked (SKIP LOCKED) for the whole step and marked
 * sent in the same transaction, so a duplicate job, a retry or a second worker finds it sent or
 * locked and does nothing. The one window left: the process dies after the SMTP server accepted
 * the message and before the commit; the reminder is then sent again on retry.
 */
export async function deliverReminder(deps: DeliveryDeps, payload: DeliverPayload): Promise<DeliveryOutcome> {
  return deps.db.transaction(async (tx) => {
    const row = await repository.lockForDelivery(tx, payload.reminderId);
    if (!row) return 'busy';
    if (row.status !== 'planned' || row.sendAt.toISOString() !== new Date(payload.sendAt).toISOString()) return 'stale';
    const at = deps.clock.now();
    const { submitted, liaisons, input } = await loadMessageInput(tx, row, deps);
    if (submitted) {
      await repository.update(tx, row.id, { status: 'cancelled', cancelledAt: at, updatedAt: at });
      return 'cancelled';
    }
    const message = composeReminder(input);
    if (row.channel === 'email') {
      await repository.insertNotification(tx, { departmentCode: row.departmentCode, reminderId: row.id, subject: message.subject, body: message.text, createdAt: at });
      if (!liaisons) {
        await repository.update(tx, row.id, { status: 'unreachable', lastError: 'no liaisons registered', updatedAt: at });
        return 'unreachable';
      }
      const overdue = row.kind.startsWith('overdue');
      const cc = [liaisons.staff.email, ...(overdue && deps.officeEmail ? [deps.officeEmail] : [])];
      await deps.mailer.send({ to: liaisons.officer.email, cc, subject: message.subject, text: message.text });
    } else {
      const webhook = await repository.findWebhook(tx, row.departmentCode);
      if (!webhook) {
        await repository.update(tx, row.id, { status: 'cancelled', cancelledAt: at, lastError: 'webhook removed', updatedAt: at });
        return 'cancelled';
      }
      const { reportUrl, openTasks, department } = input;
      const overdue = row.kind.startsWith('overdue');
      await postWebhook(webhook.url, webhook.secret, { event: 'reminder', id: row.id, kind: row.kind, plan: input.plan.title, period: row.periodId, dueAt: input.period.dueAt.toISOString(), department, overdue, openTasks, reportUrl, subject: message.subject, text: message.text }, at);
    }
    await repository.update(tx, row.id, { status: 'sent', sentAt: at, attempts: row.attempts + 1, lastError: null, updatedAt: at });
    return 'sent';
  });
}

/** Records a failed attempt outside the rolled-back delivery transaction; the last one marks it failed. */
export async function recordFailure(db: Database, clock: Clock, payload: DeliverPayload, error: Error, final: boolean): Promise<void> {
  const row = await repository.findReminder(db, payload.reminderId);
  if (!row || row.status !== 'planned') return;
  const at = clock.now();
  await repository.update(db, row.id, { attempts: row.attempts + 1, lastError: error.message.slice(0, 500), updatedAt: at, ...(final ? { status: 'failed' as const } : {}) });
}
