import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './helpers/clock.js';
import { fileForm, pdf, png } from './helpers/files.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { cellsOf, column, enterAndSubmit, loadWorkbook } from './helpers/workbooks.js';
import { openOoxml, paragraphsOf } from './helpers/xml.js';

const PLAN = 'hazchem-2017';
const PERIOD = '2017Q3';
const LEAD = 'work-safety'; // 市安全监管局: leads 24.1 (政策支持), among others
const led = (code: string) => `/v1/plans/${PLAN}/periods/${PERIOD}/led/${code}`;
const opinionsUrl = (code: string) => `${led(code)}/opinions`;
const reportUrl = (code: string) => `/v1/plans/${PLAN}/periods/${PERIOD}/reports/${code}`;

const clock = testClock('2017-10-09T10:00:00+08:00');
const ctx = useTestApp({ clock });
type Headers = { authorization: string };
const tokens = {} as Record<'office' | 'lead' | 'finance' | 'transport' | 'jinshan', Headers>;

interface UnitLine {
  department: { code: string; name: string };
  required: boolean;
  reportStatus: string;
  entry: { status: string; progress: number; summary: string; problems?: string; metrics?: unknown[]; submittedAt: string; late: boolean | null } | null;
}
interface LedRow {
  measureNo: number;
  taskSeq: number;
  units: UnitLine[];
  notReported: { code: string }[];
  rollup: { status: string | null; progress: number | null };
  attachments: { id: string; department: { code: string; name: string }; fileName: string; href: string }[];
  opinion: { status: string; progress: number; assessment: string } | null;
}
interface LedRows {
  opinions: { status: string; version: number };
  rows: LedRow[];
}

async function inject(method: 'GET' | 'PUT' | 'POST', url: string, headers: Record<string, string>, payload?: object) {
  return ctx.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

async function readLed(code = LEAD, headers: Headers = tokens.lead): Promise<LedRows> {
  const response = await inject('GET', led(code), headers);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as LedRows;
}

type Measure = { no: number; tasks: { seq: number; lead: { code: string }[]; responsible: { code: string }[] }[] };
const measures = async () => ((await inject('GET', `/v1/plans/${PLAN}/measures`, {})).json() as { items: Measure[] }).items;

const row = (view: LedRows, measureNo: number, taskSeq = 1) => view.rows.find((candidate) => candidate.measureNo === measureNo && candidate.taskSeq === taskSeq)!;
const line = (view: LedRows, measureNo: number, code: string) => row(view, measureNo).units.find((unit) => unit.department.code === code);

/** An opinion on each row the lead leads; 24.1 carries `assessment`. */
async function fullOpinions(assessment: string) {
  const { rows } = (await inject('GET', opinionsUrl(LEAD), tokens.lead)).json() as { rows: { measureNo: number; taskSeq: number }[] };
  return rows.map(({ measureNo, taskSeq }) =>
    measureNo === 24 ? { measureNo, taskSeq, status: 'in_progress', progress: 70, assessment } : { measureNo, taskSeq, status: 'not_started', progress: 0, assessment: '尚未部署。' },
  );
}

beforeAll(async () => {
  tokens.office = await bearer(ctx.app, 'office');
  tokens.lead = await bearer(ctx.app, 'department', LEAD);
  tokens.finance = await bearer(ctx.app, 'department', 'finance');
  tokens.transport = await bearer(ctx.app, 'department', 'transport');
  tokens.jinshan = await bearer(ctx.app, 'department', 'jinshan-district');

  // 24.1's responsible units: 市财政局 submitted, 市发展改革委 accepted, 市公安局 a draft, 市环保局 returned.
  const full = (summary: string) => () => ({ status: 'in_progress', progress: 60, summary, problems: '保险政策尚在征求意见。', metrics: [{ name: '出台政策', value: 3, unit: '项' }] });
  await enterAndSubmit(ctx.app, tokens.office, PLAN, PERIOD, 'finance', full('财政支持政策已出台。'));
  await enterAndSubmit(ctx.app, tokens.office, PLAN, PERIOD, 'development-reform', full('价格政策已调整。'));
  const accepted = await inject('POST', `${reportUrl('development-reform')}/accept`, tokens.office);
  expect(accepted.statusCode, accepted.body).toBe(200);
  await enterAndSubmit(ctx.app, tokens.office, PLAN, PERIOD, 'environmental-protection', full('环保政策起草中。'));
  const returned = await inject('POST', `${reportUrl('environmental-protection')}/return`, tokens.office, { reason: '请补充数据' });
  expect(returned.statusCode, returned.body).toBe(200);
  const draft = await inject('PUT', reportUrl('public-security'), tokens.office, { entries: [{ measureNo: 24, taskSeq: 1, status: 'in_progress', progress: 10, summary: '草稿' }] });
  expect(draft.statusCode, draft.body).toBe(200);
  // 6.1 is given to 各有关部门: 市交通委 reports on it by choice.
  const url = reportUrl('transport');
  const { tasks } = (await inject('GET', url, tokens.transport)).json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] };
  const entries = [
    ...tasks.filter((task) => task.required).map(({ measureNo, taskSeq }) => ({ measureNo, taskSeq, status: 'in_progress', progress: 40, summary: '推进中。' })),
    { measureNo: 6, taskSeq: 1, status: 'completed', progress: 100, summary: '交通行业危化品企业已全部建档。' },
  ];
  expect((await inject('PUT', url, tokens.transport, { entries })).statusCode).toBe(200);
  expect((await inject('POST', `${url}/submit`, tokens.transport)).statusCode).toBe(200);
});

describe('a lead reads the rows it leads', () => {
  it('when the lead reads its rows, it gets every row its 牵头部门 cell names it in, in table order', async () => {
    const view = await readLed();
    const table = await measures();
    const expected = table.flatMap((measure) => measure.tasks.filter((task) => task.lead.some((unit) => unit.code === LEAD)).map((task) => `${measure.no}.${task.seq}`));
    expect(view.rows.map((candidate) => `${candidate.measureNo}.${candidate.taskSeq}`)).toEqual(expected);
    expect(expected).toContain('24.1');
  });

  it('when responsible units submitted or had their report accepted, the lead sees their entries with submittedAt and late', async () => {
    const view = await readLed();
    expect(line(view, 24, 'finance')).toMatchObject({
      required: true,
      reportStatus: 'submitted',
      entry: { status: 'in_progress', progress: 60, summary: '财政支持政策已出台。', problems: '保险政策尚在征求意见。', metrics: [{ name: '出台政策', value: 3, unit: '项' }], submittedAt: '2017-10-09T10:00:00+08:00', late: false },
    });
    expect(line(view, 24, 'development-reform')).toMatchObject({ reportStatus: 'accepted', entry: { summary: '价格政策已调整。' } });
  });

  it('when a responsible unit has only a draft or a returned report, the lead sees it as not reported, without its text', async () => {
    const view = await readLed();
    for (const code of ['public-security', 'environmental-protection', 'local-taxation']) {
      expect(line(view, 24, code), code).toMatchObject({ reportStatus: 'not_reported', entry: null });
      expect(row(view, 24).notReported.map((unit) => unit.code)).toContain(code);
    }
    expect(JSON.stringify(view)).not.toContain('草稿');
    expect(JSON.stringify(view)).not.toContain('环保政策起草中');
    expect(row(view, 24).notReported.map((unit) => unit.code)).not.toContain('finance');
  });

  it('when the lead reads a row, its responsible units come in the official order, not the cell’s', async () => {
    const view = await readLed();
    const directory = await measures();
    // Official order: the 市级部门 as they first appear in the table, row by row, lead before responsible.
    const firstSeen: string[] = [];
    for (const measure of directory) for (const task of measure.tasks) for (const unit of [...task.lead, ...task.responsible]) if (!firstSeen.includes(unit.code)) firstSeen.push(unit.code);
    const codes = row(view, 24).units.map((unit) => unit.department.code);
    expect(codes).toHaveLength(11);
    expect(codes).toEqual([...codes].sort((a, b) => firstSeen.indexOf(a) - firstSeen.indexOf(b)));
    expect(codes[0]).toBe('public-security'); // the cell starts with 市发展改革委
  });

  it('when a row is given to 各有关部门, only units that reported on it are listed, as optional', async () => {
    const view = await readLed();
    expect(row(view, 6).units).toEqual([
      expect.objectContaining({ department: { code: 'transport', name: '市交通委' }, required: false, reportStatus: 'submitted', entry: expect.objectContaining({ status: 'completed', progress: 100 }) }),
    ]);
    expect(row(view, 6).notReported).toEqual([]);
  });

  it('when the lead reads a row, its roll-up is the consolidated report’s', async () => {
    const view = await readLed();
    const consolidated = (await inject('GET', `/v1/plans/${PLAN}/periods/${PERIOD}/consolidated`, tokens.office)).json() as { measures: { no: number; tasks: { seq: number; rollup: unknown }[] }[] };
    const rollup = consolidated.measures.find((measure) => measure.no === 24)!.tasks[0]!.rollup;
    expect(row(view, 24).rollup).toEqual(rollup);
    expect(row(view, 24).rollup).toEqual({ status: 'in_progress', progress: 60 });
  });

  it('when a co-lead is also named among the responsible units (市经济信息化委 on 4.1), the other lead sees it as responsible; a co-lead named only as lead is not listed', async () => {
    const view = await readLed('chemical-industry-park', tokens.office);
    const codes = row(view, 4).units.map((unit) => unit.department.code);
    expect(codes).toContain('economy-informatization');
    expect(codes).not.toContain('chemical-industry-park');
    expect(row(await readLed(), 2).units.map((unit) => unit.department.code)).not.toContain('finance');
  });

  it('when a unit leads no row (a district: 各区政府 makes no district a lead), it gets an empty list, not 403', async () => {
    const view = await readLed('jinshan-district', tokens.jinshan);
    expect(view.rows).toEqual([]);
  });

  it('when the lead reads again unchanged, If-None-Match answers 304; after a responsible unit submits, 200 with the entry', async () => {
    const first = await inject('GET', led(LEAD), tokens.lead);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"/);
    const again = await inject('GET', led(LEAD), { ...tokens.lead, 'if-none-match': `W/${etag}` });
    expect(again.statusCode).toBe(304);
    await enterAndSubmit(ctx.app, tokens.office, PLAN, PERIOD, 'local-taxation', () => ({ status: 'in_progress', progress: 30, summary: '税收政策研究中。' }));
    const after = await inject('GET', led(LEAD), { ...tokens.lead, 'if-none-match': etag });
    expect(after.statusCode).toBe(200);
    expect(line(after.json() as LedRows, 24, 'local-taxation')).toMatchObject({ reportStatus: 'submitted', entry: { summary: '税收政策研究中。' } });
  });
});

describe('who may read what', () => {
  it('when a lead asks for another lead’s rows, it is 403', async () => {
    const response = await inject('GET', led('transport'), tokens.lead);
    expect(response.statusCode).toBe(403);
  });

  it('when a lead asks for a responsible unit’s report directly, it stays 403', async () => {
    const response = await inject('GET', reportUrl('finance'), tokens.lead);
    expect(response.statusCode).toBe(403);
  });

  it('when the office reads a lead’s rows, it is 200', async () => {
    expect((await readLed(LEAD, tokens.office)).rows.length).toBeGreaterThan(0);
  });

  it('when the unit is a collective or the period a year’s targets, it is 422 or 404', async () => {
    expect((await inject('GET', led('all-district-governments'), tokens.office)).statusCode).toBe(422);
    expect((await inject('GET', `/v1/plans/${PLAN}/periods/2018-targets/led/${LEAD}`, tokens.office)).statusCode).toBe(404);
  });

  it('when a responsible unit writes an opinion on a row it does not lead, it is 422 naming the field', async () => {
    const response = await inject('PUT', opinionsUrl('finance'), tokens.finance, { opinions: [{ measureNo: 24, taskSeq: 1, status: 'in_progress', progress: 50, assessment: '越权' }] });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'UNPROCESSABLE', errors: [{ path: 'body.opinions.0' }] });
  });
});

interface OpinionSet {
  status: string;
  version: number;
  submittedAt: string | null;
  enteredByOffice: boolean;
  opinions: { measureNo: number; taskSeq: number; status: string; progress: number; assessment: string }[];
  rows: { measureNo: number; taskSeq: number }[];
}
interface ConsolidatedRow {
  seq: number;
  leadOpinions: { department: { code: string }; status: string; progress: number; assessment: string; submittedAt: string }[];
}
const consolidatedUrl = `/v1/plans/${PLAN}/periods/${PERIOD}/consolidated`;
const opinionsOf24 = (body: { measures: { no: number; tasks: ConsolidatedRow[] }[] }) => body.measures.find((measure) => measure.no === 24)!.tasks[0]!.leadOpinions;

async function audit(query: string) {
  const response = await inject('GET', `/v1/audit?${query}`, tokens.office);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { items: { action: string; entityType: string; entityId: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[] }).items;
}

describe('the lead’s opinions (牵头汇总意见): draft, submit, ETag', () => {
  let consolidatedEtag: string;

  it('when nothing is saved yet, they read as not_started, version 0, ETag "v0", with the rows the unit leads', async () => {
    const response = await inject('GET', opinionsUrl(LEAD), tokens.lead);
    expect(response.statusCode).toBe(200);
    expect(response.headers.etag).toBe('"v0"');
    const set = response.json() as OpinionSet;
    expect(set).toMatchObject({ status: 'not_started', version: 0, submittedAt: null, opinions: [] });
    expect(set.rows.map((task) => `${task.measureNo}.${task.taskSeq}`)).toEqual((await readLed()).rows.map((task) => `${task.measureNo}.${task.taskSeq}`));
  });

  it('when the lead saves, it is a draft with ETag "v1", and its led rows show the opinion', async () => {
    const consolidated = await inject('GET', consolidatedUrl, tokens.office);
    consolidatedEtag = consolidated.headers.etag as string;
    expect(opinionsOf24(consolidated.json())).toEqual([]);
    const response = await inject('PUT', opinionsUrl(LEAD), tokens.lead, { opinions: [{ measureNo: 24, taskSeq: 1, status: 'in_progress', progress: 65, assessment: '初稿' }] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers.etag).toBe('"v1"');
    expect(response.json()).toMatchObject({ status: 'draft', version: 1, enteredByOffice: false });
    const view = await readLed();
    expect(view.opinions).toMatchObject({ status: 'draft', version: 1 });
    expect(row(view, 24).opinion).toEqual({ status: 'in_progress', progress: 65, assessment: '初稿' });
  });

  it('when a draft is saved, the office does not see it', async () => {
    // The ETag is the content's: a draft changes the cache key but nothing the office reads.
    const consolidated = await inject('GET', consolidatedUrl, { ...tokens.office, 'if-none-match': consolidatedEtag });
    expect(consolidated.statusCode).toBe(304);
  });

  it('when a save carries a stale If-Match, it is 412; the weak form of the current tag matches', async () => {
    const payload = { opinions: [{ measureNo: 24, taskSeq: 1, status: 'in_progress', progress: 68, assessment: '二稿' }] };
    const stale = await inject('PUT', opinionsUrl(LEAD), { ...tokens.lead, 'if-match': '"v0"' }, payload);
    expect(stale.statusCode).toBe(412);
    expect(stale.json()).toMatchObject({ code: 'PRECONDITION_FAILED', detail: 'The lead opinions has changed: its current ETag is "v1"' });
    const chinese = await inject('PUT', opinionsUrl(LEAD), { ...tokens.lead, 'if-match': '"v0"', 'accept-language': 'zh-CN' }, payload);
    expect(chinese.json().detail).toContain('牵头汇总意见已被他人修改');
    const weak = await inject('PUT', opinionsUrl(LEAD), { ...tokens.lead, 'if-match': 'W/"v1"' }, payload);
    expect(weak.statusCode, weak.body).toBe(200);
    expect(weak.headers.etag).toBe('"v2"');
  });

  it('when status and progress disagree or a row appears twice, it is 422 naming each field', async () => {
    const response = await inject('PUT', opinionsUrl(LEAD), tokens.lead, {
      opinions: [
        { measureNo: 24, taskSeq: 1, status: 'completed', progress: 90, assessment: '已完成' },
        { measureNo: 24, taskSeq: 1, status: 'not_started', progress: 0, assessment: '重复' },
      ],
    });
    expect(response.statusCode).toBe(422);
    expect((response.json() as { errors: { path: string }[] }).errors.map((error) => error.path)).toEqual(['body.opinions.0.progress', 'body.opinions.1']);
  });

  it('when the lead submits with rows it leads left without an opinion, it is 422 listing them', async () => {
    const response = await inject('POST', `${opinionsUrl(LEAD)}/submit`, tokens.lead);
    expect(response.statusCode).toBe(422);
    const { errors } = response.json() as { errors: { path: string; message: string }[] };
    expect(errors.length).toBe((await readLed()).rows.length - 1);
    expect(errors[0]).toMatchObject({ path: 'opinions', message: 'missing measure 2 task 1' });
  });

  it('when the lead submits with an Idempotency-Key and retries, the retry gets the first answer, replayed, and nothing is written twice', async () => {
    const saved = await inject('PUT', opinionsUrl(LEAD), tokens.lead, { opinions: await fullOpinions('各负责部门均已制定配套政策，保险政策尚在征求意见。') });
    expect(saved.statusCode, saved.body).toBe(200);
    clock.set('2017-10-10T15:30:00+08:00');
    const headers = { ...tokens.lead, 'idempotency-key': 'lead-submit-1', 'if-match': saved.headers.etag as string };
    const first = await inject('POST', `${opinionsUrl(LEAD)}/submit`, headers);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'submitted', version: 4, submittedAt: '2017-10-10T15:30:00+08:00' });
    const retry = await inject('POST', `${opinionsUrl(LEAD)}/submit`, headers);
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.etag).toBe('"v4"');
    expect(retry.json()).toEqual(first.json());
    expect((await audit('action=lead_opinions.submit')).length).toBe(1);
  });

  it('when the set is submitted, submitting again is 409', async () => {
    const response = await inject('POST', `${opinionsUrl(LEAD)}/submit`, tokens.lead);
    expect(response.statusCode).toBe(409);
  });

  it('when the opinions are submitted, the next consolidated read shows them (no stale cache)', async () => {
    const response = await inject('GET', consolidatedUrl, { ...tokens.office, 'if-none-match': consolidatedEtag });
    expect(response.statusCode).toBe(200);
    expect(opinionsOf24(response.json())).toEqual([
      { department: { code: LEAD, name: '市安全监管局' }, status: 'in_progress', progress: 70, assessment: '各负责部门均已制定配套政策，保险政策尚在征求意见。', submittedAt: '2017-10-10T15:30:00+08:00' },
    ]);
  });

  it('when the writes are done, the audit log has lead_opinions.save and .submit rows for the unit, with what changed', async () => {
    const rows = await audit(`entityType=lead-opinions&department=${LEAD}`);
    expect(rows.map((entry) => entry.action)).toEqual(['lead_opinions.submit', 'lead_opinions.save', 'lead_opinions.save', 'lead_opinions.save']);
    for (const entry of rows) expect(entry.entityId).toBe(`${PLAN}/${PERIOD}/${LEAD}`);
    expect(rows[0]).toMatchObject({ before: { status: 'draft', version: 3 }, after: { status: 'submitted', version: 4 } });
    expect(rows[3]).toMatchObject({ before: { status: 'not_started', version: 0 }, after: { status: 'draft', version: 1, changedRows: ['24-1'] } });
    expect((await audit(`period=${PERIOD}&entityType=lead-opinions`)).length).toBe(4);
  });

  it('when the history is read, every version is there oldest first with its opinions', async () => {
    const response = await inject('GET', `${opinionsUrl(LEAD)}/history`, tokens.lead);
    expect(response.statusCode).toBe(200);
    const { opinions, items } = response.json() as { opinions: OpinionSet; items: { version: number; action: string; status: string; opinions: unknown[] }[] };
    expect(opinions.status).toBe('submitted');
    expect(items.map((item) => [item.version, item.action, item.status])).toEqual([
      [1, 'save', 'draft'],
      [2, 'save', 'draft'],
      [3, 'save', 'draft'],
      [4, 'submit', 'submitted'],
    ]);
    expect(items[0]!.opinions).toEqual([{ measureNo: 24, taskSeq: 1, status: 'in_progress', progress: 65, assessment: '初稿' }]);
  });
});

describe('where the office reads the opinions', () => {
  it('when the consolidated CSV is downloaded, each line of the row has 牵头部门意见', async () => {
    const response = await inject('GET', `${consolidatedUrl}.csv`, tokens.office);
    expect(response.statusCode).toBe(200);
    const lines = (parse(response.body, { columns: true, bom: true }) as Record<string, string>[]).filter((candidate) => candidate['措施序号'] === '24');
    expect(lines.length).toBeGreaterThan(0);
    for (const candidate of lines) expect(candidate['牵头部门意见']).toBe('市安全监管局：推进中，70%，各负责部门均已制定配套政策，保险政策尚在征求意见。');
  });

  it('when the consolidated workbook is downloaded, 分工表进展汇总 has the column 牵头部门意见 on the row', async () => {
    const { workbook } = await loadWorkbook(ctx.app, tokens.office, `${consolidatedUrl}.xlsx`);
    const sheet = workbook.getWorksheet('分工表进展汇总')!;
    const measureColumn = column(sheet, '序号');
    const cell = cellsOf(sheet, '牵头部门意见').find((candidate) => sheet.getRow(Number(candidate.row)).getCell(measureColumn).value === 24)!;
    expect(cell.text).toBe('市安全监管局：推进中，70%，各负责部门均已制定配套政策，保险政策尚在征求意见。');
  });

  it('when the summary report is downloaded, the row has a paragraph 牵头部门意见 after 工作进展', async () => {
    const response = await inject('GET', `/v1/plans/${PLAN}/periods/${PERIOD}/summary-report.docx`, tokens.office);
    expect(response.statusCode).toBe(200);
    const docx = await openOoxml(response.rawPayload);
    const texts = paragraphsOf(await docx.xml('word/document.xml')).map((paragraph) => paragraph.text);
    const index = texts.indexOf('牵头部门意见：市安全监管局：推进中，70%，各负责部门均已制定配套政策，保险政策尚在征求意见。');
    expect(index).toBeGreaterThan(0);
    expect(texts[index - 1]).toMatch(/^工作进展：/);
  });

  it('when the lead revises a submitted set, it is a draft again and the office keeps the last submission until it is resubmitted', async () => {
    clock.set('2017-10-11T09:00:00+08:00');
    const revised = await inject('PUT', opinionsUrl(LEAD), tokens.lead, { opinions: await fullOpinions('修订中') });
    expect(revised.statusCode, revised.body).toBe(200);
    expect(revised.json()).toMatchObject({ status: 'draft', version: 5, submittedAt: '2017-10-10T15:30:00+08:00' });
    const meanwhile = (await inject('GET', consolidatedUrl, tokens.office)).json();
    expect(opinionsOf24(meanwhile)).toMatchObject([{ assessment: '各负责部门均已制定配套政策，保险政策尚在征求意见。' }]);
    const resubmitted = await inject('POST', `${opinionsUrl(LEAD)}/submit`, tokens.lead);
    expect(resubmitted.statusCode, resubmitted.body).toBe(200);
    const after = (await inject('GET', consolidatedUrl, tokens.office)).json();
    expect(opinionsOf24(after)).toMatchObject([{ assessment: '修订中', submittedAt: '2017-10-11T09:00:00+08:00' }]);
  });

  it('when the office saves a lead’s opinions on its behalf, the set, its version and the audit row say enteredByOffice', async () => {
    const response = await inject('PUT', opinionsUrl('finance'), tokens.office, { opinions: [{ measureNo: 2, taskSeq: 1, status: 'in_progress', progress: 50, assessment: '纸质报送，代为录入。' }] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'draft', enteredByOffice: true });
    const history = (await inject('GET', `${opinionsUrl('finance')}/history`, tokens.finance)).json() as { items: { enteredByOffice: boolean }[] };
    expect(history.items.at(-1)!.enteredByOffice).toBe(true);
    const [entry] = await audit('entityType=lead-opinions&department=finance');
    expect(entry).toMatchObject({ action: 'lead_opinions.save', after: { enteredByOffice: true } });
    const own = await inject('PUT', opinionsUrl('finance'), tokens.finance, { opinions: [{ measureNo: 2, taskSeq: 1, status: 'in_progress', progress: 55, assessment: '本单位修改。' }] });
    expect(own.json()).toMatchObject({ enteredByOffice: false });
  });

  it('when a unit that leads nothing submits, it is 422', async () => {
    expect((await inject('PUT', opinionsUrl('jinshan-district'), tokens.jinshan, { opinions: [] })).statusCode).toBe(200);
    const response = await inject('POST', `${opinionsUrl('jinshan-district')}/submit`, tokens.jinshan);
    expect(response.statusCode).toBe(422);
  });
});

describe('evidence (佐证材料) for the lead', () => {
  const unit = 'human-resources-social-security'; // 市人力资源社会保障局: responsible on 24.1
  let tied: { id: string; href: string };

  it('when a responsible unit attaches files to its draft, the lead sees none of them; once submitted, those tied to the led row', async () => {
    const url = reportUrl(unit);
    const { tasks } = (await inject('GET', url, tokens.office)).json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] };
    const entries = tasks.filter((task) => task.required).map(({ measureNo, taskSeq }) => ({ measureNo, taskSeq, status: 'in_progress', progress: 20, summary: '人才政策研究中。' }));
    expect((await inject('PUT', url, tokens.office, { entries })).statusCode).toBe(200);
    const onRow = fileForm('人才政策.pdf', pdf('policy'), [['measureNo', '24'], ['taskSeq', '1'], ['description', '政策文件']]);
    const uploaded = await inject('POST', `${url}/attachments`, { ...tokens.office, ...onRow.headers }, onRow.payload);
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    tied = uploaded.json();
    const whole = fileForm('总体情况.png', png());
    expect((await inject('POST', `${url}/attachments`, { ...tokens.office, ...whole.headers }, whole.payload)).statusCode).toBe(201);

    expect(row(await readLed(), 24).attachments).toEqual([]);
    expect((await inject('POST', `${url}/submit`, tokens.office)).statusCode).toBe(200);
    const files = row(await readLed(), 24).attachments;
    expect(files).toEqual([expect.objectContaining({ id: tied.id, department: { code: unit, name: '市人力资源社会保障局' }, fileName: '人才政策.pdf', description: '政策文件', owner: 'report', href: tied.href })]);
  });

  it('when the lead follows the file’s href, it downloads it', async () => {
    const response = await inject('GET', tied.href, tokens.lead);
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(pdf('policy'))).toBe(true);
  });

  it('when the lead attaches a file to its submitted opinions, it is 409; saved again, it may, on a row it leads only', async () => {
    const url = `${opinionsUrl(LEAD)}/attachments`;
    const send = (measureNo: string) => {
      const form = fileForm('汇总说明.pdf', pdf('lead'), [['measureNo', measureNo], ['taskSeq', '1']]);
      return inject('POST', url, { ...tokens.lead, ...form.headers }, form.payload);
    };
    const refused = await send('24');
    expect(refused.statusCode, refused.body).toBe(409);
    const reopened = await inject('PUT', opinionsUrl(LEAD), tokens.lead, { opinions: await fullOpinions('补充附件') });
    expect(reopened.json()).toMatchObject({ status: 'draft' });
    const notLed = await send('1');
    expect(notLed.statusCode).toBe(422);
    const accepted = await send('24');
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(accepted.json()).toMatchObject({ owner: 'lead', department: { code: LEAD }, measureNo: 24, taskSeq: 1, fileName: '汇总说明.pdf' });
    const listed = await inject('GET', url, tokens.lead);
    expect(listed.statusCode).toBe(200);
    expect((listed.json() as { items: { id: string }[] }).items.map((item) => item.id)).toEqual([accepted.json().id]);
  });

  it('when another unit asks for a lead’s opinion attachments, it is 403', async () => {
    expect((await inject('GET', `${opinionsUrl(LEAD)}/attachments`, tokens.finance)).statusCode).toBe(403);
  });
});
