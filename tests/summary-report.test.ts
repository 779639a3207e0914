import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './helpers/clock.js';
import { HOSTILE_TEXT, PLAN, seedCampaign, type Scenario } from './helpers/document-scenario.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { find, findAll, openOoxml, paragraphsOf, pngInfo, textOf, type XmlElement } from './helpers/xml.js';

const clock = testClock('2018-01-02T09:00:00+08:00');
const ctx = useTestApp({ clock });
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const run = promisify(execFile);
const url = (period: string) => `/v1/plans/${PLAN}/periods/${period}/summary-report.docx`;

let scenario: Scenario;
interface Consolidated {
  totals: { expected: number; onTime: number; late: number; missing: number; missingDepartments: { name: string }[] };
  measures: { no: number; title: string; tasks: { seq: number; flags: { code: string; detail: string }[] }[] }[];
  unitFlags: { department: { name: string } }[];
}
const consolidated = async (period: string) => (await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/${period}/consolidated`, headers: scenario.office })).json() as Consolidated;

type Docx = Awaited<ReturnType<typeof openOoxml>> & { body: Buffer; document: XmlElement; paragraphs: { style: string | undefined; text: string }[] };
async function download(period: string): Promise<Docx> {
  const response = await ctx.app.inject({ method: 'GET', url: url(period), headers: scenario.office });
  expect(response.statusCode, response.body).toBe(200);
  const docx = await openOoxml(response.rawPayload);
  const document = await docx.xml('word/document.xml');
  return { ...docx, body: response.rawPayload, document, paragraphs: paragraphsOf(document) };
}

/** The body text between a heading 1 and the next one. */
const section = (docx: Docx, heading: string) => {
  const start = docx.paragraphs.findIndex((paragraph) => paragraph.style === 'Heading1' && paragraph.text === heading);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = docx.paragraphs.findIndex((paragraph, index) => index > start && paragraph.style === 'Heading1');
  return docx.paragraphs.slice(start + 1, end === -1 ? undefined : end);
};

/** A paragraph style's run fonts and size, from styles.xml. */
async function style(docx: Docx, id: string) {
  const styles = await docx.xml('word/styles.xml');
  const definition = findAll(styles, 'w:style').find((candidate) => candidate.attributes['w:styleId'] === id);
  expect(definition, id).toBeDefined();
  return {
    eastAsia: find(definition!, 'w:rFonts')?.attributes['w:eastAsia'],
    ascii: find(definition!, 'w:rFonts')?.attributes['w:ascii'],
    size: find(definition!, 'w:sz')?.attributes['w:val'],
    spacing: find(definition!, 'w:spacing')?.attributes,
    indent: find(definition!, 'w:ind')?.attributes,
  };
}

beforeAll(async () => {
  scenario = await seedCampaign(ctx.app, clock);
});

describe('the quarterly summary report (.docx)', () => {
  let docx: Docx;
  let figures: Consolidated;
  beforeAll(async () => {
    docx = await download('2018Q3');
    figures = await consolidated('2018Q3');
  });

  it('is a Word document with a Chinese file name, for the office only', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: url('2018Q3'), headers: scenario.office });
    expect(response.headers['content-type']).toBe(DOCX);
    expect(response.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('hazchem-2017-2018Q3-进展情况汇总报告.docx')}`);
    expect(response.headers['cache-control']).toBe('private, no-cache');
    const unit = await ctx.app.inject({ method: 'GET', url: url('2018Q3'), headers: await bearer(ctx.app, 'department', 'work-safety') });
    expect(unit.statusCode).toBe(403);
    const unknown = await ctx.app.inject({ method: 'GET', url: url('2030Q1'), headers: scenario.office });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
  });

  it('has an A4 page with the GB/T 9704 margins and 22 lines of 28 pt', async () => {
    expect(find(docx.document, 'w:pgSz')!.attributes).toMatchObject({ 'w:w': '11906', 'w:h': '16838' });
    // 37, 35, 28 and 26 mm in twips.
    expect(find(docx.document, 'w:pgMar')!.attributes).toMatchObject({ 'w:top': '2098', 'w:bottom': '1984', 'w:left': '1587', 'w:right': '1474' });
    const body = await style(docx, 'Normal');
    expect(body).toMatchObject({ eastAsia: '仿宋_GB2312', size: '32', spacing: { 'w:line': '560', 'w:lineRule': 'exact' }, indent: { 'w:firstLineChars': '200' } });
  });

  it('has the title in 2号小标宋, headings in 黑体 and 楷体, and the office and date below the title', async () => {
    expect(await style(docx, 'GwTitle')).toMatchObject({ eastAsia: '方正小标宋简体', ascii: '方正小标宋简体', size: '44' });
    expect(await style(docx, 'Heading1')).toMatchObject({ eastAsia: '黑体', size: '32' });
    expect(await style(docx, 'Heading2')).toMatchObject({ eastAsia: '楷体_GB2312', size: '32' });
    const title = docx.paragraphs.find((paragraph) => paragraph.style === 'GwTitle')!;
    expect(title.text).toBe('上海市危险化学品安全综合治理工作2018年第三季度进展情况汇总报告');
    expect(docx.paragraphs.filter((paragraph) => paragraph.style === 'GwIssuer').map((paragraph) => paragraph.text)).toEqual(['上海市安全生产委员会办公室', '2018年10月25日']);
    expect(docx.paragraphs.filter((paragraph) => paragraph.style === 'Heading1').map((paragraph) => paragraph.text)).toEqual(['一、总体情况', '二、分类推进情况', '三、需关注事项']);
  });

  it('numbers pages "— N —" in 4号宋体, right on odd pages and left on even ones', async () => {
    const settings = await docx.xml('word/settings.xml');
    expect(find(settings, 'w:evenAndOddHeaders')).toBeDefined();
    const references = findAll(docx.document, 'w:footerReference').map((reference) => reference.attributes['w:type']);
    expect(references.sort()).toEqual(['default', 'even']);
    const footers = docx.parts.filter((part) => /^word\/footer\d+\.xml$/.test(part));
    expect(footers).toHaveLength(2);
    const alignments: string[] = [];
    for (const part of footers) {
      const footer = await docx.xml(part);
      const instruction = findAll(footer, 'w:instrText').map(textOf).join('').trim();
      expect(instruction).toBe('PAGE');
      const texts = findAll(footer, 'w:t').map(textOf);
      expect(texts.join('|')).toBe('— | —');
      alignments.push(find(footer, 'w:jc')!.attributes['w:val']!);
    }
    expect(alignments.sort()).toEqual(['left', 'right']);
    expect(await style(docx, 'GwPageNumber')).toMatchObject({ eastAsia: '宋体', size: '28' });
  });

  it('一 gives the submissions, names the missing units in official order and shows a table and three charts', async () => {
    const overview = section(docx, '一、总体情况').map((paragraph) => paragraph.text).join('\n');
    const { totals } = figures;
    expect(overview).toContain(`本期应报送单位${totals.expected}个`);
    expect(overview).toContain(`按时报送${totals.onTime}个、逾期报送${totals.late}个`);
    expect(totals.late).toBe(1);
    expect(overview).toContain(`未报送${totals.missing}个：${totals.missingDepartments.map((unit) => unit.name).join('、')}。`);
    expect(overview).toContain('退回修改1个');

    const table = find(docx.document, 'w:tbl')!;
    const [header, ...rows] = findAll(table, 'w:tr');
    expect(find(header!, 'w:tblHeader')).toBeDefined();
    expect(findAll(header!, 'w:tc').map(textOf)).toEqual(['类别', '任务数（项）', '有报送（项）', '平均进度']);
    expect(findAll(header!, 'w:b').length).toBeGreaterThanOrEqual(4);
    expect(rows).toHaveLength(5);
    const widths = findAll(find(table, 'w:tblGrid')!, 'w:gridCol').map((column) => Number(column.attributes['w:w']));
    expect(widths.reduce((sum, width) => sum + width, 0)).toBeLessThanOrEqual(11906 - 1587 - 1474);

    const images = docx.parts.filter((part) => /^word\/media\/.+\.png$/.test(part));
    expect(images).toHaveLength(3);
    for (const image of images) expect(pngInfo(await docx.raw(image))).toMatchObject({ signature: true, width: 1280, height: 720 });
    const relations = findAll(await docx.xml('word/_rels/document.xml.rels'), 'Relationship');
    const embedded = findAll(docx.document, 'a:blip').map((blip) => relations.find((relation) => relation.attributes.Id === blip.attributes['r:embed'])?.attributes.Target);
    expect(embedded.map((target) => `word/${target}`).sort()).toEqual(images.sort());
    const captions = docx.paragraphs.filter((paragraph) => paragraph.style === 'GwCaption').map((paragraph) => paragraph.text);
    expect(captions).toEqual(['表1　各类别任务进展情况', '图1　各类别任务平均进度', '图2　任务推进状态分布', '图3　应报送单位报送情况']);
  });

  it('二 names every measure, and condenses what the units wrote without interpreting it', async () => {
    const progress = section(docx, '二、分类推进情况').map((paragraph) => paragraph.text);
    for (const measure of figures.measures) expect(progress, `measure ${measure.no}`).toContain(`${measure.no}.${measure.title}`);
    expect(progress.filter((line) => line.startsWith('（') && line.endsWith(')') === false && /^（[一二三四五]）/.test(line))).toHaveLength(5);
    expect(progress.some((line) => line.startsWith('工作进展：') && line.includes('市安全监管局：会同相关部门开展专项检查'))).toBe(true);
    expect(progress.some((line) => line.startsWith('存在问题：') && line.includes('相关标准尚未出台'))).toBe(true);
    expect(progress.some((line) => line.startsWith('下步计划：'))).toBe(true);
    // 浦东新区政府's report was returned: it does not count.
    expect(progress.join('\n')).not.toContain('浦东新区政府：');
    // Markup is text (escaped in the XML); the control character is dropped.
    expect(progress.join('\n')).toContain('市公安局：<script>alert("x")</script> & 检查完毕');
    const raw = (await docx.raw('word/document.xml')).toString();
    expect(raw).not.toContain('<script>');
    expect(raw).not.toContain('\u0007');
    expect(HOSTILE_TEXT).toContain('\u0007');
  });

  it('三 lists the flags of the period by kind, and the units missing twice', async () => {
    const attention = section(docx, '三、需关注事项').map((paragraph) => paragraph.text).join('\n');
    const flags = figures.measures.flatMap((measure) => measure.tasks.flatMap((task) => task.flags.map((flag) => ({ measure, task, flag }))));
    expect(new Set(flags.map(({ flag }) => flag.code))).toEqual(new Set(['stalled', 'regressed', 'blocked']));
    for (const { measure, flag } of flags) {
      expect(attention).toContain(`（${measure.title}）：`);
      if (flag.code !== 'blocked') expect(attention).toContain(flag.detail);
    }
    expect(attention).toContain('市安全监管局报告受阻');
    expect(attention).toMatch(/1\.受阻任务\n.*\n2\.进度停滞任务\n.*\n3\.进度倒退任务/);
    expect(figures.unitFlags.map((flag) => flag.department.name)).toContain('徐汇区政府');
    expect(attention).toContain(`${figures.unitFlags.map((flag) => flag.department.name).join('、')}，2018年第二季度、2018年第三季度连续两期未报送。`);
    expect(attention).not.toContain('浦东新区政府，');
  });

  it('says 本期无 where a period has no flags, and no rows behind yearly targets', async () => {
    const early = await download('2017Q2');
    const attention = section(early, '三、需关注事项').map((paragraph) => paragraph.text);
    // 受阻, 停滞, 倒退, 连续两期未报送 and 未达年度工作目标进度 (nobody has accepted targets here).
    expect(attention.filter((line) => line === '本期无。')).toHaveLength(5);
    expect(attention).toContain('（三）未达年度工作目标进度的任务');
  });
});

describe('the 总结报告 (.docx for the summary period)', () => {
  let docx: Docx;
  beforeAll(async () => {
    docx = await download('summary');
  });

  it('is titled for the whole campaign and lays out its phases', async () => {
    expect(docx.paragraphs.find((paragraph) => paragraph.style === 'GwTitle')!.text).toBe('上海市危险化学品安全综合治理工作总结报告（2017—2019年）');
    const overview = section(docx, '一、综合治理工作总体情况').map((paragraph) => paragraph.text).join('\n');
    expect(overview).toContain('部署阶段（2017年3月1日至2017年3月31日）');
    expect(overview).toContain('整治阶段（2017年3月1日至2019年10月31日），其中深入整治（2017年3月1日至2018年3月31日）、深化提升（2018年4月1日至2019年10月31日）');
    expect(overview).toContain('总结阶段（2019年11月1日至2019年11月30日）');
    expect(docx.paragraphs.filter((paragraph) => paragraph.style === 'Heading1').map((paragraph) => paragraph.text)).toEqual(['一、综合治理工作总体情况', '二、分类推进情况', '三、需关注事项', '四、各单位总结情况']);
  });

  it('has a row for every progress period in its table (not the yearly targets), with the consolidated figures, and the two trend charts', async () => {
    const items = (await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods`, headers: scenario.office })).json().items as { id: string; kind: string }[];
    const periods = items.filter((period) => period.kind !== 'targets');
    expect(periods).toHaveLength(items.length - 3);
    const rows = findAll(find(docx.document, 'w:tbl')!, 'w:tr').slice(1).map((row) => findAll(row, 'w:tc').map(textOf));
    expect(rows).toHaveLength(periods.length);
    expect(rows.map((row) => row[0])).toEqual([
      '2017年第二季度', '2017年第三季度', '2017年第四季度', '2018年第一季度', '2018年第二季度', '2018年第三季度',
      '2018年第四季度', '2019年第一季度', '2019年第二季度', '2019年第三季度', '总结报告',
    ]);
    for (const period of ['2018Q3', 'summary']) {
      const { totals } = await consolidated(period);
      const row = rows[periods.findIndex((candidate) => candidate.id === period)]!;
      expect(row.slice(1, 5)).toEqual([totals.expected, totals.onTime, totals.late, totals.missing].map(String));
    }
    expect(docx.parts.filter((part) => /^word\/media\/.+\.png$/.test(part))).toHaveLength(2);
    expect(docx.paragraphs.filter((paragraph) => paragraph.style === 'GwCaption').map((paragraph) => paragraph.text)).toEqual([
      '表1　各期报送和进展情况', '图1　各期任务平均进度', '图2　各期应报送单位报送情况',
    ]);
  });

  it('then the summary period’s own 二 and 三, and 四 with the units’ 总结报告正文 (tests/summary-narrative.test.ts has the details)', async () => {
    const progress = section(docx, '二、分类推进情况').map((paragraph) => paragraph.text);
    expect(progress.some((line) => line.startsWith('工作进展：') && line.includes('市安全监管局：'))).toBe(true);
    expect(progress.some((line) => line.startsWith('推进情况：已完成，平均进度100%'))).toBe(true);
    expect(section(docx, '三、需关注事项').length).toBeGreaterThan(2);
    const narratives = section(docx, '四、各单位总结情况').map((paragraph) => paragraph.text);
    expect(narratives).toContain('【work-safety】重大危险源全部纳入在线监测。');
  });

  /*
   * LibreOffice must open it as Word would: converted to PDF, it has pages and the fonts fall back
   * to the CJK faces installed (README: Office documents). With UPDATE_SCREENSHOTS=1 the first page
   * of the quarterly report becomes docs/screenshots/summary-report-p1.png.
   */
  it('opens in LibreOffice and prints as pages', async () => {
    const quarter = await download('2018Q3');
    const dir = await mkdtemp(join(tmpdir(), 'summary-report-'));
    try {
      await writeFile(join(dir, 'report.docx'), quarter.body);
      // With the README's fontconfig aliases, as an office on Linux would set it up.
      await mkdir(join(dir, 'config', 'fontconfig', 'conf.d'), { recursive: true });
      await copyFile(new URL('../docs/fontconfig-gbt9704.conf', import.meta.url), join(dir, 'config', 'fontconfig', 'conf.d', '90-gbt9704.conf'));
      const env = { ...process.env, XDG_CONFIG_HOME: join(dir, 'config') };
      await run('soffice', ['--headless', `-env:UserInstallation=file://${dir}/profile`, '--convert-to', 'pdf', '--outdir', dir, join(dir, 'report.docx')], { timeout: 120_000, env });
      expect((await run('pdffonts', [join(dir, 'report.pdf')])).stdout).toMatch(/NotoSerifCJK/);
      const info = (await run('pdfinfo', [join(dir, 'report.pdf')])).stdout;
      expect(Number(/^Pages:\s+(\d+)/m.exec(info)?.[1])).toBeGreaterThan(3);
      expect(info).toMatch(/Page size:\s+595\.\d* x 841\.\d* pts \(A4\)/);
      await run('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', join(dir, 'report.pdf'), join(dir, 'page')]);
      const png = await readFile(join(dir, 'page.png'));
      // A4 at 60 dpi.
      const page = pngInfo(png);
      expect(page.signature).toBe(true);
      expect([Math.round(page.width / 10), Math.round(page.height / 10)]).toEqual([50, 70]);
      if (process.env.UPDATE_SCREENSHOTS === '1') await writeFile(new URL('../docs/screenshots/summary-report-p1.png', import.meta.url), png);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
