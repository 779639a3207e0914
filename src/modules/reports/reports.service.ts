import type { Database, Queryable } from '../../db/client.js';
import { pendingRow, type PendingWrite } from '../../db/pending-rows.js';
import { auditLog, type ReportEntry, type SummaryNarrative } from '../../db/schema/index.js';
import { AppError } from '../../errors.js';
import { auditRow, type Actor } from '../audit/audit.service.js';
import { formatInZone } from '../periods/deadlines.js';
import { taskKey } from './carried-tasks.js';
import { changedTasks } from './changed-tasks.js';
import { keyOf, loadContext, loadForStep, type ReportAddress, type ReportContext } from './report-context.js';
import * as repository from './reports.repository.js';
import { ENTRIES_MAX_BYTES } from './reports.schemas.js';
import { validateEntries } from './entry-rules.js';
import { attachmentsOfVersions } from '../attachments/attachment-view.js';
import { assertMatches } from './if-match.js';
import { cancelPlannedWith } from '../reminders/reminders.repository.js';
import { assertNarrativeAllowed, missingSections, sameNarrative } from './narrative-rules.js';

export type { ReportAddress } from './report-context.js';

export { etagOf } from './if-match.js';

function view(context: ReportContext, row: repository.ReportRow | undefined) {
  const zone = context.plan.reportingRule.timeZone;
  const instant = (value: Date | null | undefined) => (value ? formatInZone(value, zone) : null);
  return {
    plan: context.plan.code,
    period: context.period.id,
    department: { code: context.department.code, name: context.department.name },
    status: !row || row.version === 0 ? ('not_started' as const) : row.status,
    version: row?.version ?? 0,
    dueAt: formatInZone(context.period.dueAt, zone),
    submittedAt: instant(row?.submittedAt),
    firstSubmittedAt: instant(row?.firstSubmittedAt),
    late: row?.late ?? null,
    reviewedAt: instant(row?.reviewedAt),
    returnReason: row?.returnReason ?? null,
    enteredByOffice: row?.enteredByOffice ?? false,
    entries: row?.entries ?? [],
    narrative: row?.narrative ?? null,
    tasks: context.tasks.map(({ taskId: _taskId, ...task }) => task),
  };
}

export type ReportView = ReturnType<typeof view>;

export async function getReport(db: Queryable, address: ReportAddress): Promise<ReportView> {
  const context = await loadContext(db, address);
  return view(context, await repository.findReport(db, keyOf(context)));
}

/** Refuses entries whose JSON exceeds the cap before anything is read or stored (413). */
function assertEntriesSize(entries: ReportEntry[]) {
  const bytes = Buffer.byteLength(JSON.stringify(entries), 'utf8');
  if (bytes > ENTRIES_MAX_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', {
      en: `The report's entries are ${Math.ceil(bytes / 1024)} KiB of JSON; the limit is ${ENTRIES_MAX_BYTES / 1024} KiB. Shorten the texts.`,
      zh: `报告填报内容共 ${Math.ceil(bytes / 1024)} KiB，超过上限 ${ENTRIES_MAX_BYTES / 1024} KiB，请精简文字`,
    });
  }
}

type Transition = (context: ReportContext, row: repository.ReportRow, at: Date) => {
  action: 'save' | 'submit' | 'accept' | 'return';
  changes: Partial<repository.ReportRow>;
  reason?: string | null;
  /** What the audit row adds about the change, from the row before and after it (a save: which rows, whether the narrative changed). */
  audited?: (before: repository.ReportRow, after: repository.ReportRow) => Record<string, unknown>;
  /** What else the step's statement does if it writes (a submission: cancel the unit's reminders of the period). */
  writes?: PendingWrite[];
};

/** Work to do in the step's transaction once the report is written (e.g. the review's notice). */
export type InTransaction = (tx: Queryable, report: ReportView) => Promise<void>;

/** What a step writes besides the report, its version and its audit row. */
export interface StepWrites {
  /** Rows written in the step's own statement (e.g. the answer an Idempotency-Key keeps). */
  rows?: ((report: ReportView) => PendingWrite[]) | undefined;
  /** Work that needs a transaction around the step's statement. */
  inTransaction?: InTransaction | undefined;
}

/** Rounds a step may lose to other writers of the same report before it gives up (each loss is another write that succeeded). */
const MAX_ATTEMPTS = 20;

/**
 * Runs one workflow step: read the report, check the precondition (If-Match, the transition's
 * rules), then write the report, its version row, its audit row and `also`'s rows in one
 * statement, on condition that the report is still as read; if another write came in between,
 * read again and decide again, as a lock would have made this step wait and then decide.
 * The written row is known before it is written, so nothing is read back.
 */
async function step(db: Database, actor: Actor, at: Date, address: ReportAddress, ifMatch: string | undefined, transition: Transition, also: StepWrites = {}) {
  for (let attempt = 1; ; attempt += 1) {
    const { context, report } = await loadForStep(db, address);
    const current = report ?? repository.emptyReport(keyOf(context), at);
    assertMatches(ifMatch, current.version);
    const { action, changes, reason = null, audited, writes: alsoWritten = [] } = transition(context, current, at);
    // A save or submission by the office is a report the unit sent on paper, entered on its behalf;
    // a later write by the unit itself clears the report's flag (its versions keep theirs).
    const edits = action === 'save' || action === 'submit';
    const onBehalf = edits && (actor.role === 'office' || actor.role === 'admin');
    const written = { ...changes, ...(edits ? { enteredByOffice: onBehalf } : {}), version: current.version + 1, updatedAt: at };
    const updated: repository.ReportRow = { ...current, ...written };
    // The entries themselves are in the report_versions row numbered `version` (GET …/history);
    // the audit row keeps only what changed, so a save is not stored three times over.
    const summary = (row: repository.ReportRow) => ({ status: row.version === 0 ? 'not_started' : row.status, version: row.version, entryCount: row.entries.length });
    const audit = auditRow(actor, at, {
      action: `report.${action}`,
      entityType: 'report',
      entityId: `${address.plan}/${address.period}/${address.department}`,
      before: summary(current),
      after: { ...summary(updated), ...audited?.(current, updated), ...(reason ? { reason } : {}), ...(onBehalf ? { enteredByOffice: true } : {}) },
    });
    const version: repository.NewReportVersion = {
      version: updated.version,
      action,
      late: action === 'submit' ? at > context.period.dueAt : null,
      reason,
      actorTokenId: actor.tokenId,
      actorEmail: actor.email ?? null,
      enteredByOffice: onBehalf,
      at,
    };
    const result = view(context, updated);
    const writes = [repository.versionRow(version), pendingRow(auditLog, audit), ...alsoWritten, ...(also.rows?.(result) ?? [])];
    const write = (q: Queryable) => repository.writeStep(q, updated, current, writes);
    const { inTransaction } = also;
    const done = inTransaction
      ? await db.transaction(async (tx) => {
          const id = await write(tx);
          if (id !== undefined) await inTransaction(tx, result);
          return id !== undefined;
        })
      : (await write(db)) !== undefined;
    if (done) return result;
    if (attempt === MAX_ATTEMPTS) {
      throw new AppError('CONFLICT', { en: 'The report keeps changing under this request; read it again and retry', zh: '报告正被频繁修改，请重新读取后再试' });
    }
  }
}

const doingZh = { edit: '修改', submit: '提交', accept: '审核通过', return: '退回' } as const;
const statusZh: Record<string, string> = { not_started: '尚未填报', draft: '仍是草稿', submitted: '已提交', accepted: '已审核通过', returned: '已退回' };

export function requireStatus(row: Pick<repository.ReportRow, 'version' | 'status'>, allowed: string[], doing: keyof typeof doingZh) {
  const status = row.version === 0 ? 'not_started' : row.status;
  if (!allowed.includes(status)) {
    throw new AppError('CONFLICT', { en: `Cannot ${doing} a report that is ${status}`, zh: `报告${statusZh[status] ?? status}，不能${doingZh[doing]}` });
  }
}

/** What a save writes: the entries, and on the summary period its narrative (left out: kept as stored). */
export interface Draft {
  entries: ReportEntry[];
  narrative?: SummaryNarrative | undefined;
}

/** The save of a draft on the report as it stands: its rules, the change and what the audit row says of it. */
function saved(context: ReportContext, row: repository.ReportRow, { entries, narrative }: Draft) {
  requireStatus(row, ['not_started', 'draft', 'returned'], 'edit');
  assertNarrativeAllowed(context.period, narrative);
  validateEntries({ ...context, targets: context.period.kind === 'targets' }, entries);
  const audited = (before: repository.ReportRow, after: repository.ReportRow) => ({
    changedTasks: changedTasks(before.entries, after.entries),
    ...(context.period.kind === 'summary' ? { narrativeChanged: !sameNarrative(before.narrative, after.narrative) } : {}),
  });
  return { changes: { status: 'draft' as const, entries, narrative: narrative ?? row.narrative }, audited };
}

export async function saveDraft(db: Database, actor: Actor, at: Date, address: ReportAddress, draft: Draft, ifMatch?: string) {
  assertEntriesSize(draft.entries);
  return step(db, actor, at, address, ifMatch, (context, row) => ({ action: 'save', ...saved(context, row, draft) }));
}

/** A submission needs an entry for every required row and, for the summary period, all four sections of its narrative. */
function assertComplete(context: ReportContext, row: repository.ReportRow) {
  const covered = new Set(row.entries.map(taskKey));
  const rows = context.tasks
    .filter((task) => task.required && !covered.has(taskKey(task)))
    .map((task) => ({
      path: 'report.entries',
      message: { en: `missing measure ${task.measureNo} task ${task.taskSeq}`, zh: `缺少措施 ${task.measureNo} 任务 ${task.taskSeq}` },
    }));
  const sections = context.period.kind === 'summary' ? missingSections(row.narrative) : null;
  if (rows.length === 0 && !sections) return;
  const parts = [
    ...(rows.length > 0 ? [{ en: 'the report has no entry for some of the rows this unit carries', zh: '报告缺少本单位承担的部分任务的填报' }] : []),
    ...(sections ? [sections.text] : []),
  ];
  const en = parts.map((part) => part.en).join('; ');
  throw new AppError('UNPROCESSABLE', { en: en[0]!.toUpperCase() + en.slice(1), zh: parts.map((part) => part.zh).join('；') }, [...rows, ...(sections?.errors ?? [])]);
}

/**
 * Submits the report; with `draft`, saves it first in the same step (one version, one audit row
 * `report.submit` that also records what the save changed, `saved: true`), under the save's rules.
 */
export async function submit(db: Database, actor: Actor, at: Date, address: ReportAddress, ifMatch?: string, { draft, rows }: { draft?: Draft | undefined; rows?: StepWrites['rows'] } = {}) {
  if (draft) assertEntriesSize(draft.entries);
  return step(db, actor, at, address, ifMatch, (context, current) => {
    const save = draft ? saved(context, current, draft) : undefined;
    // The report as the save leaves it: a draft one version on.
    const row = save ? { ...current, ...save.changes, version: current.version + 1 } : current;
    requireStatus(row, ['draft', 'returned'], 'submit');
    assertComplete(context, row);
    const first = row.firstSubmittedAt === null;
    return {
      action: 'submit',
      changes: {
        ...save?.changes,
        status: 'submitted',
        submittedAt: at,
        firstSubmittedAt: row.firstSubmittedAt ?? at,
        late: first ? at > context.period.dueAt : row.late,
        reviewedAt: null,
      },
      // Its reminders of the period are cancelled with it: a submitted report is never chased.
      writes: [cancelPlannedWith({ planId: context.plan.id, periodId: context.period.id, departmentCode: context.department.code }, at)],
      ...(save ? { audited: (before: repository.ReportRow, after: repository.ReportRow) => ({ saved: true, ...save.audited(before, after) }) } : {}),
    };
  }, { rows });
}

export function accept(db: Database, actor: Actor, at: Date, address: ReportAddress, ifMatch?: string, inTransaction?: InTransaction) {
  return step(db, actor, at, address, ifMatch, (_context, row) => {
    requireStatus(row, ['submitted'], 'accept');
    return { action: 'accept', changes: { status: 'accepted', reviewedAt: at, returnReason: null } };
  }, { inTransaction });
}

export function returnReport(db: Database, actor: Actor, at: Date, address: ReportAddress, reason: string, ifMatch?: string, inTransaction?: InTransaction) {
  return step(db, actor, at, address, ifMatch, (_context, row) => {
    requireStatus(row, ['submitted'], 'return');
    return { action: 'return', changes: { status: 'returned', reviewedAt: at, returnReason: reason }, reason };
  }, { inTransaction });
}

export async function history(db: Queryable, address: ReportAddress) {
  const context = await loadContext(db, address);
  const row = await repository.findReport(db, keyOf(context));
  const versions = row ? await repository.listVersions(db, row.id) : [];
  const zone = context.plan.reportingRule.timeZone;
  const department = { code: context.department.code, name: context.department.name };
  const attachments = await attachmentsOfVersions(db, { ...keyOf(context), owner: 'report' }, { planCode: context.plan.code, timeZone: zone, department }, versions.map((version) => version.version));
  return {
    report: view(context, row),
    items: versions.map((version) => ({
      version: version.version,
      action: version.action,
      status: version.status,
      late: version.late,
      reason: version.reason,
      actorTokenId: version.actorTokenId,
      actorEmail: version.actorEmail,
      enteredByOffice: version.enteredByOffice,
      at: formatInZone(version.at, zone),
      entries: version.entries,
      narrative: version.narrative,
      attachments: attachments.get(version.version) ?? [],
    })),
  };
}
