import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/client.js';
import { notFound } from '../../errors.js';
import { invalid } from '../../http/validation.js';
import { consolidatedHistory, consolidatedVersion } from '../consolidated/consolidated.service.js';
import { dayInZone } from '../periods/deadlines.js';
import { periodLabel } from '../periods/period-label.js';
import { listProgressPeriods } from '../periods/periods.repository.js';
import { requireProgressPeriod } from '../periods/periods.service.js';
import { requirePlan, type Plan } from '../plans/plans.service.js';
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

/** A key that changes with any report or deadline of the plan: what the trends and the 总结报告 are drawn from. */
async function campaignVersion(db: Queryable, planCode: string): Promise<string> {
  const plan = await requirePlan(db, planCode);
  const periods = await listProgressPeriods(db, plan.id);
  const deadlines = periods.map((period) => `${period.id}:${period.dueAt.getTime()}`).join(',');
  return `${plan.code}|${deadlines}|${await periodReportsVersion(db, plan.id, periods.map((period) => period.id))}`;
}

/**
 * The chart's validator, from what it is drawn from: the period's reports (and the two before,
 * for the flags) and deadline, or for a trend every period's. A matching If-None-Match costs this
 * query and no drawing. 404s for unknown plans and periods.
 */
export async function chartEtag(db: Queryable, request: ChartRequest): Promise<string> {
  const chart = requireChart(request);
  const version = isPeriodChart(chart) ? await consolidatedVersion(db, request.plan, request.period!) : await campaignVersion(db, request.plan);
  return `"${createHash('sha1').update(`${chart}|${request.format}|${version}`).digest('base64url')}"`;
}

/** The chart as SVG text or PNG bytes; a chart served alone carries its title. */
export async function chart(db: Queryable, request: ChartRequest): Promise<string | Buffer> {
  const id = requireChart(request);
  let svg: string;
  if (isPeriodChart(id)) {
    const { periods } = await consolidatedHistory(db, request.plan, { upTo: request.period!, window: 1 });
    const current = periods.at(-1)!;
    svg = renderSvg(periodChartOption(id, current), `${periodLabel(current.period.id)}${CHART_CAPTION[id]}`);
  } else {
    const { periods } = await consolidatedHistory(db, request.plan);
    svg = renderSvg(trendChartOption(id, periods), CHART_CAPTION[id]);
  }
  return request.format === 'svg' ? svg : await renderPng(svg);
}

/** Today in the plan's time zone: the report's date, so part of what it is drawn from. */
const issuedOn = (plan: Plan, now: Date) => dayInZone(now, plan.reportingRule.timeZone);

/** A key naming everything the summary report of a period is drawn from, its date included; 404s for unknown plans and periods. */
export async function summaryReportKey(db: Queryable, planCode: string, periodId: string, now: Date): Promise<string> {
  const plan = await requirePlan(db, planCode);
  const period = await requireProgressPeriod(db, plan, periodId);
  const version = period.kind === 'summary' ? await campaignVersion(db, planCode) : await consolidatedVersion(db, planCode, periodId);
  const due = targetsDue(period);
  const targets = due ? await periodReportsVersion(db, plan.id, [targetsPeriodId(due.year)]) : '';
  return `${period.id}|${issuedOn(plan, now)}|${version}|${targets}`;
}

/**
 * The summary report of a period as a .docx, dated today in the plan's time zone. A quarter needs
 * only its own consolidation (and the two before it, for the flags); the 总结报告 every period's.
 */
export async function summaryReportFile(db: Queryable, planCode: string, periodId: string, now: Date) {
  const plan = await requirePlan(db, planCode);
  const period = await requireProgressPeriod(db, plan, periodId);
  const summary = period.kind === 'summary';
  const history = await consolidatedHistory(db, planCode, summary ? { upTo: periodId } : { upTo: periodId, window: 1 });
  const due = targetsDue(period);
  const body = await summaryReport({
    ...(due ? { targets: await acceptedTargets(db, plan.id, due.year) } : {}),
    plan: { title: plan.title, documentNo: plan.documentNo },
    issuedOn: issuedOn(plan, now),
    period: history.periods.at(-1)!,
    ...(summary ? { campaign: { phases: history.phases, periods: history.periods } } : {}),
  });
  return { fileName: `${plan.code}-${period.id}-${summary ? '总结报告' : '进展情况汇总报告'}.docx`, body };
}
