import { Space, Tag } from 'antd';
import type { components } from '../api/schema';
import { DaysLeft, formatTime } from './DaysLeft';
import { StatusTag } from './StatusTag';

/** A period's deadline as a unit sees it: the time, whether the office moved it, the days left, and its report's status. */
export function DeadlineTags({ period, report, done }: { period: { dueAt: string; deadlineMoved: boolean }; report?: { status: components['schemas']['ReportStatus']; late: boolean | null } | undefined; done: boolean }) {
  return (
    <Space wrap>
      <span>截止 {formatTime(period.dueAt)}</span>
      {period.deadlineMoved && <Tag color="purple">已调整</Tag>}
      <DaysLeft dueAt={period.dueAt} done={done} />
      {report && <StatusTag status={report.status} />}
      {report?.late && <Tag color="red">逾期</Tag>}
    </Space>
  );
}
