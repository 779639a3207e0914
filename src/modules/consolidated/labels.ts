import type { RowFlag, UnitFlag } from './flags.js';
import type { ReportStatus, Rollup, TaskStatus } from './rollup.js';

/*
 * The Chinese words the office's documents use for the figures: one place for the exports, the
 * Word report, the charts and the flags' details.
 */

export const TASK_STATUS_LABEL: Record<TaskStatus, string> = { not_started: '未启动', in_progress: '推进中', completed: '已完成', blocked: '受阻' };
/** A unit's report in words: the same in every workbook and document the office reads (the web app says 审核通过 too). */
export const REPORT_STATUS_LABEL: Record<ReportStatus, string> = { not_started: '未填报', draft: '草稿未报送', submitted: '已报送', accepted: '审核通过', returned: '已退回' };
/** A row no counted report covers. */
export const NO_REPORT_LABEL = '暂无报送';
/** A roll-up's status in words, 暂无报送 without data. */
export const rollupStatusText = (rollup: Pick<Rollup, 'status'>) => (rollup.status === null ? NO_REPORT_LABEL : TASK_STATUS_LABEL[rollup.status]);

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1 → 一, 12 → 十二, 31 → 三十一 (category ordinals, headings, quarters; the plan has fewer than 100 of each). */
export function chineseNumber(value: number): string {
  if (value < 10) return DIGITS[value]!;
  const tens = Math.floor(value / 10);
  const units = value % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${units === 0 ? '' : DIGITS[units]}`;
}

/** What the office calls each behind-plan flag (src/modules/consolidated/flags.ts defines them). */
export const flagLabel: Record<RowFlag['code'] | UnitFlag['code'], string> = {
  stalled: '进度停滞',
  regressed: '进度倒退',
  blocked: '受阻',
  overdue: '逾期未完成',
  'missing-twice': '连续两期未报送',
};

/** `进度倒退:平均进度由 60% 降至 45%`. */
export const flagLine = (flag: RowFlag) => `${flagLabel[flag.code]}:${flag.detail}`;
/** A row's flags, one per line. */
export const flagLines = (flags: readonly RowFlag[]) => flags.map(flagLine).join('\n');
