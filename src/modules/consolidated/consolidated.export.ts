import type { ReportEntry } from '../../db/schema/index.js';
import type { Sheet } from '../../http/exports.js';
import { shorten } from '../../http/print-layout.js';
import type { DepartmentRef } from '../plans/plans.service.js';
import { periodLabel } from '../periods/period-label.js';
import type { ConsolidatedReport } from './consolidated.service.js';
import { chineseNumber, flagLabel, flagLines, REPORT_STATUS_LABEL, rollupStatusText, TASK_STATUS_LABEL } from './labels.js';
import type { UnitLine } from './rollup.js';
import { opinionLines } from '../lead/opinion-lines.js';
import { narrativesSheet } from './narratives.export.js';

const roleLabel = { lead: '牵头', responsible: '负责' } as const;

/** A 牵头部门 / 负责部门 cell as the 分工表 prints it, 等 included; an empty cell stays empty. */
const cell = (units: DepartmentRef[], openEnded: boolean) => (units.length === 0 ? null : units.map((unit) => unit.name).join('、') + (openEnded ? '等' : ''));
const lateText = (line: { late: boolean | null }) => (line.late === null ? '' : line.late ? '逾期' : '按时');
/** A unit's figures in one cell, e.g. `专业监管人员占比: 72%; 专项检查: 15次`. */
const metricsText = (metrics: ReportEntry['metrics']) => metrics?.map((metric) => `${metric.name}: ${metric.value}${metric.unit}`).join('; ');
/** The period's ISO deadline (already in the plan's zone) as printed: `2018-07-06 17:00`. */
const wallTime = (iso: string) => iso.slice(0, 16).replace('T', ' ');

/** The line under every sheet's title: the period, its deadline and how many units reported. */
function subtitleOf(report: ConsolidatedReport) {
  const { period, totals } = report;
  const phase = [period.phase?.name, period.stage?.name].filter(Boolean).join(' ');
  return [
    `${periodLabel(period.id)}${phase ? `(${phase})` : ''}`,
    `截止 ${wallTime(period.dueAt)}`,
    `应报 ${totals.expected} 家,已报 ${totals.submitted} 家(按时 ${totals.onTime},逾期 ${totals.late}),未报 ${totals.missing} 家`,
  ].join(' · ');
}

interface TaskRow {
  measure: ConsolidatedReport['measures'][number];
  task: ConsolidatedReport['measures'][number]['tasks'][number];
}

interface UnitRow extends TaskRow {
  line: UnitLine;
}

const taskRows = (report: ConsolidatedReport): TaskRow[] =>
  report.measures.flatMap((measure) => measure.tasks.map((task) => ({ measure, task })));

const unitRows = (rows: TaskRow[]): UnitRow[] => rows.flatMap((row) => row.task.units.map((line) => ({ ...row, line })));

/** One row per unit and task row: the flat form for CSV and pivot tables; 牵头部门意见 and 标记 repeat the row's. */
export function unitSheet(name: string, rows: UnitRow[], print: Pick<Sheet, 'title' | 'subtitle'> = {}): Sheet<UnitRow> {
  return {
    name,
    ...print,
    rows,
    columns: [
      { header: '措施序号', width: 6, value: (row) => row.measure.no },
      { header: '工作措施', width: 14, value: (row) => row.measure.title },
      { header: '任务序号', width: 6, value: (row) => row.task.seq },
      { header: '单位代码', width: 16, value: (row) => row.line.department.code },
      { header: '单位', width: 14, value: (row) => row.line.department.name },
      { header: '职责', width: 8, value: (row) => roleLabel[row.line.role] + (row.line.via ? `(${row.line.via.name})` : '') },
      { header: '报送状态', width: 8, value: (row) => REPORT_STATUS_LABEL[row.line.reportStatus] },
      { header: '是否逾期', width: 6, value: (row) => lateText(row.line) },
      { header: '进展状态', width: 8, value: (row) => (row.line.entry ? TASK_STATUS_LABEL[row.line.entry.status] : '') },
      { header: '进度(%)', width: 6, value: (row) => row.line.entry?.progress },
      { header: '工作进展', width: 36, value: (row) => row.line.entry?.summary },
      { header: '存在问题', width: 22, value: (row) => row.line.entry?.problems },
      { header: '下步计划', width: 22, value: (row) => row.line.entry?.nextSteps },
      { header: '指标', width: 18, value: (row) => metricsText(row.line.entry?.metrics) },
      { header: '牵头部门意见', width: 30, value: (row) => opinionLines(row.task.leadOpinions) },
      { header: '标记', width: 20, value: (row) => flagLines(row.task.flags) },
    ],
  };
}

/** The 分工表 itself, one row per task row, with the period's progress columns added. */
function tableSheet(report: ConsolidatedReport): Sheet<TaskRow> {
  return {
    name: '分工表进展汇总',
    title: '危险化学品安全综合治理工作措施和部门分工表进展汇总',
    subtitle: subtitleOf(report),
    rows: taskRows(report),
    columns: [
      { header: '序号', width: 6, value: (row) => row.measure.no },
      { header: '治理内容和工作措施', width: 14, value: (row) => row.measure.title },
      { header: '具体任务', width: 38, value: (row) => row.task.content },
      { header: '牵头部门', width: 12, value: (row) => cell(row.task.lead, row.task.leadOpenEnded) },
      { header: '负责部门(按职责分工)', width: 22, value: (row) => cell(row.task.responsible, row.task.responsibleOpenEnded) },
      { header: '备注', width: 14, value: (row) => row.task.note },
      { header: '应报单位', width: 6, value: (row) => row.task.expected },
      { header: '已报单位', width: 6, value: (row) => row.task.reported },
      { header: '任务进展', width: 8, value: (row) => rollupStatusText(row.task.rollup) },
      { header: '平均进度(%)', width: 8, value: (row) => row.task.rollup.progress },
      {
        header: '各单位进展',
        width: 44,
        value: (row) =>
          row.task.units
            .filter((line) => line.entry)
            .map((line) => `${line.department.name}:${TASK_STATUS_LABEL[line.entry!.status]} ${line.entry!.progress}% ${line.entry!.summary}`)
            .join('\n'),
      },
      { header: '牵头部门意见', width: 36, value: (row) => opinionLines(row.task.leadOpinions) },
      { header: '标记', width: 24, value: (row) => flagLines(row.task.flags) },
    ],
  };
}

function missingSheet(report: ConsolidatedReport): Sheet<DepartmentRef> {
  return {
    name: '未报送单位',
    title: '未报送单位',
    subtitle: subtitleOf(report),
    rows: report.totals.missingDepartments,
    columns: [
      { header: '单位代码', width: 28, value: (unit) => unit.code },
      { header: '单位', width: 30, value: (unit) => unit.name },
      { header: '截止时间', width: 18, value: () => new Date(report.period.dueAt) },
    ],
  };
}

interface Concern {
  kind: string;
  measureNo?: number;
  taskSeq?: number;
  subject: string;
  detail: string;
}

/** The period's behind-plan flags, row by row in the table's order, then the units missing twice in official order. */
function concernsSheet(report: ConsolidatedReport): Sheet<Concern & { index: number }> {
  const concerns: Concern[] = [
    ...taskRows(report).flatMap(({ measure, task }) =>
      task.flags.map((flag) => ({ kind: flagLabel[flag.code], measureNo: measure.no, taskSeq: task.seq, subject: shorten(task.content, 60), detail: flag.detail })),
    ),
    ...report.unitFlags.map((flag) => ({ kind: flagLabel[flag.code], subject: flag.department.name, detail: flag.detail })),
  ];
  const rows = concerns.length > 0 ? concerns : [{ kind: '', subject: '', detail: '本期无需关注事项' }];
  return {
    name: '需关注事项',
    title: '需关注事项',
    subtitle: subtitleOf(report),
    rows: rows.map((concern, index) => ({ ...concern, index: index + 1 })),
    columns: [
      { header: '序号', width: 6, value: (row) => row.index },
      { header: '类别', width: 16, value: (row) => row.kind },
      { header: '措施序号', width: 6, value: (row) => row.measureNo },
      { header: '任务序号', width: 6, value: (row) => row.taskSeq },
      { header: '具体任务 / 单位', width: 50, value: (row) => row.subject },
      { header: '说明', width: 50, value: (row) => row.detail },
    ],
  };
}

/** The workbook the office opens: the table with progress, the missing units, and a sheet per category. */
export function consolidatedWorkbook(report: ConsolidatedReport): Sheet<any>[] {
  const rows = taskRows(report);
  const categories = [...new Map(report.measures.map((measure) => [measure.category.ordinal, measure.category])).values()];
  return [
    tableSheet(report),
    missingSheet(report),
    concernsSheet(report),
    ...(report.narratives ? [narrativesSheet({ ...report, narratives: report.narratives })] : []),
    ...categories.map((category) => {
      const title = `(${chineseNumber(category.ordinal)})${category.title}`;
      return unitSheet(title.slice(0, 31), unitRows(rows.filter((row) => row.measure.category.ordinal === category.ordinal)), { title, subtitle: subtitleOf(report) });
    }),
  ];
}

export const consolidatedCsvSheet = (report: ConsolidatedReport) => unitSheet('汇总', unitRows(taskRows(report)));
