import type { LeadOpinion, ReportEntry, SummaryNarrative } from '../../db/schema/index.js';
import { minutesInZone, shorten } from '../../http/print-layout.js';
import { chineseNumber, TASK_STATUS_LABEL } from '../consolidated/labels.js';
import { periodLabel } from '../periods/period-label.js';
import { taskKey } from '../reports/carried-tasks.js';
import { NARRATIVE_SECTIONS } from '../reports/narrative-rules.js';
import { blank, heading1, heading2, labelled, packDocx, paragraph, table, titleLines } from './docx-package.js';
import { REPORT_STATUS_LABEL, reviewOf, type ReportStatusKey } from './labels.js';

/*
 * The two documents of a unit's folder for a period: 报告.docx, its report as it stands (the
 * current version), and 牵头汇总意见.docx, the opinions it last submitted on the rows it leads.
 * Pure: the data in, the .docx out (docxTemplate() must have been awaited).
 */

export interface RowInfo {
  measureNo: number;
  measureTitle: string;
  taskSeq: number;
  content: string;
}

export interface ListedFile {
  /** The name in the folder 附件/ (deduplicated). */
  name: string;
  measureNo: number | null;
  taskSeq: number | null;
  description: string;
}

interface Common {
  unitName: string;
  periodId: string;
  periodKind: 'quarterly' | 'summary' | 'targets';
  timeZone: string;
  /** key `measureNo-taskSeq` → the 分工表 row. */
  rows: ReadonlyMap<string, RowInfo>;
  /** Only this measure's rows are in the archive (measure=). */
  measureNo: number | null;
  files: readonly ListedFile[];
}

export interface ReportDocInput extends Common {
  report: {
    status: ReportStatusKey;
    version: number;
    dueAt: Date;
    submittedAt: Date | null;
    late: boolean | null;
    reviewedAt: Date | null;
    returnReason: string | null;
    enteredByOffice: boolean;
    updatedAt: Date;
    entries: readonly ReportEntry[];
    narrative: SummaryNarrative | null;
  };
}

export interface OpinionsDocInput extends Common {
  submittedAt: Date;
  version: number;
  opinions: readonly LeadOpinion[];
}

const rowName = (rows: Common['rows'], key: { measureNo: number; taskSeq: number }) => {
  const row = rows.get(taskKey(key));
  return `措施${key.measureNo}第${key.taskSeq}项${row ? `：${row.content}` : ''}`;
};
/** In a table cell: the row's number and the start of its text (the sections below give it whole). */
const rowBrief = (rows: Common['rows'], key: { measureNo: number; taskSeq: number }) => {
  const row = rows.get(taskKey(key));
  return `${rowShort(key)}${row ? ` ${shorten(row.content, 30)}` : ''}`;
};
const rowShort = (key: { measureNo: number; taskSeq: number }) => `措施${key.measureNo}第${key.taskSeq}项`;

const documentTitle = (input: Common, what: 'report' | 'opinions') => {
  const label = periodLabel(input.periodId);
  if (what === 'opinions') return [input.unitName, `${label}牵头汇总意见`];
  if (input.periodKind === 'targets') return [input.unitName, label];
  if (input.periodKind === 'summary') return [input.unitName, '综合治理工作总结报告'];
  return [input.unitName, `${label}工作进展情况报告`];
};

const scopeNote = (input: Common) => (input.measureNo === null ? [] : [paragraph(`本台账仅收录措施${input.measureNo}的任务。`)]);

/** 附件: the files in the folder 附件/, with the row each is tied to. */
function filesSection(number: string, files: readonly ListedFile[]): string[] {
  if (files.length === 0) return [];
  return [
    heading1(`${number}、附件`),
    ...files.map((file, index) =>
      paragraph(`${index + 1}. ${file.name}${file.measureNo !== null && file.taskSeq !== null ? `（${rowShort({ measureNo: file.measureNo, taskSeq: file.taskSeq })}）` : ''}${file.description ? `：${file.description}` : ''}`),
    ),
  ];
}

const metricText = (metrics: ReportEntry['metrics']) => (metrics ?? []).map((metric) => `${metric.name} ${metric.value}${metric.unit}`).join('；');

function entryParagraphs(input: ReportDocInput, entry: ReportEntry, index: number): string[] {
  const targets = input.periodKind === 'targets';
  return [
    heading2(`（${chineseNumber(index + 1)}）${rowName(input.rows, entry)}`),
    labelled(targets ? '年底预期：' : '进展情况：', `${TASK_STATUS_LABEL[entry.status]}，${targets ? '预期进度' : '进度'}${entry.progress}%`),
    ...(entry.summary ? [labelled(targets ? '目标说明：' : '工作进展：', entry.summary)] : []),
    ...(entry.problems ? [labelled('存在问题：', entry.problems)] : []),
    ...(entry.nextSteps ? [labelled('下步计划：', entry.nextSteps)] : []),
    ...(entry.metrics?.length ? [labelled(targets ? '量化指标目标：' : '量化指标：', metricText(entry.metrics))] : []),
  ];
}

/** 总结报告正文 by section, a blank line separating paragraphs. */
function narrativeParagraphs(narrative: SummaryNarrative): string[] {
  return NARRATIVE_SECTIONS.flatMap(({ key, title }, index) => [
    heading2(`（${chineseNumber(index + 1)}）${title}`),
    ...(narrative[key] ?? '')
      .split(/\n\s*\n/)
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => paragraph(part)),
  ]);
}

export function reportDocx(input: ReportDocInput): Buffer {
  const { report } = input;
  const at = (value: Date) => minutesInZone(value, input.timeZone);
  const entries = report.entries.filter((entry) => input.measureNo === null || entry.measureNo === input.measureNo);
  const review = reviewOf(report);
  const targets = input.periodKind === 'targets';
  const sections: string[][] = [];
  sections.push([
    heading1('一、报送情况'),
    labelled('报送状态：', `${REPORT_STATUS_LABEL[report.status]}（第${report.version}版）`),
    labelled('截止时间：', at(report.dueAt)),
    labelled('报送时间：', report.submittedAt ? `${at(report.submittedAt)}${report.late === null ? '' : report.late ? '（逾期）' : '（按时）'}` : '未报送'),
    labelled('审核结果：', `${review.decision || '尚未报送'}${report.reviewedAt && review.decision !== '待审核' ? `（${at(report.reviewedAt)}）` : ''}`),
    ...(review.reason ? [labelled('退回原因：', review.reason)] : []),
    ...(report.enteredByOffice ? [paragraph('本版本由市安委会办公室代为填报。')] : []),
    ...scopeNote(input),
  ]);
  sections.push([
    heading1(`二、${targets ? '各项任务年度目标' : '各项任务进展'}`),
    ...(entries.length === 0
      ? [paragraph('未填报任务。')]
      : [
          table(
            [
              { header: '任务', weight: 5, align: 'left' },
              { header: targets ? '年底预期状态' : '进展状态', weight: 2 },
              { header: targets ? '预期进度' : '进度', weight: 1.5 },
            ],
            entries.map((entry) => [rowBrief(input.rows, entry), TASK_STATUS_LABEL[entry.status], `${entry.progress}%`]),
          ),
          ...entries.flatMap((entry, index) => entryParagraphs(input, entry, index)),
        ]),
  ]);
  if (input.periodKind === 'summary' && report.narrative) sections.push([heading1('三、总结报告正文'), ...narrativeParagraphs(report.narrative)]);
  sections.push(filesSection(chineseNumber(sections.length + 1), input.files));
  return packDocx([titleLines(documentTitle(input, 'report')), blank(), ...sections.flat()], report.updatedAt);
}

export function opinionsDocx(input: OpinionsDocInput): Buffer {
  const opinions = input.opinions.filter((opinion) => input.measureNo === null || opinion.measureNo === input.measureNo);
  const sections: string[][] = [
    [
      heading1('一、报送情况'),
      labelled('提交时间：', `${minutesInZone(input.submittedAt, input.timeZone)}（第${input.version}版）`),
      paragraph('本文件为牵头部门对所牵头任务各责任单位进展的汇总意见（最近一次提交的版本）。'),
      ...scopeNote(input),
    ],
    [
      heading1('二、各项任务汇总意见'),
      table(
        [
          { header: '任务', weight: 5, align: 'left' },
          { header: '汇总状态', weight: 2 },
          { header: '进度', weight: 1.5 },
        ],
        opinions.map((opinion) => [rowBrief(input.rows, opinion), TASK_STATUS_LABEL[opinion.status], `${opinion.progress}%`]),
      ),
      ...opinions.flatMap((opinion, index) => [heading2(`（${chineseNumber(index + 1)}）${rowName(input.rows, opinion)}`), labelled('汇总意见：', opinion.assessment)]),
    ],
  ];
  sections.push(filesSection('三', input.files));
  return packDocx([titleLines(documentTitle(input, 'opinions')), blank(), ...sections.flat()], input.submittedAt);
}
