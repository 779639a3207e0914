import type { Database, Queryable } from '../../db/client.js';
import type { LeadOpinion } from '../../db/schema/index.js';
import { AppError, type FieldError } from '../../errors.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { formatInZone } from '../periods/deadlines.js';
import { taskKey } from '../reports/carried-tasks.js';
import { listed, progressMismatch } from '../reports/entry-rules.js';
import { assertMatches } from '../reports/if-match.js';
import { loadLeadContext, setKeyOf, type LeadAddress, type LeadContext } from './lead.service.js';
import * as repository from './lead.repository.js';

/** What an opinion set is called in messages (412s and the like). */
const SUBJECT = { en: 'lead opinions', zh: '牵头汇总意见' };

function view(context: LeadContext, row: repository.OpinionSetRow | undefined) {
  const zone = context.plan.reportingRule.timeZone;
  return {
    plan: context.plan.code,
    period: context.period.id,
    department: { code: context.department.code, name: context.department.name },
    status: !row || row.version === 0 ? ('not_started' as const) : (row.status as 'draft' | 'submitted'),
    version: row?.version ?? 0,
    submittedAt: row?.submittedAt ? formatInZone(row.submittedAt, zone) : null,
    enteredByOffice: row?.enteredByOffice ?? false,
    opinions: row?.opinions ?? [],
    rows: context.led.map(({ measureNo, taskSeq, content }) => ({ measureNo, taskSeq, content })),
  };
}

export type OpinionSetView = ReturnType<typeof view>;

export async function getOpinions(db: Queryable, address: LeadAddress): Promise<OpinionSetView> {
  const context = await loadLeadContext(db, address);
  return view(context, await repository.findSet(db, setKeyOf(context)));
}

/** Opinions only on rows the unit leads, each once, the status agreeing with the progress (as report entries). */
function validateOpinions(context: LeadContext, opinions: readonly LeadOpinion[]) {
  const led = new Set(context.led.map(taskKey));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  opinions.forEach((opinion, index) => {
    const key = taskKey(opinion);
    const path = `body.opinions.${index}`;
    const row = { en: `measure ${opinion.measureNo} task ${opinion.taskSeq}`, zh: `措施 ${opinion.measureNo} 任务 ${opinion.taskSeq}` };
    if (seen.has(key)) errors.push({ path, message: { en: `${row.en} appears twice`, zh: `${row.zh} 重复出现` } });
    else if (!led.has(key)) {
      errors.push({ path, message: { en: `${context.department.name} does not lead ${row.en}`, zh: `${context.department.name} 不是${row.zh}的牵头部门` } });
    }
    seen.add(key);
    const mismatch = progressMismatch(opinion, path);
    if (mismatch) errors.push(mismatch);
  });
  if (errors.length > 0) throw new AppError('UNPROCESSABLE', { en: `The opinions cannot be saved: ${listed(errors, 'en')}`, zh: `牵头汇总意见无法保存：${listed(errors, 'zh')}` }, errors);
}

const statusOf = (row: repository.OpinionSetRow) => (row.version === 0 ? 'not_started' : row.status);

/** Rows whose opinion was added, changed or removed: what the audit row records of a save (the opinions are in the version). */
function changedRows(before: readonly LeadOpinion[], after: readonly LeadOpinion[]): string[] {
  const old = new Map(before.map((opinion) => [taskKey(opinion), JSON.stringify(opinion)]));
  const now = new Map(after.map((opinion) => [taskKey(opinion), JSON.stringify(opinion)]));
  return [...new Set([...old.keys(), ...now.keys()])].filter((key) => old.get(key) !== now.get(key));
}

type Transition = (context: LeadContext, row: repository.OpinionSetRow, at: Date) => { action: 'save' | 'submit'; changes: Partial<repository.OpinionSetRow> };

/** Work to do in the step's transaction once the set is written (remember the answer of an idempotent request). */
export type InTransaction = (tx: Queryable, set: OpinionSetView) => Promise<void>;

/**
 * One step of the opinions' workflow on the locked set: precondition, change, version row, audit.
 * The reports' `step` is not reused: it carries the review (accept, return, notices), lateness and
 * the narrative, none of which opinions have; passing it a second table would mean passing every
 * part of it as a callback. The shared parts are shared: If-Match, the progress rule, idempotency.
 */
async function step(db: Database, actor: Actor, at: Date, address: LeadAddress, ifMatch: string | undefined, transition: Transition, inTransaction?: InTransaction) {
  const context = await loadLeadContext(db, address);
  return db.transaction(async (tx) => {
    const current = await repository.lockSet(tx, setKeyOf(context), at);
    assertMatches(ifMatch, current.version, SUBJECT);
    const { action, changes } = transition(context, current, at);
    // Written by the office, the opinions came on paper; the unit's own next write clears the set's flag.
    const onBehalf = actor.role === 'office' || actor.role === 'admin';
    const updated = await repository.updateSet(tx, current.id, { ...changes, enteredByOffice: onBehalf, version: current.version + 1, updatedAt: at });
    await repository.insertVersion(tx, {
      setId: updated.id,
      version: updated.version,
      action,
      status: updated.status,
      opinions: updated.opinions,
      actorTokenId: actor.tokenId,
      actorEmail: actor.email ?? null,
      enteredByOffice: onBehalf,
      at,
    });
    const summary = (row: repository.OpinionSetRow) => ({ status: statusOf(row), version: row.version, opinionCount: row.opinions.length });
    await recordAudit(tx, actor, at, {
      action: `lead_opinions.${action}`,
      entityType: 'lead-opinions',
      entityId: `${address.plan}/${address.period}/${address.department}`,
      before: summary(current),
      after: { ...summary(updated), ...(action === 'save' ? { changedRows: changedRows(current.opinions, updated.opinions) } : {}), ...(onBehalf ? { enteredByOffice: true } : {}) },
    });
    const result = view(context, updated);
    await inTransaction?.(tx, result);
    return result;
  });
}

/**
 * Saves the opinions as a draft. There is no review of opinions, so a submitted set stays open:
 * saving it again makes it a draft until it is resubmitted (the office keeps reading the last
 * submission meanwhile).
 */
export function saveOpinions(db: Database, actor: Actor, at: Date, address: LeadAddress, opinions: LeadOpinion[], ifMatch?: string) {
  return step(db, actor, at, address, ifMatch, (context) => {
    validateOpinions(context, opinions);
    return { action: 'save', changes: { status: 'draft', opinions } };
  });
}

/** Submits a draft; every row the unit leads needs an opinion. */
export function submitOpinions(db: Database, actor: Actor, at: Date, address: LeadAddress, ifMatch?: string, inTransaction?: InTransaction) {
  return step(
    db,
    actor,
    at,
    address,
    ifMatch,
    (context, row) => {
      const status = statusOf(row);
      if (status !== 'draft') {
        throw new AppError('CONFLICT', {
          en: `Cannot submit lead opinions that are ${status}: save them first`,
          zh: status === 'submitted' ? '牵头汇总意见已提交；如需修改，请先保存再重新提交' : '牵头汇总意见尚未填写，请先保存再提交',
        });
      }
      if (context.led.length === 0) {
        throw new AppError('UNPROCESSABLE', { en: `${context.department.name} leads no row of the table: it has no opinions to submit`, zh: `${context.department.name} 不是任何任务的牵头部门，无需提交牵头汇总意见` });
      }
      const covered = new Set(row.opinions.map(taskKey));
      const missing = context.led.filter((task) => !covered.has(taskKey(task)));
      if (missing.length > 0) {
        throw new AppError(
          'UNPROCESSABLE',
          { en: 'The opinions miss some of the rows this unit leads', zh: '牵头汇总意见缺少本单位牵头的部分任务' },
          missing.map((task) => ({ path: 'opinions', message: { en: `missing measure ${task.measureNo} task ${task.taskSeq}`, zh: `缺少措施 ${task.measureNo} 任务 ${task.taskSeq}` } })),
        );
      }
      return { action: 'submit', changes: { status: 'submitted', submittedAt: at } };
    },
    inTransaction,
  );
}

export async function opinionHistory(db: Queryable, address: LeadAddress) {
  const context = await loadLeadContext(db, address);
  const row = await repository.findSet(db, setKeyOf(context));
  const versions = row ? await repository.listVersions(db, row.id) : [];
  const zone = context.plan.reportingRule.timeZone;
  return {
    opinions: view(context, row),
    items: versions.map((version) => ({
      version: version.version,
      action: version.action as 'save' | 'submit',
      status: version.status as 'draft' | 'submitted',
      actorTokenId: version.actorTokenId,
      actorEmail: version.actorEmail,
      enteredByOffice: version.enteredByOffice,
      at: formatInZone(version.at, zone),
      opinions: version.opinions,
    })),
  };
}
