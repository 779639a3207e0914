import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Card, Drawer, Grid, Select, Space, Spin, Tag } from 'antd';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api } from '../../../api/client';
import type { components } from '../../../api/schema';
import { DaysLeft, formatTime } from '../../../components/DaysLeft';
import { LiaisonText } from '../../../components/LiaisonText';
import { PageTitle } from '../../../components/PageTitle';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { StatCards, type Stat } from '../../../components/StatCards';
import { ResponsiveTable, type Column } from '../../../components/ResponsiveTable';
import { LateTag, StatusTag } from '../../../components/StatusTag';
import { usePageTitle, usePeriods } from '../../../components/usePeriods';
import { reportPath, targetsPeriodId, targetsYearOf } from '../../../i18n/zh';
import { ReportReview } from '../review/ReportReview';

type Unit = components['schemas']['YearTargetsUnit'];

const SUBMITTED = new Set(['submitted', 'accepted', 'returned']);

/**
 * 年度目标 of one year for the office: every expected unit in official order with where its
 * targets stand, the 催报 list of units that have not submitted theirs, the exports, and a unit's
 * targets opened in a drawer to 审核通过 or 退回.
 */
export default function OfficeTargetsPage() {
  const { plan = '', year = '' } = useParams();
  usePageTitle(`年度目标 ${year}年`);
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const queryClient = useQueryClient();
  const desktop = Grid.useBreakpoint().md ?? true;
  const selected = search.get('unit');
  const period = targetsPeriodId(year);
  const periods = usePeriods(plan);
  const years = (periods.data?.items ?? []).map((item) => targetsYearOf(item.id)).filter((item): item is string => item !== null);
  const targets = useQuery({
    queryKey: ['year-targets', plan, year],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/years/{year}/targets', { params: { path: { plan, year } } })).data!,
  });
  // The 总览 of the targets period carries the liaisons the 催报 list needs.
  const overview = useQuery({
    queryKey: ['overview', plan, period],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/periods/{period}/overview', { params: { path: { plan, period } } })).data!,
  });
  const base = `/v1/plans/${plan}/years/${year}/targets`;

  const header = (
    <Space wrap style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
      <PageTitle style={{ margin: 0 }}>年度目标 · {year}年</PageTitle>
      <Space wrap>
        <Select
          id="targets-year-select"
          aria-label="目标年度"
          value={year}
          loading={periods.isPending}
          style={{ minWidth: 120 }}
          onChange={(next: string) => navigate(`/office/targets/${plan}/${next}`)}
          options={years.map((candidate) => ({ value: candidate, label: `${candidate}年` }))}
        />
        <Button href={`${base}.xlsx`} download>导出 Excel</Button>
        <Button href={`${base}.csv`} download>导出 CSV</Button>
      </Space>
    </Space>
  );
  if (targets.isPending) return <>{header}<Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin></>;
  if (targets.isError) return <>{header}<ProblemAlert error={targets.error} /></>;
  const { totals, units, missing } = targets.data;
  const due = targets.data.period.dueAt;
  const liaisonsOf = new Map((overview.data?.units ?? []).map((unit) => [unit.code, unit]));
  const stats: Stat[] = [
    { title: '应报', value: totals.expected },
    { title: '已报送', value: totals.submitted, color: '#0b4fa8' },
    { title: '审核通过', value: totals.accepted, color: '#237804' },
    { title: '已退回', value: totals.returned, color: '#a8071a' },
    { title: '未设定', value: totals.notSubmitted, color: '#ad4e00' },
    { title: '逾期', value: totals.late, color: '#a8071a' },
  ];
  const open = (unit: Unit) =>
    SUBMITTED.has(unit.status) ? (
      <Button size="small" type={unit.status === 'submitted' ? 'primary' : 'default'} onClick={() => setSearch({ unit: unit.code })} aria-label={`${unit.status === 'submitted' ? '审核' : '查看'}${unit.name}的年度目标`}>
        {unit.status === 'submitted' ? '审核' : '查看'}
      </Button>
    ) : (
      <Link to={reportPath(plan, period, unit.code)}>代为填报</Link>
    );
  const columns: Column<Unit>[] = [
    ...(desktop ? [{ key: 'unit', title: '单位', width: 200, render: (unit: Unit) => <span data-unit>{unit.name}</span> }] : []),
    { key: 'status', title: '状态', render: (unit) => <Space size={4} wrap><StatusTag status={unit.status} /><LateTag late={unit.late} />{unit.enteredByOffice && <Tag color="orange">代为填报</Tag>}</Space> },
    { key: 'rows', title: '已设定', render: (unit) => (SUBMITTED.has(unit.status) ? `${unit.rowsSet}/${unit.rowsRequired}项必报` : `—/${unit.rowsRequired}项必报`) },
    { key: 'submitted', title: '报送时间', render: (unit) => formatTime(unit.submittedAt) },
    { key: 'open', title: '操作', render: open },
  ];
  const chosen = units.find((unit) => unit.code === selected);

  return (
    <>
      {header}
      <p>
        截止时间 {formatTime(due)} <DaysLeft dueAt={due} /> · <Link to={`/office/overview/${plan}/${period}`}>本期总览</Link>
      </p>
      <StatCards stats={stats} />

      <Card size="small" title={`催报名单:未设定年度目标的单位(${missing.length})`} style={{ marginBottom: 16 }}>
        <ResponsiveTable
          rows={missing}
          rowKey={(unit) => unit.code}
          empty="所有单位均已报送年度目标"
          cardTitle={(unit) => unit.name}
          columns={[
            ...(desktop ? [{ key: 'unit', title: '单位', width: 220, render: (unit: { name: string }) => unit.name }] : []),
            { key: 'liaisons', title: '联络员', render: (unit) => (liaisonsOf.has(unit.code) ? <LiaisonText unit={liaisonsOf.get(unit.code)!} /> : '—') },
          ]}
        />
      </Card>

      <Card size="small" title={`各单位年度目标(${units.length})`}>
        <ResponsiveTable rows={units} rowKey={(unit) => unit.code} caption={`${year}年度工作目标,按单位排列顺序`} cardTitle={(unit) => <span data-unit>{unit.name}</span>} columns={columns} />
      </Card>

      <Drawer open={Boolean(chosen)} onClose={() => setSearch({})} size={desktop ? 720 : '100%'} title={chosen ? `${chosen.name} · ${year}年度工作目标` : '年度工作目标'}>
        {chosen && (
          <ReportReview
            key={chosen.code}
            plan={plan}
            period={period}
            department={chosen.code}
            onDone={() => void queryClient.invalidateQueries({ queryKey: ['year-targets', plan, year] })}
          />
        )}
      </Drawer>
    </>
  );
}
