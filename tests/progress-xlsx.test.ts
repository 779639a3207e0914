import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { XLSX_HEADER_ROW } from '../src/http/print-sheet.js';
import { FLAGGED_FILL } from '../src/modules/consolidated/progress.export.js';
import { testClock } from './helpers/clock.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { cellsOf, column, enterAndSubmit, expectPrintReady, loadWorkbook } from './helpers/workbooks.js';

/*
 * A small campaign: 市安全监管局 reports three quarters (measure 2 falls back from 70% to 40% in
 * 2018Q2), and 金山区政府 reports 2018Q2 only, with one row blocked.
 */
const PLAN = 'hazchem-2017';
const clock = testClock('2018-01-05T10:00:00+08:00');
const ctx = useTestApp({ clock });
let office: { authorization: string };

const PERIODS = ['2017Q2', '2017Q3', '2017Q4', '2018Q1', '2018Q2', '2018Q3', '2018Q4', '2019Q1', '2019Q2', '2019Q3', 'summary'];
const entry = (progress: number, status = 'in_progress') => ({ status, progress, summary: `本季度推进至${progress}%。` });

beforeAll(async () => {
  office = await bearer(ctx.app, 'office');
  const quarters = [
    { period: '2017Q4', at: '2018-01-08T10:00:00+08:00', measure2: 50, other: 30 },
    { period: '2018Q1', at: '2018-04-04T10:00:00+08:00', measure2: 70, other: 45 },
    { period: '2018Q2', at: '2018-07-05T10:00:00+08:00', measure2: 40, other: 60 },
  ];
  for (const quarter of quarters) {
    clock.set(quarter.at);
    await enterAndSubmit(ctx.app, office, PLAN, quarter.period, 'work-safety', (row) => entry(row.measureNo === 2 ? quarter.measure2 : quarter.other));
  }
  await enterAndSubmit(ctx.app, office, PLAN, '2018Q2', 'jinshan-district', (row) => (row.measureNo === 9 ? entry(20, 'blocked') : entry(50)));
  clock.set('2018-07-10T08:45:00+08:00');
});

const workbook = async () => (await loadWorkbook(ctx.app, office, `/v1/plans/${PLAN}/progress.xlsx`)).workbook;

/** The data row of measure `no` (措施进度矩阵) or of task row `no`-`seq` (任务进展). */
function rowOf(sheet: ExcelJS.Worksheet, no: number, seq?: number) {
  const numbers = cellsOf(sheet, seq === undefined ? '序号' : '措施序号').map((cell) => cell.value);
  const seqs = seq === undefined ? [] : cellsOf(sheet, '任务序号').map((cell) => cell.value);
  const index = numbers.findIndex((value, at) => value === no && (seq === undefined || seqs[at] === seq));
  expect(index, `row ${no}-${seq}`).toBeGreaterThanOrEqual(0);
  return sheet.getRow(XLSX_HEADER_ROW + 1 + index);
}

describe('GET /v1/plans/{plan}/progress.xlsx', () => {
  it('when the office downloads it, it has the three sheets, each print-ready', async () => {
    const book = await workbook();
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['措施进度矩阵', '任务进展', '报送情况']);
    for (const sheet of book.worksheets) expectPrintReady(sheet, '2018-07-10 08:45');
    expect(String(book.worksheets[0]!.getCell('A2').value)).toContain('2017年第二季度至总结报告,共 11 期');
  });

  it('when measures have counted reports, 措施进度矩阵 holds their mean progress per period as numbers, empty without data', async () => {
    const sheet = (await workbook()).getWorksheet('措施进度矩阵')!;
    expect(sheet.getRow(XLSX_HEADER_ROW).values).toEqual([undefined, '序号', '工作措施', '类别', '2017年\n第二季度', '2017年\n第三季度', '2017年\n第四季度', '2018年\n第一季度', '2018年\n第二季度', '2018年\n第三季度', '2018年\n第四季度', '2019年\n第一季度', '2019年\n第二季度', '2019年\n第三季度', '总结报告']);
    expect(sheet.rowCount).toBe(XLSX_HEADER_ROW + 31);
    const periodsOf = (row: ExcelJS.Row) => PERIODS.map((_period, index) => row.getCell(4 + index).value);
    const measure2 = rowOf(sheet, 2);
    expect(measure2.getCell(2).value).toBe('加大资金支持力度');
    expect(measure2.getCell(3).value).toBe('(一)加强统筹协调,积极争取政策支持和指导');
    expect(periodsOf(measure2)).toEqual([null, null, 50, 70, 40, null, null, null, null, null, null]);
    expect(periodsOf(rowOf(sheet, 1))).toEqual([null, null, 30, 45, 60, null, null, null, null, null, null]);
  });

  it('when the office opens the matrix, a red–yellow–green colour scale covers the numbers, pinned to 0, 50 and 100', async () => {
    // exceljs reads conditional formats back into conditionalFormattings, which its typings leave out.
    const sheet = (await workbook()).getWorksheet('措施进度矩阵')! as ExcelJS.Worksheet & { conditionalFormattings: ExcelJS.ConditionalFormattingOptions[] };
    expect(sheet.conditionalFormattings).toHaveLength(1);
    const [formatting] = sheet.conditionalFormattings;
    expect(formatting!.ref).toBe(`D${XLSX_HEADER_ROW + 1}:N${XLSX_HEADER_ROW + 31}`);
    expect(formatting!.rules).toHaveLength(1);
    const rule = formatting!.rules[0] as ExcelJS.ColorScaleRuleType;
    expect(rule.type).toBe('colorScale');
    expect(rule.cfvo?.map((point) => [point.type, Number(point.value)])).toEqual([['num', 0], ['num', 50], ['num', 100]]);
    expect(rule.color?.map((colour) => colour.argb)).toEqual(['FFF8696B', 'FFFFEB84', 'FF63BE7B']);
  });

  it('when a row is flagged in a period, 任务进展 shows its status and progress there, fills that cell and lists the flag with its period', async () => {
    const sheet = (await workbook()).getWorksheet('任务进展')!;
    const row = rowOf(sheet, 2, 1);
    const q4 = column(sheet, '2017年\n第四季度');
    const q2 = column(sheet, '2018年\n第二季度');
    expect([row.getCell(q4 - 2).value, row.getCell(q4).value, row.getCell(q4 + 1).value, row.getCell(q2).value]).toEqual(['暂无报送', '推进中 50%', '推进中 70%', '推进中 40%']);
    expect(row.getCell(q2).fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: FLAGGED_FILL } });
    expect(row.getCell(q4 + 1).fill).not.toMatchObject({ pattern: 'solid' });
    // The 总结报告 period ends after the 整治阶段, but nobody reported on the row in it or the two
    // periods before it: nothing is known there, so it is not flagged overdue.
    const flags = String(row.getCell(column(sheet, '标记')).value).split('\n');
    expect(flags).toEqual(['2018Q2 进度倒退:平均进度由 70% 降至 40%']);

    const blocked = rowOf(sheet, 9, 2);
    expect(String(blocked.getCell(q2).value)).toMatch(/^受阻 /);
    expect(blocked.getCell(q2).fill).toMatchObject({ fgColor: { argb: FLAGGED_FILL } });
    expect(String(blocked.getCell(column(sheet, '标记')).value)).toContain('2018Q2 受阻:金山区政府报告受阻');
  });

  it('when units have reported, 报送情况 gives each period’s figures as the JSON matrix does', async () => {
    const sheet = (await workbook()).getWorksheet('报送情况')!;
    const { submissions } = (await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/progress`, headers: office })).json();
    const q2 = submissions.find((figures: { period: string }) => figures.period === '2018Q2');
    expect(q2).toMatchObject({ submitted: 2, onTime: 2, late: 0 });
    const row = sheet.getRow(XLSX_HEADER_ROW + 1 + PERIODS.indexOf('2018Q2'));
    expect((row.values as unknown[]).slice(1)).toEqual(['2018年第二季度', q2.expected, 2, 2, 0, q2.missing, 0, 0, 2]);
    expect(sheet.getRow(sheet.rowCount).getCell(1).value).toBe('总结报告');
  });
});

describe('GET /v1/plans/{plan}/progress.csv', () => {
  it('when the office downloads it, there is one line per task row and period, with the flags', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/progress.csv`, headers: office });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain("filename*=UTF-8''hazchem-2017-");
    const rows: Record<string, string>[] = parse(response.body, { columns: true, bom: true });
    expect(rows).toHaveLength(39 * PERIODS.length);
    const line = rows.find((row) => row['措施序号'] === '2' && row['任务序号'] === '1' && row['期次'] === '2018Q2');
    expect(line).toMatchObject({ 任务进展: '推进中', '平均进度(%)': '40', '措施平均进度(%)': '40', 标记: '进度倒退:平均进度由 70% 降至 40%' });
    expect(rows.find((row) => row['期次'] === '2017Q2')).toMatchObject({ 任务进展: '暂无报送', '平均进度(%)': '' });
  });
});

describe('who may download the progress matrix', () => {
  it.each(['progress.xlsx', 'progress.csv'])('when a unit asks for %s, it is 403', async (file) => {
    const response = await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/${file}`, headers: await bearer(ctx.app, 'department', 'work-safety') });
    expect(response.statusCode).toBe(403);
  });

  it('when the plan does not exist, it is 404', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/v1/plans/nope/progress.xlsx', headers: office });
    expect(response.statusCode).toBe(404);
  });
});
