import { beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { describeViolations, scanAxe, screenNames, useBrowser, type ScreenName } from './helpers/browser.js';
import { bearer } from './helpers/tokens.js';
import { useWebService } from './helpers/web-service.js';

/*
 * Every page of the web app, signed in as the person who uses it, at desktop size and on a
 * 390 px phone, scanned with axe-core: no serious or critical violations.
 */
const PLAN = 'hazchem-2017';
const PERIOD = '2019Q3';
const YEAR = 2019;
const UNIT = 'jinshan-district';
const OFFICE_EMAIL = 'office.a11y@example.gov.cn';
const ADMIN_EMAIL = 'admin.a11y@example.gov.cn';

type Person = 'nobody' | 'department' | 'office' | 'admin';
const pages: { name: string; path: string; as: Person }[] = [
  { name: 'sign-in', path: '/sign-in', as: 'nobody' },
  { name: '本单位任务', path: '/tasks', as: 'department' },
  { name: '季度报送', path: `/reports/${PLAN}/${PERIOD}/${UNIT}`, as: 'department' },
  { name: '年度目标', path: `/targets/${PLAN}/${YEAR}/${UNIT}`, as: 'department' },
  { name: '历史版本', path: `/reports/${PLAN}/${PERIOD}/${UNIT}/history`, as: 'department' },
  { name: '总结报告', path: `/reports/${PLAN}/summary/${UNIT}`, as: 'department' },
  { name: '牵头汇总', path: `/lead/${PLAN}/${PERIOD}/${UNIT}`, as: 'department' },
  { name: '台账下载', path: `/dossier/${PLAN}`, as: 'department' },
  { name: '报送期限', path: '/deadlines', as: 'department' },
  { name: '联络员登记', path: `/liaisons/${UNIT}`, as: 'department' },
  { name: '消息通知', path: '/notifications', as: 'department' },
  { name: '总览', path: `/office/overview/${PLAN}/${PERIOD}`, as: 'office' },
  { name: '工作进展', path: `/office/progress/${PLAN}`, as: 'office' },
  { name: '图表', path: `/office/charts/${PLAN}/${PERIOD}`, as: 'office' },
  { name: '年度考核', path: `/office/assessment/${PLAN}`, as: 'office' },
  { name: '审核', path: `/office/review/${PLAN}/${PERIOD}`, as: 'office' },
  { name: '年度目标(办公室)', path: `/office/targets/${PLAN}/${YEAR}`, as: 'office' },
  { name: '催报提醒', path: '/office/reminders', as: 'office' },
  { name: '联络员名册', path: '/office/roster', as: 'office' },
  { name: '操作记录', path: '/office/audit', as: 'office' },
  { name: '报送期限(办公室)', path: `/office/deadlines/${PLAN}`, as: 'office' },
  { name: '台账下载(办公室)', path: `/dossier/${PLAN}`, as: 'office' },
  { name: '账号管理', path: '/office/accounts', as: 'admin' },
];

const service = useWebService();
const browser = useBrowser();
let emails: Record<Exclude<Person, 'nobody'>, string>;

beforeAll(async () => {
  const { staff } = await service.registerLiaisons(UNIT);
  await service.createAccount(OFFICE_EMAIL, '值班员');
  await service.createAccount(ADMIN_EMAIL, '管理员', 'admin');
  emails = { department: staff.email, office: OFFICE_EMAIL, admin: ADMIN_EMAIL };

  const department = await bearer(service.app, 'department', UNIT);
  // Accepted targets for the year, so the quarter's form shows each row's target and the office's list has content.
  const targetsUrl = `/v1/plans/${PLAN}/years/${YEAR}/targets/${UNIT}`;
  const targets = await service.app.inject({ method: 'GET', url: targetsUrl, headers: department });
  expect(targets.statusCode, targets.body).toBe(200);
  const targetEntries = targets.json<{ tasks: { measureNo: number; taskSeq: number }[] }>().tasks.map((task) => ({
    measureNo: task.measureNo,
    taskSeq: task.taskSeq,
    status: 'in_progress',
    progress: 80,
    summary: '年底前完成辖区危险化学品企业安全风险评估。',
    metrics: [{ name: '完成危险化学品企业安全风险评估', value: 120, unit: '家' }],
  }));
  for (const [method, url, payload] of [['PUT', targetsUrl, { entries: targetEntries }], ['POST', `${targetsUrl}/submit`, undefined]] as const) {
    const answer = await service.app.inject({ method, url, headers: department, ...(payload ? { payload } : {}) });
    expect(answer.statusCode, answer.body).toBe(200);
  }
  const accepted = await service.app.inject({ method: 'POST', url: `${targetsUrl}/accept`, headers: service.office });
  expect(accepted.statusCode, accepted.body).toBe(200);

  // A submitted report, so the form, its history, the review queue and the audit log have content.
  const url = `/v1/plans/${PLAN}/periods/${PERIOD}/reports/${UNIT}`;
  const report = await service.app.inject({ method: 'GET', url, headers: department });
  expect(report.statusCode, report.body).toBe(200);
  const tasks = report.json<{ tasks: { measureNo: number; taskSeq: number; required: boolean }[] }>().tasks;
  const entries = tasks.map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 50, summary: '已完成辖区危险化学品企业安全风险排查。' }));
  const saved = await service.app.inject({ method: 'PUT', url, headers: department, payload: { entries } });
  expect(saved.statusCode, saved.body).toBe(200);
  const submitted = await service.app.inject({ method: 'POST', url: `${url}/submit`, headers: department });
  expect(submitted.statusCode, submitted.body).toBe(200);
});

/** Waits for what the person sees: the page's heading, with no loading indicator left. */
async function loaded(page: Page) {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.getByText('正在加载…').first().waitFor({ state: 'hidden' });
}

describe.each(screenNames)('on a %s screen', (screen: ScreenName) => {
  const contexts = new Map<Person, BrowserContext>();
  const contextFor = async (person: Person) => {
    let context = contexts.get(person);
    if (!context) {
      context = await browser.context(screen, { axe: true });
      if (person !== 'nobody') await service.signIn(context, emails[person]);
      contexts.set(person, context);
    }
    return context;
  };

  it.each(pages)('when $name ($path) is open, axe finds no serious or critical violation', async ({ path, as }) => {
    const page = await (await contextFor(as)).newPage();
    try {
      await page.goto(`${service.url}${path}`);
      await loaded(page);
      expect(new URL(page.url()).pathname, 'the page did not redirect (signed in with the right role)').toBe(path);
      const violations = await scanAxe(page);
      expect(describeViolations(violations)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
