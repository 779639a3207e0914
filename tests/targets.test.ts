import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './helpers/clock.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

/* A year's targets (分年度工作任务目标): the report of period `<year>-targets`, under /years/{year}/targets. */

const PLAN = 'hazchem-2017';
const clock = testClock('2018-03-01T10:00:00+08:00');
const ctx = useTestApp({ clock });
const url = (code: string, year = 2018) => `/v1/plans/${PLAN}/years/${year}/targets/${code}`;
const headers = {} as Record<string, { authorization: string }>;

const targets = [
  { measureNo: 7, taskSeq: 1, status: 'completed', progress: 100, summary: '年底前完成区内危险化学品企业整治。', metrics: [{ name: '完成危险化学品企业安全风险评估', value: 120, unit: '家' }] },
  { measureNo: 9, taskSeq: 2, status: 'in_progress', progress: 60, summary: '推进化工企业转型升级。' },
];

async function inject(method: 'GET' | 'PUT' | 'POST', path: string, by: { authorization: string }, payload?: object, extra: Record<string, string> = {}) {
  return ctx.app.inject({ method, url: path, headers: { ...by, ...extra }, ...(payload ? { payload } : {}) });
}

beforeAll(async () => {
  headers.office = await bearer(ctx.app, 'office');
  headers.jinshan = await bearer(ctx.app, 'department', 'jinshan-district');
  headers.fengxian = await bearer(ctx.app, 'department', 'fengxian-district');
});

describe('a unit sets its targets and the office reviews them', () => {
  it('when a unit reads its targets before setting them, they are not_started with the rows it carries and the targets deadline', async () => {
    const response = await inject('GET', url('jinshan-district'), headers.jinshan!);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers.etag).toBe('"v0"');
    expect(response.json()).toMatchObject({ period: '2018-targets', status: 'not_started', version: 0, dueAt: '2018-03-30T17:00:00+08:00', entries: [] });
    expect(response.json().tasks.filter((task: { required: boolean }) => task.required).map((task: { measureNo: number; taskSeq: number }) => `${task.measureNo}-${task.taskSeq}`)).toEqual(['7-1', '9-2']);
  });

  it('when a target says blocked, it answers 422 naming body.entries.<n>.status, in Chinese when asked', async () => {
    const entries = [targets[0], { ...targets[1], status: 'blocked' }];
    const response = await inject('PUT', url('jinshan-district'), headers.jinshan!, { entries }, { 'accept-language': 'zh-CN' });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([{ path: 'body.entries.1.status', message: '年度目标不能设为受阻，请填写预期年底达到的状态' }]);
  });

  it('when another unit reads or writes them, it answers 403', async () => {
    expect((await inject('GET', url('jinshan-district'), headers.fengxian!)).statusCode).toBe(403);
    expect((await inject('PUT', url('jinshan-district'), headers.fengxian!, { entries: targets })).statusCode).toBe(403);
    expect((await inject('POST', `${url('jinshan-district')}/submit`, headers.fengxian!)).statusCode).toBe(403);
  });

  it('saves a draft with If-Match, refuses a stale one with 412, and is the same report as /periods/2018-targets/reports', async () => {
    const saved = await inject('PUT', url('jinshan-district'), headers.jinshan!, { entries: targets }, { 'if-match': '"v0"' });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ status: 'draft', version: 1, entries: targets });
    const stale = await inject('PUT', url('jinshan-district'), headers.jinshan!, { entries: targets }, { 'if-match': '"v0"' });
    expect(stale.statusCode).toBe(412);
    const same = await inject('GET', `/v1/plans/${PLAN}/periods/2018-targets/reports/jinshan-district`, headers.jinshan!);
    expect(same.json()).toEqual(saved.json());
  });

  it('when the unit submits with an Idempotency-Key, a retry replays the first answer', async () => {
    const first = await inject('POST', `${url('jinshan-district')}/submit`, headers.jinshan!, undefined, { 'idempotency-key': 'targets-2018-1' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'submitted', late: false, submittedAt: '2018-03-01T10:00:00+08:00' });
    const retry = await inject('POST', `${url('jinshan-district')}/submit`, headers.jinshan!, undefined, { 'idempotency-key': 'targets-2018-1' });
    expect(retry.statusCode).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
  });

  it('when a unit tries to accept its own targets, it answers 403; the office returns them with a reason, the unit is told', async () => {
    expect((await inject('POST', `${url('jinshan-district')}/accept`, headers.jinshan!)).statusCode).toBe(403);
    const returned = await inject('POST', `${url('jinshan-district')}/return`, headers.office!, { reason: '措施9目标进度偏低,请调整。' });
    expect(returned.statusCode, returned.body).toBe(200);
    expect(returned.json()).toMatchObject({ status: 'returned', returnReason: '措施9目标进度偏低,请调整。' });
    const feed = (await inject('GET', '/v1/departments/jinshan-district/notifications', headers.jinshan!)).json() as { items: { subject: string; body: string }[] };
    expect(feed.items[0]!.subject).toBe('【退回】金山区政府2018年度工作目标被退回,请修改后重新报送');
    expect(feed.items[0]!.body).toContain('/targets/hazchem-2017/2018/jinshan-district');
  });

  it('when the unit resubmits and the office accepts, the history has every version and the audit names the targets period', async () => {
    const raised = [targets[0], { ...targets[1], progress: 80 }];
    expect((await inject('PUT', url('jinshan-district'), headers.jinshan!, { entries: raised })).statusCode).toBe(200);
    expect((await inject('POST', `${url('jinshan-district')}/submit`, headers.jinshan!)).statusCode).toBe(200);
    const accepted = await inject('POST', `${url('jinshan-district')}/accept`, headers.office!);
    expect(accepted.json()).toMatchObject({ status: 'accepted', entries: raised });
    const history = (await inject('GET', `${url('jinshan-district')}/history`, headers.office!)).json() as { items: { action: string }[] };
    expect(history.items.map((item) => item.action)).toEqual(['save', 'submit', 'return', 'save', 'submit', 'accept']);
    const audit = (await inject('GET', '/v1/audit?action=report.accept', headers.office!)).json() as { items: { entityId: string }[] };
    expect(audit.items[0]!.entityId).toBe('hazchem-2017/2018-targets/jinshan-district');
  });

  it('when the office enters targets sent on paper, they are marked enteredByOffice', async () => {
    const entries = [{ measureNo: 7, taskSeq: 1, status: 'in_progress', progress: 50, summary: '纸质报送。' }];
    const response = await inject('PUT', url('fengxian-district'), headers.office!, { entries });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ enteredByOffice: true });
  });

  it('when the year is not a plan year, it answers 404; a malformed year is 400 on params.year', async () => {
    expect((await inject('GET', url('jinshan-district', 2016), headers.jinshan!)).statusCode).toBe(404);
    expect((await inject('GET', `/v1/plans/${PLAN}/years/20x8/targets/jinshan-district`, headers.jinshan!)).json().errors.map((error: { path: string }) => error.path)).toEqual(['params.year']);
  });
});

describe('the deadline', () => {
  it('2017’s targets are due at the end of the 部署阶段, 2017-03-31 17:00; a submission after the moved deadline is late', async () => {
    const response = await inject('GET', url('jinshan-district', 2017), headers.jinshan!);
    expect(response.json().dueAt).toBe('2017-03-31T17:00:00+08:00');
    const moved = await ctx.app.inject({ method: 'PATCH', url: `/v1/plans/${PLAN}/periods/2019-targets`, headers: headers.office!, payload: { dueAt: '2019-02-28T17:00:00+08:00' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await inject('GET', url('jinshan-district', 2019), headers.jinshan!)).json().dueAt).toBe('2019-02-28T17:00:00+08:00');
    clock.set('2019-03-01T09:00:00+08:00');
    expect((await inject('PUT', url('jinshan-district', 2019), headers.jinshan!, { entries: targets })).statusCode).toBe(200);
    expect((await inject('POST', `${url('jinshan-district', 2019)}/submit`, headers.jinshan!)).json()).toMatchObject({ status: 'submitted', late: true });
    clock.set('2018-03-01T10:00:00+08:00');
  });
});

describe('the office’s list of a year’s targets', () => {
  it('lists every expected unit in official order with its status, rows set and targets, and the units missing', async () => {
    const response = await inject('GET', `/v1/plans/${PLAN}/years/2018/targets`, headers.office!);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    const overview = (await inject('GET', `/v1/plans/${PLAN}/periods/2018-targets/overview`, headers.office!)).json() as { units: { code: string }[] };
    expect(body.units.map((unit: { code: string }) => unit.code)).toEqual(overview.units.map((unit) => unit.code));
    expect(body.period).toMatchObject({ id: '2018-targets', kind: 'targets', dueAt: '2018-03-30T17:00:00+08:00' });
    expect(body.units.find((unit: { code: string }) => unit.code === 'jinshan-district')).toMatchObject({ status: 'accepted', late: false, rowsRequired: 2, rowsSet: 2 });
    // 奉贤's targets are a draft entered by the office: private until submitted, so none are shown.
    expect(body.units.find((unit: { code: string }) => unit.code === 'fengxian-district')).toMatchObject({ status: 'draft', rowsSet: 0, entries: [] });
    expect(body.missing).toHaveLength(body.units.length - 1);
    expect(body.missing.map((unit: { code: string }) => unit.code)).not.toContain('jinshan-district');
    expect(body.totals).toMatchObject({ expected: body.units.length, submitted: 1, accepted: 1, notSubmitted: body.units.length - 1 });
  });

  it('the CSV has one line per unit and row in official order, and 未设定 for the units without targets', async () => {
    const response = await inject('GET', `/v1/plans/${PLAN}/years/2018/targets.csv`, headers.office!);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain(encodeURIComponent('hazchem-2017-2018-年度工作目标.csv'));
    const rows: Record<string, string>[] = parse(response.body, { columns: true, bom: true });
    const list = (await inject('GET', `/v1/plans/${PLAN}/years/2018/targets`, headers.office!)).json() as { units: { code: string }[] };
    expect([...new Set(rows.map((row) => row['单位代码']))]).toEqual(list.units.map((unit) => unit.code));
    expect(rows.filter((row) => row['单位代码'] === 'jinshan-district')).toEqual([
      expect.objectContaining({ 单位: '金山区政府', 审核状态: '审核通过', '措施/任务': '措施7 第1项', 目标状态: '已完成', '目标进度(%)': '100', 量化指标: '完成危险化学品企业安全风险评估 120家', 目标说明: '年底前完成区内危险化学品企业整治。' }),
      expect.objectContaining({ '措施/任务': '措施9 第2项', 目标状态: '推进中', '目标进度(%)': '80', 量化指标: '' }),
    ]);
    expect(rows.find((row) => row['单位代码'] === 'chongming-district')).toMatchObject({ '措施/任务': '未设定', 审核状态: '未填报' });
  });

  it('the workbook has 年度工作目标 and the 催报名单 of units without targets', async () => {
    const response = await inject('GET', `/v1/plans/${PLAN}/years/2018/targets.xlsx`, headers.office!);
    expect(response.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['年度工作目标', '催报名单']);
    const sheet = workbook.getWorksheet('年度工作目标')!;
    expect(sheet.getCell('A1').value).toBe('2018年度工作目标');
    expect((sheet.getRow(3).values as unknown[]).slice(1)).toEqual(['序号', '单位', '单位代码', '审核状态', '措施/任务', '目标状态', '目标进度(%)', '量化指标', '目标说明']);
    const chase = workbook.getWorksheet('催报名单')!;
    const names: string[] = [];
    chase.eachRow((row, number) => {
      if (number > 3) names.push(String(row.getCell(3).value));
    });
    expect(names).not.toContain('jinshan-district');
    expect(names.at(-1)).toBe('chongming-district');
  });

  it('when a unit asks for the list or its downloads, it answers 403', async () => {
    for (const suffix of ['', '.csv', '.xlsx']) expect((await inject('GET', `/v1/plans/${PLAN}/years/2018/targets${suffix}`, headers.jinshan!)).statusCode).toBe(403);
  });
});

describe('targets are no progress period', () => {
  it('the consolidated report and the summary report of a targets period are 404; the progress matrix has no targets column', async () => {
    expect((await inject('GET', `/v1/plans/${PLAN}/periods/2018-targets/consolidated`, headers.office!)).statusCode).toBe(404);
    expect((await inject('GET', `/v1/plans/${PLAN}/periods/2018-targets/summary-report.docx`, headers.office!)).statusCode).toBe(404);
    const progress = (await inject('GET', `/v1/plans/${PLAN}/progress`, headers.office!)).json() as { periods: string[] };
    expect(progress.periods).toEqual(['2017Q2', '2017Q3', '2017Q4', '2018Q1', '2018Q2', '2018Q3', '2018Q4', '2019Q1', '2019Q2', '2019Q3', 'summary']);
  });
});
