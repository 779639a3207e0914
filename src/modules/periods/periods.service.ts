import type { Database, Queryable } from '../../db/client.js';
import { AppError, notFound } from '../../errors.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { listPhases } from '../plans/plans.repository.js';
import { requirePlan, type Plan } from '../plans/plans.service.js';
import { calendarWarnings } from './calendar-coverage.js';
import { addDaysToDay, derivePeriods, formatInZone, localInstant, phaseOf, type PhaseSpan } from './deadlines.js';
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

/** The periods with their deadlines, and a warning when some were counted without the holiday calendar. */
export async function listPeriodViews(db: Queryable, planCode: string) {
  const plan = await requirePlan(db, planCode);
  const [periods, phases] = await Promise.all([repository.listPeriods(db, plan.id), listPhases(db, plan.id)]);
  const timeZone = plan.reportingRule.timeZone;
  return { items: periods.map((period) => periodView(period, phases, timeZone)), warnings: calendarWarnings(periods, timeZone) };
}

export async function requirePeriod(db: Queryable, plan: Plan, periodId: string): Promise<PeriodRow> {
  return requirePeriodRow(plan, periodId, await repository.findPeriod(db, plan.id, periodId));
}

/** The period as found (read with something else, say), or 404. */
export function requirePeriodRow(plan: Pick<Plan, 'code'>, periodId: string, period: PeriodRow | undefined): PeriodRow {
  if (!period) throw notFound({ en: `Plan ${plan.code} has no reporting period ${periodId}`, zh: `计划 ${plan.code} 没有报送期 ${periodId}` });
  return period;
}

/** A quarter or the 总结报告: consolidations, charts and summary reports exist for those only (404 for targets). */
export async function requireProgressPeriod(db: Queryable, plan: Plan, periodId: string): Promise<PeriodRow> {
  const period = await requirePeriod(db, plan, periodId);
  if (!repository.isProgressPeriod(period)) {
    throw notFound({
      en: `${periodId} holds the year's targets, not progress: see /v1/plans/${plan.code}/years/${periodId.slice(0, 4)}/targets`,
      zh: `${periodId} 是年度工作目标，不是进展报送期：请见 /v1/plans/${plan.code}/years/${periodId.slice(0, 4)}/targets`,
    });
  }
  return period;
}

/**
 * A report is due once its period is over: a deadline before the end of the period's last day is
 * refused. Targets are set for a year ahead, so theirs may fall anywhere from the period's first
 * day to the end of its year.
 */
function assertAfterPeriod(period: PeriodRow, dueAt: Date, timeZone: string) {
  if (period.kind === 'targets') return assertInTargetsYear(period, dueAt, timeZone);
  const periodOver = localInstant(addDaysToDay(period.endsOn, 1), '00:00', timeZone);
  if (dueAt < periodOver) {
    const earliest = formatInZone(periodOver, timeZone);
    throw new AppError('UNPROCESSABLE', { en: `The deadline of ${period.id} cannot fall before the period ends`, zh: `${period.id} 的报送时限不能早于报送期结束` }, [
      {
        path: 'body.dueAt',
        message: {
          en: `must be at or after ${earliest}, when ${period.id} (to ${period.endsOn}) is over`,
          zh: `不得早于 ${earliest}，即 ${period.id}（截至 ${period.endsOn}）结束之时`,
        },
      },
    ]);
  }
}

function assertInTargetsYear(period: PeriodRow, dueAt: Date, timeZone: string) {
  const opens = localInstant(period.startsOn, '00:00', timeZone);
  const yearOver = localInstant(`${Number(period.startsOn.slice(0, 4)) + 1}-01-01`, '00:00', timeZone);
  if (dueAt >= opens && dueAt < yearOver) return;
  const [from, to] = [formatInZone(opens, timeZone), formatInZone(yearOver, timeZone)];
  throw new AppError('UNPROCESSABLE', { en: `The deadline of ${period.id} must fall within its year`, zh: `${period.id} 的报送时限须在该年度内` }, [
    { path: 'body.dueAt', message: { en: `must be at or after ${from} and before ${to}`, zh: `须不早于 ${from} 且早于 ${to}` } },
  ]);
}

/**
 * Moves one period's deadline (or, with null, puts the rule's default back); audit-logged.
 * `late` follows the deadline in force: the period's reports are re-marked against the new one
 * in the same transaction, while each version row keeps what was recorded when it was written.
 */
export async function moveDeadline(db: Database, actor: Actor, at: Date, planCode: string, periodId: string, dueAt: Date | null) {
  const plan = await requirePlan(db, planCode);
  const phases = await listPhases(db, plan.id);
  const timeZone = plan.reportingRule.timeZone;
  return db.transaction(async (tx) => {
    const before = await requirePeriod(tx, plan, periodId);
    if (dueAt) assertAfterPeriod(before, dueAt, timeZone);
    const after = await repository.setDueAt(tx, plan.id, periodId, dueAt ?? before.defaultDueAt);
    const relabelled = await repository.markLateness(tx, plan.id, periodId, after.dueAt);
    await recordAudit(tx, actor, at, {
      action: 'period.deadline',
      entityType: 'period',
      entityId: `${plan.code}/${periodId}`,
      before: { dueAt: before.dueAt.toISOString() },
      after: { dueAt: after.dueAt.toISOString(), lateChanged: relabelled },
    });
    return periodView(after, phases, timeZone);
  });
}
