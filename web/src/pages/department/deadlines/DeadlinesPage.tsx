import { useMutation, useQueries } from '@tanstack/react-query';
import { Alert, Button, Card, List, Space, Spin, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../../../api/client';
import { useMe } from '../../../api/session';
import { DeadlineTags } from '../../../components/DeadlineTags';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePageTitle, usePeriods } from '../../../components/usePeriods';
import { DEFAULT_PLAN, periodText, reportPath } from '../../../i18n/zh';

/** Every period's deadline (China's working-day calendar, in the API), days left, the unit's status, the calendar link. */
export default function DeadlinesPage() {
  usePageTitle('报送期限');
  const me = useMe();
  const code = me.department?.code ?? '';
  const periods = usePeriods(DEFAULT_PLAN);
  const reports = useQueries({
    queries: (periods.data?.items ?? []).map((period) => ({
      queryKey: ['report', DEFAULT_PLAN, period.id, code],
      queryFn: async () =>
        (await api.GET('/v1/plans/{plan}/periods/{period}/reports/{department}', { params: { path: { plan: DEFAULT_PLAN, period: period.id, department: code } } })).data!,
    })),
  });
  const calendar = useMutation({
    mutationFn: async () => (await api.POST('/v1/departments/{code}/calendar-token', { params: { path: { code } } })).data!,
  });

  if (periods.isPending) return <Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>;
  if (periods.isError) return <ProblemAlert error={periods.error} />;

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        报送期限
      </Typography.Title>
      <Card size="small" title="日历订阅" style={{ marginBottom: 16 }}>
        <Typography.Paragraph>在手机或电脑日历中订阅本单位的报送截止时间(iCalendar)。生成新链接后,旧链接失效。</Typography.Paragraph>
        <ProblemAlert error={calendar.error} />
        {calendar.data ? (
          <Alert
            type="success"
            title="订阅链接"
            description={<Typography.Text copyable={{ text: calendar.data.url, tooltips: ['复制', '已复制'] }} style={{ wordBreak: 'break-all' }}>{calendar.data.url}</Typography.Text>}
          />
        ) : (
          <Button onClick={() => calendar.mutate()} loading={calendar.isPending}>
            生成日历订阅链接
          </Button>
        )}
      </Card>
      <List
        dataSource={periods.data.items}
        renderItem={(period, index) => {
          const report = reports[index]?.data;
          const done = report ? report.firstSubmittedAt !== null || report.status === 'accepted' : false;
          return (
            <List.Item style={{ display: 'block', padding: '6px 0' }}>
              <Card size="small">
                <Space wrap size={[12, 4]} style={{ width: '100%', justifyContent: 'space-between' }}>
                  <Space wrap>
                    <Link to={reportPath(DEFAULT_PLAN, period.id, code)}>
                      <strong>{periodText(period.id)}</strong>
                    </Link>
                    {period.stage && <Tag>{period.stage.name}</Tag>}
                  </Space>
                  <DeadlineTags period={period} report={report} done={done} />
                </Space>
              </Card>
            </List.Item>
          );
        }}
      />
    </>
  );
}
