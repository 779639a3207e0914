import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Space, Spin, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../../../api/client';
import type { components } from '../../../api/schema';
import { DaysLeft, formatTime, fromPlanWallClock, toPlanWallClock } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ResponsiveTable, type Column } from '../../../components/ResponsiveTable';
import { usePageTitle, usePeriods } from '../../../components/usePeriods';
import { periodText } from '../../../i18n/zh';

type Period = components['schemas']['ReportingPeriod'];

/** The plan's periods; the office moves a deadline (or puts it back to the rule's default). */
export default function OfficeDeadlinesPage() {
  const { plan = '' } = useParams();
  usePageTitle('报送期限');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const periods = usePeriods(plan);
  const [picked, setPicked] = useState<Record<string, Dayjs | null>>({});
  const move = useMutation({
    mutationFn: async ({ period, dueAt }: { period: string; dueAt: string | null }) =>
      (await api.PATCH('/v1/plans/{plan}/periods/{period}', { params: { path: { plan, period } }, body: { dueAt } })).data!,
    onSuccess: () => {
      void message.success('截止时间已更新');
      setPicked({});
      void queryClient.invalidateQueries({ queryKey: ['periods', plan] });
    },
  });
  if (periods.isPending) return <Spin />;
  if (periods.isError) return <ProblemAlert error={periods.error} />;
  const columns: Column<Period>[] = [
    { key: 'period', title: '报送期', render: (p) => <Space size={4}>{periodText(p.id)}{p.stage && <Tag>{p.stage.name}</Tag>}</Space> },
    { key: 'due', title: '截止时间', render: (p) => <Space size={4} wrap>{formatTime(p.dueAt)}<DaysLeft dueAt={p.dueAt} />{p.deadlineMoved && <Tag color="purple">已调整(原{formatTime(p.defaultDueAt)})</Tag>}</Space> },
    {
      key: 'move',
      title: '调整截止时间',
      render: (p) => (
        <Space wrap size={4}>
          <DatePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            aria-label={`${periodText(p.id)}新的截止时间`}
            value={picked[p.id] ?? toPlanWallClock(p.dueAt)}
            onChange={(value) => setPicked({ ...picked, [p.id]: value })}
          />
          <Button size="small" type="primary" disabled={!picked[p.id]} loading={move.isPending && move.variables?.period === p.id}
            onClick={() => move.mutate({ period: p.id, dueAt: fromPlanWallClock(picked[p.id]!) })}>
            保存
          </Button>
          {p.deadlineMoved && <Button size="small" onClick={() => move.mutate({ period: p.id, dueAt: null })}>恢复默认</Button>}
        </Space>
      ),
    },
  ];
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        报送期限
      </Typography.Title>
      <ProblemAlert error={move.error} title="未能调整" />
      <ResponsiveTable rows={periods.data.items} columns={columns} rowKey={(p) => p.id} cardTitle={(p) => periodText(p.id)} />
    </>
  );
}
