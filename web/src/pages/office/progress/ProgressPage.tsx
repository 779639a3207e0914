import { useQuery } from '@tanstack/react-query';
import { Card, Drawer, Empty, Grid, List, Progress, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../../../api/client';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { LateTag, StatusTag, TaskStatusTag } from '../../../components/StatusTag';
import { usePageTitle } from '../../../components/usePeriods';
import { periodText, taskStatusText } from '../../../i18n/zh';

/** Colour scale for progress; text colours chosen so every cell passes WCAG AA (4.5:1). */
const SCALE: { from: number; background: string; color: string }[] = [
  { from: 80, background: '#0b3d91', color: '#ffffff' },
  { from: 60, background: '#2458b8', color: '#ffffff' },
  { from: 40, background: '#85adf5', color: '#000000' },
  { from: 20, background: '#bcd4ff', color: '#000000' },
  { from: 0, background: '#e6f0ff', color: '#000000' },
];
export const cellColours = (progress: number | null) =>
  progress === null ? { background: '#fafafa', color: '#595959' } : SCALE.find((step) => progress >= step.from)!;

const shortPeriod = (period: string) => period.replace(/^(\d{4})Q([1-4])$/, '$1年Q$2').replace('summary', '总结');

function Drilldown({ plan, period, measureNo }: { plan: string; period: string; measureNo: number }) {
  const consolidated = useQuery({
    queryKey: ['consolidated', plan, period],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/periods/{period}/consolidated', { params: { path: { plan, period } } })).data!,
  });
  if (consolidated.isPending) return <Spin />;
  if (consolidated.isError) return <ProblemAlert error={consolidated.error} />;
  const measure = consolidated.data.measures.find((candidate) => candidate.no === measureNo);
  if (!measure) return <Empty />;
  return (
    <>
      {measure.tasks.map((task) => (
        <Card key={task.seq} size="small" style={{ marginBottom: 12 }} title={<span style={{ whiteSpace: 'normal' }}>第{task.seq}项(已报{task.reported}/应报{task.expected})</span>}>
          <Typography.Paragraph type="secondary">{task.content}</Typography.Paragraph>
          <List
            size="small"
            dataSource={task.units}
            renderItem={(unit) => (
              <List.Item style={{ display: 'block' }}>
                <Space wrap size={[8, 4]}>
                  <strong>{unit.department.name}</strong>
                  <StatusTag status={unit.reportStatus} />
                  <LateTag late={unit.late} />
                  {unit.entry && <TaskStatusTag status={unit.entry.status} />}
                </Space>
                {unit.entry && (
                  <>
                    <Progress percent={unit.entry.progress} size="small" aria-label={`进度${unit.entry.progress}%`} />
                    <div style={{ whiteSpace: 'pre-wrap' }}>{unit.entry.summary}</div>
                    {unit.entry.problems && <div>存在问题:{unit.entry.problems}</div>}
                  </>
                )}
              </List.Item>
            )}
          />
        </Card>
      ))}
    </>
  );
}

/** Measures × periods (2017–2019) coloured by progress; a cell opens that measure's rows and each unit's entry. */
export default function ProgressPage() {
  const { plan = '' } = useParams();
  usePageTitle('工作进展');
  const desktop = Grid.useBreakpoint().md ?? true;
  const [cell, setCell] = useState<{ period: string; measureNo: number; title: string } | null>(null);
  const matrix = useQuery({
    queryKey: ['progress', plan],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/progress', { params: { path: { plan } } })).data!,
  });
  if (matrix.isPending) return <Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>;
  if (matrix.isError) return <ProblemAlert error={matrix.error} />;
  const { periods, measures } = matrix.data;
  const th = { padding: '6px 8px', background: '#fafafa', border: '1px solid #f0f0f0', fontWeight: 600, whiteSpace: 'nowrap' as const };

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        工作进展(措施 × 报送期)
      </Typography.Title>
      <Space wrap style={{ marginBottom: 12 }} aria-label="图例">
        {SCALE.slice().reverse().map((step) => (
          <span key={step.from} style={{ background: step.background, color: step.color, padding: '2px 8px', borderRadius: 4 }}>
            {step.from}%+
          </span>
        ))}
        <span style={{ background: '#fafafa', color: '#595959', padding: '2px 8px', border: '1px solid #f0f0f0' }}>未填报</span>
      </Space>
      <div style={{ overflowX: 'auto' }}>
        <table style={{ borderCollapse: 'collapse', fontSize: 13, minWidth: '100%' }}>
          <caption style={{ textAlign: 'start', paddingBottom: 8, color: '#595959' }}>各措施平均进度(%),点击单元格查看各单位填报</caption>
          <thead>
            <tr>
              <th scope="col" style={{ ...th, position: 'sticky', left: 0, zIndex: 1 }}>措施</th>
              {periods.map((period) => (
                <th key={period} scope="col" style={th}>{shortPeriod(period)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {measures.map((measure) => (
              <tr key={measure.no}>
                <th scope="row" style={{ ...th, fontWeight: 400, textAlign: 'start', position: 'sticky', left: 0, maxWidth: desktop ? 320 : 120, whiteSpace: desktop ? 'normal' : 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={measure.title}>
                  {measure.no}. {measure.title}
                </th>
                {periods.map((period) => {
                  const found = measure.cells.find((candidate) => candidate.period === period);
                  const progress = found?.progress ?? null;
                  const colours = cellColours(progress);
                  const label = `措施${measure.no} ${periodText(period)}:${progress === null ? '未填报' : `${progress}%`}${found?.status ? `,${taskStatusText[found.status]}` : ''}`;
                  return (
                    <td key={period} style={{ border: '1px solid #fff', padding: 0, background: colours.background }}>
                      <button
                        type="button"
                        aria-label={label}
                        onClick={() => setCell({ period, measureNo: measure.no, title: measure.title })}
                        style={{ ...colours, border: 0, width: '100%', height: '100%', minWidth: 56, padding: '6px 4px', cursor: 'pointer', font: 'inherit' }}
                      >
                        {progress === null ? '—' : progress}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Drawer open={cell !== null} onClose={() => setCell(null)} size={desktop ? 640 : '100%'} title={cell ? `措施${cell.measureNo} · ${periodText(cell.period)}` : ''}>
        {cell && (
          <>
            <Typography.Paragraph strong>{cell.title}</Typography.Paragraph>
            <Drilldown plan={plan} period={cell.period} measureNo={cell.measureNo} />
          </>
        )}
      </Drawer>
    </>
  );
}
