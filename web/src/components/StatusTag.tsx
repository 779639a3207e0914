import { Tag } from 'antd';
import type { components } from '../api/schema';
import { reportStatusColor, reportStatusText, taskStatusText } from '../i18n/zh';

export function StatusTag({ status }: { status: components['schemas']['ReportStatus'] }) {
  return <Tag color={reportStatusColor[status]}>{reportStatusText[status]}</Tag>;
}

export function TaskStatusTag({ status }: { status: components['schemas']['TaskStatus'] | null }) {
  if (!status) return <Tag>未填报</Tag>;
  const color = { not_started: 'default', in_progress: 'processing', completed: 'success', blocked: 'warning' }[status];
  return <Tag color={color}>{taskStatusText[status]}</Tag>;
}

export function LateTag({ late }: { late: boolean | null | undefined }) {
  return late ? <Tag color="red">逾期</Tag> : null;
}
