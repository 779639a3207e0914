import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './helpers/clock.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

/*
 * The 年度考核 of 2018 (2018Q1..Q4), hand-computed for three districts whose every report this
 * file writes; every other expected unit submits nothing and scores 0.
 *
 * 金山区政府 (2 required rows: 7-1, 9-2): all four on time; Q1, Q2 accepted; Q4 at 100 and 60.
 *   Accepted 2018 targets: 7-1 completed 100, 9-2 in progress 70 with 整治企业 ≥ 10 家.
 *   Year end (2018Q4): 7-1 completed 100 meets its target; 9-2 at 60 < 70 does not: 1 of 2 met, 50.
 *   expected 4, onTime 4, late 0, missing 0, returned 0, accepted 2; latest 2018Q4, mean 80, 1 of 2 completed
 *   components 100 / 100 / 100 / 80 / 50 → 430 / 5 = 86 → 良好, rank 1
 * 黄浦区政府 (1 row): Q1 on time at 30, Q2 late at 40, Q3 on time then returned and redrafted, Q4 never.
 *   Its 2018 targets are submitted but not reviewed: targets null, 目标未通过审核, component 0.
 *   expected 4, onTime 2, late 1, missing 1, returned 1, accepted 0; latest 2018Q2, mean 40, 0 of 1
 *   components 75 / 50 / 66.7 (2 of 3 stand) / 40 / 0 → 231.7 / 5 = 46.34 → 46.3 → 较差, rank 2
 * 徐汇区政府 (1 row): Q1 late at 20, nothing else; no targets (未设定年度目标).
 *   expected 4, onTime 0, late 1, missing 3, returned 0, accepted 0; latest 2018Q1, mean 20
 *   components 25 / 0 / 100 / 20 / 0 → 145 / 5 = 29 → 较差, rank 3
 * Everyone else: 0 / 0 / 0 / 0 / 0 → 0 → 较差, rank 4 shared.
 * Without targets 金山 would score 380 / 5 = 76 (the last test of the file withdraws them from the sum by weight 0).
 */

const PLAN = 'hazchem-2017';
const YEAR_PERIODS = ['2018Q1', '2018Q2', '2018Q3', '2018Q4'];
const assessmentUrl = (year: number | string) => `/v1/plans/${PLAN}/assessment?year=${year}`;
const rubricUrl = `/v1/plans/${PLAN}/assessment-rubric`;
const reportUrl = (period: string, code: string) => `/v1/plans/${PLAN}/periods/${period}/reports/${code}`;

const clock = testClock('2018-01-01T09:00:00+08:00');
const ctx = useTestApp({ clock });
const headers = {} as Record<string, { authorization: string }>;
const dueAt = new Map<string, Date>();

interface Line {
  rank: number;
  code: string;
  name: string;
  expected: number;
  submitted: number;
  onTime: number;
  late: number;
  missing: number;
  returned: number;
  accepted: number;
  latestPeriod: string | null;
  meanProgress: number | null;
  rowsCompleted: number | null;
  rowsCarried: number | null;
  components: Record<'submission' | 'timeliness' | 'review' | 'progress' | 'targets', number>;
  targets: { rows: number; met: number } | null;
  targetsNote: string | null;
  score: number;
  grade: string;
}
interface Assessment {
  plan: string;
  year: number;
  periods: { id: string }[];
  rubric: { weights: Record<string, number>; grades: { name: string; min: number }[] };
  units: Line[];
}

async function as(code: string) {
  headers[code] ??= await bearer(ctx.app, 'department', code);
  return headers[code]!;
}

async function inject(method: 'GET' | 'PUT' | 'POST', url: string, by: { authorization: string }, payload?: object, extra: Record<string, string> = {}) {
  return ctx.app.inject({ method, url, headers: { ...by, ...extra }, ...(payload ? { payload } : {}) });
}

/** The unit saves an entry per required row (progress as given, in row order) and submits, on time or a day late. */
async function submit(code: string, period: string, progress: number[], when: 'on time' | 'late') {
  const unit = await as(code);
  const { tasks } = (await inject('GET', reportUrl(period, code), unit)).json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] };
  const required = tasks.filter((task) => task.required);
  expect(required).toHaveLength(progress.length);
  const entries = required.map((task, index) => ({
    measureNo: task.measureNo,
    taskSeq: task.taskSeq,
    status: progress[index] === 100 ? 'completed' : 'in_progress',
    progress: progress[index],
    summary: '按计划推进。',
  }));
  const due = dueAt.get(period)!.getTime();
  clock.set(new Date(when === 'on time' ? due - 2 * 3600_000 : due + 24 * 3600_000));
  expect((await inject('PUT', reportUrl(period, code), unit, { entries })).statusCode).toBe(200);
  const submitted = await inject('POST', `${reportUrl(period, code)}/submit`, unit);
  expect(submitted.statusCode, submitted.body).toBe(200);
  expect(submitted.json().late).toBe(when === 'late');
}

async function review(code: string, period: string, action: 'accept' | 'return') {
  const response = await inject('POST', `${reportUrl(period, code)}/${action}`, headers.office!, action === 'return' ? { reason: '请补充。' } : undefined);
  expect(response.statusCode, response.body).toBe(200);
}

async function assessment(year: number | string = 2018): Promise<Assessment> {
  const response = await inject('GET', assessmentUrl(year), headers.office!);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Assessment;
}

const lineOf = (result: Assessment, code: string) => result.units.find((line) => line.code === code)!;

const targetsUrl = (code: string) => `/v1/plans/${PLAN}/years/2018/targets/${code}`;
const jinshanTargets = [
  { measureNo: 7, taskSeq: 1, status: 'completed', progress: 100, summary: '年底前完成。' },
  { measureNo: 9, taskSeq: 2, status: 'in_progress', progress: 70, summary: '年底前完成七成。', metrics: [{ name: '整治企业', value: 10, unit: '家' }] },
];

/** The unit sets its 2018 targets in March and submits them; the office accepts them or leaves them unreviewed. */
async function setTargets(code: string, entries: object[], review: 'accept' | 'none') {
  clock.set('2018-03-01T10:00:00+08:00');
  const unit = await as(code);
  expect((await inject('PUT', targetsUrl(code), unit, { entries })).statusCode).toBe(200);
  expect((await inject('POST', `${targetsUrl(code)}/submit`, unit)).statusCode).toBe(200);
  if (review === 'accept') expect((await inject('POST', `${targetsUrl(code)}/accept`, headers.office!)).statusCode).toBe(200);
}

beforeAll(async () => {
  headers.office = await bearer(ctx.app, 'office');
  const periods = (await inject('GET', `/v1/plans/${PLAN}/periods`, headers.office)).json() as { items: { id: string; dueAt: string }[] };
  for (const period of periods.items) dueAt.set(period.id, new Date(period.dueAt));

  await setTargets('jinshan-district', jinshanTargets, 'accept');
  await setTargets('huangpu-district', [{ measureNo: 7, taskSeq: 1, status: 'in_progress', progress: 30, summary: '推进。' }], 'none');

  for (const period of YEAR_PERIODS) await submit('jinshan-district', period, period === '2018Q4' ? [100, 60] : [50, 50], 'on time');
  await review('jinshan-district', '2018Q1', 'accept');
  await review('jinshan-district', '2018Q2', 'accept');

  await submit('huangpu-district', '2018Q1', [30], 'on time');
  await submit('huangpu-district', '2018Q2', [40], 'late');
  await submit('huangpu-district', '2018Q3', [90], 'on time');
  await review('huangpu-district', '2018Q3', 'return');
  // Revising after the return makes the report a draft again: still returned for the assessment.
  const redraft = await inject('PUT', reportUrl('2018Q3', 'huangpu-district'), await as('huangpu-district'), {
    entries: [{ measureNo: 7, taskSeq: 1, status: 'in_progress', progress: 95, summary: '补充中。' }],
  });
  expect(redraft.json().status).toBe('draft');

  await submit('xuhui-district', '2018Q1', [20], 'late');
  // A 2017 and a 2019 report, which the 2018 assessment must not count.
  await submit('xuhui-district', '2017Q4', [10], 'on time');
  await submit('xuhui-district', '2019Q1', [90], 'on time');
});

describe('the 2018 assessment, computed by hand for three districts', () => {
  it('when one district reported every quarter on time and met 1 of its 2 accepted targets, its line has every figure, 86 and 良好, rank 1', async () => {
    expect(lineOf(await assessment(), 'jinshan-district')).toEqual({
      rank: 1,
      code: 'jinshan-district',
      name: '金山区政府',
      kind: 'district-government',
      expected: 4,
      submitted: 4,
      onTime: 4,
      late: 0,
      missing: 0,
      returned: 0,
      accepted: 2,
      latestPeriod: '2018Q4',
      meanProgress: 80,
      rowsCompleted: 1,
      rowsCarried: 2,
      targetsStatus: 'accepted',
      targets: { rows: 2, met: 1 },
      targetsNote: null,
      targetRows: [
        { measureNo: 7, taskSeq: 1, target: { status: 'completed', progress: 100, metrics: [] }, result: { status: 'completed', progress: 100, metrics: [] }, met: true },
        {
          measureNo: 9,
          taskSeq: 2,
          target: { status: 'in_progress', progress: 70, metrics: [{ name: '整治企业', value: 10, unit: '家' }] },
          result: { status: 'in_progress', progress: 60, metrics: [] },
          met: false,
        },
      ],
      components: { submission: 100, timeliness: 100, review: 100, progress: 80, targets: 50 },
      score: 86,
      grade: '良好',
    });
  });

  it('when a district was late once, returned once and missed once, and its targets are not accepted yet, its line reads 46.3 and 较差, rank 2', async () => {
    expect(lineOf(await assessment(), 'huangpu-district')).toEqual({
      rank: 2,
      code: 'huangpu-district',
      name: '黄浦区政府',
      kind: 'district-government',
      expected: 4,
      submitted: 3,
      onTime: 2,
      late: 1,
      missing: 1,
      returned: 1,
      accepted: 0,
      latestPeriod: '2018Q2',
      meanProgress: 40,
      rowsCompleted: 0,
      rowsCarried: 1,
      targetsStatus: 'submitted',
      targets: null,
      targetsNote: '目标未通过审核',
      targetRows: [],
      components: { submission: 75, timeliness: 50, review: 66.7, progress: 40, targets: 0 },
      score: 46.3,
      grade: '较差',
    });
  });

  it('when a district submitted one quarter late and set no targets, it scores 29, rank 3, marked 未设定年度目标; other years do not count', async () => {
    expect(lineOf(await assessment(), 'xuhui-district')).toMatchObject({
      rank: 3,
      expected: 4,
      submitted: 1,
      onTime: 0,
      late: 1,
      missing: 3,
      returned: 0,
      accepted: 0,
      latestPeriod: '2018Q1',
      meanProgress: 20,
      rowsCompleted: 0,
      rowsCarried: 1,
      targetsStatus: 'not_started',
      targets: null,
      targetsNote: '未设定年度目标',
      components: { submission: 25, timeliness: 0, review: 100, progress: 20, targets: 0 },
      score: 29,
      grade: '较差',
    });
  });

  it('when a unit submitted nothing, it scores 0, 较差, and shares the last rank with every such unit', async () => {
    const result = await assessment();
    const others = result.units.filter((line) => !['jinshan-district', 'huangpu-district', 'xuhui-district'].includes(line.code));
    expect(others.length).toBeGreaterThan(40);
    for (const line of others) {
      expect(line).toMatchObject({ rank: 4, expected: 4, submitted: 0, missing: 4, latestPeriod: null, meanProgress: null, rowsCompleted: null, rowsCarried: null, score: 0, grade: '较差' });
      expect(line.components).toEqual({ submission: 0, timeliness: 0, review: 0, progress: 0, targets: 0 });
      expect(line).toMatchObject({ targets: null, targetsNote: '未设定年度目标' });
    }
  });

  it('lists every expected unit once, in the official order of the 总览', async () => {
    const result = await assessment();
    const overview = (await inject('GET', `/v1/plans/${PLAN}/periods/2018Q1/overview`, headers.office!)).json() as { units: { code: string }[] };
    expect(result.units.map((line) => line.code)).toEqual(overview.units.map((unit) => unit.code));
    expect(result.units.at(-1)!.code).toBe('chongming-district');
  });

  it('echoes the default rubric and the periods whose last day falls in the year', async () => {
    const result = await assessment();
    expect(result.rubric).toEqual({
      weights: { submission: 25, timeliness: 25, review: 25, progress: 25, targets: 25 },
      grades: [{ name: '优秀', min: 90 }, { name: '良好', min: 75 }, { name: '一般', min: 60 }, { name: '较差', min: 0 }],
    });
    expect(result.periods.map((period) => period.id)).toEqual(YEAR_PERIODS);
    expect((await assessment(2017)).periods.map((period) => period.id)).toEqual(['2017Q2', '2017Q3', '2017Q4']);
    const y2019 = await assessment(2019);
    expect(y2019.periods.map((period) => period.id)).toEqual(['2019Q1', '2019Q2', '2019Q3', 'summary']);
    expect(lineOf(y2019, 'xuhui-district')).toMatchObject({ expected: 4, onTime: 1, missing: 3, latestPeriod: '2019Q1', meanProgress: 90 });
  });
});

describe('the year asked for', () => {
  it.each([
    ['a year without periods of the plan (2016)', assessmentUrl(2016)],
    ['no year', `/v1/plans/${PLAN}/assessment`],
    ['a year that is not a number', assessmentUrl('abc')],
  ])('when %s is asked, it answers 400 naming query.year', async (_name, url) => {
    const response = await inject('GET', url, headers.office!);
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toEqual(['query.year']);
  });

  it('when asked in Chinese for 2016, it names the plan’s years in Chinese', async () => {
    const response = await inject('GET', assessmentUrl(2016), headers.office!, undefined, { 'accept-language': 'zh-CN' });
    expect(response.json().errors[0].message).toBe('计划 hazchem-2017 的报送期只在 2017、2018、2019 年');
  });
});

describe('downloads', () => {
  it('the XLSX has the sheets 年度考核 (titled, in official order) and 评分规则 (weights and bands)', async () => {
    const result = await assessment();
    const response = await inject('GET', `/v1/plans/${PLAN}/assessment.xlsx?year=2018`, headers.office!);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('hazchem-2017-2018-年度考核.xlsx')}`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['年度考核', '评分规则']);

    const sheet = workbook.getWorksheet('年度考核')!;
    expect(sheet.getCell('A1').value).toBe('上海市危险化学品安全综合治理实施方案 2018年度考核');
    expect(String(sheet.getCell('A2').value)).toContain('考核期：2018Q1、2018Q2、2018Q3、2018Q4');
    const header = (sheet.getRow(3).values as unknown[]).slice(1);
    expect(header).toEqual(['序号', '单位', '单位代码', '应报期数', '按时报送', '逾期报送', '未报送', '被退回', '审核通过', '进展取自', '平均进度(%)', '已完成任务', '报送任务', '年度目标', '报送率', '及时率', '审核得分', '进展得分', '目标得分', '得分', '等级', '排名']);
    const codes: string[] = [];
    sheet.eachRow((row, number) => {
      if (number > 3) codes.push(String(row.getCell(3).value));
    });
    expect(codes).toEqual(result.units.map((line) => line.code));
    const huangpu = sheet.getRow(4 + codes.indexOf('huangpu-district'));
    expect((huangpu.values as unknown[]).slice(4)).toEqual([4, 2, 1, 1, 1, 0, '2018Q2', 40, 0, 1, '目标未通过审核', 75, 50, 66.7, 40, 0, 46.3, '较差', 2]);
    const jinshan = sheet.getRow(4 + codes.indexOf('jinshan-district'));
    expect(jinshan.getCell(14).value).toBe('1/2 达标');

    const rules = workbook.getWorksheet('评分规则')!;
    const ruleRows: unknown[][] = [];
    rules.eachRow((row, number) => {
      if (number > 3) ruleRows.push((row.values as unknown[]).slice(1, 3));
    });
    expect(ruleRows).toEqual([
      ['权重：报送率', 25],
      ['权重：及时率', 25],
      ['权重：审核得分', 25],
      ['权重：进展得分', 25],
      ['权重：目标得分', 25],
      ['等级：优秀', 90],
      ['等级：良好', 75],
      ['等级：一般', 60],
      ['等级：较差', 0],
    ]);
  });

  it('the CSV has the same lines in the same order', async () => {
    const result = await assessment();
    const response = await inject('GET', `/v1/plans/${PLAN}/assessment.csv?year=2018`, headers.office!);
    expect(response.statusCode).toBe(200);
    const rows: Record<string, string>[] = parse(response.body, { columns: true, bom: true });
    expect(rows.map((row) => row['单位代码'])).toEqual(result.units.map((line) => line.code));
    expect(rows.find((row) => row['单位代码'] === 'jinshan-district')).toMatchObject({ 得分: '86', 等级: '良好', 排名: '1', 年度目标: '1/2 达标', 目标得分: '50' });
  });
});

describe('access', () => {
  it.each([
    ['GET', assessmentUrl(2018)],
    ['GET', `/v1/plans/${PLAN}/assessment.xlsx?year=2018`],
    ['GET', `/v1/plans/${PLAN}/assessment.csv?year=2018`],
    ['GET', rubricUrl],
    ['PUT', rubricUrl],
  ] as const)('when a unit token asks %s %s, it answers 403', async (method, url) => {
    const response = await inject(method, url, await as('jinshan-district'), method === 'PUT' ? { weights: {}, grades: [] } : undefined);
    expect(response.statusCode).toBe(403);
  });
});

const validRubric = () => ({
  weights: { submission: 25, timeliness: 25, review: 25, progress: 25, targets: 25 },
  grades: [{ name: '优秀', min: 90 }, { name: '良好', min: 75 }, { name: '一般', min: 60 }, { name: '较差', min: 0 }],
});

describe('a bad rubric is refused with the field that is wrong', () => {
  const cases: [string, (rubric: ReturnType<typeof validRubric>) => unknown, string, string][] = [
    ['a negative weight', (rubric) => ((rubric.weights.review = -1), rubric), 'body.weights.review', '权重不得为负数'],
    ['weights adding up to 0', (rubric) => ((rubric.weights = { submission: 0, timeliness: 0, review: 0, progress: 0, targets: 0 }), rubric), 'body.weights', '各项权重之和必须大于 0'],
    ['bands out of order', (rubric) => ((rubric.grades[1]!.min = 95), rubric), 'body.grades.1.min', '必须低于上一档的最低分（等级须按分数从高到低排列）'],
    ['two bands with the same min', (rubric) => ((rubric.grades[2]!.min = 75), rubric), 'body.grades.2.min', '必须低于上一档的最低分（等级须按分数从高到低排列）'],
    ['a last band above 0', (rubric) => ((rubric.grades[3]!.min = 10), rubric), 'body.grades.3.min', '最后一档的最低分必须为 0，使每个分数都有等级'],
    ['a repeated grade name', (rubric) => ((rubric.grades[2]!.name = '良好'), rubric), 'body.grades.2.name', '等级名称与前面的重复'],
    ['an empty grade name', (rubric) => ((rubric.grades[0]!.name = '　'), rubric), 'body.grades.0.name', ''],
    ['an unknown weight', (rubric) => ({ ...rubric, weights: { ...rubric.weights, speed: 1 } }), 'body.weights', ''],
    ['no weight for targets', (rubric) => ({ ...rubric, weights: { submission: 25, timeliness: 25, review: 25, progress: 25 } }), 'body.weights.targets', ''],
  ];

  it.each(cases)('when the rubric has %s, it answers 400 on %s', async (_name, spoil, path, zh) => {
    const response = await inject('PUT', rubricUrl, headers.office!, spoil(validRubric()) as object, { 'accept-language': 'zh-CN' });
    expect(response.statusCode, response.body).toBe(400);
    const errors = response.json().errors as { path: string; message: string }[];
    expect(errors.map((error) => error.path)).toEqual([path]);
    if (zh) expect(errors[0]!.message).toBe(zh);
  });
});

describe('changing the rubric', () => {
  it('when the office weighs progress only, the scores, grades and ranks follow; the change is audited', async () => {
    const read = await inject('GET', rubricUrl, headers.office!);
    expect(read.json()).toEqual(validRubric());
    const rubric = { weights: { submission: 0, timeliness: 0, review: 0, progress: 1, targets: 0 }, grades: [{ name: 'A', min: 80 }, { name: 'B', min: 30 }, { name: 'C', min: 0 }] };
    const put = await inject('PUT', rubricUrl, headers.office!, rubric, { 'if-match': read.headers.etag as string });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toEqual(rubric);
    expect(put.headers.etag).not.toBe(read.headers.etag);

    const result = await assessment();
    expect(result.rubric).toEqual(rubric);
    expect(['jinshan-district', 'huangpu-district', 'xuhui-district'].map((code) => lineOf(result, code)).map(({ score, grade, rank }) => [score, grade, rank])).toEqual([
      [80, 'A', 1],
      [40, 'B', 2],
      [20, 'C', 3],
    ]);

    const audit = (await inject('GET', `/v1/audit?entityType=assessment-rubric&entityId=${PLAN}`, headers.office!)).json() as { items: { action: string; before: unknown; after: unknown }[] };
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ action: 'assessment-rubric.set', before: validRubric(), after: rubric });
  });

  it('when review alone counts, two districts tie, they share rank 1 and the next is rank 3', async () => {
    const etag = (await inject('GET', rubricUrl, headers.office!)).headers.etag as string;
    // Review only: 金山 4 of 4 and 徐汇 1 of 1 stand (100 each), 黄浦 2 of 3 (66.7).
    const rubric = { ...validRubric(), weights: { submission: 0, timeliness: 0, review: 1, progress: 0, targets: 0 } };
    expect((await inject('PUT', rubricUrl, headers.office!, rubric, { 'if-match': `W/${etag}` })).statusCode).toBe(200);
    const result = await assessment();
    expect(['jinshan-district', 'xuhui-district', 'huangpu-district'].map((code) => [lineOf(result, code).score, lineOf(result, code).rank])).toEqual([
      [100, 1],
      [100, 1],
      [66.7, 3],
    ]);
  });

  it('when targets alone count, the district that met 1 of 2 accepted targets scores 50 and the two without accepted targets 0', async () => {
    const etag = (await inject('GET', rubricUrl, headers.office!)).headers.etag as string;
    const rubric = { ...validRubric(), weights: { submission: 0, timeliness: 0, review: 0, progress: 0, targets: 1 } };
    expect((await inject('PUT', rubricUrl, headers.office!, rubric, { 'if-match': etag })).statusCode).toBe(200);
    const result = await assessment();
    expect(['jinshan-district', 'huangpu-district', 'xuhui-district'].map((code) => [lineOf(result, code).score, lineOf(result, code).targetsNote])).toEqual([
      [50, null],
      [0, '目标未通过审核'],
      [0, '未设定年度目标'],
    ]);
    // Without the targets (weight 0) 金山's other four components give 380 / 4 = 95.
    const without = { ...validRubric(), weights: { submission: 1, timeliness: 1, review: 1, progress: 1, targets: 0 } };
    const next = (await inject('GET', rubricUrl, headers.office!)).headers.etag as string;
    expect((await inject('PUT', rubricUrl, headers.office!, without, { 'if-match': next })).statusCode).toBe(200);
    expect(lineOf(await assessment(), 'jinshan-district')).toMatchObject({ score: 95, grade: '优秀' });
  });

  it('when the If-Match is stale, it answers 412 and keeps the rubric', async () => {
    const before = await inject('GET', rubricUrl, headers.office!);
    const stale = await inject('PUT', rubricUrl, headers.office!, validRubric(), { 'if-match': '"stale"' });
    expect(stale.statusCode).toBe(412);
    expect((await inject('GET', rubricUrl, headers.office!)).json()).toEqual(before.json());
  });

  it('when a plan is copied, the copy has the source’s rubric', async () => {
    const source = (await inject('GET', rubricUrl, headers.office!)).json();
    const copied = await inject('POST', '/v1/plans', headers.office!, { code: 'hazchem-2027', copyFrom: PLAN, startsOn: '2027-03-01' });
    expect(copied.statusCode, copied.body).toBe(201);
    expect((await inject('GET', '/v1/plans/hazchem-2027/assessment-rubric', headers.office!)).json()).toEqual(source);
  });
});
