import { Card, Descriptions, Empty, Progress, Tag } from 'antd';
import type { components } from '../api/schema';
import { TaskStatusTag } from './StatusTag';

type Entry = components['schemas']['ReportEntry'];
type Task = { measureNo: number; taskSeq: number; content: string; required: boolean };

export const metricsText = (metrics: Entry['metrics']) => (metrics ?? []).map((m) => `${m.name}:${m.value}${m.unit}`).join(';') || '—';

/**
 * A report's entries, read-only: the review page, and a report that cannot be edited. `targets`
 * reads them as a year's targets: the state expected at year end, the quantified targets, 目标说明.
 */
export function EntriesView({ entries, tasks, titles, targets = false }: { entries: Entry[]; tasks?: Task[]; titles?: Map<number, string>; targets?: boolean }) {
  const rows = tasks ?? entries.map((entry) => ({ measureNo: entry.measureNo, taskSeq: entry.taskSeq, content: '', required: false }));
  if (rows.length === 0) return <Empty description="没有填报内容" />;
  return (
    <>
      {rows.map((task) => {
        const entry = entries.find((candidate) => candidate.measureNo === task.measureNo && candidate.taskSeq === task.taskSeq);
        return (
          <Card
            key={`${task.measureNo}-${task.taskSeq}`}
            size="small"
            style={{ marginBottom: 12 }}
            title={<span style={{ whiteSpace: 'normal' }}>措施{task.measureNo}-{task.taskSeq}{titles?.get(task.measureNo) ? `:${titles.get(task.measureNo)}` : ''}</span>}
            extra={tasks ? task.required ? <Tag color="red">必报</Tag> : <Tag>选报</Tag> : null}
          >
            {task.content && <p style={{ color: '#595959', marginTop: 0 }}>{task.content}</p>}
            {entry ? (
              targets ? (
                <Descriptions column={1} size="small" bordered>
                  <Descriptions.Item label="年底预期状态"><TaskStatusTag status={entry.status} /></Descriptions.Item>
                  <Descriptions.Item label="预期进度"><Progress percent={entry.progress} size="small" style={{ maxWidth: 240 }} aria-label={`预期进度${entry.progress}%`} /></Descriptions.Item>
                  <Descriptions.Item label="量化指标">{metricsText(entry.metrics)}</Descriptions.Item>
                  <Descriptions.Item label="目标说明"><span style={{ whiteSpace: 'pre-wrap' }}>{entry.summary || '—'}</span></Descriptions.Item>
                </Descriptions>
              ) : (
              <Descriptions column={1} size="small" bordered>
                <Descriptions.Item label="状态"><TaskStatusTag status={entry.status} /></Descriptions.Item>
                <Descriptions.Item label="进度"><Progress percent={entry.progress} size="small" style={{ maxWidth: 240 }} aria-label={`进度${entry.progress}%`} /></Descriptions.Item>
                <Descriptions.Item label="工作进展"><span style={{ whiteSpace: 'pre-wrap' }}>{entry.summary}</span></Descriptions.Item>
                <Descriptions.Item label="存在问题"><span style={{ whiteSpace: 'pre-wrap' }}>{entry.problems ?? '—'}</span></Descriptions.Item>
                <Descriptions.Item label="下步计划"><span style={{ whiteSpace: 'pre-wrap' }}>{entry.nextSteps ?? '—'}</span></Descriptions.Item>
                <Descriptions.Item label="指标">{metricsText(entry.metrics)}</Descriptions.Item>
              </Descriptions>
              )
            ) : (
              <Tag>{targets ? '未设定' : '未填报'}</Tag>
            )}
          </Card>
        );
      })}
    </>
  );
}
