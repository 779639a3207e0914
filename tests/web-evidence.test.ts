import { tmpdir } from 'node:os';
import { describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { choose, expectNoAxeViolations, loaded, screenNames, useBrowser, type ScreenName } from './helpers/browser.js';
import { pdf } from './helpers/files.js';
import { bearer } from './helpers/tokens.js';
import { useWebService } from './helpers/web-service.js';

/*
 * Evidence (issue 11) in the web app, in Debian's Chromium against the real service, at desktop
 * size and on a 390 px phone: a liaison attaches a PDF to the 总结报告 and is told in Chinese when a
 * file is refused, writes the 总结报告正文 and submits; the office reads both and downloads a
 * dossier; a lead department reads a responsible unit's entry in 牵头汇总 and submits its opinion.
 * The seeded plan's periods are past, so every submission is late, as the API allows.
 */
const PLAN = 'hazchem-2017';
const QUARTER = '2019Q3';
const OFFICE_EMAIL = 'evidence.office@example.gov.cn';
/** Units with few rows, different per screen so that each run starts from nothing. */
const UNITS: Record<ScreenName, { summary: { code: string; name: string }; lead: { code: string; name: string }; responsible: { code: string; name: string } }> = {
  desktop: { summary: { code: 'commerce', name: '市商务委' }, lead: { code: 'chemical-industry-park', name: '上海化工区管委会' }, responsible: { code: 'ocean', name: '市海洋局' } },
  phone: { summary: { code: 'culture-radio-film-tv', name: '市文广影视局' }, lead: { code: 'shanghai-railway', name: '上海铁路局' }, responsible: { code: 'postal-administration', name: '市邮政管理局' } },
};
const NARRATIVE = {
  work: '牵头开展本系统危险化学品安全隐患排查。\n\n建立与相关部门的联合检查机制。',
  results: '排查企业120家,整改隐患356项。',
  problems: '部分企业整改资金不足。',
  nextSteps: '巩固治理成果,纳入日常监管。',
};

const service = useWebService();
const browser = useBrowser();

/** antd spaces out two-character button texts (提 交): the name matches with or without the space. */
const named = (text: string) => new RegExp(`^\\s*${[...text].join('\\s*')}\\s*$`);

function screenshotsOnFailure(screen: ScreenName, name: string, pages: Record<string, Page>) {
  onTestFailed(async () => {
    for (const [who, page] of Object.entries(pages)) {
      const file = `${tmpdir()}/web-evidence-${name}-${screen}-${who}.png`;
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.error(`${who} was at ${page.url()} (screenshot ${file})`);
    }
  });
}

/** A unit saves a draft of the period through the API: every required row, `text` on the row `row` (if given); `submit` sends it. */
async function enterReport(code: string, period: string, options: { row?: { measureNo: number; taskSeq: number }; text?: string; submit?: boolean } = {}) {
  const unit = await bearer(service.app, 'department', code);
  const url = `/v1/plans/${PLAN}/periods/${period}/reports/${code}`;
  const tasks = (await service.app.inject({ method: 'GET', url, headers: unit })).json().tasks as { measureNo: number; taskSeq: number; required: boolean }[];
  const entries = tasks
    .filter((task) => task.required)
    .map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 60, summary: task.measureNo === options.row?.measureNo && task.taskSeq === options.row.taskSeq ? options.text : '按计划推进。' }));
  expect((await service.app.inject({ method: 'PUT', url, headers: unit, payload: { entries } })).statusCode).toBe(200);
  if (options.submit) expect((await service.app.inject({ method: 'POST', url: `${url}/submit`, headers: unit })).statusCode).toBe(200);
}

describe.each(screenNames)('on a %s screen', (screen) => {
  const units = UNITS[screen];

  it('when a liaison attaches a PDF to the 总结报告 it is listed with its size and downloads; a file that is no PDF is refused in Chinese; the 总结报告正文 is saved and submitted; the office reads both and downloads the dossier', async () => {
    const liaison = await (await browser.context(screen, { axe: true })).newPage();
    const office = await (await browser.context(screen, { axe: true })).newPage();
    screenshotsOnFailure(screen, 'summary', { liaison, office });
    const { staff } = await service.registerLiaisons(units.summary.code);
    await service.signIn(liaison.context(), staff.email);
    // The rows are drafted already (the quarter's form is tests/web-flow.test.ts's); this page adds the 正文 and the evidence.
    await enterReport(units.summary.code, 'summary');
    await service.createAccount(`${screen}.${OFFICE_EMAIL}`, '值班员');
    await service.signIn(office.context(), `${screen}.${OFFICE_EMAIL}`);

    const assignmentsRead = liaison.waitForResponse((response) => response.url().includes(`/v1/departments/${units.summary.code}/assignments`));
    await liaison.goto(`${service.url}/reports/${PLAN}/summary/${units.summary.code}`);
    await loaded(liaison);
    // The unit leads no row: its menu has no 牵头汇总 (the lead department's test below opens it from there).
    await assignmentsRead;
    if (screen === 'desktop') {
      await liaison.getByRole('menuitem', { name: '台账下载' }).waitFor();
      expect(await liaison.getByRole('menuitem', { name: '牵头汇总' }).count()).toBe(0);
    }
    const evidence = liaison.getByRole('region', { name: '佐证材料' });
    await evidence.getByText('尚未上传佐证材料').waitFor();

    // 佐证材料: a PDF for the row, with a description; it is listed with its size and a link that downloads it.
    await evidence.getByLabel('材料说明').fill('2019年专项检查记录');
    const file = pdf('evidence');
    await evidence.locator('input[type=file]').setInputFiles({ name: '专项检查记录.pdf', mimeType: 'application/pdf', buffer: file });
    await liaison.getByText('已上传专项检查记录.pdf').waitFor();
    const link = evidence.getByRole('link', { name: '专项检查记录.pdf' });
    await link.waitFor();
    await evidence.getByText(`${file.length} B`).waitFor();
    await evidence.getByText('2019年专项检查记录').waitFor();
    const download = await liaison.request.get(`${service.url}${await link.getAttribute('href')}`);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('application/pdf');
    expect(Buffer.compare(await download.body(), file)).toBe(0);

    // A text file named .pdf: the service decides from the content, and says so in Chinese.
    await evidence.locator('input[type=file]').setInputFiles({ name: '说明.pdf', mimeType: 'application/pdf', buffer: Buffer.from('这不是 PDF 文件\n') });
    const refusal = evidence.getByRole('alert');
    await refusal.getByText(/佐证材料须为 PDF/).waitFor();
    expect(await evidence.getByRole('link').count()).toBe(1);

    // The 正文 with a section left empty: the error lands on that section.
    const narrative = liaison.getByRole('region', { name: '总结报告正文' });
    await narrative.getByLabel('工作开展情况').fill(NARRATIVE.work);
    await narrative.getByLabel('存在问题').fill(NARRATIVE.problems);
    await narrative.getByLabel('下步打算').fill(NARRATIVE.nextSteps);
    await liaison.getByRole('button', { name: '保存草稿' }).click();
    await liaison.getByText('草稿已保存').waitFor();
    await liaison.getByRole('button', { name: named('提交') }).click();
    await narrative.getByText('总结报告正文“主要成效”尚未填写').waitFor();
    await expectNoAxeViolations(liaison);
    await narrative.getByLabel('主要成效').fill(NARRATIVE.results);
    await liaison.getByRole('button', { name: named('提交') }).click();
    const dialog = liaison.getByRole('dialog');
    await dialog.getByText('必报任务均已填写').waitFor();
    await dialog.getByRole('button', { name: '确认提交' }).click();
    await liaison.getByText('等待审核').filter({ visible: true }).first().waitFor();
    // Submitted: the evidence stays, without 删除.
    await evidence.getByRole('link', { name: '专项检查记录.pdf' }).waitFor();
    expect(await evidence.getByRole('button', { name: /删除/ }).count()).toBe(0);

    const stored = await service.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/summary/reports/${units.summary.code}`, headers: service.office });
    expect(stored.json()).toMatchObject({ status: 'submitted', narrative: NARRATIVE });

    // The office's review shows the 正文 and the evidence.
    await office.goto(`${service.url}/office/review/${PLAN}/summary?unit=${units.summary.code}`);
    await loaded(office);
    await office.getByText('排查企业120家,整改隐患356项。').waitFor();
    await office.getByRole('link', { name: '专项检查记录.pdf' }).waitFor();
    await expectNoAxeViolations(office);

    // 台账下载: the office picks the unit; the ZIP is that unit's dossier.
    await office.goto(`${service.url}/dossier/${PLAN}`);
    await loaded(office);
    await choose(office, '单位', 0, units.summary.name);
    const button = office.getByRole('link', { name: `下载${units.summary.name}台账(ZIP)` });
    const href = await button.getAttribute('href');
    expect(href).toBe(`/v1/plans/${PLAN}/dossier.zip?department=${units.summary.code}`);
    const zip = await office.request.get(`${service.url}${href}`);
    expect(zip.status()).toBe(200);
    expect(zip.headers()['content-type']).toBe('application/zip');
    expect((await zip.body()).subarray(0, 2).toString('latin1')).toBe('PK');
    await expectNoAxeViolations(office);

    // A liaison downloads its own.
    await liaison.goto(`${service.url}/dossier/${PLAN}`);
    await loaded(liaison);
    expect(await liaison.getByRole('link', { name: `下载${units.summary.name}台账(ZIP)` }).getAttribute('href')).toBe(`/v1/plans/${PLAN}/dossier.zip?department=${units.summary.code}`);
  }, 180_000);

  it('when a responsible unit has reported, its lead department sees the entry in 牵头汇总, who has not reported, and submits its opinion', async () => {
    const lead = await (await browser.context(screen, { axe: true })).newPage();
    screenshotsOnFailure(screen, 'lead', { lead });
    const ledUrl = `/v1/plans/${PLAN}/periods/${QUARTER}/led/${units.lead.code}`;
    const rows = (await service.app.inject({ method: 'GET', url: ledUrl, headers: service.office })).json().rows as { measureNo: number; taskSeq: number; units: { department: { code: string; name: string } }[] }[];
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    const text = `${units.responsible.name}已完成辖区内危险化学品运输企业专项检查。`;
    await enterReport(units.responsible.code, QUARTER, { row, text, submit: true });
    const silent = row.units.find((unit) => unit.department.code !== units.responsible.code)!.department;

    const { staff } = await service.registerLiaisons(units.lead.code);
    await service.signIn(lead.context(), staff.email);
    await lead.goto(`${service.url}/tasks`);
    await loaded(lead);
    if (screen === 'phone') await lead.getByRole('button', { name: '打开菜单' }).click();
    await lead.getByRole('menuitem', { name: '牵头汇总' }).click();
    await lead.getByRole('heading', { name: /^牵头汇总/ }).waitFor();
    expect(new URL(lead.url()).pathname).toBe(`/lead/${PLAN}/${QUARTER}/${units.lead.code}`);
    await loaded(lead);

    // The units' entries are collapsed; the one that reported opens to what it wrote.
    expect(await lead.getByText(text).isVisible()).toBe(false);
    await lead.getByRole('button', { name: new RegExp(`${units.responsible.name}.*已报送`) }).click();
    await lead.getByText(text).waitFor();
    await lead.getByText('未报送单位').waitFor();
    await lead.locator('.ant-tag', { hasText: silent.name }).first().waitFor();
    await expectNoAxeViolations(lead);

    await choose(lead, '汇总状态', 0, '推进中');
    await lead.getByLabel('汇总进度', { exact: true }).fill('70');
    const assessment = '各负责单位按计划推进,尚未报送的单位下季度督办。';
    await lead.getByLabel('汇总意见', { exact: true }).fill(assessment);
    // The lead's own evidence for its opinion, under the opinions (not the unit's quarterly report).
    const evidence = lead.getByRole('region', { name: '佐证材料' });
    await evidence.getByText('尚未上传佐证材料').waitFor();
    await evidence.locator('input[type=file]').setInputFiles({ name: '牵头督办记录.pdf', mimeType: 'application/pdf', buffer: pdf('lead') });
    await lead.getByText('已上传牵头督办记录.pdf').waitFor();
    await evidence.getByRole('link', { name: '牵头督办记录.pdf' }).waitFor();
    await lead.getByRole('button', { name: named('提交') }).click();
    await lead.getByText('牵头汇总意见已提交市安委会办公室').waitFor();
    await lead.getByText(/^已提交。/).waitFor();
    // Submitted: the file stays, without 删除.
    await evidence.getByRole('link', { name: '牵头督办记录.pdf' }).waitFor();
    expect(await evidence.getByRole('button', { name: /删除/ }).count()).toBe(0);
    const files = (await service.app.inject({ method: 'GET', url: `${ledUrl}/opinions/attachments`, headers: service.office })).json();
    expect(files.items.map((file: { fileName: string; owner?: string }) => file.fileName)).toEqual(['牵头督办记录.pdf']);
    const own = (await service.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/${QUARTER}/reports/${units.lead.code}/attachments`, headers: service.office })).json();
    expect(own.items).toEqual([]);

    const opinions = (await service.app.inject({ method: 'GET', url: `${ledUrl}/opinions`, headers: service.office })).json();
    expect(opinions).toMatchObject({ status: 'submitted', opinions: [{ measureNo: row.measureNo, taskSeq: row.taskSeq, status: 'in_progress', progress: 70, assessment }] });
  }, 120_000);
});
