import type { Column, Sheet } from '../../http/exports.js';
import { shorten } from '../../http/print-layout.js';
import { periodLabel } from '../periods/period-label.js';
import type { ProgressMatrix } from './consolidated.service.js';
import { chineseNumber, flagLine, flagLines, NO_REPORT_LABEL, rollupStatusText, TASK_STATUS_LABEL } from './labels.js';
import type { Rollup } from './rollup.js';

type Measure = ProgressMatrix['measures'][number];
type Task = Measure['tasks'][number];
type TaskCell = Task['cells'][number];


/*
 * Excel's own 3-colour scale (red, yellow, green), pinned to progress 0, 50 and 100 rather than to
 * the lowest and highest value present, so a colour means the same in every copy of the matrix.
 */
const SCALE_COLOURS = ['FFF8696B', 'FFFFEB84', 'FF63BE7B'];
const SCALE_POINTS = [0, 50, 100];
/** Cells of a flagged row in a flagged period: Excel's light red "bad" fill, dark red text. */
export const FLAGGED_FILL = 'FFFFC7CE';
const FLAGGED_FONT = 'FF9C0006';

/** `2017年\n第二季度`: a period as a column header, on two lines to keep the columns narrow. */
const periodHeader = (period: string) => periodLabel(period).replace('年', '年\n');
/** `推进中 60%`, or 暂无报送 when no counted report covers the row. */
const rollupText = (rollup: Rollup) => (rollup.status === null ? NO_REPORT_LABEL : `${TASK_STATUS_LABEL[rollup.status]} ${rollup.progress}%`);

const categoryText = (category: Measure['category']) => `(${chineseNumber(category.ordinal)})${category.title}`;

function printInfo(matrix: ProgressMatrix) {
  const [first, last] = [matrix.periods[0], matrix.periods.at(-1)];
  const span = first && last ? `${periodLabel(first)}至${periodLabel(last)},共 ${matrix.periods.length} 期` : '尚无报送期';
  return { subtitle: `${span} · 进度为已报送、已采纳报告的平均进度` };
}

/** Measures × periods: mean progress (0–100, empty without data) under a red–yellow–green colour scale. */
export function measureMatrixSheet(matrix: ProgressMatrix): Sheet<Measure> {
  const periodColumns = matrix.periods.map(
    (period, index): Column<Measure> => ({ header: periodHeader(period), width: 9, value: (measure) => measure.cells[index]?.progress ?? null }),
  );
  const fixed: Column<Measure>[] = [
    { header: '序号', width: 6, value: (measure) => measure.no },
    { header: '工作措施', width: 26, value: (measure) => measure.title },
    { header: '类别', width: 30, value: (measure) => categoryText(measure.category) },
  ];
  return {
    name: '措施进度矩阵',
    title: '危险化学品安全综合治理工作措施进度矩阵(平均进度 %)',
    ...printInfo(matrix),
    rows: matrix.measures,
    columns: [...fixed, ...periodColumns],
    decorate(worksheet, firstRow) {
      if (matrix.periods.length === 0 || matrix.measures.length === 0) return;
      for (let row = firstRow; row < firstRow + matrix.measures.length; row += 1) {
        for (let index = 1; index <= matrix.periods.length; index += 1) worksheet.getRow(row).getCell(fixed.length + index).alignment = { horizontal: 'center', vertical: 'middle' };
      }
      const from = worksheet.getColumn(fixed.length + 1).letter;
      const to = worksheet.getColumn(fixed.length + matrix.periods.length).letter;
      worksheet.addConditionalFormatting({
        ref: `${from}${firstRow}:${to}${firstRow + matrix.measures.length - 1}`,
        rules: [
          {
            type: 'colorScale',
            priority: 1,
            cfvo: SCALE_POINTS.map((value) => ({ type: 'num' as const, value })),
            color: SCALE_COLOURS.map((argb) => ({ argb })),
          },
        ],
      });
    },
  };
}

interface TaskLine {
  measure: Measure;
  task: Task;
}

const taskLines = (matrix: ProgressMatrix): TaskLine[] => matrix.measures.flatMap((measure) => measure.tasks.map((task) => ({ measure, task })));

/** Every task row: its status and progress in each period, flagged cells filled, the flags listed with their period. */
export function taskProgressSheet(matrix: ProgressMatrix): Sheet<TaskLine> {
  const fixed: Column<TaskLine>[] = [
    { header: '措施序号', width: 6, value: (line) => line.measure.no },
    { header: '任务序号', width: 6, value: (line) => line.task.seq },
    { header: '具体任务', width: 26, value: (line) => shorten(line.task.content, 50) },
  ];
  const periodColumns = matrix.periods.map(
    (period, index): Column<TaskLine> => ({ header: periodHeader(period), width: 9, value: (line) => rollupText(line.task.cells[index]!) }),
  );
  const flags: Column<TaskLine> = {
    header: '标记',
    width: 40,
    value: (line) =>
      line.task.cells
        .flatMap((cell: TaskCell) => cell.flags.map((flag) => `${cell.period === 'summary' ? periodLabel(cell.period) : cell.period} ${flagLine(flag)}`))
        .join('\n'),
  };
  const lines = taskLines(matrix);
  return {
    name: '任务进展',
    title: '危险化学品安全综合治理具体任务进展',
    ...printInfo(matrix),
    rows: lines,
    columns: [...fixed, ...periodColumns, flags],
    decorate(worksheet, firstRow) {
      lines.forEach((line, index) => {
        line.task.cells.forEach((cell, period) => {
          if (cell.flags.length === 0) return;
          const target = worksheet.getRow(firstRow + index).getCell(fixed.length + period + 1);
          target.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FLAGGED_FILL } };
          target.font = { color: { argb: FLAGGED_FONT } };
        });
      });
    },
  };
}

type Submissions = ProgressMatrix['submissions'][number];

/** Per period: how many units were expected, submitted (on time, late), missing, accepted, returned. */
export function submissionsSheet(matrix: ProgressMatrix): Sheet<Submissions> {
  return {
    name: '报送情况',
    title: '各期报送情况',
    ...printInfo(matrix),
    rows: matrix.submissions,
    columns: [
      { header: '期次', width: 16, value: (row) => periodLabel(row.period) },
      { header: '应报单位', width: 8, value: (row) => row.expected },
      { header: '已报单位', width: 8, value: (row) => row.submitted },
      { header: '按时', width: 8, value: (row) => row.onTime },
      { header: '逾期', width: 8, value: (row) => row.late },
      { header: '未报', width: 8, value: (row) => row.missing },
      { header: '已采纳', width: 8, value: (row) => row.accepted },
      { header: '已退回', width: 8, value: (row) => row.returned },
      { header: '待审核', width: 8, value: (row) => row.awaitingReview },
    ],
  };
}

export const progressWorkbook = (matrix: ProgressMatrix): Sheet<any>[] => [measureMatrixSheet(matrix), taskProgressSheet(matrix), submissionsSheet(matrix)];

interface TaskPeriod extends TaskLine {
  index: number;
}

/** The CSV, for machines: one line per task row and period, with the measure's figure beside the row's. */
export function progressCsvSheet(matrix: ProgressMatrix): Sheet<TaskPeriod> {
  return {
    name: '任务进展',
    rows: taskLines(matrix).flatMap((line) => matrix.periods.map((_period, index) => ({ ...line, index }))),
    columns: [
      { header: '措施序号', value: (row) => row.measure.no },
      { header: '工作措施', value: (row) => row.measure.title },
      { header: '任务序号', value: (row) => row.task.seq },
      { header: '期次', value: (row) => matrix.periods[row.index] },
      { header: '任务进展', value: (row) => rollupStatusText(row.task.cells[row.index]!) },
      { header: '平均进度(%)', value: (row) => row.task.cells[row.index]!.progress },
      { header: '措施平均进度(%)', value: (row) => row.measure.cells[row.index]!.progress },
      { header: '标记', value: (row) => flagLines(row.task.cells[row.index]!.flags) },
    ],
  };
}
