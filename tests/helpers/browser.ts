import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

/**
 * Debian's Chromium (`.ci/run` installs the `chromium` package when it is missing): playwright's
 * own browser downloads do not work here, so playwright-core drives the system binary.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const launchChromium = () => chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });

const common: BrowserContextOptions = { locale: 'zh-CN', timezoneId: 'Asia/Shanghai', deviceScaleFactor: 1 };

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The two screens the issue names: an office desktop and a liaison's phone (390 px wide). */
export const screens = {
  desktop: { ...common, viewport: { width: 1280, height: 800 } },
  phone: { ...common, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
} satisfies Record<string, BrowserContextOptions>;
export type ScreenName = keyof typeof screens;
export const screenNames = Object.keys(screens) as ScreenName[];

/** How long one browser step (a click, a wait for text) may take; tests that walk many steps set their own timeout. */
export const ACTION_TIMEOUT_MS = 15_000;

export interface BrowserHarness {
  browser: Browser;
  /**
   * A fresh context (its own cookies) at the given screen size; closed with the browser after the
   * file. `axe: true` loads axe-core into every page it opens, for `scanAxe`; `timezoneId` puts
   * the browser in another zone than the plan's (Asia/Shanghai).
   */
  context(screen: ScreenName, options?: { axe?: boolean; timezoneId?: string }): Promise<BrowserContext>;
}

/**
 * One Chromium per test file, launched before its tests and closed after them with every
 * context opened through `context()`. Read the fields inside tests only.
 */
export function useBrowser(): BrowserHarness {
  const contexts: BrowserContext[] = [];
  const harness = {
    context: async (screen: ScreenName, options: { axe?: boolean; timezoneId?: string } = {}) => {
      const context = await harness.browser.newContext({ ...screens[screen], ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}) });
      if (options.axe) await context.addInitScript({ path: axePath });
      // A step that waits longer than this fails with the locator it waited for, inside the test's own timeout.
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      // Errors the page throws are the first thing to read when a step times out.
      context.on('weberror', (error) => console.error(`page error (${screen}): ${error.error().stack ?? error.error().message}`));
      contexts.push(context);
      return context;
    },
  } as BrowserHarness;
  beforeAll(async () => {
    harness.browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await harness.browser?.close();
  });
  return harness;
}

export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page as it is now and returns the serious and critical violations; tests
 * assert there are none, printing `describeViolations` when they fail. The page must come from a
 * context opened with `{ axe: true }`: the service's Content-Security-Policy (script-src 'self')
 * rightly refuses an injected <script>, so axe-core (node_modules/axe-core/axe.min.js) is loaded
 * as an init script, which the browser runs outside the page's policy.
 */
export async function scanAxe(page: Page): Promise<AxeViolation[]> {
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe?: { run(context: unknown, options: unknown): Promise<{ violations: unknown[] }> } }).axe;
    if (!axe) throw new Error('axe-core is not loaded: open the context with { axe: true }');
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations;
  });
  return (violations as AxeViolation[]).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** One line per violation and failing element: rule, impact, CSS target and axe's summary. */
export const describeViolations = (violations: AxeViolation[]) =>
  violations.flatMap((violation) =>
    violation.nodes.map((node) => `${violation.id} (${violation.impact}) ${JSON.stringify(node.target)}: ${violation.help}${node.failureSummary ? ` — ${node.failureSummary.replace(/\s+/g, ' ')}` : ''}`),
  );

/** Waits for what the person sees: the page's heading, with no loading indicator left. */
export async function loaded(page: Page) {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.getByText('正在加载…').first().waitFor({ state: 'hidden' });
}

/**
 * Scans once the drawers, popovers and buttons have finished their transitions (axe reads the
 * colours of the moment). Endless animations (a spinner, a pulsing status dot) never finish: they
 * are not waited for.
 */
export async function expectNoAxeViolations(page: Page) {
  await page.waitForFunction(() =>
    document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity),
  );
  expect(describeViolations(await scanAxe(page))).toEqual([]);
}

/** Opens the antd Select labelled by the `index`-th `label`; returns its popup (the list's parent: the options shown sit beside the list). */
export async function openSelect(page: Page, label: string, index: number) {
  const combobox = page.getByLabel(label, { exact: true }).nth(index);
  await combobox.click();
  const list = await combobox.getAttribute('aria-controls');
  if (!list) throw new Error(`the ${label} field (${index}) controls no list`);
  return page.locator(`[id="${list}"]`).locator('xpath=..');
}

/**
 * Chooses `option` and waits for the list to close. A click that lands while the list is still
 * sliding in can miss the option and leave the list open (seen under load): then it clicks again.
 */
export async function choose(page: Page, label: string, index: number, option: string) {
  const popup = await openSelect(page, label, index);
  for (let attempt = 1; ; attempt += 1) {
    await popup.getByTitle(option, { exact: true }).click();
    try {
      await popup.waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
