import { Document, Packer, type FileChild } from 'docx';
import type { FlaggedPeriod } from '../consolidated/consolidated.service.js';
import type { PhaseSpan } from '../periods/deadlines.js';
import { periodLabel } from '../periods/period-label.js';
import { CAMPAIGN_CHARTS, campaignSection } from './campaign-section.js';
import { periodChartOption, renderPng, renderSvg, trendChartOption } from './charts.js';
import { blankLine, fontTableOverride, issuerLine, pageNumberFooters, paragraphStyles, sectionProperties, text, title } from './gbt9704.js';
import { numbering, OVERVIEW_CHARTS, overviewSection } from './overview-section.js';
import { chineseDate } from './period-figures.js';
import { attentionSection, progressSection } from './report-sections.js';
import { narrativeSection } from './narrative-section.js';
import { behindTargets, targetsDue, type BehindTarget } from './behind-targets.js';
import type { ReportEntry } from '../../db/schema/index.js';

/** The office that consolidates the reports (方案 五(二): 市安委会办公室), by its full name. */
export const ISSUER = '上海市安全生产委员会办公室';

export interface SummaryReportInput {
  plan: { title: string; documentNo: string | null };
  /** The day the document is generated, in the plan's time zone (YYYY-MM-DD). */
  issuedOn: string;
  /** The period reported on, consolidated with its flags. */
  period: FlaggedPeriod;
  /** For the 总结报告: the plan's phases and every period up to and including it. */
  campaign?: { phases: readonly PhaseSpan[]; periods: readonly FlaggedPeriod[] };
  /** The units' accepted targets for the period's year, by unit code (none: nothing is behind). */
  targets?: ReadonlyMap<string, readonly ReportEntry[]>;
}

/** "上海市危险化学品安全综合治理" from the plan's title "…实施方案". */
const subject = (planTitle: string) => `${planTitle.replace(/实施方案$/, '')}工作`;

const yearOf = (day: string) => day.slice(0, 4);

/**
 * The title, broken where the meaning breaks (GB/T 9704 7.3.1): 《…工作 2018年第二季度进展情况汇总报告》,
 * or for the summary period 《…工作总结报告（2017—2019年）》 with the years the periods span.
 */
export function reportTitle(input: Pick<SummaryReportInput, 'plan' | 'period' | 'campaign'>): string[] {
  const { period } = input.period;
  if (period.kind !== 'summary') return [subject(input.plan.title), `${periodLabel(period.id)}进展情况汇总报告`];
  const first = input.campaign?.periods[0]?.period.startsOn ?? period.startsOn;
  return [`${subject(input.plan.title)}总结报告`, `（${yearOf(first)}—${yearOf(period.endsOn)}年）`];
}

function introduction(input: SummaryReportInput): FileChild {
  const source = `《${input.plan.title}》${input.plan.documentNo ? `（${input.plan.documentNo}）` : ''}`;
  if (input.period.period.kind === 'summary') return text(`根据${source}要求，现将综合治理工作总结报告如下。`);
  return text(`根据${source}关于按季度报送工作进展情况的要求，现将${periodLabel(input.period.period.id)}各单位报送的工作进展情况汇总报告如下。`);
}

function behindOf(input: SummaryReportInput): BehindTarget[] {
  const due = targetsDue(input.period.period);
  return due && input.targets ? behindTargets(input.period, input.targets, due.share) : [];
}

/** The summary report as a .docx (pure: the data in, the file out). */
export async function summaryReport(input: SummaryReportInput): Promise<Buffer> {
  const numbers = numbering();
  const titleLines = reportTitle(input);
  const { campaign } = input;
  const svgs = campaign
    ? CAMPAIGN_CHARTS.map((id) => renderSvg(trendChartOption(id, campaign.periods)))
    : OVERVIEW_CHARTS.map((id) => renderSvg(periodChartOption(id, input.period)));
  const pngs = await Promise.all(svgs.map(renderPng));
  const first = campaign
    ? campaignSection(campaign.phases, campaign.periods, input.period, input.issuedOn, numbers, pngs)
    : overviewSection(input.period, input.issuedOn, numbers, pngs);
  const document = new Document({
    title: titleLines.join(''),
    creator: ISSUER,
    evenAndOddHeaderAndFooters: true,
    styles: { paragraphStyles },
    sections: [
      {
        properties: sectionProperties,
        footers: pageNumberFooters(),
        children: [
          title(titleLines),
          blankLine(),
          issuerLine(ISSUER),
          issuerLine(chineseDate(input.issuedOn)),
          blankLine(),
          introduction(input),
          ...first,
          ...progressSection(input.period),
          ...attentionSection(input.period, behindOf(input)),
          // The 总结报告 compiles the units' 总结报告正文 (consolidatedHistory gives them on the summary period only).
          ...(input.period.narratives ? narrativeSection(input.period.narratives) : []),
        ],
      },
    ],
  });
  return Packer.toBuffer(document, false, [fontTableOverride]);
}
