import type { Database, Queryable } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { listPhases } from '../plans/plans.repository.js';
import { requirePlan, type Plan } from '../plans/plans.service.js';
import { derivePeriods, formatInZone, phaseOf, type PhaseSpan } from './deadlines.js';
import * as repository from './periods.repository.js';

export type PeriodRow = repository.PeriodRow;

/** (Re)derives a plan's periods from its rule; deadlines the office moved stay moved. */
export async function syncPlanPeriods(db: Queryable, plan: Pick<Plan, 'id' | 'reportingRule'>): Promise<void> {
  const phases = await listPhases(db, plan.id);
  await repository.upsertPeriods(db, plan.id, derivePeriods(plan.reportingRule, phases));
}

export function periodView(period: PeriodRow, phases: readonly PhaseSpan[], timeZone: string) {
  const { phase, stage } = phaseOf(period, phases);
  const ref = (span: PhaseSpan | null) => span && { code: span.code, name: span.name };
  return {
    id: period.id,
    kind: period.kind,
    startsOn: period.startsOn,
    endsOn: period.endsOn,
    phase: ref(phase),
    stage: ref(stage),
    dueAt: formatInZone(period.dueAt, timeZone),
    defaultDueAt: formatInZone(period.defaultDueAt, timeZone),
    deadlineMoved: period.dueAt.getTime() !== period.defaultDueAt.getTime(),
  };
}

export type PeriodView = ReturnType<typeof periodView>;

export async function listPeriodViews(db: Queryable, planCode: string): Promise<PeriodView[]> {
  const plan = await requirePlan(db, planCode);
  const [periods, phases] = await Promise.all([repository.listPeriods(db, plan.id), listPhases(db, plan.id)]);
  return periods.map((period) => periodView(period, phases, plan.reportingRule.timeZone));
}

export async function requirePeriod(db: Queryable, plan: Plan, periodId: string): Promise<PeriodRow> {
  const period = await repository.findPeriod(db, plan.id, periodId);
  if (!period) throw notFound(`Plan ${plan.code} has no reporting period ${periodId}`);
  return period;
}

/** Moves one period's deadline (or, with null, puts the rule's default back); audit-logged. */
export async function moveDeadline(db: Database, actor: Actor, at: Date, planCode: string, periodId: string, dueAt: Date | null) {
  const plan = await requirePlan(db, planCode);
  const phases = await listPhases(db, plan.id);
  const view = (row: PeriodRow) => periodView(row, phases, plan.reportingRule.timeZone);
  return db.transaction(async (tx) => {
    const before = await requirePeriod(tx, plan, periodId);
    const after = await repository.setDueAt(tx, plan.id, periodId, dueAt ?? before.defaultDueAt);
    await recordAudit(tx, actor, at, {
      action: 'period.deadline',
      entityType: 'period',
      entityId: `${plan.code}/${periodId}`,
      before: { dueAt: before.dueAt.toISOString() },
      after: { dueAt: after.dueAt.toISOString() },
    });
    return view(after);
  });
}
