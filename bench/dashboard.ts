import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, screens } from '../tests/helpers/browser.js';
import { PLAN, repoRoot, sizes } from './config.js';
import { clearReports, type Dataset } from './dataset.js';
import { latencyStats, send } from './load.js';

export interface ScriptFile {
  url: string;
  bytes: number;
  gzipBytes: number;
}

export interface FirstLoad {
  page: string;
  scripts: ScriptFile[];
  bytes: number;
  gzipBytes: number;
}

export interface DashboardFindings {
  period: string;
  units: number;
  /** Units in the 催报 list (not submitted) when measured. */
  notSubmitted: number;
  /** The unit whose name, shown in the 催报 list, marks the dashboard as usable. */
  firstUnit: string;
  loads: number[];
  p50: number;
  max: number;
  signIn: FirstLoad;
  overview: FirstLoad;
}

const SESSION_COOKIE = 'hazchem_session';
export const webIndex = path.join(repoRoot, 'web', 'dist', 'index.html');

interface OverviewUnit {
  code: string;
  name: string;
  status: string;
}

/**
 * The office dashboard in headless Chromium (Debian's, through playwright-core):
 * 1. the synthetic units' reports of the plan's last quarter are deleted (the write phase deletes
 *    them anyway), so the 催报 list holds every synthetic unit: the largest list the page shows;
 * 2. a session cookie from POST /v1/auth/session with the office API token (as pasting it on
 *    /sign-in does);
 * 3. `sizes.dashboardLoads` loads of /office/overview/<plan>/<period>, each in a fresh browser
 *    context (cold cache, as on a new machine) after one warm-up: the time from navigation until
 *    the first unit of the 催报 list is visible; median and max;
 * 4. the JavaScript the browser fetched for the first load of /sign-in (no session) and of the
 *    overview (every `script` resource until the network is idle, lazy chunks included), gzip-ed
 *    here (the service sends it uncompressed; a proxy in front would gzip it).
 */
export async function dashboardPhase(serverUrl: string, officeToken: string, dataset: Dataset): Promise<DashboardFindings> {
  if (!existsSync(webIndex)) throw new Error(`the dashboard phase needs the built web app (${webIndex} is missing): run npm run build:web`);
  const period = dataset.periods.filter((id) => /^\d{4}Q[1-4]$/.test(id)).at(-1)!;
  await clearReports([period]);
  const auth = { authorization: `Bearer ${officeToken}` };
  const overview = await send(serverUrl, 'GET', `/v1/plans/${PLAN}/periods/${period}/overview`, auth);
  if (overview.status !== 200) throw new Error(`GET overview answered ${overview.status}: ${overview.body.slice(0, 300)}`);
  const units = (JSON.parse(overview.body) as { units: OverviewUnit[] }).units;
  const waiting = units.filter((unit) => unit.status === 'not_started');
  if (waiting.length === 0) throw new Error('the overview lists no unit that has not submitted');
  const firstUnit = waiting[0]!.name;

  const session = await send(serverUrl, 'POST', '/v1/auth/session', {}, JSON.stringify({ apiToken: officeToken }));
  const cookie = [session.headers['set-cookie'] ?? []].flat().join('\n').match(new RegExp(`${SESSION_COOKIE}=([^;]+)`))?.[1];
  if (session.status !== 200 || !cookie) throw new Error(`POST /v1/auth/session answered ${session.status} without a session cookie: ${session.body.slice(0, 300)}`);

  const overviewUrl = `${serverUrl}/office/overview/${PLAN}/${period}`;
  const browser = await launchChromium();
  try {
    const open = async (signedIn: boolean) => {
      const context = await browser.newContext(screens.desktop);
      if (signedIn) await context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: serverUrl, httpOnly: true, sameSite: 'Lax' }]);
      return context;
    };
    const usable = (page: Page) => page.getByText(firstUnit, { exact: true }).filter({ visible: true }).first().waitFor({ timeout: 60_000 });

    const loads: number[] = [];
    for (let run = 0; run <= sizes.dashboardLoads; run += 1) {
      const context = await open(true);
      try {
        const page = await context.newPage();
        const begin = performance.now();
        await page.goto(overviewUrl);
        await usable(page);
        if (run > 0) loads.push(performance.now() - begin);
      } finally {
        await context.close();
      }
    }
    const stats = latencyStats(loads);
    const signIn = await firstLoad(await open(false), `${serverUrl}/sign-in`, (page) => page.getByRole('button', { name: '发送登录链接' }).waitFor());
    const overviewLoad = await firstLoad(await open(true), overviewUrl, usable);
    return { period, units: units.length, notSubmitted: waiting.length, firstUnit, loads, p50: stats.p50, max: Math.max(...loads), signIn, overview: overviewLoad };
  } finally {
    await browser.close();
  }
}

/** Every script the page fetched until it was usable and the network went idle, with its gzip size. */
async function firstLoad(context: BrowserContext, url: string, usable: (page: Page) => Promise<void>): Promise<FirstLoad> {
  try {
    const page = await context.newPage();
    const bodies: Promise<ScriptFile | undefined>[] = [];
    page.on('response', (response) => {
      if (response.request().resourceType() !== 'script') return;
      bodies.push(
        response.body().then(
          (body) => ({ url: new URL(response.url()).pathname, bytes: body.length, gzipBytes: gzipSync(body).length }),
          () => undefined,
        ),
      );
    });
    await page.goto(url);
    await usable(page);
    await page.waitForLoadState('networkidle');
    const unique = new Map<string, ScriptFile>();
    for (const file of await Promise.all(bodies)) if (file) unique.set(file.url, file);
    const scripts = [...unique.values()].sort((a, b) => b.gzipBytes - a.gzipBytes);
    return {
      page: new URL(url).pathname,
      scripts,
      bytes: scripts.reduce((sum, file) => sum + file.bytes, 0),
      gzipBytes: scripts.reduce((sum, file) => sum + file.gzipBytes, 0),
    };
  } finally {
    await context.close();
  }
}
