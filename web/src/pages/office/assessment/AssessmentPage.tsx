import { useQuery } from '@tanstack/react-query';
import { Button, Card, Grid, Select, Space, Spin, Tag } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { api } from '../../../api/client';
import type { components } from '../../../api/schema';
import { Muted, PageTitle } from '../../../components/PageTitle';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ResponsiveTable, type Column } from '../../../components/ResponsiveTable';
import { currentPeriod, usePageTitle, usePeriods } from '../../../components/usePeriods';
import { periodText } from '../../../i18n/zh';
import { useMeasureTitles } from '../../department/report/useReport';
import { rubricSummary } from './rubric-form';
import { TargetRows } from './TargetRows';

type Line = components['schemas']['AssessmentLine'];

// The form (antd Form, InputNumber) loads when the office first opens 评分规则, not with the table.
const RubricDrawer = lazy(() => import('./RubricDrawer'));

/** The grade's colour by its place in the rubric (the first band is the best), not by its name, which the office sets. */
function gradeColour(grade: string, grades: readonly { name: string }[]) {
  const index = grades.findIndex((band) => band.name === grade);
  if (index <= 0) return 'green';
  if (index === grades.length - 1) return 'red';
  return index === 1 ? 'blue' : 'orange';
}

const dash = (value: number | null, suffix = '') => (value === null ? '—' : `${value}${suffix}`);

/** The year of a period: the year its last day falls in, as the API counts it. */
const yearOf = (period: { endsOn: string }) => Number(period.endsOn.slice(0, 4));

/**
 * 年度考核: every unit expected to report, in official order, with its year's figures, score,
 * grade and rank; 导出 Excel; the office edits the 评分规则 in a drawer and the scores follow.
 */
export default function AssessmentPage() {
  const { plan = '' } = useParams();
  const [search, setSearch] = useSearchParams();
  const desktop = Grid.useBreakpoint().md ?? true;
  const [editing, setEditing] = useState(false);
  const [opened, setOpened] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const titles = useMeasureTitles(plan);
  const periods = usePeriods(plan);
  const items = periods.data?.items ?? [];
  const years = [...new Set(items.map(yearOf))].sort((a, b) => a - b);
  const given = Number(search.get('year'));
  const fallback = items.length > 0 ? yearOf(currentPeriod(items)!) : undefined;
  const year = years.includes(given) ? given : fallback;
  usePageTitle(`年度考核${year ? ` ${year}年` : ''}`);

  // A missing or unknown ?year= becomes the year being reported now, in the address too (so it can be shared).
  useEffect(() => {
    if (fallback !== undefined && !years.includes(given)) setSearch({ year: String(fallback) }, { replace: true });
  }, [fallback, given, years.join(), setSearch]);

  const assessment = useQuery({
    queryKey: ['assessment', plan, year],
    enabled: year !== undefined,
    queryFn: async () => (await api.GET('/v1/plans/{plan}/assessment', { params: { path: { plan }, query: { year: year! } } })).data!,
  });

  const header = (
    <Space wrap style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }}>
      <PageTitle style={{ margin: 0 }}>年度考核{year ? ` · ${year}年` : ''}</PageTitle>
      <Space wrap>
        <Select
          id="year-select"
          aria-label="考核年度"
          value={year}
          loading={periods.isPending}
          style={{ minWidth: 120 }}
          onChange={(next: number) => setSearch({ year: String(next) })}
          options={years.map((candidate) => ({ value: candidate, label: `${candidate}年` }))}
        />
        <Button href={year ? `/v1/plans/${plan}/assessment.xlsx?year=${year}` : undefined} disabled={!year} download>
          导出 Excel
        </Button>
        <Button
          onClick={() => {
            setOpened(true);
            setEditing(true);
          }}
        >
          评分规则
        </Button>
      </Space>
    </Space>
  );
  const drawer = opened && (
    <Suspense fallback={null}>
      <RubricDrawer plan={plan} open={editing} onClose={() => setEditing(false)} width={desktop ? 520 : '100%'} />
    </Suspense>
  );

  if (periods.isError) return <>{header}<ProblemAlert error={periods.error} /></>;
  if (assessment.isError) return <>{header}<ProblemAlert error={assessment.error} />{drawer}</>;
  if (!assessment.data) return <>{header}<Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>{drawer}</>;
  const { units, rubric } = assessment.data;
  const grades = rubric.grades;

  const rowsDone = (line: Line) => (line.rowsCompleted === null ? '—' : `${line.rowsCompleted}/${line.rowsCarried}`);
  const score = (line: Line) => <strong data-score>{line.score.toFixed(1)}</strong>;
  const grade = (line: Line) => <Tag color={gradeColour(line.grade, grades)}>{line.grade}</Tag>;
  const toggle = (code: string) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(code)) next.add(code);
      return next;
    });
  // 目标达成: met rows of the accepted targets, or why there are none (not scored as if met).
  const targets = (line: Line) =>
    line.targets ? (
      <Space size={4} wrap>
        <span data-targets>{`${line.targets.met}/${line.targets.rows} 达标`}</span>
        {/* a plain button: antd's link button turns a lighter blue under the pointer, below 4.5:1 */}
        <button
          type="button"
          aria-expanded={expanded.has(line.code)}
          aria-label={`${expanded.has(line.code) ? '收起' : '展开'}${line.name}的目标明细`}
          onClick={() => toggle(line.code)}
          style={{ border: 0, background: 'transparent', padding: 0, cursor: 'pointer', font: 'inherit', color: '#1456b8', textDecoration: 'underline' }}
        >
          {expanded.has(line.code) ? '收起' : '明细'}
        </button>
      </Space>
    ) : (
      <Tag color="orange" data-targets>{line.targetsNote}</Tag>
    );
  const detail = (line: Line) => (expanded.has(line.code) && line.targetRows.length > 0 ? <TargetRows line={line} titles={titles.data} /> : null);
  const columns: Column<Line>[] = desktop
    ? [
        { key: 'unit', title: '单位', width: 200, render: (line) => <span data-unit>{line.name}</span> },
        { key: 'expected', title: '应报', render: (line) => line.expected },
        { key: 'onTime', title: '按时', render: (line) => line.onTime },
        { key: 'late', title: '逾期', render: (line) => line.late },
        { key: 'missing', title: '未报', render: (line) => line.missing },
        { key: 'returned', title: '退回', render: (line) => line.returned },
        { key: 'progress', title: '平均进度', render: (line) => dash(line.meanProgress, '%') },
        { key: 'rows', title: '完成行数', render: rowsDone },
        { key: 'targets', title: '目标达成', render: targets },
        { key: 'score', title: '得分', render: score },
        { key: 'grade', title: '等级', render: grade },
        { key: 'rank', title: '名次', render: (line) => line.rank },
      ]
    : [
        // A phone gets the same figures in four lines a card, so 50 units stay scrollable.
        { key: 'result', title: '得分', render: (line) => <Space size={8}>{score(line)}{grade(line)}<span>第{line.rank}名</span></Space> },
        { key: 'reports', title: '报送', render: (line) => `应报${line.expected} · 按时${line.onTime} · 逾期${line.late} · 未报${line.missing} · 退回${line.returned}` },
        { key: 'progress', title: '平均进度', render: (line) => dash(line.meanProgress, '%') },
        { key: 'rows', title: '完成行数', render: rowsDone },
        { key: 'targets', title: '目标达成', render: targets },
      ];

  return (
    <>
      {header}
      <p style={{ marginTop: 0 }}>
        <Muted>
          考核期:{assessment.data.periods.map((period) => periodText(period.id)).join('、')}。{rubricSummary(rubric)}。
        </Muted>
      </p>
      <Card size="small" title={`各单位考核结果(${units.length})`}>
        <ResponsiveTable
          rows={units}
          rowKey={(line) => line.code}
          caption={`${year}年度考核结果,按单位排列顺序`}
          cardTitle={(line) => <span data-unit>{line.name}</span>}
          columns={columns}
          detail={detail}
        />
      </Card>
      {drawer}
    </>
  );
}
