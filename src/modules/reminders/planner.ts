import type { Database, Queryable } from '../../db/client.js';
import type { Clock } from '../../plugins/clock.js';
import { loadDirectory } from '../departments/departments.service.js';
import { isReportingUnit } from '../departments/departments.service.js';
import { listPeriods } from '../periods/periods.repository.js';
import { loadPlanStructure, type Plan } from '../plans/plans.service.js';
import { carriedTasks } from '../reports/carried-tasks.js';
import { listSubmitted } from '../reports/reports.repository.js';
import { defaultPolicy, scheduleFor, type ReminderPolicy } from './policy.js';
import * as repository from './reminders.repository.js';

export interface PlanScope {
  plan: string;
  periodId?: string | undefined;
  departmentCode?: string | undefined;
}

export async function loadPolicy(db: Queryable, plan: Pick<Plan, 'id'>, officeEmail: string | null): Promise<ReminderPolicy> {
  const row = await repository.findPolicy(db, plan.id);
  return row ? { offsetsDays: row.offsetsDays, sendTime: row.sendTime, escalation: row.escalation, officeEmail: row.officeEmail } : defaultPolicy(officeEmail);
}

const naturalKey = (row: Pick<repository.ReminderRow, 'periodId' | 'departmentCode' | 'kind' | 'channel'>) =>
  `${row.periodId}|${row.departmentCode}|${row.kind}|${row.channel}`;

/**
 * Brings the reminder rows in scope in line with the deadlines, the policy, who carries what and
 * who has submitted: wanted future reminders are inserted (or moved), planned ones that are no
 * longer wanted, or would move into the past, are cancelled. Past reminders are never created.
 * Returns the rows left planned, for the queue to carry out.
 */
export async function planReminders(db: Database, clock: Clock, officeEmail: string | null, scope: PlanScope): Promise<repository.PlannedReminder[]> {
  const [structure, directory] = await Promise.all([loadPlanStructure(db, scope.plan), loadDirectory(db)]);
  const { plan } = structure;
  const now = clock.now().getTime();
  const [policy, periods, reports, webhooks] = await Promise.all([
    loadPolicy(db, plan, officeEmail),
    listPeriods(db, plan.id),
    listSubmitted(db, plan.id, scope),
    repository.listWebhookDepartments(db),
  ]);
  const withWebhook = new Set(webhooks.map((row) => row.departmentCode));
  const submitted = new Set(reports.map((report) => `${report.periodId}|${report.departmentCode}`));
  const units = directory.departments
    .filter((department) => isReportingUnit(department) && (!scope.departmentCode || department.code === scope.departmentCode))
    .filter((department) => carriedTasks(structure, directory, department).some((task) => task.required));

  const wanted: repository.NewReminder[] = [];
  for (const period of periods.filter((candidate) => !scope.periodId || candidate.id === scope.periodId)) {
    const schedule = scheduleFor(period.dueAt, plan.reportingRule.timeZone, policy);
    for (const unit of units) {
      if (submitted.has(`${period.id}|${unit.code}`)) continue;
      const channels = withWebhook.has(unit.code) ? (['email', 'webhook'] as const) : (['email'] as const);
      for (const { kind, sendAt } of schedule) {
        for (const channel of channels) wanted.push({ planId: plan.id, periodId: period.id, departmentCode: unit.code, kind, channel, sendAt });
      }
    }
  }

  const repositoryScope = { planId: plan.id, periodId: scope.periodId, departmentCode: scope.departmentCode };
  const planned = await repository.listPlanned(db, repositoryScope);
  const wantedByKey = new Map(wanted.map((row) => [naturalKey(row), row]));
  const due = (row: { sendAt: Date }) => row.sendAt.getTime() <= now;
  // A planned reminder that a change (an earlier deadline, a new policy) would move into the past
  // is cancelled: sent at once it would arrive late and misstate the time left. One that was
  // already due stays as it is, for the worker to send.
  const unwanted = planned.filter((row) => {
    const target = wantedByKey.get(naturalKey(row));
    return !target || (due(target) && !due(row));
  });
  const at = clock.now();
  await db.transaction(async (tx) => {
    await repository.cancel(tx, unwanted.map((row) => row.id), at);
    await repository.upsertPlanned(tx, wanted.filter((row) => !due(row)), at);
  });
  return repository.listPlanned(db, repositoryScope);
}
