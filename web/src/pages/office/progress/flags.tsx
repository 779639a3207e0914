import { Popover, Tag } from 'antd';
import type { components } from '../../../api/schema';
import { flagText } from '../../../i18n/zh';

export type RowFlag = components['schemas']['RowFlag'];
type Matrix = components['schemas']['ProgressMatrix'];

/** Red on white and white on red both pass WCAG AA (5.9:1), on every colour of the matrix. */
const MARKER = '#c41d1d';

/** Each flag as a tag with its label and, after it, the server's Chinese detail. */
export function FlagList({ flags }: { flags: readonly RowFlag[] }) {
  return (
    <ul style={{ margin: 0, paddingInlineStart: 0, listStyle: 'none' }}>
      {flags.map((flag) => (
        <li key={flag.code} style={{ marginBottom: 4 }}>
          <Tag color="red">{flagText[flag.code]}</Tag>
          {flag.detail}
        </li>
      ))}
    </ul>
  );
}

/**
 * The marker on a flagged cell: a small button (so a keyboard reaches it too) that opens the
 * flags' details. `label` names the cell for screen readers ("措施1第1项 2018年第一季度").
 */
export function FlagMarker({ flags, label }: { flags: readonly RowFlag[]; label: string }) {
  if (flags.length === 0) return null;
  return (
    <Popover trigger={['hover', 'click']} title={`${label} · 需关注`} content={<div style={{ maxWidth: 320 }}><FlagList flags={flags} /></div>}>
      <button
        type="button"
        data-flag-marker
        aria-label={`${label}:${flags.map((flag) => flagText[flag.code]).join('、')}`}
        style={{ marginInlineStart: 4, width: 20, height: 20, borderRadius: 10, border: '1px solid #fff', background: MARKER, color: '#fff', fontWeight: 700, fontSize: 12, lineHeight: '18px', padding: 0, cursor: 'pointer' }}
      >
        !
      </button>
    </Popover>
  );
}

export interface Attention {
  measureNo: number;
  measureTitle: string;
  seq: number;
  content: string;
  flags: RowFlag[];
}

/** The latest period in which any row has a roll-up, or null before the first report counts. */
export function latestPeriodWithData(matrix: Matrix): string | null {
  const withData = matrix.periods.filter((period) => matrix.measures.some((measure) => measure.cells.some((cell) => cell.period === period && cell.progress !== null)));
  return withData.at(-1) ?? null;
}

/** The rows flagged in `period`, in the 分工表's order. */
export function attentionOf(matrix: Matrix, period: string): Attention[] {
  return matrix.measures.flatMap((measure) =>
    measure.tasks.flatMap((task) => {
      const flags = task.cells.find((cell) => cell.period === period)?.flags ?? [];
      return flags.length > 0 ? [{ measureNo: measure.no, measureTitle: measure.title, seq: task.seq, content: task.content, flags }] : [];
    }),
  );
}
