import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Button, Form, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../../api/client';
import type { components } from '../../../api/schema';
import { formatTime } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ResponsiveTable, type Column } from '../../../components/ResponsiveTable';
import { usePageTitle, usePeriods } from '../../../components/usePeriods';
import { accountRoleText, auditActionText, DEFAULT_PLAN, periodText } from '../../../i18n/zh';

type Entry = components['schemas']['AuditEntry'];

/** Who changed what, when; filtered by unit and period (report entity ids are plan/period/unit). */
export default function AuditPage() {
  usePageTitle('操作记录');
  const [unit, setUnit] = useState<string>();
  const [period, setPeriod] = useState<string>();
  const units = useQuery({ queryKey: ['departments'], queryFn: async () => (await api.GET('/v1/departments')).data! });
  const periods = usePeriods(DEFAULT_PLAN);
  const audit = useInfiniteQuery({
    queryKey: ['audit', unit, period],
    initialPageParam: undefined as number | undefined,
    queryFn: async ({ pageParam }) => {
      const query = { limit: 50, ...(unit ? { department: unit } : {}), ...(period ? { period } : {}), ...(pageParam ? { cursor: pageParam } : {}) };
      return (await api.GET('/v1/audit', { params: { query } })).data!;
    },
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const rows: Entry[] = audit.data?.pages.flatMap((page) => page.items) ?? [];
  const columns: Column<Entry>[] = [
    { key: 'at', title: '时间', render: (e) => formatTime(e.at) },
    { key: 'action', title: '操作', render: (e) => auditActionText[e.action] ?? e.action },
    { key: 'entity', title: '对象', render: (e) => <span style={{ wordBreak: 'break-all' }}>{e.entityId}</span> },
    { key: 'actor', title: '操作人', render: (e) => [accountRoleText[e.actor.role as keyof typeof accountRoleText] ?? '系统', e.actor.department, e.actor.email].filter(Boolean).join(' · ') },
  ];
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        操作记录
      </Typography.Title>
      <Form layout="inline" style={{ marginBottom: 12, rowGap: 8 }}>
        <Form.Item label="单位" htmlFor="audit-unit">
          <Select id="audit-unit" allowClear showSearch optionFilterProp="label" placeholder="全部单位" style={{ minWidth: 200 }} value={unit} onChange={setUnit}
            options={(units.data?.items ?? []).map((u) => ({ value: u.code, label: u.name }))} />
        </Form.Item>
        <Form.Item label="报送期" htmlFor="audit-period">
          <Select id="audit-period" allowClear placeholder="全部" style={{ minWidth: 160 }} value={period} onChange={setPeriod}
            options={(periods.data?.items ?? []).map((p) => ({ value: p.id, label: periodText(p.id) }))} />
        </Form.Item>
      </Form>
      <ProblemAlert error={audit.error} />
      <ResponsiveTable rows={rows} columns={columns} rowKey={(e) => e.id} empty={audit.isPending ? '正在加载…' : '暂无记录'} cardTitle={(e) => auditActionText[e.action]} />
      <Space style={{ marginTop: 12 }}>
        {audit.hasNextPage && <Button onClick={() => audit.fetchNextPage()} loading={audit.isFetchingNextPage}>加载更多</Button>}
      </Space>
    </>
  );
}
