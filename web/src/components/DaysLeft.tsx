import { Tag } from 'antd';
import dayjs from 'dayjs';

/** 剩余N天 before the deadline, 已逾期 after it (calendar days to the deadline's instant). */
export function DaysLeft({ dueAt, done = false }: { dueAt: string; done?: boolean }) {
  if (done) return null;
  const due = dayjs(dueAt);
  const now = dayjs();
  if (due.isBefore(now)) return <Tag color="red">已逾期</Tag>;
  const days = Math.ceil(due.diff(now, 'hour', true) / 24);
  return <Tag color={days <= 3 ? 'orange' : 'green'}>剩余{days}天</Tag>;
}

export const formatTime = (at: string | null | undefined) => (at ? dayjs(at).format('YYYY-MM-DD HH:mm') : '—');
