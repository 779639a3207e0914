import type { FileChild } from 'docx';
import type { FlaggedPeriod } from '../consolidated/consolidated.service.js';
import { CHART_CAPTION, CHART_SIZE, type PeriodChartId } from './charts.js';
import { caption, figure, heading1, table, text } from './gbt9704.js';
import { chineseNumber } from '../consolidated/labels.js';
import { categoryFigures, chineseDate, nameList, overallProgress, percent, rowsByStatus } from './period-figures.js';
import { NAMES_PER_LIST } from './report-sections.js';

/** Numbers figures and tables in the order they appear (图1, 图2 …; 表1 …). */
export function numbering() {
  const counts = { figure: 0, table: 0 };
  return { next: (kind: keyof typeof counts) => (counts[kind] += 1) };
}
export type Numbering = ReturnType<typeof numbering>;

/** A chart as a picture with its caption below it (图N　…). */
export const chartFigure = (png: Buffer, number: number, captionText: string): FileChild[] => [figure(png, CHART_SIZE), caption(`图${number}　${captionText}`)];

/** How the expected units reported: on time, late, not at all (named, in official order), and the review. */
export function submissionParagraph(period: FlaggedPeriod, issuedOn: string): FileChild {
  const totals = period.totals;
  const missing = totals.missingDepartments.map((unit) => unit.name);
  const missingText = totals.missing === 0 ? '未报送0个' : `未报送${totals.missing}个：${nameList(missing, NAMES_PER_LIST)}`;
  return text(
    `本期应报送单位${totals.expected}个。截至${chineseDate(issuedOn)}，已报送${totals.submitted}个，其中按时报送${totals.onTime}个、逾期报送${totals.late}个；${missingText}。` +
      `已报送的单位中，审核通过${totals.accepted}个，待审核${totals.awaitingReview}个，退回修改${totals.returned}个。`,
  );
}

/** How the task rows stand: by status, and the mean progress of the rows with a report. */
export function rowsParagraph(period: FlaggedPeriod): FileChild {
  const counts = rowsByStatus(period);
  const total = counts.reduce((sum, row) => sum + row.count, 0);
  const [notStarted, inProgress, completed, blocked, none] = counts.map((row) => row.count);
  const overall = overallProgress(period);
  return text(
    `全部${total}项任务中，已完成${completed}项、推进中${inProgress}项、受阻${blocked}项、未启动${notStarted}项，${none}项暂无报送` +
      (overall === null ? '。' : `；有报送的任务平均进度${percent(overall)}。`),
  );
}

export const OVERVIEW_CHARTS: readonly PeriodChartId[] = ['progress-by-category', 'status-distribution', 'timeliness'];

/** 一、总体情况 of a quarter: submissions, rows, a table per category and the OVERVIEW_CHARTS (as PNG, in that order). */
export function overviewSection(period: FlaggedPeriod, issuedOn: string, numbers: Numbering, pngs: readonly Buffer[]): FileChild[] {
  const categories = categoryFigures(period);
  const tableNo = numbers.next('table');
  const charts = OVERVIEW_CHARTS;
  const figureNos = charts.map(() => numbers.next('figure'));
  return [
    heading1('一、总体情况'),
    submissionParagraph(period, issuedOn),
    rowsParagraph(period),
    text(`各类别任务进展情况见表${tableNo}和图${figureNos[0]}，任务推进状态分布见图${figureNos[1]}，应报送单位报送情况见图${figureNos[2]}。`),
    caption(`表${tableNo}　各类别任务进展情况`, { aboveTable: true }),
    table(
      [
        { header: '类别', weight: 9, align: 'left' },
        { header: '任务数（项）', weight: 2.4 },
        { header: '有报送（项）', weight: 2.4 },
        { header: '平均进度', weight: 2.2 },
      ],
      categories.map((category) => [`（${chineseNumber(category.ordinal)}）${category.title}`, String(category.rows), String(category.reportedRows), percent(category.progress)]),
    ),
    ...charts.flatMap((id, index) => chartFigure(pngs[index]!, figureNos[index]!, CHART_CAPTION[id])),
  ];
}
