import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../../api/client';
import type { components } from '../../../api/schema';
import { formatTime } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ResponsiveTable, type Column } from '../../../components/ResponsiveTable';
import { usePageTitle } from '../../../components/usePeriods';
import { periodText, reminderChannelText, reminderStatusText } from '../../../i18n/zh';

type Reminder = components['schemas']['Reminder'];
type ReminderStatus = components['schemas']['ReminderStatus'];
const RETRYABLE = new Set<ReminderStatus>(['failed', 'unreachable', 'cancelled', 'recorded']);
const statusColor: Record<ReminderStatus, string> = { planned: 'default', sending: 'processing', sent: 'success', recorded: 'cyan', failed: 'error', cancelled: 'default', unreachable: 'warning' };

function TestReminder() {
  const units = useQuery({
    queryKey: ['departments'],
    queryFn: async () => (await api.GET('/v1/departments')).data!,
    select: (data) => data.items.filter((unit) => unit.kind !== 'collective'),
  });
  const [code, setCode] = useState<string>();
  const send = useMutation({
    mutationFn: async (unit: string) => (await api.POST('/v1/departments/{code}/test-reminder', { params: { path: { code: unit } } })).data!,
  });
  return (
    <Card size="small" title="发送测试提醒" style={{ marginBottom: 16 }}>
      <Typography.Paragraph type="secondary">在截止前向某单位的联络员发送一封测试邮件,核实登记的邮箱是否有效。</Typography.Paragraph>
      <Form layout="inline" onFinish={() => code && send.mutate(code)}>
        <Form.Item label="单位" htmlFor="test-unit">
          <Select id="test-unit" showSearch optionFilterProp="label" style={{ minWidth: 220 }} value={code} onChange={setCode} placeholder="选择单位" loading={units.isPending}
            options={(units.data ?? []).map((unit) => ({ value: unit.code, label: unit.name }))} />
        </Form.Item>
        <Button htmlType="submit" disabled={!code} loading={send.isPending}>
          发送测试提醒
        </Button>
      </Form>
      <div style={{ marginTop: 12 }}>
        <ProblemAlert error={send.error} title="未能发送" />
        {send.data && (
          <Alert
            type={send.data.delivered ? 'success' : 'warning'}
            showIcon
            title={send.data.delivered ? '测试提醒已发送' : '测试提醒已生成,但未配置邮件服务(SMTP_URL),未实际发送'}
            description={`收件人:${send.data.to}${send.data.cc.length ? `;抄送:${send.data.cc.join('、')}` : ''}`}
          />
        )}
      </div>
    </Card>
  );
}

/** Reminders (planned, sent, failed, unreachable…) with retry, and a test reminder to a unit now. */
export default function RemindersPage() {
  usePageTitle('催报提醒');
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ReminderStatus>();
  const reminders = useInfiniteQuery({
    queryKey: ['reminders', status],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) =>
      (await api.GET('/v1/reminders', { params: { query: { limit: 50, ...(status ? { status } : {}), ...(pageParam ? { cursor: pageParam } : {}) } } })).data!,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const retry = useMutation({
    mutationFn: async (id: number) => (await api.POST('/v1/reminders/{id}/retry', { params: { path: { id } } })).data,
    onSuccess: () => {
      void message.success('已重新安排发送');
      void queryClient.invalidateQueries({ queryKey: ['reminders'] });
    },
  });
  const rows = reminders.data?.pages.flatMap((page) => page.items) ?? [];
  const total = reminders.data?.pages[0]?.total;

  const columns: Column<Reminder>[] = [
    { key: 'unit', title: '单位', render: (r) => r.department.name },
    { key: 'period', title: '报送期', render: (r) => periodText(r.periodId.split('/').at(-1) ?? r.periodId) },
    { key: 'channel', title: '方式', render: (r) => reminderChannelText[r.channel] },
    { key: 'status', title: '状态', render: (r) => <Space size={4}><Tag color={statusColor[r.status]}>{reminderStatusText[r.status]}</Tag>{!r.reachable && <Tag color="orange">无联络员</Tag>}</Space> },
    { key: 'sendAt', title: '计划时间', render: (r) => formatTime(r.sendAt) },
    { key: 'sentAt', title: '发送时间', render: (r) => formatTime(r.sentAt) },
    { key: 'error', title: '错误', render: (r) => r.lastError ?? '—' },
    { key: 'action', title: '操作', render: (r) => (RETRYABLE.has(r.status) ? <Button size="small" onClick={() => retry.mutate(r.id)} loading={retry.isPending && retry.variables === r.id}>重试</Button> : null) },
  ];

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        催报提醒
      </Typography.Title>
      <TestReminder />
      <Space wrap style={{ marginBottom: 12 }}>
        <label htmlFor="reminder-status">状态筛选</label>
        <Select id="reminder-status" allowClear placeholder="全部" style={{ minWidth: 140 }} value={status} onChange={setStatus}
          options={(Object.keys(reminderStatusText) as ReminderStatus[]).map((value) => ({ value, label: reminderStatusText[value] }))} />
        {total !== undefined && <span>共{total}条</span>}
      </Space>
      <ProblemAlert error={reminders.error ?? retry.error} />
      <ResponsiveTable rows={rows} columns={columns} rowKey={(r) => r.id} empty={reminders.isPending ? '正在加载…' : '暂无提醒'} cardTitle={(r) => r.department.name} />
      {reminders.hasNextPage && (
        <Button style={{ marginTop: 12 }} onClick={() => reminders.fetchNextPage()} loading={reminders.isFetchingNextPage}>
          加载更多
        </Button>
      )}
    </>
  );
}
