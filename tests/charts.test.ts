import { beforeAll, describe, expect, it } from 'vitest';
import type { FlaggedPeriod } from '../src/modules/consolidated/consolidated.service.js';
import { periodChartOption, renderSvg } from '../src/modules/documents/charts.js';
import { testClock } from './helpers/clock.js';
import { PLAN, seedCampaign, type Scenario } from './helpers/document-scenario.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { findAll, parseXml, pngInfo, textOf } from './helpers/xml.js';

const clock = testClock('2018-01-02T09:00:00+08:00');
const ctx = useTestApp({ clock });
const chartUrl = (chart: string, format: 'svg' | 'png', period?: string) => `/v1/plans/${PLAN}/charts/${chart}.${format}${period ? `?period=${period}` : ''}`;

let scenario: Scenario;
let categories: string[];
beforeAll(async () => {
  scenario = await seedCampaign(ctx.app, clock);
  const plan = (await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}` })).json() as { categories: { title: string }[] };
  categories = plan.categories.map((category) => category.title);
});

const get = (url: string, headers?: Record<string, string>) => ctx.app.inject({ method: 'GET', url, headers: { ...scenario.office, ...headers } });
/** The text an SVG shows, its <text> elements joined in order (a label may be wrapped over two). */
const shownText = (svg: string) => findAll(parseXml(svg), 'text').map(textOf).join('');

describe('charts as SVG', () => {
  it('draws the progress by category as well-formed SVG with the Chinese category names, in fonts every suite has', async () => {
    const response = await get(chartUrl('progress-by-category', 'svg', '2018Q3'));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers['cache-control']).toBe('private, no-cache');
    const svg = parseXml(response.body);
    expect(svg.name).toBe('svg');
    expect(svg.attributes).toMatchObject({ width: '640', height: '360' });
    const shown = shownText(response.body);
    expect(categories).toHaveLength(5);
    for (const title of categories) expect(shown).toContain(title);
    expect(shown).toContain('2018年第三季度各类别任务平均进度');
    expect(response.body).toContain("font-family:'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', 'SimHei', sans-serif");
    expect(response.body).not.toMatch(/@font-face|url\(/);
  });

  it('draws each period chart and each trend with its Chinese labels', async () => {
    const { totals } = (await get(`/v1/plans/${PLAN}/periods/2018Q3/consolidated`)).json() as { totals: { onTime: number; late: number; missing: number } };
    expect(totals.late).toBe(1);
    const expectations: [string, string | undefined, string[]][] = [
      ['status-distribution', '2018Q3', ['未启动', '推进中', '已完成', '受阻', '暂无报送']],
      ['timeliness', '2018Q3', ['按时报送', '逾期报送', '未报送', `${totals.onTime}个`, `${totals.late}个`, `${totals.missing}个`]],
      ['progress-trend', undefined, ['各期任务平均进度', '2017年二季度', '总结报告']],
      ['submission-trend', undefined, ['各期应报送单位报送情况', '按时报送', '逾期报送', '未报送', '2019年三季度']],
    ];
    for (const [chart, period, labels] of expectations) {
      const response = await get(chartUrl(chart, 'svg', period));
      expect(response.statusCode, `${chart}: ${response.body}`).toBe(200);
      const shown = shownText(response.body);
      for (const label of labels) expect(shown, chart).toContain(label);
    }
  });

  it('answers 304 to If-None-Match until a report of the period changes', async () => {
    const url = chartUrl('status-distribution', 'svg', '2018Q3');
    const first = await get(url);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await get(url, { 'if-none-match': etag });
    expect(again.statusCode).toBe(304);
    expect(again.headers.etag).toBe(etag);
    expect(again.body).toBe('');
    // Another format, another representation.
    expect((await get(chartUrl('status-distribution', 'png', '2018Q3'))).headers.etag).not.toBe(etag);

    const returned = await ctx.app.inject({ method: 'POST', url: `/v1/plans/${PLAN}/periods/2018Q3/reports/work-safety/return`, headers: scenario.office, payload: { reason: '请补充。' } });
    expect(returned.statusCode, returned.body).toBe(200);
    const changed = await get(url, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    const resubmitted = await ctx.app.inject({ method: 'POST', url: `/v1/plans/${PLAN}/periods/2018Q3/reports/work-safety/submit`, headers: scenario.office });
    expect(resubmitted.statusCode, resubmitted.body).toBe(200);
  });

  it('escapes names from the database: a category named with markup stays text', () => {
    const hostile = '<script>alert(1)</script>&';
    const period = {
      measures: [{ no: 1, title: 'm', category: { ordinal: 1, title: hostile }, rollup: { status: 'in_progress', progress: 50 }, tasks: [{ rollup: { status: 'in_progress', progress: 50 } }] }],
    } as unknown as FlaggedPeriod;
    const svg = renderSvg(periodChartOption('progress-by-category', period), hostile);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    expect(shownText(svg)).toContain(hostile);
  });
});

describe('charts as PNG', () => {
  it('rasterises at twice the SVG size', async () => {
    for (const [chart, period] of [['timeliness', '2018Q3'], ['submission-trend', undefined]] as const) {
      const response = await get(chartUrl(chart, 'png', period));
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toBe('image/png');
      expect(pngInfo(response.rawPayload)).toEqual({ signature: true, width: 1280, height: 720 });
    }
  });
});

describe('chart errors', () => {
  it('refuses a unit token (403)', async () => {
    const unit = await bearer(ctx.app, 'department', 'work-safety');
    const response = await ctx.app.inject({ method: 'GET', url: chartUrl('timeliness', 'svg', '2018Q3'), headers: unit });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 404 with a problem for an unknown chart, plan or period', async () => {
    for (const url of [chartUrl('pie-of-everything', 'svg', '2018Q3'), chartUrl('no-such-chart', 'png'), `/v1/plans/nope/charts/timeliness.svg?period=2018Q3`, chartUrl('timeliness', 'svg', '2031Q1')]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers 400 naming query.period when a per-period chart has none, in the caller’s language', async () => {
    const response = await get(chartUrl('progress-by-category', 'svg'), { 'accept-language': 'zh-CN' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: 'query.period', message: '图表 progress-by-category 须指定报送期' }] });
    const malformed = await get(chartUrl('timeliness', 'png', '2018-Q3'));
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].path).toBe('query.period');
  });
});
