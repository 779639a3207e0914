import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { XLSX_HEADER_ROW } from '../src/http/print-sheet.js';
import { testClock } from './helpers/clock.js';
import { adminUrl } from './helpers/database.js';
import { fileForm, pdf, pdfOfSize } from './helpers/files.js';
import { narrative } from './helpers/fixtures.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { enterAndSubmit } from './helpers/workbooks.js';
import { openOoxml, paragraphsOf } from './helpers/xml.js';
import { readZip, type ZipEntry } from './helpers/zip.js';

const PLAN = 'hazchem-2017';
const A = 'work-safety'; // 市安全监管局: responsible for 1.1 and 3.1, leads 24.1 among others
const B = 'jinshan-district'; // 金山区政府
const C = 'transport'; // 市交通委: one large file, for the disconnect
const P1 = '2017Q3';
const P2 = '2018Q2';
const HOSTILE_PATH = '../../x';
const HOSTILE_FORMULA = "=cmd|' /c calc'!A1";
const MiB = 1024 * 1024;
const reportUrl = (period: string, unit: string) => `/v1/plans/${PLAN}/periods/${period}/reports/${unit}`;
const dossierUrl = (query = '') => `/v1/plans/${PLAN}/dossier.zip${query}`;
type Headers = { authorization: string };

const logLines: string[] = [];
const logged = new EventEmitter();
const logStream = { write: (line: string) => void (logLines.push(line), logged.emit('line', line)) };
const clock = testClock('2017-10-09T10:00:00+08:00');
const ctx = useTestApp({ clock, config: { logLevel: 'info' }, deps: () => ({ logStream }) });
const as = {} as Record<'office' | 'unitA' | 'unitB' | 'lead', Headers>;
const uploaded = { tied: pdf('one'), second: pdf('two'), formula: pdf('three'), otherMeasure: pdf('four') };
let requiredOfA: string[] = [];
let requiredOfB: string[] = [];

async function call(method: 'GET' | 'PUT' | 'POST', url: string, by: Headers, payload?: object) {
  const response = await ctx.app.inject({ method, url, headers: by, ...(payload ? { payload } : {}) });
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBeLessThan(300);
  return response.json();
}

async function upload(url: string, by: Headers, name: string, content: Buffer, fields: Array<[string, string]> = []) {
  const form = fileForm(name, content, fields);
  const response = await ctx.app.inject({ method: 'POST', url, headers: { ...by, ...form.headers }, payload: form.payload });
  expect(response.statusCode, response.body).toBe(201);
}

const requiredRows = async (period: string, unit: string) =>
  ((await call('GET', reportUrl(period, unit), as.office)) as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] }).tasks
    .filter((task) => task.required)
    .map((task) => `${task.measureNo}.${task.taskSeq}`);

/** Two units of hostile names, each carrying 1.1 (inserted before anything reads the directory). */
async function insertHostileUnits(app: App) {
  await app.db.execute(sql`insert into departments (code, name, english_name, kind) values
    ('hostile-path', ${HOSTILE_PATH}, 'Hostile path', 'municipal-department'), ('hostile-formula', ${HOSTILE_FORMULA}, 'Hostile formula', 'municipal-department')`);
  await app.db.execute(sql`insert into task_assignments (task_id, role, department_code, position)
    select t.id, 'responsible', d.code, 90 + row_number() over (order by d.code) from tasks t join measures m on m.id = t.measure_id join plans p on p.id = m.plan_id,
    departments d where p.code = ${PLAN} and m.no = 1 and t.seq = 1 and d.code in ('hostile-path', 'hostile-formula')`);
}

async function insertReminders(app: App, unit: string, period: string, statuses: Array<[string, 'email' | 'webhook', string]>) {
  for (const [kind, channel, status] of statuses) {
    await app.db.execute(sql`insert into reminders (plan_id, period_id, department_code, kind, channel, send_at, status, updated_at)
      select id, ${period}, ${unit}, ${kind}, ${channel}, now(), ${status}::reminder_status, now() from plans where code = ${PLAN}`);
  }
}

beforeAll(async () => {
  await insertHostileUnits(ctx.app);
  as.office = await bearer(ctx.app, 'office');
  as.unitA = await bearer(ctx.app, 'department', A);
  as.unitB = await bearer(ctx.app, 'department', B);
  as.lead = as.unitA;
  requiredOfA = await requiredRows(P1, A);
  requiredOfB = await requiredRows(P1, B);

  // P1, unit A: saved, four files (two of the same name, one named like a formula, one on another measure's row), submitted on time, returned.
  const entries = requiredOfA.map((key) => {
    const [measureNo, taskSeq] = key.split('.').map(Number);
    return key === '3.1'
      ? { measureNo, taskSeq, status: 'in_progress', progress: 60, summary: '布局规划已报市政府。', problems: '=HYPERLINK("http://x")' }
      : { measureNo, taskSeq, status: 'in_progress', progress: 40, summary: '推进中。' };
  });
  await call('PUT', reportUrl(P1, A), as.unitA, { entries });
  const attachUrl = `${reportUrl(P1, A)}/attachments`;
  await upload(attachUrl, as.unitA, '监管人员配备.pdf', uploaded.tied, [['measureNo', '3'], ['taskSeq', '1']]);
  clock.set('2017-10-09T10:01:00+08:00');
  await upload(attachUrl, as.unitA, '监管人员配备.pdf', uploaded.second);
  clock.set('2017-10-09T10:02:00+08:00');
  await upload(attachUrl, as.unitA, '..\\..\\=cmd.pdf', uploaded.formula);
  clock.set('2017-10-09T10:03:00+08:00');
  await upload(attachUrl, as.unitA, '人员名单.pdf', uploaded.otherMeasure, [['measureNo', '1'], ['taskSeq', '1']]);
  await call('POST', `${reportUrl(P1, A)}/submit`, as.unitA);
  clock.set('2017-10-10T09:00:00+08:00');
  await call('POST', `${reportUrl(P1, A)}/return`, as.office, { reason: '=请补充照片' });

  // P1, unit A as a lead: its opinions on every row it leads, with a file, submitted.
  clock.set('2017-10-11T15:00:00+08:00');
  const opinionsUrl = `/v1/plans/${PLAN}/periods/${P1}/led/${A}/opinions`;
  const { rows } = (await call('GET', opinionsUrl, as.lead)) as { rows: { measureNo: number; taskSeq: number }[] };
  const opinions = rows.map(({ measureNo, taskSeq }) => ({ measureNo, taskSeq, status: 'in_progress', progress: 50, assessment: `措施${measureNo}各责任单位均已部署。` }));
  await call('PUT', opinionsUrl, as.lead, { opinions });
  await upload(`${opinionsUrl}/attachments`, as.lead, '监管人员配备.pdf', pdf('lead'));
  await call('POST', `${opinionsUrl}/submit`, as.lead);

  // P1: the hostile units report; C reports with a file larger than the sockets' buffers.
  for (const unit of ['hostile-path', 'hostile-formula']) await enterAndSubmit(ctx.app, as.office, PLAN, P1, unit, () => ({ status: 'in_progress', progress: 20, summary: '起步。' }));
  const entriesOfC = (await requiredRows(P1, C)).map((key) => ({ measureNo: Number(key.split('.')[0]), taskSeq: Number(key.split('.')[1]), status: 'in_progress', progress: 10, summary: '起步。' }));
  await call('PUT', reportUrl(P1, C), as.office, { entries: entriesOfC });
  await upload(`${reportUrl(P1, C)}/attachments`, as.office, '大文件.pdf', pdfOfSize(12 * MiB));
  await call('POST', `${reportUrl(P1, C)}/submit`, as.office);

  // Reminders: A got 3 (an e-mail sent, one recorded without SMTP, a webhook sent; a cancelled one does not count), B got 2.
  await insertReminders(ctx.app, A, P1, [['before-3d', 'email', 'sent'], ['before-1d', 'email', 'recorded'], ['before-1d', 'webhook', 'sent'], ['overdue-1', 'email', 'cancelled']]);
  await insertReminders(ctx.app, B, P1, [['before-3d', 'email', 'sent'], ['overdue-1', 'email', 'sent'], ['overdue-2', 'email', 'planned']]);

  // P2: A submits late (due 2018-07-06 17:00) and is accepted; B only saves a draft.
  clock.set('2018-07-10T09:30:00+08:00');
  await enterAndSubmit(ctx.app, as.office, PLAN, P2, A, () => ({ status: 'in_progress', progress: 70, summary: '第二季度推进。' }));
  clock.set('2018-07-12T10:00:00+08:00');
  await call('POST', `${reportUrl(P2, A)}/accept`, as.office);
  const [draftMeasure, draftSeq] = requiredOfB[0]!.split('.').map(Number);
  await call('PUT', reportUrl(P2, B), as.office, { entries: [{ measureNo: draftMeasure, taskSeq: draftSeq, status: 'in_progress', progress: 30, summary: '草稿。' }] });
}, 120_000);

async function download(by: Headers, query = '') {
  const response = await ctx.app.inject({ method: 'GET', url: dossierUrl(query), headers: by });
  expect(response.statusCode, response.body.slice(0, 500)).toBe(200);
  const entries = await readZip(response.rawPayload);
  return { response, entries, entry: (name: string) => entries.find((candidate) => candidate.name === name) };
}

type IndexLine = Record<string, unknown>;
async function indexOf(entries: ZipEntry[]): Promise<IndexLine[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(entries[0]!.data as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('台账索引')!;
  const headers = (sheet.getRow(XLSX_HEADER_ROW).values as unknown[]).map((value) => String(value ?? ''));
  const lines: IndexLine[] = [];
  for (let number = XLSX_HEADER_ROW + 1; number <= sheet.rowCount; number += 1) {
    const values = sheet.getRow(number).values as unknown[];
    lines.push(Object.fromEntries(headers.map((header, index) => [header, values[index] ?? null]).filter(([header]) => header !== '')));
  }
  return lines;
}
const linesOf = (index: IndexLine[], period: string, unit: string) => index.filter((line) => line['期次'] === period && line['单位代码'] === unit);
const keyOf = (line: IndexLine) => `${line['措施序号']}.${line['任务序号']}`;
const auditOf = (entries: ZipEntry[]) => parse(entries.at(-1)!.data, { bom: true, columns: true }) as Record<string, string>[];
async function docxText(entry: ZipEntry | undefined) {
  expect(entry).toBeDefined();
  const document = await (await openOoxml(entry!.data)).xml('word/document.xml');
  return paragraphsOf(document).map((paragraph) => paragraph.text);
}

describe('the office downloads the whole dossier', () => {
  let dossier: Awaited<ReturnType<typeof download>>;
  beforeAll(async () => {
    dossier = await download(as.office);
  });

  it('streams a ZIP with a Chinese file name, chunked, without Content-Length', () => {
    const { headers } = dossier.response;
    expect(headers['content-type']).toBe('application/zip');
    expect(headers['content-disposition']).toBe(`attachment; filename="__-${PLAN}-__.zip"; filename*=UTF-8''${encodeURIComponent(`台账-${PLAN}-全部.zip`)}`);
    expect(headers['transfer-encoding']).toBe('chunked');
    expect(headers['content-length']).toBeUndefined();
  });

  it('opens with 索引.xlsx, ends with 审计记录.csv, and files each report, opinions and attachment under its period and unit', () => {
    const names = dossier.entries.map((entry) => entry.name);
    expect(names[0]).toBe('索引.xlsx');
    expect(names.at(-1)).toBe('审计记录.csv');
    const folder = `2017年第三季度/市安全监管局`;
    expect(names.filter((name) => name.startsWith(`${folder}/`))).toEqual([
      `${folder}/报告.docx`,
      `${folder}/牵头汇总意见.docx`,
      `${folder}/附件/监管人员配备.pdf`,
      `${folder}/附件/监管人员配备(2).pdf`,
      `${folder}/附件/=cmd.pdf`,
      `${folder}/附件/人员名单.pdf`,
      `${folder}/附件/监管人员配备(3).pdf`,
    ]);
    expect(names).toContain('2018年第二季度/市安全监管局/报告.docx');
    expect(names).toContain('2018年第二季度/金山区政府/报告.docx');
    expect(names.some((name) => name.startsWith('2017年第三季度/金山区政府/'))).toBe(false);
  });

  it('sets the UTF-8 flag (bit 11) on every entry, so Windows shows the Chinese names', () => {
    for (const entry of dossier.entries) expect(entry.flags & 0x800, entry.name).toBe(0x800);
  });

  it('dates entries with Shanghai wall-clock time and stores attachments and documents without recompressing them', () => {
    const report = dossier.entry('2017年第三季度/市安全监管局/报告.docx')!;
    // Updated when the office returned it, 2017-10-10 09:00 in Shanghai.
    expect(report.dosTime).toMatchObject({ year: 2017, month: 10, day: 10, hour: 9, minute: 0 });
    expect(dossier.entry('2017年第三季度/市安全监管局/附件/监管人员配备.pdf')!.compressionMethod).toBe(0);
    expect(dossier.entries[0]!.compressionMethod).toBe(0);
    expect(dossier.entries.at(-1)!.compressionMethod).toBe(8);
  });

  it('gives each attachment back byte for byte, a repeated name as 名称(2).pdf', () => {
    const file = (name: string) => dossier.entry(`2017年第三季度/市安全监管局/附件/${name}`)!.data;
    expect(file('监管人员配备.pdf').equals(uploaded.tied)).toBe(true);
    expect(file('监管人员配备(2).pdf').equals(uploaded.second)).toBe(true);
    expect(file('=cmd.pdf').equals(uploaded.formula)).toBe(true);
    expect(file('人员名单.pdf').equals(uploaded.otherMeasure)).toBe(true);
    expect(file('监管人员配备(3).pdf').equals(pdf('lead'))).toBe(true);
  });

  it('keeps hostile unit names harmless: no folder climbs out or splits, and =cmd stays text', async () => {
    for (const entry of dossier.entries) {
      expect(entry.name.split('/'), entry.name).not.toContain('..');
      expect(entry.name).not.toMatch(/^\/|\\|[\u0000-\u001f]/);
    }
    const names = dossier.entries.map((entry) => entry.name);
    expect(names).toContain('2017年第三季度/.._.._x/报告.docx');
    expect(names).toContain("2017年第三季度/=cmd_' _c calc'!A1/报告.docx");
    const audit = auditOf(dossier.entries).filter((row) => row['单位代码'] === 'hostile-formula');
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((row) => row['单位'] === `'${HOSTILE_FORMULA}`)).toBe(true);
    const index = await indexOf(dossier.entries);
    expect(linesOf(index, '2017年第三季度', 'hostile-formula')[0]!['单位']).toBe(HOSTILE_FORMULA);
  });

  it('prints 索引.xlsx like the other exports: a merged title, the scope and time under it, the header frozen and repeated', async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(dossier.entries[0]!.data as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('台账索引')!;
    expect(sheet.getCell('A1').value).toBe('上海市危险化学品安全综合治理实施方案台账索引');
    expect(sheet.getCell('A1').isMerged).toBe(true);
    expect(String(sheet.getCell('A2').value)).toMatch(/^范围：全部单位 · \d+ 期 · 生成于 2018-07-12 10:00$/);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: XLSX_HEADER_ROW });
    expect(sheet.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1, printTitlesRow: `${XLSX_HEADER_ROW}:${XLSX_HEADER_ROW}` });
    expect(sheet.getRow(XLSX_HEADER_ROW).getCell(1).font).toMatchObject({ bold: true });
  });

  it('indexes A and B in 2017Q3 row by row: status, progress, time, lateness, review, reminders and files', async () => {
    const index = await indexOf(dossier.entries);
    const a = linesOf(index, '2017年第三季度', A);
    expect(a.map(keyOf)).toEqual(requiredOfA);
    const common = { 单位: '市安全监管局', 报送状态: '已退回', 报送时间: new Date('2017-10-09T10:03:00Z'), 是否逾期: '按时', 审核结果: '退回', 退回原因: '=请补充照片', 催报次数: 3, 报告附件合计: 4 };
    expect(a.find((line) => keyOf(line) === '3.1')).toMatchObject({ ...common, 职责: '负责', 进展状态: '推进中', '进度(%)': 60, 本任务附件: 1 });
    expect(a.find((line) => keyOf(line) === '1.1')).toMatchObject({ ...common, '进度(%)': 40, 本任务附件: 1 });
    expect(a.filter((line) => !['1.1', '3.1'].includes(keyOf(line))).every((line) => line['本任务附件'] === 0 && line['催报次数'] === 3)).toBe(true);
    const b = linesOf(index, '2017年第三季度', B);
    expect(b.map(keyOf)).toEqual(requiredOfB);
    for (const line of b) {
      expect(line).toMatchObject({ 单位: '金山区政府', 报送状态: '未填报', 进展状态: null, '进度(%)': null, 报送时间: null, 是否逾期: null, 审核结果: null, 催报次数: 2, 本任务附件: 0, 报告附件合计: 0 });
    }
  });

  it('indexes A and B in 2018Q2: accepted but late, and a draft', async () => {
    const index = await indexOf(dossier.entries);
    const a = linesOf(index, '2018年第二季度', A);
    expect(a).toHaveLength(requiredOfA.length);
    expect(a[0]).toMatchObject({ 报送状态: '审核通过', 进展状态: '推进中', '进度(%)': 70, 报送时间: new Date('2018-07-10T09:30:00Z'), 是否逾期: '逾期', 审核结果: '审核通过', 退回原因: null, 催报次数: 0 });
    const b = linesOf(index, '2018年第二季度', B);
    expect(b).toHaveLength(requiredOfB.length);
    expect(b.find((line) => keyOf(line) === requiredOfB[0])).toMatchObject({ 报送状态: '草稿未报送', 进展状态: '推进中', '进度(%)': 30, 报送时间: null, 审核结果: null });
  });

  it('writes the report as it stands into 报告.docx, and the submitted opinions into 牵头汇总意见.docx', async () => {
    const report = await docxText(dossier.entry('2017年第三季度/市安全监管局/报告.docx'));
    expect(report.slice(0, 1)).toEqual(['市安全监管局2017年第三季度工作进展情况报告']);
    expect(report).toContain('报送状态：已退回（第3版）');
    expect(report).toContain('报送时间：2017-10-09 10:03（按时）');
    expect(report).toContain('审核结果：退回（2017-10-10 09:00）');
    expect(report).toContain('退回原因：=请补充照片');
    expect(report).toContain('工作进展：布局规划已报市政府。');
    expect(report).toContain('存在问题：=HYPERLINK("http://x")');
    expect(report).toContain('1. 监管人员配备.pdf（措施3第1项）');
    expect(report).toContain('3. =cmd.pdf');
    const opinions = await docxText(dossier.entry('2017年第三季度/市安全监管局/牵头汇总意见.docx'));
    expect(opinions).toContain('汇总意见：措施24各责任单位均已部署。');
    expect(opinions).toContain('1. 监管人员配备(3).pdf');
  });

  it('lists in 审计记录.csv every audited write of A’s report, files and opinions of 2017Q3, in order', () => {
    const rows = auditOf(dossier.entries).filter((row) => row['单位代码'] === A && row['期次'] === '2017年第三季度');
    expect(rows.map((row) => row['操作'])).toEqual([
      'report.save',
      'attachment.add',
      'attachment.add',
      'attachment.add',
      'attachment.add',
      'report.submit',
      'report.return',
      'lead_opinions.save',
      'attachment.add',
      'lead_opinions.submit',
    ]);
    expect(rows[6]).toMatchObject({ 时间: '2017-10-10T09:00:00+08:00', 操作说明: '退回报告', 操作者: '市安委会办公室', 对象编号: `${PLAN}/${P1}/${A}` });
    expect(rows.map((row) => row['操作说明'])).toEqual(['保存报告', ...Array(4).fill('上传佐证材料'), '提交报告', '退回报告', '保存牵头汇总意见', '上传佐证材料', '提交牵头汇总意见']);
    expect(JSON.parse(rows[6]!['变更后']!)).toMatchObject({ status: 'returned', reason: '=请补充照片' });
  });
});

describe('narrowing the dossier', () => {
  it('with measure=3, keeps only measure 3’s rows, and leaves out files tied to other measures', async () => {
    const { entries, entry } = await download(as.office, '?measure=3');
    const index = await indexOf(entries);
    expect(index.length).toBeGreaterThan(0);
    expect(index.every((line) => line['措施序号'] === 3)).toBe(true);
    const names = entries.map((candidate) => candidate.name);
    const files = names.filter((name) => name.startsWith('2017年第三季度/市安全监管局/附件/'));
    expect(files).toEqual(['监管人员配备.pdf', '监管人员配备(2).pdf', '=cmd.pdf'].map((name) => `2017年第三季度/市安全监管局/附件/${name}`));
    const report = await docxText(entry('2017年第三季度/市安全监管局/报告.docx'));
    expect(report.some((text) => text.includes('措施1第1项'))).toBe(false);
    expect(report).toContain('本台账仅收录措施3的任务。');
    // The file tied to 1.1 is out; those of the whole report and of the opinions stay.
    const added = auditOf(entries).filter((row) => row['操作'] === 'attachment.add' && row['单位代码'] === A && row['期次'] === '2017年第三季度');
    expect(added.map((row) => JSON.parse(row['变更后']!).fileName)).toEqual(['监管人员配备.pdf', '监管人员配备.pdf', '=cmd.pdf', '监管人员配备.pdf']);
  });

  it('gives a unit its own dossier without other units’ files, and refuses it another unit’s', async () => {
    const { entries } = await download(as.unitA);
    const folders = new Set(entries.slice(1, -1).map((entry) => entry.name.split('/')[1]));
    expect([...folders]).toEqual(['市安全监管局']);
    expect(new Set((await indexOf(entries)).map((line) => line['单位代码']))).toEqual(new Set([A]));
    expect(auditOf(entries).every((row) => row['单位代码'] === A)).toBe(true);
    const refused = await ctx.app.inject({ method: 'GET', url: dossierUrl(`?department=${B}`), headers: as.unitA });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });

  it('gives the office one unit’s dossier with department=, and answers 404 for an unknown measure', async () => {
    const { entries } = await download(as.office, `?department=${B}&period=${P2}`);
    expect(entries.map((entry) => entry.name)).toEqual(['索引.xlsx', '2018年第二季度/金山区政府/报告.docx', '审计记录.csv']);
    expect((await ctx.app.inject({ method: 'GET', url: dossierUrl('?measure=99'), headers: as.office })).statusCode).toBe(404);
  });
});

describe('the 总结报告', () => {
  it('writes the unit’s 总结报告正文 into its 报告.docx, section by section, paragraph by paragraph', async () => {
    const entries = requiredOfA.map((key) => ({ measureNo: Number(key.split('.')[0]), taskSeq: Number(key.split('.')[1]), status: 'completed', progress: 100, summary: '已完成。' }));
    await call('PUT', reportUrl('summary', A), as.unitA, { entries, narrative: narrative('安监') });
    const { entries: zip, entry } = await download(as.unitA, '?period=summary');
    expect(zip.map((candidate) => candidate.name)).toEqual(['索引.xlsx', '总结报告/市安全监管局/报告.docx', '审计记录.csv']);
    const text = await docxText(entry('总结报告/市安全监管局/报告.docx'));
    expect(text[0]).toBe('市安全监管局综合治理工作总结报告');
    expect(text).toContain('报送状态：草稿未报送（第1版）');
    const body = text.slice(text.indexOf('三、总结报告正文'));
    expect(body.slice(0, 4)).toEqual(['三、总结报告正文', '（一）工作开展情况', '安监开展危险化学品安全综合治理，完成企业摸底排查。', '建立部门联合执法机制。']);
    expect(body).toContain('（四）下步打算');
  });
});

describe('a client that goes away', () => {
  it('stops the work: no more entries are made and no query runs on', async () => {
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = ctx.app.server.address() as { port: number };
    const stopped = new Promise<void>((resolve) => {
      const listener = (line: string) => {
        if (!line.includes('dossier stopped')) return;
        logged.off('line', listener);
        resolve();
      };
      logged.on('line', listener);
    });
    // One connection, read up to its first bytes (the 12 MiB file is yet to come), then dropped.
    const request = http.get({ host: '127.0.0.1', port, path: dossierUrl(), headers: as.office, agent: false });
    const [response] = (await once(request, 'response')) as [http.IncomingMessage];
    expect(response.statusCode).toBe(200);
    await once(response, 'readable');
    request.destroy();
    await stopped;
    expect(logLines.filter((line) => line.includes('dossier failed'))).toEqual([]);
    const pool = (ctx.app.db as unknown as { $client: pg.Pool }).$client;
    while (pool.totalCount !== pool.idleCount) await once(pool, 'release');
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const active = await admin.query(`select query from pg_stat_activity where datname = $1 and state = 'active'`, [ctx.database.name]);
      expect(active.rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});

describe('on the embedded database (PGlite)', () => {
  const embedded = useTestApp({ driver: 'pglite', clock: testClock('2017-10-09T10:00:00+08:00') });

  it('streams the same dossier, attachments included', async () => {
    const office = await bearer(embedded.app, 'office');
    const url = reportUrl(P1, A);
    const { tasks } = (await embedded.app.inject({ method: 'GET', url, headers: office })).json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] };
    const entries = tasks.filter((task) => task.required).map(({ measureNo, taskSeq }) => ({ measureNo, taskSeq, status: 'in_progress', progress: 40, summary: '推进中。' }));
    expect((await embedded.app.inject({ method: 'PUT', url, headers: office, payload: { entries } })).statusCode).toBe(200);
    const content = pdfOfSize(MiB);
    const form = fileForm('现场照片说明.pdf', content);
    expect((await embedded.app.inject({ method: 'POST', url: `${url}/attachments`, headers: { ...office, ...form.headers }, payload: form.payload })).statusCode).toBe(201);
    expect((await embedded.app.inject({ method: 'POST', url: `${url}/submit`, headers: office })).statusCode).toBe(200);
    const response = await embedded.app.inject({ method: 'GET', url: dossierUrl(`?department=${A}&period=${P1}`), headers: office });
    expect(response.statusCode).toBe(200);
    const zip = await readZip(response.rawPayload);
    expect(zip.map((entry) => entry.name)).toEqual(['索引.xlsx', '2017年第三季度/市安全监管局/报告.docx', '2017年第三季度/市安全监管局/附件/现场照片说明.pdf', '审计记录.csv']);
    expect(zip[2]!.data.equals(content)).toBe(true);
  });
});
