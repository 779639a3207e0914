import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { choose, screenNames, useBrowser, type ScreenName } from './helpers/browser.js';
import { useWebService } from './helpers/web-service.js';

/*
 * A liaison's quarter and the office's review, in Debian's Chromium against the real service
 * (Postgres, an SMTP sink for the sign-in e-mails), at desktop size and on a 390 px phone.
 * The seeded plan's periods are past: the office first moves 2019Q3's deadline two weeks ahead,
 * as it does when it extends a deadline, so the unit reports on time.
 */
const PLAN = 'hazchem-2017';
const PERIOD = '2019Q3';
const OFFICE_EMAIL = 'duty.officer@example.gov.cn';
const RETURN_REASON = '工作进展过于简略,请补充本季度排查整治的具体数据。';
/** A district for each screen, so each run starts from its own not-started report. */
const UNITS: Record<ScreenName, { code: string; name: string }> = {
  desktop: { code: 'jinshan-district', name: '金山区政府' },
  phone: { code: 'fengxian-district', name: '奉贤区政府' },
};
/**
 * The README's screenshots are made by this test: into docs/screenshots/ with UPDATE_SCREENSHOTS=1
 * (needs a Chinese font, e.g. Debian's fonts-noto-cjk), else into a temporary directory, so a
 * test run leaves the committed images alone.
 */
const updateScreenshots = process.env.UPDATE_SCREENSHOTS === '1';
const screenshotDir = updateScreenshots ? fileURLToPath(new URL('../docs/screenshots/', import.meta.url)) : mkdtempSync(join(tmpdir(), 'hazchem-screenshots-'));
afterAll(() => {
  if (!updateScreenshots) rmSync(screenshotDir, { recursive: true, force: true });
});

const service = useWebService();
const browser = useBrowser();

beforeAll(async () => {
  const moved = await service.app.inject({
    method: 'PATCH',
    url: `/v1/plans/${PLAN}/periods/${PERIOD}`,
    headers: service.office,
    payload: { dueAt: new Date(Date.now() + 14 * 86_400_000).toISOString() },
  });
  expect(moved.statusCode, moved.body).toBe(200);
  await service.createAccount(OFFICE_EMAIL, '值班员');
  // Units the 催报 list then shows with their liaisons' names and phones.
  for (const code of ['public-security', 'environmental-protection', 'housing-urban-rural']) await service.registerLiaisons(code);
  mkdirSync(screenshotDir, { recursive: true });
});

/** antd spaces out two-character button texts (提 交): the name matches with or without the space. */
const named = (text: string) => new RegExp(`^\\s*${[...text].join('\\s*')}\\s*$`);
const visible = (page: Page, text: string) => page.getByText(text, { exact: true }).filter({ visible: true }).first();

/** Opens `path` signed out, is sent to /sign-in, asks for a link for `email` and follows the one e-mailed. */
async function signInByEmail(page: Page, path: string, email: string) {
  await page.goto(`${service.url}${path}`);
  const emailField = page.getByLabel('邮箱', { exact: true });
  await emailField.waitFor();
  expect(new URL(page.url()).pathname).toBe('/sign-in');
  const before = service.sink.messages.length;
  await emailField.fill(email);
  await page.getByRole('button', { name: '发送登录链接' }).click();
  await page.getByText('登录链接已发送至您的邮箱').waitFor();
  const link = await service.latestLinkFor(email, before);
  expect(new URL(link).searchParams.get('next')).toBe(path);
  await page.goto(link);
}

/** The figure of the overview's statistic titled `title`: the nearest box around the title that shows digits. */
async function statistic(page: Page, title: string): Promise<number> {
  const box = visible(page, title).locator(`xpath=ancestor::*[translate(normalize-space(.), '0123456789', '') != normalize-space(.)][1]`);
  await box.waitFor();
  const digits = (await box.innerText()).replace(title, '').match(/\d+/);
  if (!digits) throw new Error(`no figure beside ${title}`);
  return Number(digits[0]);
}
const poll = { timeout: 15_000, interval: 200 };

async function fillEveryRow(page: Page, summary: string) {
  const progress = page.getByLabel('进度', { exact: true });
  await progress.first().waitFor();
  const rows = await progress.count();
  expect(rows).toBeGreaterThan(0);
  for (let index = 0; index < rows; index += 1) {
    await choose(page, '状态', index, '推进中');
    await progress.nth(index).fill(String(30 + ((index * 15) % 60)));
    await page.getByLabel('工作进展', { exact: true }).nth(index).fill(`${summary}(第${index + 1}项)`);
  }
  return rows;
}

async function submit(page: Page, button: '提交' | '重新提交') {
  await page.getByRole('button', { name: named(button) }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('必报任务均已填写').waitFor();
  await dialog.getByRole('button', { name: '确认提交' }).click();
  await page.getByText('等待审核').filter({ visible: true }).first().waitFor();
}

describe.each(screenNames)('on a %s screen', (screen) => {
  const unit = UNITS[screen];
  const reportPath = `/reports/${PLAN}/${PERIOD}/${unit.code}`;
  const overviewPath = `/office/overview/${PLAN}/${PERIOD}`;

  it('when a liaison signs in from the e-mail, fills the quarter and submits, and the office returns it, the liaison resubmits and the office accepts, the dashboard counts move', async () => {
    const liaison = await (await browser.context(screen)).newPage();
    const office = await (await browser.context(screen)).newPage();
    onTestFailed(async () => {
      for (const [who, page] of Object.entries({ liaison, office })) {
        const file = `${tmpdir()}/web-flow-${screen}-${who}.png`;
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        console.error(`${who} was at ${page.url()} (screenshot ${file})`);
      }
    });
    const { staff } = await service.registerLiaisons(unit.code);

    // The office's dashboard before the quarter is reported.
    await signInByEmail(office, overviewPath, OFFICE_EMAIL);
    const before = { submitted: await statistic(office, '已报送'), notSubmitted: await statistic(office, '未报送'), accepted: await statistic(office, '审核通过'), returned: await statistic(office, '已退回') };
    await visible(office, unit.name).waitFor();

    // The liaison follows the 在线填报 link of a reminder: signs in by e-mail and lands on the form.
    await signInByEmail(liaison, reportPath, staff.email);
    await liaison.getByRole('heading', { name: /季度报送/ }).waitFor();
    expect(new URL(liaison.url()).pathname).toBe(reportPath);
    await fillEveryRow(liaison, '已完成辖区危险化学品企业安全风险排查');
    await liaison.getByRole('button', { name: '保存草稿' }).click();
    await liaison.getByText('草稿已保存').waitFor();
    if (updateScreenshots) await liaison.getByText('草稿已保存').waitFor({ state: 'hidden' });
    await liaison.getByRole('heading', { name: /季度报送/ }).scrollIntoViewIfNeeded();
    await liaison.screenshot({ path: join(screenshotDir, screen === 'desktop' ? 'department-form.png' : 'department-form-phone.png') });
    await submit(liaison, '提交');

    // The office sees it submitted and returns it with a reason.
    await office.reload();
    await expect.poll(() => statistic(office, '已报送'), poll).toBe(before.submitted + 1);
    expect(await statistic(office, '未报送')).toBe(before.notSubmitted - 1);
    await office.goto(`${service.url}/office/review/${PLAN}/${PERIOD}`);
    await office.getByRole('button', { name: unit.name, exact: true }).click();
    await office.getByRole('button', { name: named('退回') }).click();
    const returnDialog = office.getByRole('dialog');
    await returnDialog.getByLabel('退回原因').fill(RETURN_REASON);
    await returnDialog.getByRole('button', { name: '确认退回' }).click();
    await returnDialog.waitFor({ state: 'hidden' });

    // The liaison sees the reason, edits and resubmits.
    await liaison.reload();
    await liaison.getByText(RETURN_REASON).waitFor();
    await liaison.getByLabel('工作进展', { exact: true }).first().fill('已完成辖区危险化学品企业安全风险排查:排查企业126家,发现隐患58处,已整改51处。');
    await submit(liaison, '重新提交');

    // The office accepts; the dashboard shows one more 审核通过.
    await office.goto(`${service.url}/office/review/${PLAN}/${PERIOD}`);
    await office.getByRole('button', { name: unit.name, exact: true }).click();
    await office.getByRole('button', { name: named('审核通过') }).click();
    await office.getByText('已审核通过').waitFor();
    await office.goto(`${service.url}${overviewPath}`);
    await expect.poll(() => statistic(office, '审核通过'), poll).toBe(before.accepted + 1);
    expect(await statistic(office, '已退回')).toBe(before.returned);
    expect(await statistic(office, '未报送')).toBe(before.notSubmitted - 1);
    if (screen === 'desktop') await office.screenshot({ path: join(screenshotDir, 'office-dashboard.png') });

    // The liaison's form now says so.
    await liaison.reload();
    await liaison.getByText(/^审核通过/).filter({ visible: true }).first().waitFor();
  }, 180_000);
});
