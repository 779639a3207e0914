import { useQuery } from '@tanstack/react-query';
import { Button, Card, Drawer, Empty, Grid, List, Progress, Space, Spin, Typography } from 'antd';
import { Fragment, useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../../../api/client';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { LateTag, StatusTag, TaskStatusTag } from '../../../components/StatusTag';
import { usePageTitle } from '../../../components/usePeriods';
import { periodText, taskStatusText } from '../../../i18n/zh';
import { attentionOf, FlagList, FlagMarker, latestPeriodWithData } from './flags';

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

/** A row's content in the matrix: its start (the whole text is in the title and the drawer). */
const brief = (content: string) => (Array.from(content).length > 40 ? `${Array.from(content).slice(0, 40).join('')}…` : content);

/** 需关注事项 shown before 显示全部, so the matrix stays near the top on a phone. */
const ATTENTION_SHOWN = 5;

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
          {task.flags.length > 0 && <div style={{ marginBottom: 8 }}><FlagList flags={task.flags} /></div>}
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

/**
 * Measures × periods (2017–2019) coloured by progress; a cell opens that measure's rows and each
 * unit's entry, a measure expands into its rows with the behind-plan flags marked on their cells,
 * and 需关注事项 lists the rows flagged in the latest period with data.
 */
export default function ProgressPage() {
  const { plan = '' } = useParams();
  usePageTitle('工作进展');
  const desktop = Grid.useBreakpoint().md ?? true;
  const [cell, setCell] = useState<{ period: string; measureNo: number; title: string } | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [allAttention, setAllAttention] = useState(false);
  const matrix = useQuery({
    queryKey: ['progress', plan],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/progress', { params: { path: { plan } } })).data!,
  });
  const downloads = (
    <Space wrap style={{ marginBottom: 12 }}>
      <Button href={`/v1/plans/${plan}/progress.xlsx`} download>进度矩阵 Excel</Button>
      <Button href={`/v1/plans/${plan}/progress.csv`} download>进度矩阵 CSV</Button>
    </Space>
  );
  const title = (
    <Typography.Title level={1} style={{ fontSize: 22 }}>
      工作进展(措施 × 报送期)
    </Typography.Title>
  );
  if (matrix.isPending) return <>{title}<Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin></>;
  if (matrix.isError) return <>{title}<ProblemAlert error={matrix.error} /></>;
  const { periods, measures } = matrix.data;
  const latest = latestPeriodWithData(matrix.data);
  const attention = latest ? attentionOf(matrix.data, latest) : [];
  const th = { padding: '6px 8px', background: '#fafafa', border: '1px solid #f0f0f0', fontWeight: 600, whiteSpace: 'nowrap' as const };
  const rowHeader = { ...th, fontWeight: 400, textAlign: 'start' as const, position: 'sticky' as const, left: 0, maxWidth: desktop ? 320 : 140, whiteSpace: desktop ? ('normal' as const) : ('nowrap' as const), overflow: 'hidden', textOverflow: 'ellipsis' };
  const toggle = (no: number) =>
    setExpanded((current) => {
      const next = new Set(current);
      if (!next.delete(no)) next.add(no);
      return next;
    });

  return (
    <>
      {title}
      {downloads}
      <Card size="small" title={latest ? `需关注事项(${periodText(latest)},${attention.length}项)` : '需关注事项'} style={{ marginBottom: 16 }}>
        {attention.length === 0 ? (
          <Empty description={latest ? '本期没有需关注的任务' : '尚无报送数据'} />
        ) : (
          <ul style={{ margin: 0, paddingInlineStart: 0, listStyle: 'none' }}>
            {(allAttention ? attention : attention.slice(0, ATTENTION_SHOWN)).map((row) => (
              <li key={`${row.measureNo}-${row.seq}`} style={{ padding: '8px 0', borderBottom: '1px solid #f0f0f0' }}>
                <Space wrap size={[8, 4]} style={{ marginBottom: 4 }}>
                  <strong>措施{row.measureNo}第{row.seq}项</strong>
                  <span>{row.measureTitle}</span>
                  <Button size="small" onClick={() => setCell({ period: latest!, measureNo: row.measureNo, title: row.measureTitle })} aria-label={`查看填报:措施${row.measureNo}第${row.seq}项`}>
                    查看填报
                  </Button>
                </Space>
                <FlagList flags={row.flags} />
              </li>
            ))}
          </ul>
        )}
        {!allAttention && attention.length > ATTENTION_SHOWN && (
          <Button style={{ marginTop: 8 }} onClick={() => setAllAttention(true)}>
            显示全部{attention.length}项
          </Button>
        )}
      </Card>
      <Space wrap style={{ marginBottom: 12 }} aria-label="图例">
        {SCALE.slice().reverse().map((step) => (
          <span key={step.from} style={{ background: step.background, color: step.color, padding: '2px 8px', borderRadius: 4 }}>
            {step.from}%+
          </span>
        ))}
        <span style={{ background: '#fafafa', color: '#595959', padding: '2px 8px', border: '1px solid #f0f0f0' }}>未填报</span>
        <span><span style={{ display: 'inline-block', width: 18, height: 18, borderRadius: 9, background: '#c41d1d', color: '#fff', textAlign: 'center', fontWeight: 700, fontSize: 12, lineHeight: '18px' }}>!</span> 需关注</span>
      </Space>
      <div style={{ overflowX: 'auto' }}>
        <table style={{ borderCollapse: 'collapse', fontSize: 13, minWidth: '100%' }}>
          <caption style={{ textAlign: 'start', paddingBottom: 8, color: '#595959' }}>各措施平均进度(%),点击单元格查看各单位填报,展开措施查看各项任务</caption>
          <thead>
            <tr>
              <th scope="col" style={{ ...th, position: 'sticky', left: 0, zIndex: 1 }}>措施</th>
              {periods.map((period) => (
                <th key={period} scope="col" style={th}>{shortPeriod(period)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {measures.map((measure) => {
              const open = expanded.has(measure.no);
              return (
                <Fragment key={measure.no}>
                  <tr>
                    <th scope="row" style={rowHeader} title={measure.title}>
                      <button
                        type="button"
                        aria-expanded={open}
                        aria-label={`${open ? '收起' : '展开'}措施${measure.no}的各项任务`}
                        onClick={() => toggle(measure.no)}
                        style={{ border: 0, background: 'transparent', padding: '0 4px 0 0', cursor: 'pointer', font: 'inherit', color: '#1456b8' }}
                      >
                        {open ? '▾' : '▸'}
                      </button>
                      {measure.no}. {measure.title}
                    </th>
                    {periods.map((period) => {
                      const found = measure.cells.find((candidate) => candidate.period === period);
                      const progress = found?.progress ?? null;
                      const colours = cellColours(progress);
                      const flagged = measure.tasks.filter((task) => (task.cells.find((candidate) => candidate.period === period)?.flags.length ?? 0) > 0).length;
                      const label = `措施${measure.no} ${periodText(period)}:${progress === null ? '未填报' : `${progress}%`}${found?.status ? `,${taskStatusText[found.status]}` : ''}${flagged > 0 ? `,${flagged}项任务需关注` : ''}`;
                      return (
                        <td key={period} style={{ border: '1px solid #fff', padding: 0, background: colours.background }}>
                          <button
                            type="button"
                            aria-label={label}
                            onClick={() => setCell({ period, measureNo: measure.no, title: measure.title })}
                            style={{ ...colours, border: 0, width: '100%', height: '100%', minWidth: 56, padding: '6px 4px', cursor: 'pointer', font: 'inherit' }}
                          >
                            {progress === null ? '—' : progress}
                            {flagged > 0 && <span aria-hidden style={{ color: colours.color, fontWeight: 700 }}> !</span>}
                          </button>
                        </td>
                      );
                    })}
                  </tr>
                  {open &&
                    measure.tasks.map((task) => (
                      <tr key={`${measure.no}-${task.seq}`}>
                        <th scope="row" style={{ ...rowHeader, paddingInlineStart: 24, color: '#595959' }} title={task.content}>
                          第{task.seq}项 {brief(task.content)}
                        </th>
                        {periods.map((period) => {
                          const found = task.cells.find((candidate) => candidate.period === period);
                          const progress = found?.progress ?? null;
                          const colours = cellColours(progress);
                          return (
                            <td key={period} style={{ ...colours, border: '1px solid #fff', padding: '6px 4px', textAlign: 'center', whiteSpace: 'nowrap' }}>
                              {progress === null ? '—' : progress}
                              <FlagMarker flags={found?.flags ?? []} label={`措施${measure.no}第${task.seq}项 ${periodText(period)}`} />
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                </Fragment>
              );
            })}
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
