import { useQuery } from '@tanstack/react-query';
import { Button, Card, Grid, Space, Spin, Tag } from 'antd';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../../api/client';
import type { OverviewUnit } from '../../../api/types';
import { DaysLeft, formatTime } from '../../../components/DaysLeft';
import { LiaisonText } from '../../../components/LiaisonText';
import { PageTitle } from '../../../components/PageTitle';
import { PeriodSelect } from '../../../components/PeriodSelect';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { StatCards, type Stat } from '../../../components/StatCards';
import { ResponsiveTable } from '../../../components/ResponsiveTable';
import { LateTag, StatusTag } from '../../../components/StatusTag';
import { usePageTitle } from '../../../components/usePeriods';
import { departmentKindText, periodText, reportPath, targetsYearOf } from '../../../i18n/zh';

const NOT_SUBMITTED = new Set(['not_started', 'draft']);

/** 总览 of a period: the counts, the 催报 list in the official order of units, exports. */
export default function OverviewPage() {
  const { plan = '', period = '' } = useParams();
  usePageTitle(`总览 ${periodText(period)}`);
  const navigate = useNavigate();
  const desktop = Grid.useBreakpoint().md ?? true;
  const overview = useQuery({
    queryKey: ['overview', plan, period],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/periods/{period}/overview', { params: { path: { plan, period } } })).data!,
  });
  const base = `/v1/plans/${plan}/periods/${period}`;
  const reportLink = (unit: OverviewUnit) => reportPath(plan, period, unit.code);
  // A year's targets have their own review page and no documents (those read progress periods only).
  const targetsYear = targetsYearOf(period);

  const header = (
    <Space wrap style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
      <PageTitle style={{ margin: 0 }}>总览 · {periodText(period)}</PageTitle>
      <Space wrap>
        <PeriodSelect plan={plan} value={period} onChange={(next) => navigate(`/office/overview/${plan}/${next}`)} />
      </Space>
    </Space>
  );
  if (overview.isPending) return <>{header}<Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin></>;
  if (overview.isError) return <>{header}<ProblemAlert error={overview.error} /></>;
  const { totals, units, dueAt } = overview.data;
  const chase = units.filter((unit) => NOT_SUBMITTED.has(unit.status));
  const stats: Stat[] = [
    { title: '应报', value: totals.expected },
    { title: '已报送', value: totals.submitted, color: '#0b4fa8' },
    { title: '审核通过', value: totals.accepted, color: '#237804' },
    { title: '已退回', value: totals.returned, color: '#a8071a' },
    { title: '未报送', value: totals.notSubmitted, color: '#ad4e00' },
    { title: '逾期', value: totals.late, color: '#a8071a' },
  ];

  return (
    <>
      {header}
      <p>
        截止时间 {formatTime(dueAt)} <DaysLeft dueAt={dueAt} />
      </p>
      <StatCards stats={stats} />
      <Space wrap style={{ marginBottom: 16 }}>
        <Button href={`${base}/overview.csv`} download>催报名单 CSV</Button>
        <Button href={`${base}/overview.xlsx`} download>催报名单 Excel</Button>
        <Link to={targetsYear ? `/office/targets/${plan}/${targetsYear}` : `/office/review/${plan}/${period}`}><Button type="primary">{targetsYear ? '审核年度目标' : '审核报告'}</Button></Link>
      </Space>

      {!targetsYear && <Card size="small" title="文档" style={{ marginBottom: 16 }}>
        {/* Plain links that the session cookie authorises: nothing is fetched until one is clicked. */}
        <Space wrap>
          <Button href={`${base}/summary-report.docx`} download>{period === 'summary' ? '总结报告' : '汇总报告'} Word</Button>
          <Button href={`${base}/consolidated.xlsx`} download>汇总表 Excel</Button>
          <Button href={`${base}/consolidated.csv`} download>汇总表 CSV</Button>
          <Button href={`/v1/plans/${plan}/progress.xlsx`} download>进度矩阵 Excel</Button>
          <Link to={`/office/charts/${plan}/${period}`}><Button>图表</Button></Link>
        </Space>
      </Card>}

      <Card size="small" title={`催报名单(${chase.length})`} style={{ marginBottom: 16 }}>
        <ResponsiveTable
          rows={chase}
          rowKey={(unit) => unit.code}
          empty="所有单位均已报送"
          cardTitle={(unit) => <Link to={reportLink(unit)}>{unit.name}</Link>}
          columns={[
            ...(desktop ? [{ key: 'unit', title: '单位', width: 220, render: (unit: OverviewUnit) => <Link to={reportLink(unit)}>{unit.name}</Link> }] : []),
            { key: 'status', title: '状态', width: 100, render: (unit) => <StatusTag status={unit.status} /> },
            { key: 'liaisons', title: '联络员', render: (unit) => <LiaisonText unit={unit} /> },
          ]}
        />
      </Card>

      <Card size="small" title="各单位报送情况">
        <ResponsiveTable
          rows={units}
          rowKey={(unit) => unit.code}
          cardTitle={(unit) => <Link to={reportLink(unit)}>{unit.name}</Link>}
          columns={[
            ...(desktop ? [{ key: 'unit', title: '单位', render: (unit: OverviewUnit) => <Link to={reportLink(unit)}>{unit.name}</Link> }] : []),
            { key: 'kind', title: '类别', render: (unit) => departmentKindText[unit.kind] },
            { key: 'status', title: '状态', render: (unit) => <Space size={4} wrap><StatusTag status={unit.status} /><LateTag late={unit.late} />{unit.enteredByOffice && <Tag color="orange">代为填报</Tag>}</Space> },
            { key: 'submitted', title: '报送时间', render: (unit) => formatTime(unit.submittedAt) },
            { key: 'reviewed', title: '审核时间', render: (unit) => formatTime(unit.reviewedAt) },
          ]}
        />
      </Card>
    </>
  );
}
