import { beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './helpers/clock.js';
import { narrative } from './helpers/fixtures.js';
import { useTestApp } from './helpers/test-app.js';
import { cellsOf, loadWorkbook } from './helpers/workbooks.js';
import { bearer } from './helpers/tokens.js';
import { openOoxml, paragraphsOf } from './helpers/xml.js';

const PLAN = 'hazchem-2017';
const clock = testClock('2019-11-20T10:00:00+08:00');
const ctx = useTestApp({ clock });
const reportUrl = (period: string, code: string) => `/v1/plans/${PLAN}/periods/${period}/reports/${code}`;
const summaryUrl = (code: string) => reportUrl('summary', code);
const zh = { 'accept-language': 'zh-CN' };

type Who = 'office' | 'work-safety' | 'jinshan-district' | 'transport' | 'education' | 'environmental-protection';
const headers = {} as Record<Who, { authorization: string }>;
interface Problem {
  code: string;
  detail: string;
  errors: { path: string; message: string }[];
}
interface Narrative {
  work: string;
  results: string;
  problems: string;
  nextSteps: string;
}

beforeAll(async () => {
  headers.office = await bearer(ctx.app, 'office');
  for (const code of ['work-safety', 'jinshan-district', 'transport', 'education', 'environmental-protection'] as const) headers[code] = await bearer(ctx.app, 'department', code);
});

async function inject(method: 'GET' | 'PUT' | 'POST', url: string, by: Who, payload?: object, extra: Record<string, string> = {}) {
  return ctx.app.inject({ method, url, headers: { ...headers[by], ...extra }, ...(payload ? { payload } : {}) });
}

/** An entry for every required row of the unit's report of the period. */
async function entriesOf(period: string, code: string) {
  const report = await inject('GET', reportUrl(period, code), 'office');
  return (report.json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] }).tasks
    .filter((task) => task.required)
    .map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 80, summary: '按计划推进。' }));
}

async function ok(method: 'PUT' | 'POST', url: string, by: Who, payload?: object) {
  const response = await inject(method, url, by, payload);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { status: string; version: number; enteredByOffice: boolean; narrative: Narrative | null };
}

describe('saving the 总结报告正文', () => {
  it('when a unit saves the summary period with a narrative, the report carries it; a save without one keeps it', async () => {
    const entries = await entriesOf('summary', 'work-safety');
    const saved = await ok('PUT', summaryUrl('work-safety'), 'work-safety', { entries, narrative: narrative('安监') });
    expect(saved.narrative).toEqual(narrative('安监'));
    const kept = await ok('PUT', summaryUrl('work-safety'), 'work-safety', { entries });
    expect(kept.narrative).toEqual(narrative('安监'));
    const read = (await inject('GET', summaryUrl('work-safety'), 'work-safety')).json() as { narrative: Narrative };
    expect(read.narrative).toEqual(narrative('安监'));
  });

  it('when a draft leaves sections empty, it saves; each section is trimmed', async () => {
    const saved = await ok('PUT', summaryUrl('education'), 'education', { entries: [], narrative: { work: '  初稿。\n', results: '', problems: '', nextSteps: '' } });
    expect(saved.narrative).toEqual({ work: '初稿。', results: '', problems: '', nextSteps: '' });
  });

  it('when a section is longer than 20,000 characters or a section is left out, the save is 400 naming the field', async () => {
    const entries = await entriesOf('summary', 'education');
    const long = await inject('PUT', summaryUrl('education'), 'education', { entries, narrative: { ...narrative(), results: '成'.repeat(20_001) } });
    expect(long.statusCode).toBe(400);
    expect((long.json() as Problem).errors.map((error) => error.path)).toEqual(['body.narrative.results']);
    const { nextSteps: _left, ...partial } = narrative();
    const missing = await inject('PUT', summaryUrl('education'), 'education', { entries, narrative: partial });
    expect(missing.statusCode).toBe(400);
    expect((missing.json() as Problem).errors.map((error) => error.path)).toEqual(['body.narrative.nextSteps']);
    const exact = await inject('PUT', summaryUrl('education'), 'education', { entries, narrative: { ...narrative(), results: '成'.repeat(20_000) } });
    expect(exact.statusCode, exact.body).toBe(200);
  });

  it('when a quarter is saved with a narrative, it is 422 on body.narrative and nothing is stored; without one its narrative is null', async () => {
    const entries = await entriesOf('2019Q3', 'work-safety');
    const refused = await inject('PUT', reportUrl('2019Q3', 'work-safety'), 'work-safety', { entries, narrative: narrative() }, zh);
    expect(refused.statusCode).toBe(422);
    const problem = refused.json() as Problem;
    expect(problem.errors).toEqual([{ path: 'body.narrative', message: '只有总结报告可以填写正文' }]);
    expect(problem.detail).toContain('2019Q3');
    expect((await inject('GET', reportUrl('2019Q3', 'work-safety'), 'work-safety')).json()).toMatchObject({ status: 'not_started', version: 0, narrative: null });
    expect((await ok('PUT', reportUrl('2019Q3', 'work-safety'), 'work-safety', { entries })).narrative).toBeNull();
  });

  it('when a year’s targets are saved with a narrative (either address), it is 422 on body.narrative', async () => {
    const entries = [{ measureNo: 1, taskSeq: 1, status: 'in_progress', progress: 50, summary: '年底完成一半。' }];
    for (const url of [`/v1/plans/${PLAN}/years/2019/targets/work-safety`, reportUrl('2019-targets', 'work-safety')]) {
      const refused = await inject('PUT', url, 'work-safety', { entries, narrative: narrative() });
      expect(refused.statusCode, url).toBe(422);
      expect((refused.json() as Problem).errors.map((error) => error.path)).toEqual(['body.narrative']);
    }
    const targets = await ok('PUT', `/v1/plans/${PLAN}/years/2019/targets/work-safety`, 'work-safety', { entries });
    expect(targets.narrative).toBeNull();
  });
});

describe('submitting the 总结报告', () => {
  it('when sections are empty, the submission is 422 with a path per empty section and Chinese messages naming them', async () => {
    const entries = await entriesOf('summary', 'transport');
    await ok('PUT', summaryUrl('transport'), 'transport', { entries, narrative: { ...narrative(), results: ' ', nextSteps: '' } });
    const refused = await inject('POST', `${summaryUrl('transport')}/submit`, 'transport', undefined, zh);
    expect(refused.statusCode).toBe(422);
    const problem = refused.json() as Problem;
    expect(problem.errors).toEqual([
      { path: 'report.narrative.results', message: '总结报告正文“主要成效”尚未填写' },
      { path: 'report.narrative.nextSteps', message: '总结报告正文“下步打算”尚未填写' },
    ]);
    expect(problem.detail).toBe('总结报告正文的“主要成效”、“下步打算”尚未填写');
  });

  it('when no narrative was ever saved, all four sections are named, with the missing rows', async () => {
    await ok('PUT', summaryUrl('environmental-protection'), 'environmental-protection', { entries: [] });
    const refused = await inject('POST', `${summaryUrl('environmental-protection')}/submit`, 'environmental-protection');
    expect(refused.statusCode).toBe(422);
    const paths = (refused.json() as Problem).errors.map((error) => error.path);
    expect(paths.filter((path) => path.startsWith('report.narrative'))).toEqual(['report.narrative.work', 'report.narrative.results', 'report.narrative.problems', 'report.narrative.nextSteps']);
    expect(paths.filter((path) => path === 'report.entries').length).toBeGreaterThan(0);
  });

  it('when a quarter is submitted, no narrative is asked for', async () => {
    const submitted = await ok('POST', `${reportUrl('2019Q3', 'work-safety')}/submit`, 'work-safety');
    expect(submitted).toMatchObject({ status: 'submitted', narrative: null });
  });

  it('when every section is written, the summary report submits, and its history keeps the narrative of each version', async () => {
    const entries = await entriesOf('summary', 'transport');
    await ok('PUT', summaryUrl('transport'), 'transport', { entries, narrative: narrative('交通') });
    const submitted = await ok('POST', `${summaryUrl('transport')}/submit`, 'transport');
    expect(submitted).toMatchObject({ status: 'submitted', narrative: narrative('交通') });
    const history = (await inject('GET', `${summaryUrl('transport')}/history`, 'transport')).json() as { items: { version: number; action: string; narrative: Narrative | null }[] };
    expect(history.items.map((item) => [item.version, item.action, item.narrative?.results])).toEqual([
      [1, 'save', ''],
      [2, 'save', '交通重大危险源全部纳入在线监测。'],
      [3, 'submit', '交通重大危险源全部纳入在线监测。'],
    ]);
    expect(history.items[0]!.narrative).toEqual({ ...narrative(), results: '', nextSteps: '' });
  });

  it('when the office returns it, the unit can revise the narrative and resubmit', async () => {
    await ok('POST', `${summaryUrl('transport')}/return`, 'office', { reason: '主要成效请补充数据。' });
    const revised = await ok('PUT', summaryUrl('transport'), 'transport', { entries: await entriesOf('summary', 'transport'), narrative: { ...narrative('交通'), results: '交通：检查运输车辆1200辆次。' } });
    expect(revised).toMatchObject({ status: 'draft', narrative: { results: '交通：检查运输车辆1200辆次。' } });
    expect((await ok('POST', `${summaryUrl('transport')}/submit`, 'transport')).status).toBe('submitted');
  });

  it('when a submitted summary report is saved again, it is 409 and the narrative stays', async () => {
    const refused = await inject('PUT', summaryUrl('transport'), 'transport', { entries: [], narrative: narrative('改') });
    expect(refused.statusCode).toBe(409);
    expect(((await inject('GET', summaryUrl('transport'), 'transport')).json() as { narrative: Narrative }).narrative.results).toBe('交通：检查运输车辆1200辆次。');
  });

  it('when a save changes the narrative or not, the audit row says so', async () => {
    const response = await inject('GET', `/v1/audit?action=report.save&entityId=${encodeURIComponent(`${PLAN}/summary/work-safety`)}`, 'office');
    expect(response.statusCode, response.body).toBe(200);
    const items = (response.json() as { items: { after: { version: number; narrativeChanged?: boolean; changedTasks: string[] } }[] }).items;
    const byVersion = items.map((item) => item.after).sort((a, b) => a.version - b.version);
    expect(byVersion.map((after) => [after.version, after.narrativeChanged])).toEqual([
      [1, true],
      [2, false],
    ]);
    const quarter = await inject('GET', `/v1/audit?action=report.save&entityId=${encodeURIComponent(`${PLAN}/2019Q3/work-safety`)}`, 'office');
    expect((quarter.json() as { items: { after: object }[] }).items.map((item) => item.after)).toEqual([expect.not.objectContaining({ narrativeChanged: expect.anything() })]);
  });
});

describe('the office entering a summary report sent on paper', () => {
  it('when the office saves and submits a unit’s narrative, it is marked entered on the unit’s behalf, in the report and its versions', async () => {
    const entries = await entriesOf('summary', 'jinshan-district');
    const saved = await ok('PUT', summaryUrl('jinshan-district'), 'office', { entries, narrative: narrative('金山') });
    expect(saved).toMatchObject({ enteredByOffice: true, narrative: narrative('金山') });
    const submitted = await ok('POST', `${summaryUrl('jinshan-district')}/submit`, 'office');
    expect(submitted).toMatchObject({ status: 'submitted', enteredByOffice: true });
    const history = (await inject('GET', `${summaryUrl('jinshan-district')}/history`, 'jinshan-district')).json() as { items: { enteredByOffice: boolean; narrative: Narrative }[] };
    expect(history.items.map((item) => [item.enteredByOffice, item.narrative.work])).toEqual([
      [true, narrative('金山').work],
      [true, narrative('金山').work],
    ]);
  });
});

describe('what the office reads', () => {
  beforeAll(async () => {
    // 市交通委 and 金山区政府 (by the office) have submitted; now 市安全监管局, after them; 市教委 stays a draft.
    clock.set('2019-11-25T10:00:00+08:00');
    await ok('PUT', summaryUrl('work-safety'), 'work-safety', { entries: await entriesOf('summary', 'work-safety'), narrative: narrative('安监') });
    await ok('POST', `${summaryUrl('work-safety')}/submit`, 'work-safety');
  });

  it('when the summary period is consolidated, it lists the narratives the office sees in official order; a quarter has none', async () => {
    const response = await inject('GET', `/v1/plans/${PLAN}/periods/summary/consolidated`, 'office');
    expect(response.statusCode, response.body).toBe(200);
    const { narratives } = response.json() as { narratives: { department: { code: string }; reportStatus: string; narrative: Narrative }[] };
    // The 总览 lists the expected units in official order; the narratives follow it, whenever each was submitted.
    const overview = (await inject('GET', `/v1/plans/${PLAN}/periods/summary/overview`, 'office')).json() as { units: { code: string }[] };
    const official = overview.units.map((unit) => unit.code).filter((code) => ['work-safety', 'transport', 'jinshan-district'].includes(code));
    expect(official).toEqual(['transport', 'work-safety', 'jinshan-district']);
    expect(narratives.map((item) => item.department.code)).toEqual(official);
    expect(narratives[1]).toMatchObject({ department: { code: 'work-safety', name: '市安全监管局' }, reportStatus: 'submitted', narrative: narrative('安监') });
    // 市教委's draft stays private.
    expect(narratives.map((item) => item.department.code)).not.toContain('education');
    const quarter = (await inject('GET', `/v1/plans/${PLAN}/periods/2019Q3/consolidated`, 'office')).json() as object;
    expect(quarter).not.toHaveProperty('narratives');
  });

  it('when the summary period’s workbook is downloaded, the sheet 总结报告正文 has a line per unit in official order; a quarter’s has no such sheet', async () => {
    const { workbook } = await loadWorkbook(ctx.app, headers.office, `/v1/plans/${PLAN}/periods/summary/consolidated.xlsx`);
    const sheet = workbook.getWorksheet('总结报告正文')!;
    expect(sheet).toBeDefined();
    expect(cellsOf(sheet, '单位').map((cell) => cell.value)).toEqual(['市交通委', '市安全监管局', '金山区政府']);
    expect(cellsOf(sheet, '主要成效').map((cell) => cell.value)).toEqual(['交通：检查运输车辆1200辆次。', narrative('安监').results, narrative('金山').results]);
    expect(cellsOf(sheet, '报送状态').map((cell) => cell.value)).toEqual(['已报送', '已报送', '已报送']);
    const quarter = await loadWorkbook(ctx.app, headers.office, `/v1/plans/${PLAN}/periods/2019Q3/consolidated.xlsx`);
    expect(quarter.workbook.getWorksheet('总结报告正文')).toBeUndefined();
  });

  it('when the 总结报告 is downloaded, section 四 compiles the units’ narratives by heading, units in official order, drafts left out', async () => {
    const response = await inject('GET', `/v1/plans/${PLAN}/periods/summary/summary-report.docx`, 'office');
    expect(response.statusCode, response.body).toBe(200);
    const paragraphs = paragraphsOf(await (await openOoxml(response.rawPayload)).xml('word/document.xml'));
    const start = paragraphs.findIndex((paragraph) => paragraph.style === 'Heading1' && paragraph.text === '四、各单位总结情况');
    expect(start).toBeGreaterThan(0);
    const section = paragraphs.slice(start + 1).map((paragraph) => paragraph.text);
    expect(paragraphs.slice(start + 1).filter((paragraph) => paragraph.style === 'Heading2').map((paragraph) => paragraph.text)).toEqual([
      '（一）工作开展情况',
      '（二）主要成效',
      '（三）存在问题',
      '（四）下步打算',
    ]);
    const work = section.slice(section.indexOf('（一）工作开展情况') + 1, section.indexOf('（二）主要成效'));
    expect(work).toEqual([
      '1.市交通委',
      '交通开展危险化学品安全综合治理，完成企业摸底排查。',
      '建立部门联合执法机制。',
      '2.市安全监管局',
      '安监开展危险化学品安全综合治理，完成企业摸底排查。',
      '建立部门联合执法机制。',
      '3.金山区政府',
      '金山开展危险化学品安全综合治理，完成企业摸底排查。',
      '建立部门联合执法机制。',
    ]);
    const results = section.slice(section.indexOf('（二）主要成效') + 1, section.indexOf('（三）存在问题'));
    expect(results).toContain('交通：检查运输车辆1200辆次。');
    expect(section.join('\n')).not.toContain('初稿');
  });
});
