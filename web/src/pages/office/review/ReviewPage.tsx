import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Empty, Form, Input, List, Modal, Row, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { api } from '../../../api/client';
import { formatTime } from '../../../components/DaysLeft';
import { EntriesView } from '../../../components/EntriesView';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { LateTag, StatusTag } from '../../../components/StatusTag';
import { usePageTitle } from '../../../components/usePeriods';
import { periodText } from '../../../i18n/zh';
import { useMeasureTitles, useReport } from '../../department/report/useReport';

function ReportReview({ plan, period, department, onDone }: { plan: string; period: string; department: string; onDone: () => void }) {
  const { message } = App.useApp();
  const loaded = useReport({ plan, period, department });
  const titles = useMeasureTitles(plan);
  const [returning, setReturning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm<{ reason: string }>();

  if (loaded.isPending) return <Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>;
  if (loaded.isError) return <ProblemAlert error={loaded.error} />;
  const { report, etag } = loaded.data;
  const params = { path: { plan, period, department }, ...(etag ? { header: { 'If-Match': etag } } : {}) };

  const act = async (run: () => Promise<{ data?: typeof report; response: Response }>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      const { data, response } = await run();
      loaded.setLoaded({ report: data!, etag: response.headers.get('etag') });
      void message.success(done);
      setReturning(false);
      form.resetFields();
      onDone();
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };

  return (
    <Card
      size="small"
      title={<Space wrap>{report.department.name}<StatusTag status={report.status} /><LateTag late={report.late} /></Space>}
      extra={<Link to={`/reports/${plan}/${period}/${department}/history`}>历史版本</Link>}
    >
      <Typography.Paragraph type="secondary">报送时间 {formatTime(report.submittedAt)}</Typography.Paragraph>
      <ProblemAlert error={error} />
      {report.status === 'submitted' && (
        <Space style={{ marginBottom: 12 }}>
          <Button type="primary" loading={busy && !returning} disabled={busy} onClick={() => act(() => api.POST('/v1/plans/{plan}/periods/{period}/reports/{department}/accept', { params }), '已审核通过')}>
            审核通过
          </Button>
          <Button danger disabled={busy} onClick={() => setReturning(true)}>
            退回
          </Button>
        </Space>
      )}
      <EntriesView entries={report.entries} tasks={report.tasks} titles={titles.data} />
      <Modal
        open={returning}
        title={`退回${report.department.name}的报告`}
        okText="确认退回"
        cancelText="取消"
        okButtonProps={{ danger: true }}
        confirmLoading={busy}
        onCancel={() => setReturning(false)}
        onOk={async () => {
          const { reason } = await form.validateFields();
          await act(() => api.POST('/v1/plans/{plan}/periods/{period}/reports/{department}/return', { params, body: { reason: reason.trim() } }), '已退回');
        }}
      >
        <Form form={form} name="return" layout="vertical">
          <Form.Item label="退回原因" name="reason" rules={[{ required: true, whitespace: true, message: '请填写退回原因' }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

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
