import { Tag } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

/**
 * Deadlines are set and read in the plan's time zone (reportingRule.timeZone, Asia/Shanghai for
 * every plan so far), whatever zone the browser is in: 17:00 is 17:00 in Shanghai, also on a
 * laptop set to UTC.
 */
export const PLAN_TIME_ZONE = 'Asia/Shanghai';

/** 剩余N天 before the deadline, 已逾期 after it (calendar days to the deadline's instant). */
export function DaysLeft({ dueAt, done = false }: { dueAt: string; done?: boolean }) {
  if (done) return null;
  const due = dayjs(dueAt);
  const now = dayjs();
  if (due.isBefore(now)) return <Tag color="red">已逾期</Tag>;
  const days = Math.ceil(due.diff(now, 'hour', true) / 24);
  return <Tag color={days <= 3 ? 'orange' : 'green'}>剩余{days}天</Tag>;
}

export const formatTime = (at: string | null | undefined) => (at ? dayjs(at).tz(PLAN_TIME_ZONE).format('YYYY-MM-DD HH:mm') : '—');

/** A date picker's value showing an instant as the plan's wall-clock time. */
export const toPlanWallClock = (at: string): Dayjs => dayjs(dayjs(at).tz(PLAN_TIME_ZONE).format('YYYY-MM-DDTHH:mm:ss'));

/** A picked wall-clock time, read in the plan's time zone, as ISO 8601 with its offset. */
export const fromPlanWallClock = (value: Dayjs): string => dayjs.tz(value.format('YYYY-MM-DDTHH:mm:ss'), PLAN_TIME_ZONE).format();
