import { useQuery } from '@tanstack/react-query';
import { Card, Empty, List, Spin, Typography } from 'antd';
import { api } from '../../../api/client';
import { useMe } from '../../../api/session';
import { formatTime } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePageTitle } from '../../../components/usePeriods';

/** The unit's in-app feed: reminders, and the office's 审核通过 / 退回 notices. */
export default function NotificationsPage() {
  usePageTitle('消息通知');
  const me = useMe();
  const code = me.department?.code ?? '';
  const feed = useQuery({
    queryKey: ['notifications', code],
    queryFn: async () => (await api.GET('/v1/departments/{code}/notifications', { params: { path: { code }, query: { limit: 100 } } })).data!,
    refetchInterval: 60_000,
  });
  if (feed.isPending) return <Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>;
  if (feed.isError) return <ProblemAlert error={feed.error} />;
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        消息通知
      </Typography.Title>
      <List
        dataSource={feed.data.items}
        locale={{ emptyText: <Empty description="暂无消息" /> }}
        renderItem={(item) => (
          <List.Item style={{ display: 'block', padding: '6px 0' }}>
            <Card size="small" title={<span style={{ whiteSpace: 'normal' }}>{item.subject}</span>} extra={formatTime(item.createdAt)}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{item.body}</Typography.Paragraph>
            </Card>
          </List.Item>
        )}
      />
    </>
  );
}
