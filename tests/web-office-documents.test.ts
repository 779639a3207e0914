import { readFile } from 'node:fs/promises';
import { beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { tmpdir } from 'node:os';
import { expectNoAxeViolations, loaded, screenNames, useBrowser, type ScreenName } from './helpers/browser.js';
import { bearer } from './helpers/tokens.js';
import { useWebService } from './helpers/web-service.js';

/*
 * The office's documents in the web app, in Debian's Chromium against the real service, at
 * desktop size and on a 390 px phone: the 文档 downloads of the 总览, the 图表 page, the
 * behind-plan flags of 工作进展 and the 年度考核 with its 评分规则.
 */
const PLAN = 'hazchem-2017';
const PERIOD = '2019Q3';
const YEAR = 2019;
const OFFICE_EMAIL = 'documents.office@example.gov.cn';
/** 市公安局 carries row 1.1 and reports it 受阻 (blocked) in 2019Q3: the row is flagged. */
const BLOCKING_UNIT = 'public-security';
/** 金山区政府 reports 2019Q3 in progress at 50%. */
const DISTRICT = 'jinshan-district';
const DEFAULT_RUBRIC = {
  weights: { submission: 25, timeliness: 25, review: 25, progress: 25, targets: 25 },
  grades: [{ name: '优秀', min: 90 }, { name: '良好', min: 75 }, { name: '一般', min: 60 }, { name: '较差', min: 0 }],
};
const DISTRICTS_IN_ORDER = ['黄浦区政府', '徐汇区政府', '长宁区政府', '静安区政府', '普陀区政府', '虹口区政府', '杨浦区政府', '闵行区政府', '宝山区政府', '嘉定区政府', '浦东新区政府', '金山区政府', '松江区政府', '青浦区政府', '奉贤区政府', '崇明区政府'];
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const service = useWebService();
const browser = useBrowser();

/** Files and submits `code`'s 2019Q3 report: row 1.1 as given, every other row in progress at 50%. */
async function submit(code: string, row11: { status: string; progress: number }) {
  const headers = await bearer(service.app, 'department', code);
  const url = `/v1/plans/${PLAN}/periods/${PERIOD}/reports/${code}`;
  const report = await service.app.inject({ method: 'GET', url, headers });
  expect(report.statusCode, report.body).toBe(200);
  const tasks = report.json<{ tasks: { measureNo: number; taskSeq: number; required: boolean }[] }>().tasks;
  const entries = tasks
    .filter((task) => task.required)
    .map((task) => ({
      measureNo: task.measureNo,
      taskSeq: task.taskSeq,
      ...(task.measureNo === 1 && task.taskSeq === 1 ? row11 : { status: 'in_progress', progress: 50 }),
      summary: '已完成辖区危险化学品企业安全风险排查。',
    }));
  const saved = await service.app.inject({ method: 'PUT', url, headers, payload: { entries } });
  expect(saved.statusCode, saved.body).toBe(200);
  const submitted = await service.app.inject({ method: 'POST', url: `${url}/submit`, headers });
  expect(submitted.statusCode, submitted.body).toBe(200);
}

interface AssessmentLine {
  code: string;
  name: string;
  score: number;
  components: Record<string, number>;
}
const assessment = async () => {
  const response = await service.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/assessment?year=${YEAR}`, headers: service.office });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ units: AssessmentLine[] }>().units;
};

beforeAll(async () => {
  await service.createAccount(OFFICE_EMAIL, '值班员');
  await submit(BLOCKING_UNIT, { status: 'blocked', progress: 20 });
  await submit(DISTRICT, { status: 'in_progress', progress: 50 });
});

// Each screen's run edits the rubric: it starts from the defaults.
beforeEach(async () => {
  const reset = await service.app.inject({ method: 'PUT', url: `/v1/plans/${PLAN}/assessment-rubric`, headers: service.office, payload: DEFAULT_RUBRIC });
  expect(reset.statusCode, reset.body).toBe(200);
});


const poll = { timeout: 15_000, interval: 200 };

describe.each(screenNames)('on a %s screen', (screen: ScreenName) => {
  let page: Page;
  const open = async (path: string) => {
    page = await (await browser.context(screen, { axe: true })).newPage();
    onTestFailed(async () => {
      const file = `${tmpdir()}/web-office-documents-${screen}.png`;
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.error(`the office was at ${page.url()} (screenshot ${file})`);
    });
    await service.signIn(page.context(), OFFICE_EMAIL);
    await page.goto(`${service.url}${path}`);
    await loaded(page);
    expect(new URL(page.url()).pathname).toBe(path.split('?')[0]);
  };

  it('when the office opens the 总览, the 文档 group links the Word report, the 汇总表 and the 进度矩阵, and the Word link downloads a .docx', async () => {
    await open(`/office/overview/${PLAN}/${PERIOD}`);
    const documents = page.locator('.ant-card').filter({ has: page.getByText('文档', { exact: true }) });
    const href = async (name: string) => documents.getByRole('link', { name }).getAttribute('href');
    expect(await href('汇总报告 Word')).toBe(`/v1/plans/${PLAN}/periods/${PERIOD}/summary-report.docx`);
    expect(await href('汇总表 Excel')).toBe(`/v1/plans/${PLAN}/periods/${PERIOD}/consolidated.xlsx`);
    expect(await href('汇总表 CSV')).toBe(`/v1/plans/${PLAN}/periods/${PERIOD}/consolidated.csv`);
    expect(await href('进度矩阵 Excel')).toBe(`/v1/plans/${PLAN}/progress.xlsx`);

    const [download] = await Promise.all([page.waitForEvent('download'), documents.getByRole('link', { name: '汇总报告 Word' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.docx$/);
    const file = await readFile((await download.path())!);
    expect(file.subarray(0, 2).toString('latin1'), 'a .docx is a zip').toBe('PK');
    // The same link, fetched with the page's cookie, names its type.
    const response = await page.request.get(`${service.url}/v1/plans/${PLAN}/periods/${PERIOD}/summary-report.docx`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe(DOCX_TYPE);
    await expectNoAxeViolations(page);
  });

  it('when the office opens 图表, the three charts of the period and the two trends load as images with Chinese alt text and PNG downloads', async () => {
    await open(`/office/charts/${PLAN}/${PERIOD}`);
    const images = page.locator('main img, .ant-layout-content img');
    await expect.poll(() => images.count(), poll).toBe(5);
    await expect
      .poll(() => images.evaluateAll((elements) => elements.map((element) => (element as HTMLImageElement).complete && (element as HTMLImageElement).naturalWidth > 0)), poll)
      .toEqual([true, true, true, true, true]);
    const alts = await images.evaluateAll((elements) => elements.map((element) => element.getAttribute('alt') ?? ''));
    for (const alt of alts) expect(alt).toMatch(/^统计图:.*[\u4e00-\u9fff]/);
    const sources = await images.evaluateAll((elements) => elements.map((element) => element.getAttribute('src') ?? ''));
    expect(sources.slice(0, 3)).toEqual(['progress-by-category', 'status-distribution', 'timeliness'].map((chart) => `/v1/plans/${PLAN}/charts/${chart}.svg?period=${PERIOD}`));
    expect(sources.slice(3)).toEqual(['progress-trend', 'submission-trend'].map((chart) => `/v1/plans/${PLAN}/charts/${chart}.svg`));

    const pngs = page.getByRole('link', { name: /^下载PNG/ });
    expect(await pngs.count()).toBe(5);
    const png = await page.request.get(`${service.url}${await pngs.first().getAttribute('href')}`);
    expect(png.status()).toBe(200);
    expect(png.headers()['content-type']).toBe('image/png');
    await expectNoAxeViolations(page);
  });

  it('when the office opens 工作进展, the row reported blocked is listed under 需关注事项 and marked in the drill-down, with the details in a popover', async () => {
    await open(`/office/progress/${PLAN}`);
    const matrixLink = page.getByRole('link', { name: '进度矩阵 Excel' });
    expect(await matrixLink.getAttribute('href')).toBe(`/v1/plans/${PLAN}/progress.xlsx`);
    const [matrix] = await Promise.all([page.waitForEvent('download'), matrixLink.click()]);
    expect(matrix.suggestedFilename()).toMatch(/\.xlsx$/);
    const attention = page.locator('.ant-card').filter({ hasText: '需关注事项' });
    await attention.getByText('2019年第三季度').first().waitFor();
    const item = attention.locator('li').filter({ hasText: '措施1第1项' }).first();
    await item.getByText('受阻', { exact: true }).waitFor();
    await item.getByText('市公安局报告受阻').waitFor();

    await page.getByRole('button', { name: '展开措施1的各项任务' }).click();
    const marker = page.getByRole('button', { name: /^措施1第1项 2019年第三季度:受阻/ });
    await marker.click();
    const popover = page.locator('.ant-popover').filter({ visible: true });
    await popover.getByText('市公安局报告受阻').waitFor();
    await expectNoAxeViolations(page);
  });

  it('when the office opens 年度考核, the units are in official order, and editing a weight in 评分规则 changes a score; a refused band shows on its field', async () => {
    await open(`/office/assessment/${PLAN}?year=${YEAR}`);
    const expected = await assessment();
    const names = page.locator('[data-unit]');
    await expect.poll(() => names.count(), poll).toBe(expected.length);
    const shown = await names.allInnerTexts();
    expect(shown).toEqual(expected.map((line) => line.name));
    expect(shown.slice(-16)).toEqual(DISTRICTS_IN_ORDER);
    expect(shown.indexOf('市公安局')).toBeLessThan(shown.indexOf('黄浦区政府'));
    const exportLink = page.getByRole('link', { name: '导出 Excel' });
    expect(await exportLink.getAttribute('href')).toBe(`/v1/plans/${PLAN}/assessment.xlsx?year=${YEAR}`);
    const [workbook] = await Promise.all([page.waitForEvent('download'), exportLink.click()]);
    expect(workbook.suggestedFilename()).toMatch(/\.xlsx$/);

    const district = expected.find((line) => line.code === DISTRICT)!;
    const scoreOf = async (name: string) => {
      const unit = page.locator('[data-unit]', { hasText: name });
      // The score in the same row (desktop) or card (phone) as the unit's name.
      const holder = unit.locator('xpath=ancestor::*[.//*[@data-score]][1]');
      return Number(await holder.locator('[data-score]').innerText());
    };
    expect(await scoreOf(district.name)).toBe(district.score);

    // 评分规则: 进展 counts for nothing; the district's 50% progress no longer pulls its score.
    await page.getByRole('button', { name: '评分规则' }).click();
    const drawer = page.getByRole('dialog');
    const progressWeight = drawer.getByLabel('进展', { exact: true });
    await progressWeight.fill('0');
    await expectNoAxeViolations(page);
    await drawer.getByRole('button', { name: '保存并重新计算' }).click();
    await page.getByText('评分规则已保存').waitFor();
    const after = (await assessment()).find((line) => line.code === DISTRICT)!;
    // The district set no targets for the year: its 目标 component is 0 and still weighs 25.
    const { submission, timeliness, review, targets } = district.components as Record<string, number>;
    expect(targets).toBe(0);
    expect(after.score).toBe(Math.round(((submission! + timeliness! + review! + targets!) / 4) * 10) / 10);
    expect(after.score).not.toBe(district.score);
    await expect.poll(() => scoreOf(district.name), poll).toBe(after.score);

    // The server refuses a last band that does not start at 0: its message sits under that field.
    await page.getByRole('button', { name: '评分规则' }).click();
    await drawer.getByLabel('第4档最低分', { exact: true }).fill('5');
    await drawer.getByRole('button', { name: '保存并重新计算' }).click();
    const field = drawer.locator('.ant-form-item').filter({ has: page.getByLabel('第4档最低分', { exact: true }) });
    await field.getByText('最后一档的最低分必须为 0').waitFor();
  });

  it('when someone changes the 评分规则 while the drawer is open, saving shows the conflict and keeps their rubric', async () => {
    await open(`/office/assessment/${PLAN}?year=${YEAR}`);
    await page.getByRole('button', { name: '评分规则' }).click();
    const drawer = page.getByRole('dialog');
    const submission = drawer.getByLabel('报送率', { exact: true });
    await expect.poll(() => submission.inputValue(), poll).toBe('25');
    const theirs = { ...DEFAULT_RUBRIC, weights: { ...DEFAULT_RUBRIC.weights, review: 40 } };
    const changed = await service.app.inject({ method: 'PUT', url: `/v1/plans/${PLAN}/assessment-rubric`, headers: service.office, payload: theirs });
    expect(changed.statusCode, changed.body).toBe(200);

    await submission.fill('60');
    await drawer.getByRole('button', { name: '保存并重新计算' }).click();
    await drawer.getByText('评分规则已被他人修改').waitFor();
    const stored = await service.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/assessment-rubric`, headers: service.office });
    expect(stored.json()).toEqual(theirs);

    await drawer.getByRole('button', { name: '重新加载' }).click();
    await expect.poll(() => drawer.getByLabel('审核', { exact: true }).inputValue(), poll).toBe('40');
    await expect.poll(() => submission.inputValue(), poll).toBe('25');
  });
});
