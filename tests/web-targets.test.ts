import { tmpdir } from 'node:os';
import { describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { choose, expectNoAxeViolations, loaded, openSelect, screenNames, useBrowser, type ScreenName } from './helpers/browser.js';
import { useWebService } from './helpers/web-service.js';

/*
 * A year's targets (分年度工作任务目标) in the web app, in Debian's Chromium against the real
 * service, at desktop size and on a 390 px phone: a liaison sets the year's targets and submits
 * them, the office returns them and then accepts them, the liaison's quarter shows each row's
 * target and reports the indicator under its name, and the 年度考核 shows the row's target beside
 * its result. The seeded plan's years are past, so the targets are submitted late, as the API allows.
 */
const PLAN = 'hazchem-2017';
const YEAR = 2019;
const QUARTER = '2019Q3';
const OFFICE_EMAIL = 'targets.office@example.gov.cn';
const RETURN_REASON = '目标说明过于笼统,请写明年底前完成的具体工作量。';
const INDICATOR = { name: '完成危险化学品企业安全风险评估', target: 120, reached: 130, unit: '家' };
/** A district for each screen, so each run starts from targets not started. */
const UNITS: Record<ScreenName, { code: string; name: string }> = {
  desktop: { code: 'minhang-district', name: '闵行区政府' },
  phone: { code: 'baoshan-district', name: '宝山区政府' },
};
/** A district that sets no targets: the 年度考核 marks it. */
const WITHOUT_TARGETS = '黄浦区政府';

const service = useWebService();
const browser = useBrowser();

/** antd spaces out two-character button texts (提 交): the name matches with or without the space. */
const named = (text: string) => new RegExp(`^\\s*${[...text].join('\\s*')}\\s*$`);
const poll = { timeout: 15_000, interval: 200 };

/** Fills every card: status, progress (`progress(index)`) and the text field named `text`. */
async function fillEveryRow(page: Page, labels: { status: string; progress: string; text: string }, progress: (index: number) => number, text: string) {
  const field = page.getByLabel(labels.progress, { exact: true });
  await field.first().waitFor();
  const rows = await field.count();
  expect(rows).toBeGreaterThan(1);
  for (let index = 0; index < rows; index += 1) {
    await choose(page, labels.status, index, '推进中');
    await field.nth(index).fill(String(progress(index)));
    await page.getByLabel(labels.text, { exact: true }).nth(index).fill(`${text}(第${index + 1}项)`);
  }
  return rows;
}

async function submit(page: Page, button: '提交' | '重新提交', confirmation: string) {
  await page.getByRole('button', { name: named(button) }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText(confirmation).waitFor();
  await dialog.getByRole('button', { name: '确认提交' }).click();
  await page.getByText('等待审核').filter({ visible: true }).first().waitFor();
}

/** Opens the unit's targets in the office's drawer from the 年度目标 list. */
async function openInDrawer(office: Page, name: string) {
  await office.getByRole('button', { name: `审核${name}的年度目标` }).click();
  const drawer = office.locator('.ant-drawer').filter({ visible: true });
  await drawer.getByText(name).first().waitFor();
  return drawer;
}

describe.each(screenNames)('on a %s screen', (screen) => {
  const unit = UNITS[screen];
  const targetsPath = `/targets/${PLAN}/${YEAR}/${unit.code}`;
  const officePath = `/office/targets/${PLAN}/${YEAR}`;

  it('when a liaison sets the year’s targets and submits, the office returns them, the liaison resubmits and the office accepts; the quarter shows the target and the 年度考核 shows it beside the result', async () => {
    const liaison = await (await browser.context(screen, { axe: true })).newPage();
    const office = await (await browser.context(screen, { axe: true })).newPage();
    onTestFailed(async () => {
      for (const [who, page] of Object.entries({ liaison, office })) {
        const file = `${tmpdir()}/web-targets-${screen}-${who}.png`;
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        console.error(`${who} was at ${page.url()} (screenshot ${file})`);
      }
    });
    const { staff } = await service.registerLiaisons(unit.code);
    await service.signIn(liaison.context(), staff.email);
    await service.createAccount(`${screen}.${OFFICE_EMAIL}`, '值班员');
    await service.signIn(office.context(), `${screen}.${OFFICE_EMAIL}`);

    // 本单位任务 lists the years' targets with their deadlines; the year opens the 年度目标 page.
    await liaison.goto(`${service.url}/tasks`);
    await loaded(liaison);
    const targetsCard = liaison.locator('.ant-card').filter({ has: liaison.getByText('年度工作目标', { exact: true }) });
    await targetsCard.getByText(`${YEAR}年度工作目标`).click();
    await liaison.getByRole('heading', { name: `年度目标 · ${YEAR}年度工作目标` }).waitFor();
    expect(new URL(liaison.url()).pathname).toBe(targetsPath);

    // A target is the state expected at year end: 受阻 is not among the choices.
    const popup = await openSelect(liaison, '年底预期状态', 0);
    await popup.getByTitle('推进中', { exact: true }).waitFor();
    expect(await popup.getByTitle('受阻', { exact: true }).count()).toBe(0);
    await liaison.keyboard.press('Escape');
    await popup.waitFor({ state: 'hidden' });

    const labels = { status: '年底预期状态', progress: '预期进度', text: '目标说明' };
    const rows = await fillEveryRow(liaison, labels, () => 80, '年底前完成辖区危险化学品企业安全风险评估');
    const firstCard = liaison.locator('.ant-card').filter({ has: liaison.getByLabel('预期进度', { exact: true }) }).first();
    await firstCard.getByRole('button', { name: '添加量化指标' }).click();
    await firstCard.getByLabel('指标名称', { exact: true }).fill(INDICATOR.name);
    await firstCard.getByLabel('目标值', { exact: true }).fill(String(INDICATOR.target));
    await firstCard.getByLabel('单位', { exact: true }).fill(INDICATOR.unit);
    await liaison.getByRole('button', { name: '保存草稿' }).click();
    await liaison.getByText('草稿已保存').waitFor();
    await expectNoAxeViolations(liaison);
    await submit(liaison, '提交', '必报任务均已设定目标');

    // The office's 年度目标: the unit submitted; it opens them and returns them with a reason.
    await office.goto(`${service.url}${officePath}`);
    await loaded(office);
    let drawer = await openInDrawer(office, unit.name);
    await drawer.getByText(INDICATOR.name, { exact: false }).first().waitFor();
    await expectNoAxeViolations(office);
    await drawer.getByRole('button', { name: named('退回') }).click();
    const returnDialog = office.getByRole('dialog').filter({ has: office.getByLabel('退回原因') });
    await returnDialog.getByLabel('退回原因').fill(RETURN_REASON);
    await returnDialog.getByRole('button', { name: '确认退回' }).click();
    await returnDialog.waitFor({ state: 'hidden' });
    await drawer.getByText('已退回').first().waitFor();

    // The liaison sees the reason, edits and resubmits.
    await liaison.reload();
    await liaison.getByText(RETURN_REASON).waitFor();
    await liaison.getByLabel('目标说明', { exact: true }).first().fill('年底前完成辖区120家危险化学品企业安全风险评估。');
    await submit(liaison, '重新提交', '必报任务均已设定目标');

    // The office accepts.
    await office.goto(`${service.url}${officePath}`);
    await loaded(office);
    drawer = await openInDrawer(office, unit.name);
    await drawer.getByText('年底前完成辖区120家危险化学品企业安全风险评估。').waitFor();
    await drawer.getByRole('button', { name: named('审核通过') }).click();
    await office.getByText('已审核通过').waitFor();
    const accepted = await service.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/years/${YEAR}/targets/${unit.code}`, headers: service.office });
    const targets = accepted.json<{ status: string; entries: { measureNo: number; taskSeq: number; progress: number; metrics?: { name: string; value: number; unit: string }[] }[] }>();
    expect(targets.status).toBe('accepted');
    expect(targets.entries).toHaveLength(rows);
    expect(targets.entries[0]!.metrics).toEqual([{ name: INDICATOR.name, value: INDICATOR.target, unit: INDICATOR.unit }]);

    // The quarter shows each row's target; the liaison reports the indicator under the target's name.
    await liaison.goto(`${service.url}/reports/${PLAN}/${QUARTER}/${unit.code}`);
    await liaison.getByRole('heading', { name: /季度报送/ }).waitFor();
    const quarterCard = liaison.locator('.ant-card').filter({ has: liaison.getByLabel('进度', { exact: true }) }).first();
    await quarterCard.getByText('年度目标:预期推进中 80%').waitFor();
    await quarterCard.getByText(`量化指标目标:${INDICATOR.name} ${INDICATOR.target}${INDICATOR.unit}`).waitFor();
    // Every row reaches its target but the second (60% against 80%).
    await fillEveryRow(liaison, { status: '状态', progress: '进度', text: '工作进展' }, (index) => (index === 1 ? 60 : 85), '已完成辖区危险化学品企业安全风险评估');
    await quarterCard.getByRole('button', { name: '填报年度目标指标' }).click();
    await expect.poll(() => quarterCard.getByLabel('指标名称', { exact: true }).inputValue(), poll).toBe(INDICATOR.name);
    await quarterCard.getByLabel('数值', { exact: true }).fill(String(INDICATOR.reached));
    await submit(liaison, '提交', '必报任务均已填写');

    // 年度考核: the unit's rows met, each row's target beside its result; a unit without targets is marked.
    await office.goto(`${service.url}/office/assessment/${PLAN}?year=${YEAR}`);
    await loaded(office);
    const line = office.locator('[data-unit]', { hasText: unit.name }).locator('xpath=ancestor::*[.//*[@data-targets]][1]');
    await expect.poll(() => line.locator('[data-targets]').innerText(), poll).toBe(`${rows - 1}/${rows} 达标`);
    const without = office.locator('[data-unit]', { hasText: WITHOUT_TARGETS }).locator('xpath=ancestor::*[.//*[@data-targets]][1]');
    expect(await without.locator('[data-targets]').innerText()).toBe('未设定年度目标');
    await office.getByRole('button', { name: `展开${unit.name}的目标明细` }).click();
    const [first, second] = [targets.entries[0]!, targets.entries[1]!];
    const firstRow = office.locator(`[data-target-row="${first.measureNo}-${first.taskSeq}"]`);
    await firstRow.getByText(`目标:推进中 80%;${INDICATOR.name} ${INDICATOR.target}${INDICATOR.unit}`).waitFor();
    await firstRow.getByText(`结果:推进中 85%;${INDICATOR.name} ${INDICATOR.reached}${INDICATOR.unit}`).waitFor();
    await firstRow.getByText('达标', { exact: true }).waitFor();
    const secondRow = office.locator(`[data-target-row="${second.measureNo}-${second.taskSeq}"]`);
    await secondRow.getByText('结果:推进中 60%').waitFor();
    await secondRow.getByText('未达标', { exact: true }).waitFor();
    await expectNoAxeViolations(office);
  }, 240_000);
});
