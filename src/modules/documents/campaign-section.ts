import type { FileChild } from 'docx';
import type { FlaggedPeriod } from '../consolidated/consolidated.service.js';
import type { PhaseSpan } from '../periods/deadlines.js';
import { periodLabel } from '../periods/period-label.js';
import { CHART_CAPTION, type TrendChartId } from './charts.js';
import { caption, heading1, heading2, table, text } from './gbt9704.js';
import { chartFigure, rowsParagraph, submissionParagraph, type Numbering } from './overview-section.js';
import { chineseDate, overallProgress, percent } from './period-figures.js';

/*
 * 一 of the 总结报告: the campaign as a whole. The phases and their dates come from the plan
 * (部署阶段, 整治阶段 with 深入整治 and 深化提升, 总结阶段); the figures of every period from
 * its consolidation, as the progress matrix shows them.
 */

const span = (phase: PhaseSpan) => `${phase.name}（${chineseDate(phase.startsOn)}至${chineseDate(phase.endsOn)}）`;

/** "部署阶段（…）；整治阶段（…），其中深入整治（…）、深化提升（…）；总结阶段（…）". */
export function phasesText(phases: readonly PhaseSpan[]): string {
  return phases
    .filter((phase) => phase.parentCode === null)
    .map((phase) => {
      const stages = phases.filter((stage) => stage.parentCode === phase.code);
      return stages.length === 0 ? span(phase) : `${span(phase)}，其中${stages.map(span).join('、')}`;
    })
    .join('；');
}

export const CAMPAIGN_CHARTS: readonly TrendChartId[] = ['progress-trend', 'submission-trend'];

/** 一 of the 总结报告, with the CAMPAIGN_CHARTS as PNG, in that order. */
export function campaignSection(phases: readonly PhaseSpan[], periods: readonly FlaggedPeriod[], current: FlaggedPeriod, issuedOn: string, numbers: Numbering, pngs: readonly Buffer[]): FileChild[] {
  const tableNo = numbers.next('table');
  const charts = CAMPAIGN_CHARTS;
  const figureNos = charts.map(() => numbers.next('figure'));
  const quarters = periods.filter(({ period }) => period.kind === 'quarterly');
  const range = quarters.length > 0 ? `${periodLabel(quarters[0]!.period.id)}至${periodLabel(quarters.at(-1)!.period.id)}` : '';
  return [
    heading1('一、综合治理工作总体情况'),
    heading2('（一）阶段安排'),
    text(`综合治理工作分阶段推进：${phasesText(phases)}。`),
    heading2('（二）各期报送和进展情况'),
    text(`${range ? `${range}共${quarters.length}期季度报送` : '各期季度报送'}及总结报告的报送和进展情况见表${tableNo}，各期任务平均进度见图${figureNos[0]}，各期报送情况见图${figureNos[1]}。`),
    caption(`表${tableNo}　各期报送和进展情况`, { aboveTable: true }),
    table(
      [
        { header: '报送期', weight: 3.6 },
        { header: '应报送（个）', weight: 2.4 },
        { header: '按时报送（个）', weight: 2.6 },
        { header: '逾期报送（个）', weight: 2.6 },
        { header: '未报送（个）', weight: 2.4 },
        { header: '平均进度', weight: 2.2 },
      ],
      periods.map(({ period, totals, measures }) => [
        periodLabel(period.id),
        String(totals.expected),
        String(totals.onTime),
        String(totals.late),
        String(totals.missing),
        percent(overallProgress({ measures })),
      ]),
    ),
    ...charts.flatMap((id, index) => chartFigure(pngs[index]!, figureNos[index]!, CHART_CAPTION[id])),
    heading2('（三）总结报告报送情况'),
    submissionParagraph(current, issuedOn),
    rowsParagraph(current),
  ];
}
