import { UnrecoverableError, type JobsOptions } from 'bullmq';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.js';
import { plans } from '../../db/schema/index.js';
import type { Clock } from '../../plugins/clock.js';
import { loadDirectory } from '../departments/departments.service.js';
import { findLiaisons } from '../liaisons/liaisons.repository.js';
import { reportApiPath, reportPagePath } from '../periods/period-label.js';
import { findPeriod } from '../periods/periods.repository.js';
import { loadPlanStructure } from '../plans/plans.service.js';
import { carriedTasks, taskKey } from '../reports/carried-tasks.js';
import { findReport } from '../reports/reports.repository.js';
import type { Mailer } from './mailer.js';
import { composeReminder, type ReminderMessage } from './message.js';
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
  /** WEBHOOK_ALLOWED_NETWORKS: private networks webhooks may reach; absent, none. */
  webhookAllowedNetworks?: readonly string[];
}

/** `recorded`: composed and kept in the unit's feed, not sent (no SMTP server configured). */
export type DeliveryOutcome = 'sent' | 'recorded' | 'unreachable' | 'cancelled' | 'stale' | 'busy';

/**
 * How long a claimed reminder stays with its worker. Longer than any send may take (the mailer's
 * SMTP_TIMEOUTS, the webhook's 10 s), so a live worker's claim is never taken over; when the
 * worker dies, another one (or the reconcile) takes the reminder over once it runs out.
 */
export const DELIVERY_LEASE_MS = 2 * 60_000;

/** Reads what the message needs; no transaction is open, so the queries may share the pool. */
async function loadMessageInput(db: Database, row: repository.ReminderRow, deps: DeliveryDeps) {
  const [planRow] = await db.select({ code: plans.code }).from(plans).where(eq(plans.id, row.planId));
  const [structure, directory, period, liaisons, report] = await Promise.all([
    loadPlanStructure(db, planRow!.code),
    loadDirectory(db),
    findPeriod(db, row.planId, row.periodId),
    findLiaisons(db, row.departmentCode),
    findReport(db, { planId: row.planId, periodId: row.periodId, departmentCode: row.departmentCode }),
  ]);
  const department = directory.get(row.departmentCode)!;
  const filled = new Set((report?.entries ?? []).map(taskKey));
  const titles = new Map(structure.measures.map((measure) => [measure.no, measure.title]));
  const openTasks = carriedTasks(structure, directory, department)
    .filter((task) => task.required && !filled.has(taskKey(task)))
    .map((task) => ({ measureNo: task.measureNo, measureTitle: titles.get(task.measureNo)!, taskSeq: task.taskSeq }));
  const plan = structure.plan;
  return {
    submitted: Boolean(report?.firstSubmittedAt),
    liaisons,
    apiUrl: `${deps.publicBaseUrl}${reportApiPath(plan.code, row.periodId, department.code)}`,
    input: {
      plan: { title: plan.title, documentNo: plan.documentNo, timeZone: plan.reportingRule.timeZone },
      period: { id: row.periodId, dueAt: period!.dueAt },
      department: { code: department.code, name: department.name },
      officerName: liaisons?.officer.name ?? null,
      openTasks,
      // The web app's report page (it signs the liaison in first); webhooks also get the API's address.
      reportUrl: `${deps.publicBaseUrl}${reportPagePath(plan.code, row.periodId, department.code)}`,
      kind: row.kind,
    },
  };
}

type Settled = Exclude<DeliveryOutcome, 'stale' | 'busy'>;

/** The claim's outcome, with the unit's feed entry for an e-mail reminder, in one short transaction. */
async function settle(deps: DeliveryDeps, claim: repository.ReminderRow, status: Settled, changes: Partial<repository.ReminderRow>, message?: ReminderMessage): Promise<Settled> {
  const at = changes.updatedAt!;
  await deps.db.transaction(async (tx) => {
    const settled = await repository.settleClaim(tx, claim, { status, ...changes });
    if (settled && message && claim.channel === 'email') {
      await repository.insertNotification(tx, { departmentCode: claim.departmentCode, reminderId: claim.id, subject: message.subject, body: message.text, createdAt: at });
    }
  });
  return status;
}

/**
 * Composes and sends a claimed reminder; runs outside any transaction. A later reminder of the
 * same unit, period and channel already due supersedes it: composed now, both would read the same.
 */
async function carryOut(deps: DeliveryDeps, row: repository.ReminderRow, at: Date): Promise<Settled> {
  const newer = await repository.findSuperseding(deps.db, row, at);
  if (newer) return settle(deps, row, 'cancelled', { cancelledAt: at, lastError: `superseded by ${newer.kind}`, updatedAt: at });
  const { submitted, liaisons, input, apiUrl } = await loadMessageInput(deps.db, row, deps);
  if (submitted) return settle(deps, row, 'cancelled', { cancelledAt: at, updatedAt: at });
  const message = composeReminder({ ...input, now: at });
  if (row.channel === 'email') {
    if (!liaisons) return settle(deps, row, 'unreachable', { lastError: 'no liaisons registered', updatedAt: at }, message);
    const overdue = row.kind.startsWith('overdue');
    const cc = [liaisons.staff.email, ...(overdue && deps.officeEmail ? [deps.officeEmail] : [])];
    await deps.mailer.send({ to: liaisons.officer.email, cc, subject: message.subject, text: message.text });
    if (!deps.mailer.delivers) return settle(deps, row, 'recorded', { lastError: null, updatedAt: at }, message);
  } else {
    const webhook = await repository.findWebhook(deps.db, row.departmentCode);
    if (!webhook) return settle(deps, row, 'cancelled', { cancelledAt: at, lastError: 'webhook removed', updatedAt: at });
    const { reportUrl, openTasks, department } = input;
    const overdue = row.kind.startsWith('overdue');
    await postWebhook(webhook.url, webhook.secret, { event: 'reminder', id: row.id, kind: row.kind, plan: input.plan.title, period: row.periodId, dueAt: input.period.dueAt.toISOString(), department, overdue, openTasks, reportUrl, apiUrl, subject: message.subject, text: message.text }, at, deps.webhookAllowedNetworks);
  }
  return settle(deps, row, 'sent', { sentAt: at, lastError: null, updatedAt: at }, message);
}

/**
 * Sends one reminder exactly once. It is claimed in one short statement (`sending`, with a lease),
 * composed and sent with no transaction open, then settled only if the claim still holds; so a
 * duplicate job, a retry or a second worker finds it `sending` (busy) or done (stale), and no row
 * stays locked while an SMTP server or a webhook takes its time. The one window left: the process
 * dies after the server accepted the message and before the settle; once the lease has run out
 * the reminder is claimed again and sent again.
 *
 * A failure after the claim puts the reminder back to `planned` for the job's next attempt, or
 * marks it `failed` on the last one (`lastAttempt`).
 */
export async function deliverReminder(deps: DeliveryDeps, payload: DeliverPayload, options: { lastAttempt?: boolean } = {}): Promise<DeliveryOutcome> {
  const at = deps.clock.now();
  const claim = await repository.claimForDelivery(deps.db, payload.reminderId, new Date(payload.sendAt), at, new Date(at.getTime() + DELIVERY_LEASE_MS));
  if (!claim) return (await repository.findReminder(deps.db, payload.reminderId))?.status === 'sending' ? 'busy' : 'stale';
  try {
    return await carryOut(deps, claim, at);
  } catch (error) {
    const lastError = (error as Error).message.slice(0, 500);
    // UnrecoverableError (a refused webhook target, a redirect): BullMQ will not try again.
    const final = options.lastAttempt || error instanceof UnrecoverableError;
    await repository.settleClaim(deps.db, claim, { status: final ? 'failed' : 'planned', lastError, updatedAt: deps.clock.now() });
    throw error;
  }
}
