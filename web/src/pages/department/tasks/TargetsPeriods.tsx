import { useQueries } from '@tanstack/react-query';
import { Card, List, Space } from 'antd';
import { Link } from 'react-router';
import { api } from '../../../api/client';
import { DeadlineTags } from '../../../components/DeadlineTags';
import { usePeriods } from '../../../components/usePeriods';
import { periodText, reportPath } from '../../../i18n/zh';

/** 年度工作目标: each year's targets period with its deadline and where the unit's targets stand, as 报送期限 lists the quarters. */
export function TargetsPeriods({ plan, code }: { plan: string; code: string }) {
  const periods = usePeriods(plan);
  const targets = (periods.data?.items ?? []).filter((period) => period.kind === 'targets');
  const reports = useQueries({
    queries: targets.map((period) => ({
      queryKey: ['report', plan, period.id, code],
      queryFn: async () => (await api.GET('/v1/plans/{plan}/periods/{period}/reports/{department}', { params: { path: { plan, period: period.id, department: code } } })).data!,
    })),
  });
  if (targets.length === 0) return null;
  return (
    <Card size="small" title="年度工作目标" style={{ marginBottom: 16 }}>
      <List
        dataSource={targets}
        renderItem={(period, index) => {
          const report = reports[index]?.data;
          const done = report ? report.firstSubmittedAt !== null || report.status === 'accepted' : false;
          return (
            <List.Item>
              <Space wrap size={[12, 4]} style={{ width: '100%', justifyContent: 'space-between' }}>
                <Link to={reportPath(plan, period.id, code)}>
                  <strong>{periodText(period.id)}</strong>
                </Link>
                <DeadlineTags period={period} report={report} done={done} />
              </Space>
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
