import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Col, Empty, List, Row, Spin, Typography } from 'antd';
import { useParams, useSearchParams } from 'react-router';
import { api } from '../../../api/client';
import { formatTime } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { usePageTitle } from '../../../components/usePeriods';
import { periodText } from '../../../i18n/zh';
import { ReportReview } from './ReportReview';

/** The review queue of a period: submitted reports; open one, 审核通过 or 退回 with a reason. */
export default function ReviewPage() {
  const { plan = '', period = '' } = useParams();
  usePageTitle(`审核 ${periodText(period)}`);
  const [params, setParams] = useSearchParams();
  const queryClient = useQueryClient();
  const selected = params.get('unit');
  const overview = useQuery({
    queryKey: ['overview', plan, period],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/periods/{period}/overview', { params: { path: { plan, period } } })).data!,
  });
  const queue = overview.data?.units.filter((unit) => unit.status === 'submitted') ?? [];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        审核 · {periodText(period)}
      </Typography.Title>
      <ProblemAlert error={overview.error} />
      <Row gutter={16}>
        <Col xs={24} lg={7}>
          <Card size="small" title={`待审核(${queue.length})`} style={{ marginBottom: 16 }}>
            {overview.isPending ? (
              <Spin />
            ) : (
              <List
                dataSource={queue}
                locale={{ emptyText: '没有待审核的报告' }}
                renderItem={(unit) => (
                  <List.Item>
                    <Button type={unit.code === selected ? 'primary' : 'link'} onClick={() => setParams({ unit: unit.code })} style={{ padding: unit.code === selected ? undefined : 0 }}>
                      {unit.name}
                    </Button>
                    <span>{formatTime(unit.submittedAt)}</span>
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={17}>
          {selected ? (
            <ReportReview
              key={selected}
              plan={plan}
              period={period}
              department={selected}
              onDone={() => void queryClient.invalidateQueries({ queryKey: ['overview', plan, period] })}
            />
          ) : (
            <Empty description="请从左侧选择一份报告" />
          )}
        </Col>
      </Row>
    </>
  );
}
