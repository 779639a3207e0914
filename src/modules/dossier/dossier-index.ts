import type { PassThrough } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import ExcelJS from 'exceljs';
import type { Queryable } from '../../db/client.js';
import type { ReportEntry } from '../../db/schema/index.js';
import type { Column } from '../../http/exports.js';
import { shorten } from '../../http/print-layout.js';
import { streamPrintSheet } from '../../http/print-sheet.js';
import { TASK_STATUS_LABEL } from '../consolidated/labels.js';
import type { Department } from '../departments/departments.service.js';
import { periodLabel } from '../periods/period-label.js';
import type { PeriodRow } from '../periods/periods.service.js';
import { taskKey } from '../reports/carried-tasks.js';
import type { ReportRow } from '../reports/reports.repository.js';
import { periodSlices, type DossierScope, type ScopedRow } from './dossier-scope.js';
import * as repository from './dossier.repository.js';
import { REPORT_STATUS_LABEL, reviewOf } from './labels.js';
import type { RowInfo } from './report-docx.js';
import { DossierAborted, drained, type ZipWriter } from './zip-writer.js';

/** One line of 索引.xlsx: a unit's row in a period. */
interface IndexLine {
  period: PeriodRow;
  unit: Department;
  row: ScopedRow;
  info: RowInfo | undefined;
  report: ReportRow | undefined;
  entry: ReportEntry | undefined;
  reminders: number;
  rowFiles: number;
  reportFiles: number;
}

const COLUMNS: Column<IndexLine>[] = [
  { header: '期次', width: 14, value: (line) => periodLabel(line.period.id) },
  { header: '措施序号', width: 6, value: (line) => line.row.measureNo },
  { header: '工作措施', width: 16, value: (line) => line.info?.measureTitle },
  { header: '任务序号', width: 6, value: (line) => line.row.taskSeq },
  { header: '具体任务', width: 30, value: (line) => (line.info ? shorten(line.info.content, 60) : null) },
  { header: '单位', width: 16, value: (line) => line.unit.name },
  { header: '单位代码', width: 14, value: (line) => line.unit.code },
  { header: '职责', width: 8, value: (line) => line.row.role },
  { header: '报送状态', width: 10, value: (line) => REPORT_STATUS_LABEL[line.report?.status ?? 'not_started'] },
  { header: '进展状态', width: 8, value: (line) => (line.entry ? TASK_STATUS_LABEL[line.entry.status] : null) },
  { header: '进度(%)', width: 6, value: (line) => line.entry?.progress },
  { header: '报送时间', width: 16, value: (line) => line.report?.submittedAt },
  { header: '是否逾期', width: 6, value: (line) => (line.report?.late === true ? '逾期' : line.report?.late === false ? '按时' : null) },
  { header: '审核结果', width: 10, value: (line) => (line.report ? reviewOf(line.report).decision : null) },
  { header: '退回原因', width: 20, value: (line) => (line.report ? reviewOf(line.report).reason : null) },
  { header: '催报次数', width: 6, value: (line) => line.reminders },
  { header: '本任务附件', width: 6, value: (line) => line.rowFiles },
  { header: '报告附件合计', width: 8, value: (line) => line.reportFiles },
];

/** What the archive covers, under the index's title. */
export function scopeText(scope: DossierScope): string {
  const periods = scope.periods.length === 1 ? periodLabel(scope.periods[0]!.id) : `${scope.periods.length} 期`;
  return [`范围：${scope.unit?.name ?? '全部单位'}`, ...(scope.measureNo === null ? [] : [`措施${scope.measureNo}`]), periods].join(' · ');
}

/** Waits while the archive's reader is behind: exceljs does not wait itself, it would buffer every row. */
async function caughtUp(target: PassThrough) {
  if (target.writableNeedDrain) await drained(target);
  await nextTurn();
}

/**
 * 索引.xlsx, written into `target` with exceljs's streaming writer as the slices are read: one
 * row per period, row and unit in scope, none of them kept once written.
 */
export async function writeIndex(db: Queryable, scope: DossierScope, target: PassThrough, zip: ZipWriter, now: Date): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: target, useStyles: true, useSharedStrings: false });
  workbook.creator = 'hazchem-tracker';
  const sheet = streamPrintSheet(
    workbook,
    { name: '台账索引', title: `${scope.plan.title}台账索引`, subtitle: scopeText(scope), columns: COLUMNS },
    { timeZone: scope.timeZone, generatedAt: now },
  );
  for (const period of scope.periods) {
    for await (const { slice, units } of periodSlices(db, scope, period)) {
      if (zip.aborted) throw new DossierAborted();
      const reminders = await repository.remindersSent(db, slice);
      const counts = await repository.reportFileCounts(db, slice);
      for (const { unit, report, rows } of units) {
        const files = counts.filter((count) => count.departmentCode === unit.code && (scope.measureNo === null || count.measureNo === null || count.measureNo === scope.measureNo));
        const entries = new Map(report?.entries.map((entry) => [taskKey(entry), entry]));
        for (const row of rows) {
          const key = taskKey(row);
          sheet.add({
            period,
            unit,
            row,
            info: scope.rows.get(key),
            report,
            entry: entries.get(key),
            reminders: reminders.get(unit.code) ?? 0,
            rowFiles: files.filter((count) => count.measureNo === row.measureNo && count.taskSeq === row.taskSeq).reduce((sum, count) => sum + count.count, 0),
            reportFiles: files.reduce((sum, count) => sum + count.count, 0),
          });
        }
      }
      await caughtUp(target);
    }
  }
  await sheet.commit();
  await workbook.commit();
}
