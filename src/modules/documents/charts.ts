import { createRequire } from 'node:module';
import type { EChartsCoreOption } from 'echarts';
import type { FlaggedPeriod } from '../consolidated/consolidated.service.js';
import { chineseNumber, NO_REPORT_LABEL } from '../consolidated/labels.js';
import { quarterOf } from '../periods/period-label.js';
import { categoryFigures, overallProgress, rowsByStatus, timeliness } from './period-figures.js';

/*
 * Charts for the office, rendered on the server with Apache ECharts' SVG renderer
 * (https://echarts.apache.org/handbook/en/how-to/cross-platform/server/) and, for Word, rasterised
 * to PNG by resvg. The only text from the database is category names; ECharts escapes text in SVG.
 */

/*
 * ECharts takes ~60 MiB of the process once loaded and resvg a native library: both are loaded by
 * the first chart drawn, not at start-up, since most processes never draw one. renderSvg stays
 * synchronous, so ECharts comes through require (its CommonJS build, the same API).
 */
const require = createRequire(import.meta.url);
let echartsLibrary: typeof import('echarts') | undefined;
const echarts = () => (echartsLibrary ??= require('echarts') as typeof import('echarts'));

export const PERIOD_CHARTS = ['progress-by-category', 'status-distribution', 'timeliness'] as const;
export const TREND_CHARTS = ['progress-trend', 'submission-trend'] as const;
export type PeriodChartId = (typeof PERIOD_CHARTS)[number];
export type TrendChartId = (typeof TREND_CHARTS)[number];
export type ChartId = PeriodChartId | TrendChartId;

export const isPeriodChart = (id: string): id is PeriodChartId => (PERIOD_CHARTS as readonly string[]).includes(id);
export const isTrendChart = (id: string): id is TrendChartId => (TREND_CHARTS as readonly string[]).includes(id);

/** What each chart shows, as its caption in the report (图1 …) and its title when served alone. */
export const CHART_CAPTION: Record<ChartId, string> = {
  'progress-by-category': '各类别任务平均进度',
  'status-distribution': '任务推进状态分布',
  timeliness: '应报送单位报送情况',
  'progress-trend': '各期任务平均进度',
  'submission-trend': '各期应报送单位报送情况',
};

/** The SVG's size in CSS pixels; the PNG is drawn at twice that (1280 × 720), sharp in print. */
export const CHART_SIZE = { width: 640, height: 360 } as const;
export const PNG_SCALE = 2;

/** Fonts every office suite and browser has one of (Windows, macOS, Linux with Noto CJK); no web fonts. */
export const CHART_FONTS = "'Microsoft YaHei', 'PingFang SC', 'Noto Sans CJK SC', 'SimHei', sans-serif";

const COLOR = { bar: '#3b6fb6', not_started: '#9aa1ab', in_progress: '#3b6fb6', completed: '#2e8b57', blocked: '#c0392b', none: '#d5d9e0', late: '#e08e0b', missing: '#c0392b' };

/** Category labels: the ordinal 一…五, then the title over at most two lines. */
function categoryLabel(ordinal: number, title: string, perLine = 11): string {
  const characters = Array.from(`（${chineseNumber(ordinal)}）${title}`);
  const first = characters.slice(0, perLine).join('');
  const rest = characters.slice(perLine);
  if (rest.length === 0) return first;
  return `${first}\n${rest.length > perLine ? `${rest.slice(0, perLine - 1).join('')}…` : rest.join('')}`;
}

/** 2018Q2 → "2018年\n二季度"; the 总结报告 → "总结\n报告". */
function periodAxisLabel(period: FlaggedPeriod['period']): string {
  const quarter = quarterOf(period.id);
  return period.kind === 'summary' || !quarter ? '总结\n报告' : `${quarter.year}年\n${chineseNumber(quarter.quarter)}季度`;
}

const axisText = { fontSize: 14, lineHeight: 18, color: '#333' };
const valueLabel = { show: true, fontSize: 14, color: '#333' };

export function periodChartOption(id: PeriodChartId, period: FlaggedPeriod): EChartsCoreOption {
  if (id === 'progress-by-category') {
    const categories = categoryFigures(period);
    return {
      grid: { left: 190, right: 80, top: 20, bottom: 50 },
      xAxis: { type: 'value', min: 0, max: 100, name: '平均进度（%）', nameLocation: 'middle', nameGap: 30, nameTextStyle: axisText, axisLabel: axisText },
      yAxis: { type: 'category', inverse: true, data: categories.map((category) => categoryLabel(category.ordinal, category.title)), axisLabel: axisText },
      series: [
        {
          type: 'bar',
          barMaxWidth: 28,
          itemStyle: { color: COLOR.bar },
          label: { ...valueLabel, position: 'right', formatter: '{c}%' },
          data: categories.map((category) => (category.progress === null ? { value: 0, label: { formatter: NO_REPORT_LABEL } } : category.progress)),
        },
      ],
    };
  }
  if (id === 'status-distribution') {
    const rows = rowsByStatus(period);
    return countBars(rows.map((row) => ({ label: row.label, count: row.count, color: row.status ? COLOR[row.status] : COLOR.none })), { name: '任务数（项）', unit: '项', barMaxWidth: 48 });
  }
  const colors = [COLOR.completed, COLOR.late, COLOR.missing];
  return countBars(timeliness(period).map((group, index) => ({ ...group, color: colors[index]! })), { name: '单位数（个）', unit: '个', barMaxWidth: 56 });
}

/** Vertical bars of counts (rows by status, units by timeliness), each bar its own colour and its count on top. */
function countBars(bars: { label: string; count: number; color: string }[], axis: { name: string; unit: string; barMaxWidth: number }): EChartsCoreOption {
  return {
    grid: { left: 60, right: 30, top: 40, bottom: 40 },
    xAxis: { type: 'category', data: bars.map((bar) => bar.label), axisLabel: axisText },
    yAxis: { type: 'value', minInterval: 1, name: axis.name, nameTextStyle: axisText, axisLabel: axisText },
    series: [
      {
        type: 'bar',
        barMaxWidth: axis.barMaxWidth,
        label: { ...valueLabel, position: 'top', formatter: `{c}${axis.unit}` },
        data: bars.map((bar) => ({ value: bar.count, itemStyle: { color: bar.color } })),
      },
    ],
  };
}

export function trendChartOption(id: TrendChartId, periods: readonly FlaggedPeriod[]): EChartsCoreOption {
  const xAxis = { type: 'category', data: periods.map(({ period }) => periodAxisLabel(period)), axisLabel: { ...axisText, interval: 0 } };
  if (id === 'progress-trend') {
    return {
      grid: { left: 60, right: 30, top: 40, bottom: 50 },
      xAxis: { ...xAxis, boundaryGap: false },
      yAxis: { type: 'value', min: 0, max: 100, name: '平均进度（%）', nameTextStyle: axisText, axisLabel: axisText },
      series: [
        {
          type: 'line',
          symbolSize: 7,
          itemStyle: { color: COLOR.bar },
          label: { ...valueLabel, position: 'top', formatter: '{c}%' },
          data: periods.map((period) => overallProgress(period) ?? '-'),
        },
      ],
    };
  }
  const stack = (name: string, color: string, value: (totals: FlaggedPeriod['totals']) => number) => ({
    name,
    type: 'bar',
    stack: 'units',
    barMaxWidth: 36,
    itemStyle: { color },
    data: periods.map(({ totals }) => value(totals)),
  });
  return {
    legend: { top: 4, textStyle: axisText },
    grid: { left: 60, right: 30, top: 44, bottom: 50 },
    xAxis,
    yAxis: { type: 'value', minInterval: 1, name: '单位数（个）', nameTextStyle: axisText, axisLabel: axisText },
    series: [stack('按时报送', COLOR.completed, (totals) => totals.onTime), stack('逾期报送', COLOR.late, (totals) => totals.late), stack('未报送', COLOR.missing, (totals) => totals.missing)],
  };
}

/** The chart as a standalone SVG document; with a title, it is drawn above the plot. */
export function renderSvg(option: EChartsCoreOption, title?: string): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, ...CHART_SIZE });
  try {
    const top = (option.grid as { top: number }).top;
    chart.setOption({
      ...option,
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: CHART_FONTS },
      ...(title ? { title: { text: title, left: 'center', top: 6, textStyle: { fontSize: 15, fontWeight: 'bold', color: '#222' } }, grid: { ...(option.grid as object), top: top + 30 } } : {}),
      ...(title && option.legend ? { legend: { ...(option.legend as object), top: 34 } } : {}),
    });
    return `<?xml version="1.0" encoding="UTF-8"?>\n${chart.renderToSVGString()}`;
  } finally {
    chart.dispose();
  }
}

/**
 * The SVG rasterised at PNG_SCALE, with the system's CJK fonts (Noto Sans CJK SC on Linux). It takes
 * a few hundred milliseconds, so it runs on libuv's thread pool rather than blocking the event loop.
 */
export async function renderPng(svg: string): Promise<Buffer> {
  const { renderAsync } = await import('@resvg/resvg-js');
  const image = await renderAsync(svg, { fitTo: { mode: 'zoom', value: PNG_SCALE }, font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' } });
  return Buffer.from(image.asPng());
}

export const PNG_SIZE = { width: CHART_SIZE.width * PNG_SCALE, height: CHART_SIZE.height * PNG_SCALE } as const;
