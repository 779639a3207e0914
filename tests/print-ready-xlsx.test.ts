import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATE_FORMAT, XLSX_HEADER_ROW } from '../src/http/print-sheet.js';
import { testClock } from './helpers/clock.js';
import { cellsOf, column, enterAndSubmit, expectPrintReady as expectPrintReadyAt, loadWorkbook, type CarriedRow } from './helpers/workbooks.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

/*
 * Three quarters of a realistic campaign (2017Q4 to 2018Q2, several units, long entries), then the
 * workbooks the office prints. PRINT_PREVIEW_DIR=<dir> also writes them there, to convert with
 * `soffice --headless --convert-to pdf` and look at the pages.
 */
const PLAN = 'hazchem-2017';
const PERIOD = '2018Q2';
const periodUrl = `/v1/plans/${PLAN}/periods/${PERIOD}`;

const clock = testClock('2018-01-05T10:00:00+08:00');
const ctx = useTestApp({ clock });
let office: { authorization: string };

const SUMMARY =
  '组织开展危险化学品安全专项检查,累计检查生产、经营、储存企业126家,发现并督促整改隐患342项,责令停产整顿3家;会同相关部门完成重点监管危险化工工艺自动化控制系统改造情况核查,完成率达到95%以上。';
const PROBLEMS = '部分企业主体责任落实不到位,安全管理人员专业能力不足;基层监管力量仍较薄弱。';
const NEXT_STEPS = '下一季度继续推进专项整治,加强执法检查和专家指导服务,按期完成隐患整改销号。';

/** What a unit reports on a row in a quarter: most rows move on, some stay or fall back, one is blocked. */
function entryOf(progress: number, overrides: Partial<{ status: string; summary: string }> = {}) {
  return { status: progress === 100 ? 'completed' : 'in_progress', progress, summary: SUMMARY, problems: PROBLEMS, nextSteps: NEXT_STEPS, ...overrides };
}

const stalled = (row: CarriedRow) => row.measureNo === 1 && row.taskSeq === 1;

const quarters = [
  { period: '2017Q4', at: '2018-01-08T10:00:00+08:00', base: 30 },
  { period: '2018Q1', at: '2018-04-04T10:00:00+08:00', base: 45 },
  { period: '2018Q2', at: '2018-07-05T10:00:00+08:00', base: 60 },
];

beforeAll(async () => {
  office = await bearer(ctx.app, 'office');
  for (const [index, quarter] of quarters.entries()) {
    clock.set(quarter.at);
    // Measure 1 row 1 stays at 30% (stalled by 2018Q2); measure 2 falls back in 2018Q2 (regressed).
    await enterAndSubmit(ctx.app, office, PLAN, quarter.period, 'work-safety', (row: CarriedRow) => {
      if (stalled(row)) return entryOf(30);
      if (row.measureNo === 2) return entryOf([50, 70, 40][index]!);
      return entryOf(quarter.base);
    });
    await enterAndSubmit(ctx.app, office, PLAN, quarter.period, 'environmental-protection', (row) => entryOf(stalled(row) ? 30 : quarter.base + 10));
    await enterAndSubmit(ctx.app, office, PLAN, quarter.period, 'transport', (row) => entryOf(stalled(row) ? 30 : quarter.base - 10));
    await enterAndSubmit(ctx.app, office, PLAN, quarter.period, 'jinshan-district', (row) =>
      index === 2 && row.measureNo === 9 ? entryOf(20, { status: 'blocked', summary: '企业搬迁补偿方案未获批复,搬迁工作暂停。' }) : entryOf(quarter.base),
    );
  }
  // One unit reports 2018Q2 after the deadline (2018-07-06 17:00), and names its liaisons then.
  clock.set('2018-07-09T09:30:00+08:00');
  await enterAndSubmit(ctx.app, office, PLAN, PERIOD, 'public-security', (row) => entryOf(stalled(row) ? 30 : 50));
  const liaisons = await ctx.app.inject({
    method: 'PUT',
    url: '/v1/departments/work-safety/liaisons',
    headers: office,
    payload: { officer: { name: '张伟', position: '危化处处长', phone: '021-23111111', email: 'zhang.wei@example.gov.cn' }, staff: { name: '李娜', phone: '021-23111112', email: 'li.na@example.gov.cn' } },
  });
  expect(liaisons.statusCode, liaisons.body).toBe(200);
  clock.set('2018-07-10T08:45:00+08:00');
});

const downloads = {
  consolidated: `${periodUrl}/consolidated.xlsx`,
  overview: `${periodUrl}/overview.xlsx`,
  liaisons: '/v1/liaisons.xlsx',
};

async function workbook(url: string) {
  const { workbook: book, response } = await loadWorkbook(ctx.app, office, url);
  if (process.env.PRINT_PREVIEW_DIR) {
    mkdirSync(process.env.PRINT_PREVIEW_DIR, { recursive: true });
    writeFileSync(join(process.env.PRINT_PREVIEW_DIR, url.split('/').at(-1)!), response.rawPayload);
  }
  return book;
}

const expectPrintReady = (sheet: ExcelJS.Worksheet) => expectPrintReadyAt(sheet, '2018-07-10 08:45');

describe('consolidated.xlsx of a period', () => {
  it('when the office downloads it, every sheet is titled, A4 landscape, one page wide, with the header repeated, frozen and page numbers', async () => {
    const book = await workbook(downloads.consolidated);
    expect(book.worksheets.map((sheet) => sheet.name).slice(0, 3)).toEqual(['分工表进展汇总', '未报送单位', '需关注事项']);
    for (const sheet of book.worksheets) expectPrintReady(sheet);
    const table = book.getWorksheet('分工表进展汇总')!;
    expect(table.getCell('A1').value).toBe('危险化学品安全综合治理工作措施和部门分工表进展汇总');
    expect(String(table.getCell('A2').value)).toMatch(/^2018年第二季度\(整治阶段 深化提升\) · 截止 2018-07-06 17:00 · 应报 \d+ 家,已报 5 家\(按时 4,逾期 1\)/);
    expect(table.rowCount).toBe(XLSX_HEADER_ROW + 39);
  });

  it('when a cell holds long text, its row is tall enough for every line, and wide columns hold the long text while codes stay narrow', async () => {
    const table = (await workbook(downloads.consolidated)).getWorksheet('分工表进展汇总')!;
    const progress = cellsOf(table, '各单位进展');
    const first = progress[0]!;
    const units = String(first.value).split('\n').length;
    expect(units).toBeGreaterThanOrEqual(3);
    // Each unit's progress is at least one line; the summaries wrap to several.
    expect(table.getRow(first.fullAddress.row).height).toBeGreaterThan(units * 15);
    expect(table.getRow(XLSX_HEADER_ROW + 39).height).toBeGreaterThan(15);
    expect(table.getColumn(column(table, '具体任务')).width).toBeGreaterThanOrEqual(30);
    expect(table.getColumn(column(table, '各单位进展')).width).toBeGreaterThanOrEqual(30);
    expect(table.getColumn(column(table, '序号')).width).toBeLessThanOrEqual(8);
    expect(first.alignment).toMatchObject({ wrapText: true, vertical: 'top' });
  });

  it('when units have not reported, 未报送单位 gives the deadline as a date cell in Shanghai time', async () => {
    const missing = (await workbook(downloads.consolidated)).getWorksheet('未报送单位')!;
    const deadline = cellsOf(missing, '截止时间')[0]!;
    expect(deadline.type).toBe(ExcelJS.ValueType.Date);
    expect(deadline.numFmt).toBe(DATE_FORMAT);
    // The serial holds the wall-clock time: 17:00 in Shanghai, not 09:00 UTC.
    expect((deadline.value as Date).toISOString()).toBe('2018-07-06T17:00:00.000Z');
  });

  it('when rows are behind plan, 标记 lists their flags one per line and 需关注事项 lists every row flag and every unit missing twice', async () => {
    const book = await workbook(downloads.consolidated);
    const consolidated = (await ctx.app.inject({ method: 'GET', url: `${periodUrl}/consolidated`, headers: office })).json();
    type Flag = { code: string; detail: string };
    const rowFlags: Flag[][] = consolidated.measures.flatMap((measure: { tasks: { flags: Flag[] }[] }) => measure.tasks.map((task) => task.flags));
    expect(rowFlags.flat().map((flag) => flag.code)).toEqual(expect.arrayContaining(['stalled', 'regressed', 'blocked']));

    const marks = cellsOf(book.getWorksheet('分工表进展汇总')!, '标记').map((cell) => cell.text);
    expect(marks).toHaveLength(rowFlags.length);
    rowFlags.forEach((flags, index) => {
      expect(marks[index]!.split('\n').filter(Boolean)).toHaveLength(flags.length);
      for (const flag of flags) expect(marks[index]).toContain(flag.detail);
    });

    const concerns = book.getWorksheet('需关注事项')!;
    const details = cellsOf(concerns, '说明').map((cell) => cell.text);
    expect(details).toHaveLength(rowFlags.flat().length + consolidated.unitFlags.length);
    expect(details).toEqual([...rowFlags.flat().map((flag) => flag.detail), ...consolidated.unitFlags.map((flag: Flag) => flag.detail)]);
    expect(cellsOf(concerns, '类别').map((cell) => cell.text)).toContain('连续两期未报送');
    const subjects = cellsOf(concerns, '具体任务 / 单位').map((cell) => cell.text);
    expect(subjects.slice(-consolidated.unitFlags.length)).toEqual(consolidated.unitFlags.map((flag: { department: { name: string } }) => flag.department.name));
    expect(subjects).toContain('市财政局');
    // Reported late in 2018Q2, so not missing twice.
    expect(subjects).not.toContain('市公安局');
  });

  it('when the office downloads the CSV, it has no title rows, and each unit row carries its row’s flags in 标记', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `${periodUrl}/consolidated.csv`, headers: office });
    expect(response.body.startsWith('\uFEFF措施序号,')).toBe(true);
    const rows: Record<string, string>[] = parse(response.body, { columns: true, bom: true });
    const blocked = rows.find((row) => row['单位代码'] === 'jinshan-district' && row['措施序号'] === '9');
    expect(blocked!['标记']).toContain('受阻:金山区政府报告受阻');
  });
});

describe('progress.xlsx of the campaign', () => {
  it('when the office downloads it, every sheet is print-ready and the flagged rows are tall enough for their flags', async () => {
    const book = await workbook(`/v1/plans/${PLAN}/progress.xlsx`);
    for (const sheet of book.worksheets) expectPrintReady(sheet);
    const tasks = book.getWorksheet('任务进展')!;
    const flagged = cellsOf(tasks, '标记').filter((cell) => cell.text !== '');
    expect(flagged.length).toBeGreaterThan(0);
    for (const cell of flagged) expect(tasks.getRow(cell.fullAddress.row).height).toBeGreaterThanOrEqual(cell.text.split('\n').length * 15);
  });
});

describe('overview.xlsx and the roster', () => {
  it('when the office downloads the 总览 workbook, both sheets are print-ready and submission times are date cells', async () => {
    const book = await workbook(downloads.overview);
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(['催报名单', '报送情况']);
    for (const sheet of book.worksheets) expectPrintReady(sheet);
    expect(String(book.getWorksheet('催报名单')!.getCell('A2').value)).toContain('2018年第二季度 · 截止 2018-07-06 17:00');

    const status = book.getWorksheet('报送情况')!;
    const codes = cellsOf(status, '单位代码').map((cell) => cell.text);
    const submitted = cellsOf(status, '报送时间');
    const late = submitted[codes.indexOf('public-security')]!;
    expect(late.type).toBe(ExcelJS.ValueType.Date);
    expect(late.numFmt).toBe(DATE_FORMAT);
    expect((late.value as Date).toISOString()).toBe('2018-07-09T09:30:00.000Z');
    expect(cellsOf(status, '是否逾期')[codes.indexOf('public-security')]!.text).toBe('逾期');
    expect(submitted[codes.indexOf('finance')]!.value).toBeNull();
  });

  it('when the office downloads the roster, it is print-ready and 更新时间 is a date cell; the CSV keeps ISO 8601 with the offset', async () => {
    const sheet = (await workbook(downloads.liaisons)).getWorksheet('联络员名单')!;
    expectPrintReady(sheet);
    const codes = cellsOf(sheet, '单位代码').map((cell) => cell.text);
    const updated = cellsOf(sheet, '更新时间')[codes.indexOf('work-safety')]!;
    expect(updated.type).toBe(ExcelJS.ValueType.Date);
    expect(updated.numFmt).toBe(DATE_FORMAT);
    expect((updated.value as Date).toISOString()).toBe('2018-07-09T09:30:00.000Z');

    const csv = await ctx.app.inject({ method: 'GET', url: '/v1/liaisons.csv', headers: office });
    const row = (parse(csv.body, { columns: true, bom: true }) as Record<string, string>[]).find((candidate) => candidate['单位代码'] === 'work-safety')!;
    expect(row['更新时间']).toBe('2018-07-09T09:30:00+08:00');
  });
});
