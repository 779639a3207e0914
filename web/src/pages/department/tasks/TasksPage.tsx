import { useQuery } from '@tanstack/react-query';
import { Button, Card, Empty, List, Space, Spin, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../../../api/client';
import { useMe } from '../../../api/session';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useAssignments } from '../../../components/useAssignments';
import { useCurrentPeriod, usePageTitle } from '../../../components/usePeriods';
import { DEFAULT_PLAN, periodText, roleText } from '../../../i18n/zh';
import { TargetsPeriods } from './TargetsPeriods';

const names = (refs: { name: string }[], openEnded: boolean) => [...refs.map((ref) => ref.name), ...(openEnded ? ['等'] : [])].join('、') || '—';

/** 本单位任务: every row the unit carries, with its measure, text, 牵头部门/负责部门 and 必报/选报. */
export default function TasksPage() {
  usePageTitle('本单位任务');
  const me = useMe();
  const code = me.department?.code ?? '';
  const period = useCurrentPeriod(DEFAULT_PLAN);
  const assignments = useAssignments(code);
  const measures = useQuery({
    queryKey: ['measures', DEFAULT_PLAN, code],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/measures', { params: { path: { plan: DEFAULT_PLAN }, query: { department: code } } })).data!,
  });
  const report = useQuery({
    queryKey: ['report', DEFAULT_PLAN, period, code],
    enabled: Boolean(period),
    queryFn: async () =>
      (await api.GET('/v1/plans/{plan}/periods/{period}/reports/{department}', { params: { path: { plan: DEFAULT_PLAN, period: period!, department: code } } })).data!,
  });

  if (assignments.isPending || measures.isPending) return <Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>;
  if (assignments.isError || measures.isError) return <ProblemAlert error={assignments.error ?? measures.error} />;

  const taskOf = (measureNo: number, seq: number) => measures.data.items.find((m) => m.no === measureNo)?.tasks.find((t) => t.seq === seq);
  const required = (measureNo: number, seq: number) => report.data?.tasks.find((t) => t.measureNo === measureNo && t.taskSeq === seq)?.required;

  return (
    <>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          本单位任务 · {assignments.data.department.name}
        </Typography.Title>
        {period && (
          <Link to={`/reports/${DEFAULT_PLAN}/${period}/${code}`}>
            <Button type="primary">填报{periodText(period)}</Button>
          </Link>
        )}
      </Space>
      <TargetsPeriods plan={DEFAULT_PLAN} code={code} />
      <List
        dataSource={assignments.data.items}
        locale={{ emptyText: <Empty description="本单位在分工表中没有任务" /> }}
        renderItem={(item) => {
          const task = taskOf(item.measureNo, item.taskSeq);
          const isRequired = required(item.measureNo, item.taskSeq);
          return (
            <List.Item style={{ display: 'block', padding: '6px 0' }}>
              <Card
                size="small"
                title={`措施${item.measureNo}:${item.measureTitle}`}
                extra={isRequired === undefined ? null : isRequired ? <Tag color="red">必报</Tag> : <Tag>选报</Tag>}
              >
                <Typography.Paragraph style={{ marginBottom: 8 }}>
                  <Typography.Text type="secondary">第{item.taskSeq}项 </Typography.Text>
                  {item.content}
                </Typography.Paragraph>
                <Space wrap size={[16, 4]}>
                  <span>
                    <Typography.Text type="secondary">牵头部门:</Typography.Text>
                    {task ? names(task.lead, task.leadOpenEnded) : '—'}
                  </span>
                  <span>
                    <Typography.Text type="secondary">负责部门:</Typography.Text>
                    {task ? names(task.responsible, task.responsibleOpenEnded) : '—'}
                  </span>
                  <Tag color={item.role === 'lead' ? 'blue' : 'default'}>本单位为{roleText[item.role]}</Tag>
                  {item.via && <Tag>经由{item.via.name}</Tag>}
                </Space>
              </Card>
            </List.Item>
          );
        }}
      />
    </>
  );
}
