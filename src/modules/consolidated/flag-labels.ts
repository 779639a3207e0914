import type { RowFlag, UnitFlag } from './flags.js';

/** What the office calls each behind-plan flag (src/modules/consolidated/flags.ts defines them). */
export const flagLabel: Record<RowFlag['code'] | UnitFlag['code'], string> = {
  stalled: '进度停滞',
  regressed: '进度倒退',
  blocked: '受阻',
  overdue: '逾期未完成',
  'missing-twice': '连续两期未报送',
};

/** A row's flags, one per line: `进度倒退:平均进度由 60% 降至 45%`. */
export const flagLines = (flags: readonly RowFlag[]) => flags.map((flag) => `${flagLabel[flag.code]}:${flag.detail}`).join('\n');
