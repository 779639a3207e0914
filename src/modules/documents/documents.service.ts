import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/client.js';
import { contentDigest } from '../../db/memo.js';
import { loadDirectory } from '../departments/departments.service.js';
import { notFound } from '../../errors.js';
import { invalid } from '../../http/validation.js';
import { consolidatedHistory, historyVersion, type HistoryOptions } from '../consolidated/consolidated.service.js';
import { dayInZone } from '../periods/deadlines.js';
import { periodLabel } from '../periods/period-label.js';
import { requireProgressPeriod } from '../periods/periods.service.js';
import { loadPlanStructure, type Plan } from '../plans/plans.service.js';
import { periodReportsVersion } from '../reports/reports.repository.js';
import { CHART_CAPTION, isPeriodChart, isTrendChart, periodChartOption, renderPng, renderSvg, trendChartOption, type ChartId } from './charts.js';
import { summaryReport } from './summary-report.js';
import { targetsDue } from './behind-targets.js';
import { acceptedTargets } from '../targets/targets.service.js';
import { targetsPeriodId } from '../periods/period-label.js';

export type ChartFormat = 'svg' | 'png';

interface ChartRequest {
  plan: string;
  chart: string;
  period?: string | undefined;
  format: ChartFormat;
}

/** Unknown chart ids are 404; a per-period chart without `period` is 400 on query.period. */
function requireChart({ chart, period }: ChartRequest): ChartId {
  if (!isPeriodChart(chart) && !isTrendChart(chart)) throw notFound({ en: `There is no chart ${chart}`, zh: `图表 ${chart} 不存在` });
  if (isPeriodChart(chart) && period === undefined) {
    throw invalid([{ path: 'query.period', message: { en: `is required for the chart ${chart}`, zh: `图表 ${chart} 须指定报送期` } }]);
  }
  return chart;
}

/** A per-period chart is drawn from that period (and the two before it, for the flags); a trend from every period. */
const chartHistory = (chart: ChartId, period: string | undefined): HistoryOptions => (isPeriodChart(chart) ? { upTo: period!, window: 1 } : {});

/**
 * The chart's validator, from what it is drawn from: the reports and deadlines of the periods it
 * reads. A matching If-None-Match costs these queries and no drawing. 404s for unknown plans and periods.
 */
export async function chartEtag(db: Queryable, request: ChartRequest): Promise<string> {
  const chart = requireChart(request);
  const [version, structure, directory] = await Promise.all([historyVersion(db, request.plan, chartHistory(chart, request.period)), loadPlanStructure(db, request.plan), loadDirectory(db)]);
  // Who carries which row (the 分工表, the collectives' members) shapes the roll-ups too.
  const carriers = `${contentDigest(structure)}|${contentDigest(directory)}`;
  return `"${createHash('sha1').update(`${chart}|${request.format}|${version}|${carriers}`).digest('base64url')}"`;
}

/** The chart as SVG text or PNG bytes; a chart served alone carries its title. */
export async function chart(db: Queryable, request: ChartRequest): Promise<string | Buffer> {
  const id = requireChart(request);
  const { periods } = await consolidatedHistory(db, request.plan, chartHistory(id, request.period));
  const current = periods.at(-1)!;
  const svg = isPeriodChart(id) ? renderSvg(periodChartOption(id, current), `${periodLabel(current.period.id)}${CHART_CAPTION[id]}`) : renderSvg(trendChartOption(id, periods), CHART_CAPTION[id]);
  return request.format === 'svg' ? svg : await renderPng(svg);
}

/** Today in the plan's time zone: the report's date, so part of what it is drawn from. */
const issuedOn = (plan: Plan, now: Date) => dayInZone(now, plan.reportingRule.timeZone);

/**
 * What the summary report of a period is drawn from: a quarter needs only its own consolidation
 * (and the two before it, for the flags), the 总结报告 every period's; both the year's targets.
 */
async function reportScope(db: Queryable, planCode: string, periodId: string) {
  const { plan } = await loadPlanStructure(db, planCode);
  const period = await requireProgressPeriod(db, plan, periodId);
  const summary = period.kind === 'summary';
  const history: HistoryOptions = summary ? { upTo: periodId } : { upTo: periodId, window: 1 };
  return { plan, period, summary, history, due: targetsDue(period) };
}

/** A key naming everything the summary report of a period is drawn from, its date included; 404s for unknown plans and periods. */
export async function summaryReportKey(db: Queryable, planCode: string, periodId: string, now: Date): Promise<string> {
  const { plan, period, history: options, due } = await reportScope(db, planCode, periodId);
  const version = await historyVersion(db, planCode, options);
  const targets = due ? await periodReportsVersion(db, plan.id, [targetsPeriodId(due.year)]) : '';
  return `${period.id}|${issuedOn(plan, now)}|${version}|${targets}`;
}

/** The summary report of a period as a .docx, dated today in the plan's time zone. */
export async function summaryReportFile(db: Queryable, planCode: string, periodId: string, now: Date) {
  const { plan, period, summary, history: options, due } = await reportScope(db, planCode, periodId);
  const history = await consolidatedHistory(db, planCode, options);
  const body = await summaryReport({
    ...(due ? { targets: await acceptedTargets(db, plan.id, due.year) } : {}),
    plan: { title: plan.title, documentNo: plan.documentNo },
    issuedOn: issuedOn(plan, now),
    period: history.periods.at(-1)!,
    ...(summary ? { campaign: { phases: history.phases, periods: history.periods } } : {}),
  });
  return { fileName: `${plan.code}-${period.id}-${summary ? '总结报告' : '进展情况汇总报告'}.docx`, body };
}
