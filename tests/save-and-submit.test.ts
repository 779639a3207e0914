import { and, eq } from 'drizzle-orm';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../src/db/schema/index.js';
import { testClock } from './helpers/clock.js';
import { narrative } from './helpers/fixtures.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

/*
 * POST …/submit with the save's body: saved and submitted in one request, one version, one audit
 * row; the save's rules, If-Match and Idempotency-Key as for the two requests it replaces. Also
 * the write path's round trips, and writers racing on one report (the steps write on condition
 * that the report is as they read it, and read again when it is not).
 * 2017Q3 is due 2017-10-13 17:00 Shanghai; the clock stands before it.
 */

const PLAN = 'hazchem-2017';
const clock = testClock('2017-10-09T10:00:00+08:00');
const ctx = useTestApp({ clock });
const reportUrl = (code: string, period = '2017Q3') => `/v1/plans/${PLAN}/periods/${period}/reports/${code}`;

type Who = 'office' | 'jinshan-district' | 'fengxian-district' | 'huangpu-district' | 'xuhui-district' | 'education' | 'transport' | 'putuo-district' | 'minhang-district';
const headers = {} as Record<Who, { authorization: string }>;

beforeAll(async () => {
  headers.office = await bearer(ctx.app, 'office');
  const units = ['jinshan-district', 'fengxian-district', 'huangpu-district', 'xuhui-district', 'education', 'transport', 'putuo-district', 'minhang-district'] as const;
  for (const code of units) headers[code] = await bearer(ctx.app, 'department', code);
});

function inject(method: 'GET' | 'PUT' | 'POST', url: string, by: Who, payload?: object, extra: Record<string, string> = {}) {
  return ctx.app.inject({ method, url, headers: { ...headers[by], ...extra }, ...(payload ? { payload } : {}) });
}

/** An entry for every required row of the unit's report of the period. */
async function entriesOf(code: string, period = '2017Q3', progress = 60) {
  const report = await inject('GET', reportUrl(code, period), 'office');
  return (report.json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] }).tasks
    .filter((task) => task.required)
    .map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress, summary: '按计划推进。' }));
}

const historyOf = async (code: string, period = '2017Q3') => (await inject('GET', `${reportUrl(code, period)}/history`, 'office')).json();
const auditOf = (code: string, period = '2017Q3') =>
  ctx.app.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.entityType, 'report'), eq(auditLog.entityId, `${PLAN}/${period}/${code}`)))
    .orderBy(auditLog.id);

describe('saving and submitting in one request', () => {
  it('when a unit not started posts submit with its entries, it is submitted at version 1: one submit version with the entries, one audit row that says it saved', async () => {
    const code = 'jinshan-district';
    const entries = await entriesOf(code);
    const response = await inject('POST', `${reportUrl(code)}/submit`, code, { entries }, { 'if-match': '"v0"' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers.etag).toBe('"v1"');
    expect(response.json()).toMatchObject({ status: 'submitted', version: 1, late: false, enteredByOffice: false, entries });

    const history = await historyOf(code);
    expect(history.items.map((item: { version: number; action: string; status: string; late: boolean | null }) => [item.version, item.action, item.status, item.late])).toEqual([[1, 'submit', 'submitted', false]]);
    expect(history.items[0].entries).toEqual(entries);
    const rows = await auditOf(code);
    expect(rows.map((row) => [row.action, row.before, row.after])).toEqual([
      [
        'report.submit',
        { status: 'not_started', version: 0, entryCount: 0 },
        { status: 'submitted', version: 1, entryCount: entries.length, saved: true, changedTasks: entries.map((entry) => `${entry.measureNo}-${entry.taskSeq}`) },
      ],
    ]);
  });

  it('when a returned report is corrected and resubmitted in one request, the audit row names only the rows that changed', async () => {
    const code = 'fengxian-district';
    const entries = await entriesOf(code);
    expect((await inject('POST', `${reportUrl(code)}/submit`, code, { entries })).statusCode).toBe(200);
    expect((await inject('POST', `${reportUrl(code)}/return`, 'office', { reason: '请补充。' })).statusCode).toBe(200);
    const corrected = entries.map((entry, index) => (index === 0 ? { ...entry, progress: 70 } : entry));
    const response = await inject('POST', `${reportUrl(code)}/submit`, code, { entries: corrected }, { 'if-match': '"v2"' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'submitted', version: 3, returnReason: '请补充。', entries: corrected });
    const last = (await auditOf(code)).at(-1)!;
    expect(last.action).toBe('report.submit');
    expect(last.after).toEqual({ status: 'submitted', version: 3, entryCount: entries.length, saved: true, changedTasks: [`${entries[0]!.measureNo}-${entries[0]!.taskSeq}`] });
  });

  it('when the entries break the save’s rules, it is 422 on the body’s path and nothing is written', async () => {
    const code = 'huangpu-district';
    const entries = await entriesOf(code);
    const broken = entries.map((entry, index) => (index === 0 ? { ...entry, status: 'completed', progress: 50 } : entry));
    const response = await inject('POST', `${reportUrl(code)}/submit`, code, { entries: broken });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toEqual(['body.entries.0.progress']);
    expect((await inject('GET', reportUrl(code), code)).json()).toMatchObject({ status: 'not_started', version: 0 });
    expect(await auditOf(code)).toEqual([]);
  });

  it('when the entries leave a required row out, it is the submission’s 422 on report.entries and nothing is written', async () => {
    const code = 'xuhui-district';
    const entries = await entriesOf(code);
    const response = await inject('POST', `${reportUrl(code)}/submit`, code, { entries: entries.slice(1) });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors[0].path).toBe('report.entries');
    expect((await inject('GET', reportUrl(code), code)).json()).toMatchObject({ status: 'not_started', version: 0 });
  });

  it('when If-Match names an older version, it is 412 and nothing is written', async () => {
    const code = 'education';
    const entries = await entriesOf(code);
    expect((await inject('PUT', reportUrl(code), code, { entries })).statusCode).toBe(200);
    const response = await inject('POST', `${reportUrl(code)}/submit`, code, { entries }, { 'if-match': '"v0"' });
    expect(response.statusCode).toBe(412);
    expect((await inject('GET', reportUrl(code), code)).json()).toMatchObject({ status: 'draft', version: 1 });
  });

  it('when a unit retries with the same Idempotency-Key, it gets the first answer replayed; the same key with other entries is 422', async () => {
    const code = 'transport';
    const entries = await entriesOf(code);
    const key = { 'idempotency-key': 'save-and-submit-1' };
    const first = await inject('POST', `${reportUrl(code)}/submit`, code, { entries }, key);
    expect(first.statusCode, first.body).toBe(200);
    const replay = await inject('POST', `${reportUrl(code)}/submit`, code, { entries }, key);
    expect(replay.statusCode).toBe(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.etag).toBe('"v1"');
    expect(replay.json()).toEqual(first.json());
    const other = await inject('POST', `${reportUrl(code)}/submit`, code, { entries: await entriesOf(code, '2017Q3', 70) }, key);
    expect(other.statusCode).toBe(422);
    expect((await historyOf(code)).items).toHaveLength(1);
  });

  it('when the office enters a paper report and submits it in one request, the report and its version are marked enteredByOffice', async () => {
    const code = 'putuo-district';
    const response = await inject('POST', `${reportUrl(code)}/submit`, 'office', { entries: await entriesOf(code) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'submitted', enteredByOffice: true });
    expect((await historyOf(code)).items.map((item: { action: string; enteredByOffice: boolean }) => [item.action, item.enteredByOffice])).toEqual([['submit', true]]);
    expect((await auditOf(code)).map((row) => row.after?.enteredByOffice)).toEqual([true]);
  });

  it('when the summary period’s report is saved and submitted in one request, its narrative is stored; a quarter refuses one (422 on body.narrative)', async () => {
    const code = 'minhang-district';
    const quarter = await inject('POST', `${reportUrl(code)}/submit`, code, { entries: await entriesOf(code), narrative: narrative() });
    expect(quarter.statusCode).toBe(422);
    expect(quarter.json().errors.map((error: { path: string }) => error.path)).toEqual(['body.narrative']);

    const summary = await inject('POST', `${reportUrl(code, 'summary')}/submit`, code, { entries: await entriesOf(code, 'summary'), narrative: narrative() });
    expect(summary.statusCode, summary.body).toBe(200);
    expect(summary.json()).toMatchObject({ status: 'submitted', version: 1, narrative: narrative() });
    expect((await auditOf(code, 'summary')).map((row) => row.after)).toEqual([expect.objectContaining({ saved: true, narrativeChanged: true })]);
  });
});

describe('round trips and racing writers', () => {
  /** Statements the service sends to Postgres while `run` runs (the pg client's queries, BEGIN and COMMIT included). */
  async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
    const sent: string[] = [];
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const [text] = args as [string | { text: string }];
      sent.push(typeof text === 'string' ? text : text.text);
      return (query as (...args: unknown[]) => unknown).apply(this, args);
    } as typeof query;
    try {
      await run();
    } finally {
      pg.Client.prototype.query = query;
    }
    return sent;
  }

  it('when a unit saves and submits in one request with an Idempotency-Key, it costs two statements: the report as it stands, and one write that also cancels its reminders and keeps the answer', async () => {
    const code = 'jinshan-district';
    const entries = await entriesOf(code, '2017Q4');
    const sent = await statementsOf(async () => {
      const response = await inject('POST', `${reportUrl(code, '2017Q4')}/submit`, code, { entries }, { 'idempotency-key': 'round-trips' });
      expect(response.statusCode, response.body).toBe(200);
    });
    expect(sent.map((text) => text.split(/\s+/)[0])).toEqual(['select', 'with']);
    expect(sent[1]).toMatch(/insert into "report_versions".*insert into "audit_log".*update reminders.*insert into "idempotency_keys"/s);
  });

  it('when a save runs, it costs two statements: the report as it stands, and one write', async () => {
    const code = 'fengxian-district';
    const entries = await entriesOf(code, '2017Q4');
    const sent = await statementsOf(async () => expect((await inject('PUT', reportUrl(code, '2017Q4'), code, { entries })).statusCode).toBe(200));
    expect(sent.map((text) => text.split(/\s+/)[0])).toEqual(['select', 'with']);
  });

  it('when several saves of one report race without If-Match, every one lands, each on its own version', async () => {
    const code = 'huangpu-district';
    const entries = await entriesOf(code, '2017Q4');
    const saves = await Promise.all(
      Array.from({ length: 6 }, (_, index) => inject('PUT', reportUrl(code, '2017Q4'), code, { entries: entries.map((entry) => ({ ...entry, progress: 10 + index })) })),
    );
    expect(saves.map((response) => response.statusCode)).toEqual(Array(6).fill(200));
    expect(saves.map((response) => response.json().version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const history = await historyOf(code, '2017Q4');
    expect(history.items.map((item: { version: number }) => item.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await auditOf(code, '2017Q4')).map((row) => row.before?.version)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('when several submissions race with the same If-Match, exactly one lands and the others are 412', async () => {
    const code = 'xuhui-district';
    const entries = await entriesOf(code, '2017Q4');
    const tries = await Promise.all(Array.from({ length: 5 }, () => inject('POST', `${reportUrl(code, '2017Q4')}/submit`, code, { entries }, { 'if-match': '"v0"' })));
    expect(tries.map((response) => response.statusCode).sort()).toEqual([200, 412, 412, 412, 412]);
    expect((await historyOf(code, '2017Q4')).items).toHaveLength(1);
  });
});

describe('an Idempotency-Key is looked up only when the step fails', () => {
  it('when a unit reuses a key on another report whose step would succeed, it is 422 and that report is not written', async () => {
    const code = 'education';
    const key = { 'idempotency-key': 'reused-on-another-period' };
    expect((await inject('POST', `${reportUrl(code)}/submit`, code, { entries: await entriesOf(code) }, key)).statusCode).toBe(200);
    const other = await inject('POST', `${reportUrl(code, '2017Q4')}/submit`, code, { entries: await entriesOf(code, '2017Q4') }, key);
    expect(other.statusCode, other.body).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await inject('GET', reportUrl(code, '2017Q4'), code)).json()).toMatchObject({ status: 'not_started', version: 0 });
    expect(await auditOf(code, '2017Q4')).toEqual([]);
  });

  it('when the office returned the report and the unit’s first submission is retried, the first answer is replayed and nothing is written', async () => {
    const code = 'transport';
    const entries = await entriesOf(code, '2017Q4');
    const key = { 'idempotency-key': 'retried-after-return' };
    const first = await inject('POST', `${reportUrl(code, '2017Q4')}/submit`, code, { entries }, key);
    expect(first.statusCode, first.body).toBe(200);
    expect((await inject('POST', `${reportUrl(code, '2017Q4')}/return`, 'office', { reason: '请补充。' })).statusCode).toBe(200);
    const retry = await inject('POST', `${reportUrl(code, '2017Q4')}/submit`, code, { entries }, key);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect((await inject('GET', reportUrl(code, '2017Q4'), code)).json()).toMatchObject({ status: 'returned', version: 2 });
    expect((await historyOf(code, '2017Q4')).items.map((item: { action: string }) => item.action)).toEqual(['submit', 'return']);
  });

  it('when the same request arrives twice at once, one submission is written and the other answer is its replay', async () => {
    const code = 'putuo-district';
    const entries = await entriesOf(code, '2017Q4');
    const key = { 'idempotency-key': 'sent-twice-at-once' };
    const both = await Promise.all([0, 1].map(() => inject('POST', `${reportUrl(code, '2017Q4')}/submit`, code, { entries }, key)));
    expect(both.map((response) => response.statusCode)).toEqual([200, 200]);
    expect(both.map((response) => response.headers['idempotent-replayed'] ?? 'first').sort()).toEqual(['first', 'true']);
    expect(both[0]!.json()).toEqual(both[1]!.json());
    expect((await historyOf(code, '2017Q4')).items).toHaveLength(1);
  });
});
