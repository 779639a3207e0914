import { Readable } from 'node:stream';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/db/client.js';
import { auditLog, plans, reminders, type ReportEntry } from '../src/db/schema/index.js';
import { lockReport } from '../src/modules/reports/reports.repository.js';
import { AppError } from '../src/errors.js';
import type { Actor } from '../src/modules/audit/audit.service.js';
import { storeUpload } from '../src/modules/attachments/attachments.service.js';
import { ENTRIES_MAX_BYTES } from '../src/modules/reports/reports.schemas.js';
import { accept, getReport, history, returnReport, saveDraft, submit, type ReportAddress } from '../src/modules/reports/reports.service.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { pdf } from './helpers/files.js';

/*
 * The report workflow (src/modules/reports/reports.service.ts) called directly on a seeded
 * database, one unit per test: versions and ETags, If-Match, lateness at the deadline, the
 * office entering a paper report, audit rows and history. HTTP is covered by reporting-flow.
 * 2017Q3 is due 2017-10-13 17:00 Shanghai (09:00Z).
 */

const DUE = new Date('2017-10-13T09:00:00Z');
const before = (hours: number) => new Date(DUE.getTime() - hours * 3_600_000);
const after = (hours: number) => new Date(DUE.getTime() + hours * 3_600_000);

let database: TestDatabase;
let handle: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = await database.open();
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const unit = (code: string): Actor => ({ tokenId: null, role: 'department', departmentCode: code, requestId: null });
const office: Actor = { tokenId: null, role: 'office', departmentCode: null, requestId: null, email: 'anwei@example.gov.cn' };
const admin: Actor = { tokenId: null, role: 'admin', departmentCode: null, requestId: null };
const address = (department: string, period = '2017Q3'): ReportAddress => ({ plan: 'hazchem-2017', period, department });

/** One valid entry for each row the unit must report on. */
async function required(department: string, progress = 50, period = '2017Q3'): Promise<ReportEntry[]> {
  const { tasks } = await getReport(handle.db, address(department, period));
  return tasks.filter((task) => task.required).map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress, summary: '推进中。' }));
}

/** The AppError a step fails with. */
async function failure(step: Promise<unknown>): Promise<Pick<AppError, 'code' | 'text' | 'errors'>> {
  const error = await step.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return { code: error.code, text: error.text, errors: error.errors };
}

const auditOf = (department: string) =>
  handle.db
    .select({ action: auditLog.action, before: auditLog.before, after: auditLog.after })
    .from(auditLog)
    .where(and(eq(auditLog.entityType, 'report'), eq(auditLog.entityId, `hazchem-2017/2017Q3/${department}`)))
    .orderBy(auditLog.id);

describe('reading a report', () => {
  it('when nothing was saved, reads as not_started, version 0, with the deadline and the rows the unit carries', async () => {
    const report = await getReport(handle.db, address('huangpu-district'));
    expect({ ...report, tasks: undefined }).toEqual({
      plan: 'hazchem-2017',
      period: '2017Q3',
      department: { code: 'huangpu-district', name: '黄浦区政府' },
      status: 'not_started',
      version: 0,
      dueAt: '2017-10-13T17:00:00+08:00',
      submittedAt: null,
      firstSubmittedAt: null,
      late: null,
      reviewedAt: null,
      returnReason: null,
      enteredByOffice: false,
      entries: [],
      narrative: null,
      tasks: undefined,
    });
    expect(report.tasks.filter((task) => task.required)).toEqual([
      { measureNo: 7, taskSeq: 1, content: expect.any(String), role: 'responsible', via: { code: 'all-district-governments', name: '各区政府' }, required: true },
    ]);
    expect(report.tasks.some((task) => 'taskId' in task)).toBe(false);
    expect(await history(handle.db, address('huangpu-district'))).toEqual({ report, items: [] });
  });

  it('when the unit is a collective, refuses with 422: its members report', async () => {
    expect(await failure(getReport(handle.db, address('all-district-governments')))).toEqual({
      code: 'UNPROCESSABLE',
      text: { en: '各区政府 is a collective; its member units report for it', zh: '各区政府 是集合单位，由其成员单位报送' },
      errors: undefined,
    });
  });
});

describe('lateness', () => {
  it('when submitted exactly at the deadline, the report is on time; a millisecond later, late', async () => {
    for (const [department, at, late] of [['commerce', DUE, false], ['science-technology', new Date(DUE.getTime() + 1), true]] as const) {
      await saveDraft(handle.db, unit(department), before(48), address(department), { entries: await required(department) });
      const submitted = await submit(handle.db, unit(department), at, address(department));
      expect(submitted, department).toMatchObject({ status: 'submitted', late });
      const { items } = await history(handle.db, address(department));
      expect(items.map((item) => [item.action, item.late]), department).toEqual([['save', null], ['submit', late]]);
    }
  });

  it('when a returned report is resubmitted after the deadline, it keeps its first submission and stays on time; its version row says late', async () => {
    const jinshan = unit('jinshan-district');
    const at = address('jinshan-district');
    await saveDraft(handle.db, jinshan, before(30), at, { entries: await required('jinshan-district', 40) });
    await submit(handle.db, jinshan, before(24), at, '"v1"');
    const returned = await returnReport(handle.db, office, after(1), at, '请补充金山区的整改数据。', '"v2"');
    expect(returned).toMatchObject({ status: 'returned', version: 3, returnReason: '请补充金山区的整改数据。', reviewedAt: '2017-10-13T18:00:00+08:00' });
    await saveDraft(handle.db, jinshan, after(2), at, { entries: await required('jinshan-district', 60) }, '"v3"');
    const resubmitted = await submit(handle.db, jinshan, after(3), at, '"v4"');
    expect(resubmitted).toMatchObject({
      status: 'submitted',
      version: 5,
      late: false,
      firstSubmittedAt: '2017-10-12T17:00:00+08:00',
      submittedAt: '2017-10-13T20:00:00+08:00',
      reviewedAt: null,
      returnReason: '请补充金山区的整改数据。',
    });
    const accepted = await accept(handle.db, office, after(4), at, '"v5"');
    expect(accepted).toMatchObject({ status: 'accepted', version: 6, late: false, reviewedAt: '2017-10-13T21:00:00+08:00', returnReason: null, enteredByOffice: false });

    const { report, items } = await history(handle.db, at);
    expect(report).toEqual(accepted);
    expect(items.map(({ entries, ...item }) => ({ ...item, progress: entries[0]!.progress }))).toEqual([
      { version: 1, action: 'save', status: 'draft', late: null, reason: null, actorTokenId: null, actorEmail: null, enteredByOffice: false, narrative: null, attachments: [], at: '2017-10-12T11:00:00+08:00', progress: 40 },
      { version: 2, action: 'submit', status: 'submitted', late: false, reason: null, actorTokenId: null, actorEmail: null, enteredByOffice: false, narrative: null, attachments: [], at: '2017-10-12T17:00:00+08:00', progress: 40 },
      { version: 3, action: 'return', status: 'returned', late: null, reason: '请补充金山区的整改数据。', actorTokenId: null, actorEmail: 'anwei@example.gov.cn', enteredByOffice: false, narrative: null, attachments: [], at: '2017-10-13T18:00:00+08:00', progress: 40 },
      { version: 4, action: 'save', status: 'draft', late: null, reason: null, actorTokenId: null, actorEmail: null, enteredByOffice: false, narrative: null, attachments: [], at: '2017-10-13T19:00:00+08:00', progress: 60 },
      { version: 5, action: 'submit', status: 'submitted', late: true, reason: null, actorTokenId: null, actorEmail: null, enteredByOffice: false, narrative: null, attachments: [], at: '2017-10-13T20:00:00+08:00', progress: 60 },
      { version: 6, action: 'accept', status: 'accepted', late: null, reason: null, actorTokenId: null, actorEmail: 'anwei@example.gov.cn', enteredByOffice: false, narrative: null, attachments: [], at: '2017-10-13T21:00:00+08:00', progress: 60 },
    ]);
  });

  it('when returned, a report may be submitted again as it stands, but not accepted before it is', async () => {
    const customs = unit('shanghai-customs');
    const at = address('shanghai-customs');
    await saveDraft(handle.db, customs, before(5), at, { entries: await required('shanghai-customs') });
    await submit(handle.db, customs, before(4), at);
    await returnReport(handle.db, office, before(3), at, '请核实。');
    expect(await failure(accept(handle.db, office, before(3), at))).toMatchObject({
      code: 'CONFLICT',
      text: { en: 'Cannot accept a report that is returned', zh: '报告已退回，不能审核通过' },
    });
    expect(await submit(handle.db, customs, before(2), at)).toMatchObject({ status: 'submitted', version: 4 });
  });
});

describe('If-Match', () => {
  const code = 'landscaping-city-appearance';
  const at = address(code);
  const save = async (ifMatch: string | undefined) => saveDraft(handle.db, unit(code), before(10), at, { entries: await required(code) }, ifMatch);
  const refused = async (ifMatch: string) => (await failure(save(ifMatch))).text;

  it('when the tag is current, weak (W/"v1", as the README promises) or in a list, or the header is * or absent, the save goes ahead', async () => {
    expect(await save(undefined)).toMatchObject({ version: 1 });
    expect(await save('W/"v1"')).toMatchObject({ version: 2 });
    expect(await save('"v0", "v2"')).toMatchObject({ version: 3 });
    expect(await save(' * ')).toMatchObject({ version: 4 });
    expect(await save('"v4"')).toMatchObject({ version: 5 });
  });

  it('when the tag is stale, refuses with 412 naming the current ETag', async () => {
    expect(await failure(save('"v4"'))).toEqual({
      code: 'PRECONDITION_FAILED',
      text: { en: 'The report has changed: its current ETag is "v5"', zh: '报告已被他人修改：当前 ETag 为 "v5"，请重新读取后再保存' },
      errors: undefined,
    });
  });

  it('when the tag lacks its quotes, the 412 shows the quoted form to send', async () => {
    expect(await refused('v5')).toEqual({
      en: 'If-Match takes entity tags in quotes, as the ETag header gives them: send If-Match: "v5", not v5. The report\'s current ETag is "v5"',
      zh: 'If-Match 须照 ETag 响应头的写法带引号：请发送 If-Match: "v5"，而不是 v5。报告当前的 ETag 为 "v5"',
    });
    expect((await refused('"v1", v4')).en).toBe('If-Match takes entity tags in quotes, as the ETag header gives them: send If-Match: "v4", not "v1", v4. The report\'s current ETag is "v5"');
    expect((await refused('v"5')).en).toContain('send If-Match: "v5", not v"5.');
  });

  it('when the header is empty or blank, the 412 says so and shows the current ETag', async () => {
    for (const blank of ['', '   ']) {
      expect(await refused(blank), JSON.stringify(blank)).toEqual({
        en: 'If-Match takes entity tags in quotes, as the ETag header gives them: send If-Match: "v5", not an empty value. The report\'s current ETag is "v5"',
        zh: 'If-Match 须照 ETag 响应头的写法带引号：请发送 If-Match: "v5"，而不是 空值。报告当前的 ETag 为 "v5"',
      });
    }
    expect(await getReport(handle.db, at)).toMatchObject({ version: 5 });
  });
});

describe('what may be saved and submitted', () => {
  it('when the entries are exactly the size limit, they are saved; one byte more is 413', async () => {
    const [first] = await required('ocean');
    const sized = (bytes: number) => {
      const entry = { ...first!, summary: '' };
      return [{ ...entry, summary: 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify([entry]))) }];
    };
    expect(Buffer.byteLength(JSON.stringify(sized(ENTRIES_MAX_BYTES)))).toBe(ENTRIES_MAX_BYTES);
    expect(await saveDraft(handle.db, unit('ocean'), before(1), address('ocean'), { entries: sized(ENTRIES_MAX_BYTES) })).toMatchObject({ version: 1 });
    expect(await failure(saveDraft(handle.db, unit('ocean'), before(1), address('ocean'), { entries: sized(ENTRIES_MAX_BYTES + 1) }))).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      text: { en: "The report's entries are 257 KiB of JSON; the limit is 256 KiB. Shorten the texts.", zh: '报告填报内容共 257 KiB，超过上限 256 KiB，请精简文字' },
      errors: undefined,
    });
  });

  it('when a required row has no entry, submitting is refused with 422 naming each missing row', async () => {
    const [first] = await required('fengxian-district');
    await saveDraft(handle.db, unit('fengxian-district'), before(1), address('fengxian-district'), { entries: [first!] });
    expect(await failure(submit(handle.db, unit('fengxian-district'), before(1), address('fengxian-district')))).toEqual({
      code: 'UNPROCESSABLE',
      text: { en: 'The report has no entry for some of the rows this unit carries', zh: '报告缺少本单位承担的部分任务的填报' },
      errors: [{ path: 'report.entries', message: { en: 'missing measure 9 task 2', zh: '缺少措施 9 任务 2' } }],
    });
  });

  it('when a step does not fit the status, refuses with 409 saying what the report is', async () => {
    const code = 'water-authority';
    const at = address(code);
    const conflict = async (step: Promise<unknown>) => {
      const error = await failure(step);
      expect(error.code).toBe('CONFLICT');
      return error.text;
    };
    expect(await conflict(submit(handle.db, unit(code), before(9), at))).toEqual({ en: 'Cannot submit a report that is not_started', zh: '报告尚未填报，不能提交' });
    await saveDraft(handle.db, unit(code), before(9), at, { entries: await required(code) });
    expect(await conflict(accept(handle.db, office, before(9), at))).toEqual({ en: 'Cannot accept a report that is draft', zh: '报告仍是草稿，不能审核通过' });
    expect(await conflict(returnReport(handle.db, office, before(9), at, '请补充。'))).toEqual({ en: 'Cannot return a report that is draft', zh: '报告仍是草稿，不能退回' });
    await submit(handle.db, unit(code), before(8), at);
    expect(await conflict(submit(handle.db, unit(code), before(8), at))).toEqual({ en: 'Cannot submit a report that is submitted', zh: '报告已提交，不能提交' });
    expect(await conflict(saveDraft(handle.db, unit(code), before(8), at, { entries: await required(code) }))).toEqual({ en: 'Cannot edit a report that is submitted', zh: '报告已提交，不能修改' });
    await accept(handle.db, office, before(7), at);
    expect(await conflict(returnReport(handle.db, office, before(7), at, '请补充。'))).toEqual({ en: 'Cannot return a report that is accepted', zh: '报告已审核通过，不能退回' });
    expect(await conflict(saveDraft(handle.db, unit(code), before(7), at, { entries: await required(code) }))).toEqual({ en: 'Cannot edit a report that is accepted', zh: '报告已审核通过，不能修改' });
  });

  it('when the period is a year’s targets, a blocked entry is refused; in a quarter it is saved', async () => {
    const code = 'supervision';
    const blocked = (entries: ReportEntry[]) => entries.map((entry) => ({ ...entry, status: 'blocked' as const }));
    const error = await failure(saveDraft(handle.db, unit(code), before(1), address(code, '2018-targets'), { entries: blocked(await required(code, 50, '2018-targets')) }));
    expect(error.errors).toEqual([{ path: 'body.entries.0.status', message: { en: 'a target cannot be blocked: set the status expected at year end', zh: '年度目标不能设为受阻，请填写预期年底达到的状态' } }]);
    expect(await saveDraft(handle.db, unit(code), before(1), address(code), { entries: blocked(await required(code)) })).toMatchObject({ status: 'draft', version: 1 });
  });
});

describe('the office entering a paper report, and the audit log', () => {
  it('when the office or an admin writes for a unit, the report and its versions say so until the unit writes itself; review steps change nothing of it', async () => {
    const code = 'pboc-shanghai';
    const at = address(code);
    expect(await saveDraft(handle.db, office, before(6), at, { entries: await required(code) })).toMatchObject({ enteredByOffice: true });
    expect(await saveDraft(handle.db, unit(code), before(5), at, { entries: await required(code, 60) })).toMatchObject({ enteredByOffice: false });
    expect(await submit(handle.db, admin, before(4), at)).toMatchObject({ enteredByOffice: true });
    expect(await returnReport(handle.db, office, before(3), at, '请补充。')).toMatchObject({ enteredByOffice: true });
    const { items } = await history(handle.db, at);
    expect(items.map((item) => [item.action, item.enteredByOffice])).toEqual([['save', true], ['save', false], ['submit', true], ['return', false]]);

    const audit = await auditOf(code);
    expect(audit.map((row) => row.after?.enteredByOffice ?? false)).toEqual([true, false, true, false]);
  });

  it('each write is audited with the status, version and entry count before and after; a save names the rows it changed, a return its reason', async () => {
    const code = 'shanghai-msa';
    const at = address(code);
    const [row] = await required(code);
    const optional = (await getReport(handle.db, at)).tasks.find((task) => !task.required)!;
    const extra: ReportEntry = { measureNo: optional.measureNo, taskSeq: optional.taskSeq, status: 'not_started', progress: 0, summary: '尚未开展。' };
    const key = `${optional.measureNo}-${optional.taskSeq}`;
    const rowKey = `${row!.measureNo}-${row!.taskSeq}`;
    await saveDraft(handle.db, unit(code), before(9), at, { entries: [row!] });
    await saveDraft(handle.db, unit(code), before(8), at, { entries: [{ ...row!, progress: 70 }, extra] });
    await saveDraft(handle.db, unit(code), before(7), at, { entries: [{ ...row!, progress: 70 }] });
    await submit(handle.db, unit(code), before(6), at);
    await returnReport(handle.db, office, before(5), at, '请补充。');

    expect(await auditOf(code)).toEqual([
      { action: 'report.save', before: { status: 'not_started', version: 0, entryCount: 0 }, after: { status: 'draft', version: 1, entryCount: 1, changedTasks: [rowKey] } },
      { action: 'report.save', before: { status: 'draft', version: 1, entryCount: 1 }, after: { status: 'draft', version: 2, entryCount: 2, changedTasks: [rowKey, key] } },
      { action: 'report.save', before: { status: 'draft', version: 2, entryCount: 2 }, after: { status: 'draft', version: 3, entryCount: 1, changedTasks: [key] } },
      { action: 'report.submit', before: { status: 'draft', version: 3, entryCount: 1 }, after: { status: 'submitted', version: 4, entryCount: 1 } },
      { action: 'report.return', before: { status: 'submitted', version: 4, entryCount: 1 }, after: { status: 'returned', version: 5, entryCount: 1, reason: '请补充。' } },
    ]);
  });

  it('runs the caller’s work in the step’s transaction: it sees the new version, and when it fails nothing is written', async () => {
    const code = 'legislative-affairs-office';
    const at = address(code);
    await saveDraft(handle.db, unit(code), before(3), at, { entries: await required(code) });
    await submit(handle.db, unit(code), before(2), at);
    const seen: string[] = [];
    await expect(
      returnReport(handle.db, office, before(1), at, '请补充。', undefined, async (_tx, report) => {
        seen.push(`${report.status} v${report.version}`);
        throw new Error('the caller failed');
      }),
    ).rejects.toThrow('the caller failed');
    expect(await getReport(handle.db, at)).toMatchObject({ status: 'submitted', version: 2 });
    expect(seen).toEqual(['returned v3']);
    expect(await auditOf(code)).toHaveLength(2);
  });
});

describe('the 总结报告正文 (summary period)', () => {
  const at = new Date('2019-11-20T02:00:00Z');
  const NARRATIVE = { work: '开展专项整治。', results: '隐患整改率100%。', problems: '基层力量不足。', nextSteps: '健全长效机制。' };
  const summaryAudit = (department: string) =>
    handle.db
      .select({ after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'report'), eq(auditLog.entityId, `hazchem-2017/summary/${department}`)))
      .orderBy(auditLog.id);

  it('when saved, the narrative is kept until one is sent again; versions carry it and the audit says whether it changed', async () => {
    const code = 'putuo-district';
    const entries = await required(code, 50, 'summary');
    const first = await saveDraft(handle.db, unit(code), at, address(code, 'summary'), { entries, narrative: NARRATIVE });
    expect(first.narrative).toEqual(NARRATIVE);
    // Left out: the stored narrative stays.
    const kept = await saveDraft(handle.db, unit(code), at, address(code, 'summary'), { entries: await required(code, 60, 'summary') });
    expect(kept.narrative).toEqual(NARRATIVE);
    const changed = { ...NARRATIVE, results: '重大危险源全部在线监测。' };
    const replaced = await saveDraft(handle.db, unit(code), at, address(code, 'summary'), { entries, narrative: changed });
    expect(replaced.narrative).toEqual(changed);
    const { items } = await history(handle.db, address(code, 'summary'));
    expect(items.map((item) => item.narrative)).toEqual([NARRATIVE, NARRATIVE, changed]);
    expect((await summaryAudit(code)).map((row) => row.after?.narrativeChanged)).toEqual([true, false, true]);
    // A quarter's save says nothing of a narrative.
    const quarter = await saveDraft(handle.db, unit(code), at, address(code), { entries: await required(code) });
    expect(quarter.narrative).toBeNull();
    expect((await auditOf(code)).at(-1)!.after).not.toHaveProperty('narrativeChanged');
  });

  it('when a narrative is sent for a quarter, refuses with 422 on body.narrative and stores nothing', async () => {
    const code = 'hongkou-district';
    expect(await failure(saveDraft(handle.db, unit(code), at, address(code), { entries: await required(code), narrative: NARRATIVE }))).toEqual({
      code: 'UNPROCESSABLE',
      text: { en: "Only the summary period's report has a narrative; 2017Q3 has none", zh: '只有总结报告有正文，2017Q3 不能填写总结报告正文' },
      errors: [{ path: 'body.narrative', message: { en: 'only the summary period takes a narrative', zh: '只有总结报告可以填写正文' } }],
    });
    expect((await getReport(handle.db, address(code))).version).toBe(0);
  });

  it('when sections are empty (or blank), submitting is refused naming each; with rows missing too, both are said', async () => {
    const code = 'yangpu-district';
    const entries = await required(code, 50, 'summary');
    await saveDraft(handle.db, unit(code), at, address(code, 'summary'), { entries: entries.slice(1), narrative: { ...NARRATIVE, results: '  ', nextSteps: '' } });
    const both = await failure(submit(handle.db, unit(code), at, address(code, 'summary')));
    expect(both.code).toBe('UNPROCESSABLE');
    expect(both.text).toEqual({
      en: "The report has no entry for some of the rows this unit carries; the narrative's sections main results, next steps are empty",
      zh: '报告缺少本单位承担的部分任务的填报；总结报告正文的“主要成效”、“下步打算”尚未填写',
    });
    expect(both.errors!.map((error) => error.path)).toEqual([...entries.slice(0, 1).map(() => 'report.entries'), 'report.narrative.results', 'report.narrative.nextSteps']);
    expect(both.errors!.at(-1)!.message).toEqual({ en: 'the section next steps is empty', zh: '总结报告正文“下步打算”尚未填写' });

    await saveDraft(handle.db, unit(code), at, address(code, 'summary'), { entries, narrative: { ...NARRATIVE, work: '' } });
    expect(await failure(submit(handle.db, unit(code), at, address(code, 'summary')))).toEqual({
      code: 'UNPROCESSABLE',
      text: { en: "The narrative's sections work done are empty", zh: '总结报告正文的“工作开展情况”尚未填写' },
      errors: [{ path: 'report.narrative.work', message: { en: 'the section work done is empty', zh: '总结报告正文“工作开展情况”尚未填写' } }],
    });

    await saveDraft(handle.db, unit(code), at, address(code, 'summary'), { entries, narrative: NARRATIVE });
    expect(await submit(handle.db, unit(code), at, address(code, 'summary'))).toMatchObject({ status: 'submitted', narrative: NARRATIVE });
  });

  it('when a quarter is submitted, no narrative is asked for', async () => {
    const code = 'baoshan-district';
    await saveDraft(handle.db, unit(code), at, address(code), { entries: await required(code) });
    expect(await submit(handle.db, unit(code), at, address(code))).toMatchObject({ status: 'submitted', narrative: null });
  });
});

describe('attachments in the history', () => {
  it('when a file is attached after version 1, every later version lists it as attached (unit, plan, link), version 1 none', async () => {
    const code = 'qingpu-district';
    await saveDraft(handle.db, unit(code), before(30), address(code), { entries: await required(code) });
    const stored = await storeUpload(
      handle.db,
      { plan: 'hazchem-2017', period: '2017Q3', department: code, owner: 'report', currentVersion: 1, actor: unit(code), at: before(29) },
      Readable.from([pdf('history')]),
      '检查记录.pdf',
    );
    expect(stored).toMatchObject({ plan: 'hazchem-2017', department: { code, name: '青浦区政府' }, addedAfterVersion: 1, uploadedAt: '2017-10-12T12:00:00+08:00' });
    await submit(handle.db, unit(code), before(10), address(code));
    await accept(handle.db, office, after(1), address(code));
    const { items } = await history(handle.db, address(code));
    expect(items.map((item) => item.attachments)).toEqual([[], [stored], [stored]]);
  });
});

describe('saving and submitting in one step', () => {
  it('when a report not started is submitted with a draft, it is submitted at version 1: one submit version with the entries, one audit row saying it saved', async () => {
    const code = 'xuhui-district';
    const entries = await required(code, 70);
    const submitted = await submit(handle.db, unit(code), before(5), address(code), '"v0"', { draft: { entries } });
    expect(submitted).toMatchObject({ status: 'submitted', version: 1, late: false, enteredByOffice: false, entries, submittedAt: '2017-10-13T12:00:00+08:00', firstSubmittedAt: '2017-10-13T12:00:00+08:00' });
    const { items } = await history(handle.db, address(code));
    expect(items.map((item) => [item.version, item.action, item.status, item.late, item.entries])).toEqual([[1, 'submit', 'submitted', false, entries]]);
    expect(await auditOf(code)).toEqual([
      {
        action: 'report.submit',
        before: { status: 'not_started', version: 0, entryCount: 0 },
        after: { status: 'submitted', version: 1, entryCount: 1, saved: true, changedTasks: ['7-1'] },
      },
    ]);
    expect(await getReport(handle.db, address(code))).toEqual(submitted);
  });

  it('when a returned report is resubmitted with the same entries, keys in another order, no row counts as changed; the first submission and lateness stay', async () => {
    const code = 'changning-district';
    const at = address(code);
    const entries = await required(code, 40);
    await submit(handle.db, unit(code), before(5), at, undefined, { draft: { entries } });
    await returnReport(handle.db, office, after(1), at, '请补充。');
    const reordered = entries.map(({ summary, progress, status, taskSeq, measureNo }) => ({ summary, progress, status, taskSeq, measureNo }));
    const resubmitted = await submit(handle.db, unit(code), after(2), at, '"v2"', { draft: { entries: reordered } });
    expect(resubmitted).toMatchObject({ status: 'submitted', version: 3, late: false, firstSubmittedAt: '2017-10-13T12:00:00+08:00', submittedAt: '2017-10-13T19:00:00+08:00', returnReason: '请补充。' });
    expect((await auditOf(code)).at(-1)).toEqual({
      action: 'report.submit',
      before: { status: 'returned', version: 2, entryCount: 1 },
      after: { status: 'submitted', version: 3, entryCount: 1, saved: true, changedTasks: [] },
    });
    const { items } = await history(handle.db, address(code));
    expect(items.map((item) => [item.action, item.late])).toEqual([['submit', false], ['return', null], ['submit', true]]);
  });

  it('when the report may not be edited, the save’s 409 comes first; a draft missing a row is the submission’s 422; a stale If-Match is 412; nothing is written', async () => {
    const code = 'jingan-district';
    const at = address(code);
    const entries = await required(code);
    const incomplete = await failure(submit(handle.db, unit(code), before(5), at, undefined, { draft: { entries: [] } }));
    expect(incomplete.code).toBe('UNPROCESSABLE');
    expect(incomplete.errors).toEqual([{ path: 'report.entries', message: { en: 'missing measure 7 task 1', zh: '缺少措施 7 任务 1' } }]);
    expect((await failure(submit(handle.db, unit(code), before(5), at, '"v1"', { draft: { entries } }))).code).toBe('PRECONDITION_FAILED');
    expect(await getReport(handle.db, at)).toMatchObject({ status: 'not_started', version: 0 });
    expect(await auditOf(code)).toEqual([]);
    await submit(handle.db, unit(code), before(5), at, undefined, { draft: { entries } });
    const again = await failure(submit(handle.db, unit(code), before(4), at, undefined, { draft: { entries } }));
    expect(again).toMatchObject({ code: 'CONFLICT', text: { en: 'Cannot edit a report that is submitted', zh: '报告已提交，不能修改' } });
    expect(await getReport(handle.db, at)).toMatchObject({ status: 'submitted', version: 1 });
  });

  it('when the draft is over the size limit, it is 413 before anything is read', async () => {
    const code = 'minhang-district';
    const [entry] = await required(code);
    const big = { ...entry!, summary: 'a'.repeat(ENTRIES_MAX_BYTES) };
    expect((await failure(submit(handle.db, unit(code), before(5), address(code), undefined, { draft: { entries: [big] } }))).code).toBe('PAYLOAD_TOO_LARGE');
    expect(await getReport(handle.db, address(code))).toMatchObject({ status: 'not_started', version: 0 });
  });

  it('when the office submits a paper report with its draft, the report, its version and the audit row say it was entered on the unit’s behalf', async () => {
    const code = 'jiading-district';
    const submitted = await submit(handle.db, office, before(5), address(code), undefined, { draft: { entries: await required(code) } });
    expect(submitted).toMatchObject({ status: 'submitted', enteredByOffice: true });
    const { items } = await history(handle.db, address(code));
    expect(items.map((item) => [item.action, item.enteredByOffice, item.actorEmail])).toEqual([['submit', true, 'anwei@example.gov.cn']]);
    expect((await auditOf(code))[0]!.after).toMatchObject({ saved: true, enteredByOffice: true });
  });

  it('when the summary period is submitted with a draft that leaves the narrative out, the stored one is kept and counts as unchanged', async () => {
    const code = 'songjiang-district';
    const at = new Date('2019-11-20T02:00:00Z');
    const narrative = { work: '开展专项整治。', results: '隐患整改率100%。', problems: '基层力量不足。', nextSteps: '健全长效机制。' };
    const entries = await required(code, 50, 'summary');
    await saveDraft(handle.db, unit(code), at, address(code, 'summary'), { entries, narrative });
    const submitted = await submit(handle.db, unit(code), at, address(code, 'summary'), '"v1"', { draft: { entries } });
    expect(submitted).toMatchObject({ status: 'submitted', version: 2, narrative });
    const rows = await handle.db
      .select({ after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'report'), eq(auditLog.entityId, `hazchem-2017/summary/${code}`)))
      .orderBy(auditLog.id);
    expect(rows.at(-1)!.after).toEqual({ status: 'submitted', version: 2, entryCount: entries.length, saved: true, changedTasks: [], narrativeChanged: false });
    const quarter = await failure(submit(handle.db, unit(code), before(5), address(code), undefined, { draft: { entries: await required(code), narrative } }));
    expect(quarter.errors?.map((error) => error.path)).toEqual(['body.narrative']);
  });

  it('when saves of one report race, each is decided again on what the other wrote: consecutive versions, each audited against its predecessor', async () => {
    const code = 'chongming-district';
    const at = address(code);
    const saves = await Promise.all([30, 40, 50, 60].map(async (progress) => saveDraft(handle.db, unit(code), before(5), at, { entries: await required(code, progress) })));
    expect(saves.map((saved) => saved.version).sort()).toEqual([1, 2, 3, 4]);
    const { items } = await history(handle.db, at);
    expect(items.map((item) => item.version)).toEqual([1, 2, 3, 4]);
    expect((await auditOf(code)).map((row) => [row.before?.version, row.after?.version, row.before?.status])).toEqual([
      [0, 1, 'not_started'],
      [1, 2, 'draft'],
      [2, 3, 'draft'],
      [3, 4, 'draft'],
    ]);
  });
});

describe('a step that keeps losing its report to other writes', () => {
  /** Every write of the unit's report is dropped by a trigger, as if a concurrent write always won. */
  async function withLostWrites(code: string, run: () => Promise<void>) {
    await handle.db.execute(
      sql.raw(`
      create function lose_write() returns trigger language plpgsql as $$ begin return null; end $$;
      create trigger lose_writes before insert or update on reports for each row
        when (new.department_code = '${code}') execute function lose_write();`),
    );
    try {
      await run();
    } finally {
      await handle.db.execute(sql.raw('drop trigger lose_writes on reports; drop function lose_write();'));
    }
  }
  const givingUp = { en: 'The report keeps changing under this request; read it again and retry', zh: '报告正被频繁修改，请重新读取后再试' };

  it('when every write of the report is lost, the step reads and decides again, then gives up with 409 and writes nothing', async () => {
    const code = 'pudong-district';
    await withLostWrites(code, async () => {
      const error = await failure(saveDraft(handle.db, unit(code), before(5), address(code), { entries: await required(code) }));
      expect(error).toMatchObject({ code: 'CONFLICT', text: givingUp });
      expect(await getReport(handle.db, address(code))).toMatchObject({ status: 'not_started', version: 0 });
      expect(await auditOf(code)).toEqual([]);
    });
  });

  it('when a review with work for its transaction loses every write, the work never runs and the review gives up with 409', async () => {
    const code = 'pudong-district';
    const at = address(code, '2018Q1');
    await submit(handle.db, unit(code), before(5), at, undefined, { draft: { entries: await required(code, 50, '2018Q1') } });
    const seen: string[] = [];
    await withLostWrites(code, async () => {
      const error = await failure(accept(handle.db, office, before(4), at, undefined, async (_tx, report) => void seen.push(report.status)));
      expect(error).toMatchObject({ code: 'CONFLICT', text: givingUp });
    });
    expect(seen).toEqual([]);
    expect(await getReport(handle.db, at)).toMatchObject({ status: 'submitted', version: 1 });
  });
});

describe('work in a review’s transaction, and rows the step did not write', () => {
  it('when a return and an accept bring work for their transaction, it runs once each and sees the reviewed report', async () => {
    const code = 'xuhui-district';
    const at = address(code, '2017Q4');
    await submit(handle.db, unit(code), before(5), at, undefined, { draft: { entries: await required(code, 50, '2017Q4') } });
    const seen: string[] = [];
    const work = async (_tx: unknown, report: { status: string; version: number }) => void seen.push(`${report.status} v${report.version}`);
    expect(await returnReport(handle.db, office, before(4), at, '请补充。', undefined, work)).toMatchObject({ status: 'returned', version: 2 });
    await submit(handle.db, unit(code), before(3), at);
    expect(await accept(handle.db, office, before(2), at, undefined, work)).toMatchObject({ status: 'accepted', version: 4 });
    expect(seen).toEqual(['returned v2', 'accepted v4']);
  });

  it('when the report’s row exists at version 0 (an attachment’s lock made it), it reads as not_started and the first save writes version 1 over it', async () => {
    const code = 'changning-district';
    const at = address(code, '2018Q1');
    const [plan] = await handle.db.select({ id: plans.id }).from(plans).where(eq(plans.code, 'hazchem-2017'));
    await handle.db.transaction((tx) => lockReport(tx, { planId: plan!.id, periodId: '2018Q1', departmentCode: code }, before(6)));
    expect(await getReport(handle.db, at)).toMatchObject({ status: 'not_started', version: 0 });
    expect(await saveDraft(handle.db, unit(code), before(5), at, { entries: await required(code, 50, '2018Q1') })).toMatchObject({ status: 'draft', version: 1 });
    const [row] = await handle.db
      .select({ before: auditLog.before })
      .from(auditLog)
      .where(and(eq(auditLog.entityType, 'report'), eq(auditLog.entityId, `hazchem-2017/2018Q1/${code}`)));
    expect(row!.before).toEqual({ status: 'not_started', version: 0, entryCount: 0 });
  });
});

describe('reminders of a submitted report', () => {
  it('when a unit submits, its planned reminders of the period are cancelled by the same write; a save, other periods, other units and sent ones are left', async () => {
    const [plan] = await handle.db.select({ id: plans.id }).from(plans).where(eq(plans.code, 'hazchem-2017'));
    const reminder = (departmentCode: string, periodId: string, kind: string, status: 'planned' | 'sent' = 'planned') =>
      ({ planId: plan!.id, periodId, departmentCode, kind, channel: 'email' as const, sendAt: before(24), status, updatedAt: before(240) });
    const rows = await handle.db
      .insert(reminders)
      .values([
        reminder('work-safety', '2017Q3', 'before-3d'),
        reminder('work-safety', '2017Q3', 'before-1d'),
        reminder('work-safety', '2017Q3', 'before-7d', 'sent'),
        reminder('work-safety', '2017Q4', 'before-3d'),
        reminder('transport', '2017Q3', 'before-3d'),
      ])
      .returning({ id: reminders.id });
    const statuses = async () =>
      (await handle.db.select().from(reminders).where(sql`${reminders.id} in (${sql.join(rows.map((row) => sql`${row.id}`), sql`, `)})`).orderBy(reminders.id)).map(
        (row) => [row.departmentCode, row.periodId, row.kind, row.status, row.cancelledAt?.toISOString() ?? null],
      );
    await saveDraft(handle.db, unit('work-safety'), before(50), address('work-safety'), { entries: await required('work-safety') });
    expect((await statuses()).map((row) => row[3])).toEqual(['planned', 'planned', 'sent', 'planned', 'planned']);
    await submit(handle.db, unit('work-safety'), before(48), address('work-safety'));
    expect(await statuses()).toEqual([
      ['work-safety', '2017Q3', 'before-3d', 'cancelled', before(48).toISOString()],
      ['work-safety', '2017Q3', 'before-1d', 'cancelled', before(48).toISOString()],
      ['work-safety', '2017Q3', 'before-7d', 'sent', null],
      ['work-safety', '2017Q4', 'before-3d', 'planned', null],
      ['transport', '2017Q3', 'before-3d', 'planned', null],
    ]);
  });
});
