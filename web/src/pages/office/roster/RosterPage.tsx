import { useQuery } from '@tanstack/react-query';
import { Button, Space, Spin, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../../../api/client';
import type { components } from '../../../api/schema';
import { formatTime } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ResponsiveTable, type Column } from '../../../components/ResponsiveTable';
import { usePageTitle } from '../../../components/usePeriods';
import { departmentKindText } from '../../../i18n/zh';

type Entry = components['schemas']['RosterEntry'];

/** Every unit's 处级联络员 and 工作人员, with CSV/Excel exports. */
export default function RosterPage() {
  usePageTitle('联络员名册');
  const roster = useQuery({ queryKey: ['roster'], queryFn: async () => (await api.GET('/v1/liaisons')).data! });
  const columns: Column<Entry>[] = [
    { key: 'unit', title: '单位', render: (e) => <Link to={`/liaisons/${e.department.code}`}>{e.department.name}</Link> },
    { key: 'kind', title: '类别', render: (e) => departmentKindText[e.kind] },
    { key: 'officer', title: '处级联络员', render: (e) => (e.officer ? `${e.officer.name}(${e.officer.position})` : <Tag color="orange">未登记</Tag>) },
    { key: 'officerContact', title: '联络员电话/邮箱', render: (e) => (e.officer ? <>{e.officer.phone}<br />{e.officer.email}</> : '—') },
    { key: 'staff', title: '工作人员', render: (e) => e.staff?.name ?? '—' },
    { key: 'staffContact', title: '工作人员电话/邮箱', render: (e) => (e.staff ? <>{e.staff.phone}<br />{e.staff.email}</> : '—') },
    { key: 'updated', title: '更新时间', render: (e) => formatTime(e.updatedAt) },
  ];
  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        联络员名册
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button href="/v1/liaisons.csv" download>导出 CSV</Button>
        <Button href="/v1/liaisons.xlsx" download>导出 Excel</Button>
        {roster.data && <span>已登记 {roster.data.registered} / {roster.data.total} 个单位</span>}
      </Space>
      <ProblemAlert error={roster.error} />
      {roster.isPending ? <Spin /> : <ResponsiveTable rows={roster.data?.items ?? []} columns={columns} rowKey={(e) => e.department.code} cardTitle={(e) => e.department.name} />}
    </>
  );
}
