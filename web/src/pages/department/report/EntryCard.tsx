import { Card, Col, Form, Input, InputNumber, Row, Select, Slider, Space, Tag, Typography } from 'antd';
import { metricText, stateText } from '../../../components/targetText';
import { roleText, taskStatusText } from '../../../i18n/zh';
import { LIMITS, progressOfStatus, type CarriedTask, type ReportEntry, type TaskStatus } from './entries';
import { MetricFields } from './MetricFields';

export type ReportKind = 'report' | 'targets';

/** What changes between a quarter's card and a year's targets: the labels, and no 受阻 target. */
const LABELS = {
  report: { status: '状态', progress: '进度', summary: '工作进展', addMetric: '添加指标', metricValue: '数值' },
  targets: { status: '年底预期状态', progress: '预期进度', summary: '目标说明', addMetric: '添加量化指标', metricValue: '目标值' },
} as const;

const statusOptions = (kind: ReportKind) =>
  (Object.keys(taskStatusText) as TaskStatus[]).filter((value) => kind === 'report' || value !== 'blocked').map((value) => ({ value, label: taskStatusText[value] }));

/**
 * One card per row the unit carries. A quarter: status, progress, 工作进展 / 存在问题 / 下步计划,
 * metrics reached, and the row's accepted yearly target beside them. A year's targets: the state
 * expected at year end, the quantified targets and the 目标说明.
 */
export function EntryCard({ task, index, measureTitle, disabled, kind = 'report', target }: { task: CarriedTask; index: number; measureTitle: string; disabled: boolean; kind?: ReportKind; target?: ReportEntry | undefined }) {
  const form = Form.useFormInstance();
  const labels = LABELS[kind];
  const status = Form.useWatch(['rows', index, 'status'], form) as TaskStatus | undefined;
  const fixedProgress = status ? progressOfStatus[status] : undefined;
  const progressId = `row-${index}-progress`;
  const needsStatus = ({ getFieldValue }: { getFieldValue: (name: (string | number)[]) => unknown }) => ({
    validator: async (_: unknown, value: string | undefined) => {
      if (getFieldValue(['rows', index, 'status']) && !value?.trim()) throw new Error(`请填写${labels.summary}`);
    },
  });

  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      title={
        <Typography.Text strong style={{ whiteSpace: 'normal' }}>
          措施{task.measureNo}-{task.taskSeq}:{measureTitle}
        </Typography.Text>
      }
      extra={task.required ? <Tag color="red">必报</Tag> : <Tag>选报</Tag>}
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        {task.content}
        <br />
        本单位为{roleText[task.role]}
        {task.via ? `(经由${task.via.name})` : ''}
      </Typography.Paragraph>
      {target && (
        <div role="note" aria-label="本项年度工作目标(已审核通过)" style={{ background: '#e6f4ff', border: '1px solid #91caff', borderRadius: 6, padding: '6px 12px', marginBottom: 12 }}>
          <div>年度目标:预期{stateText(target)}</div>
          {target.metrics && target.metrics.length > 0 && <div>量化指标目标:{target.metrics.map(metricText).join(';')}</div>}
          {target.summary && <div style={{ whiteSpace: 'pre-wrap', color: '#595959' }}>{target.summary}</div>}
        </div>
      )}
      <Row gutter={16}>
        <Col xs={24} sm={10}>
          <Form.Item label={labels.status} name={['rows', index, 'status']}>
            <Select
              options={statusOptions(kind)}
              placeholder={task.required ? '请选择' : kind === 'targets' ? '不设定此项可不选' : '不报送此项可不选'}
              allowClear={!task.required}
              disabled={disabled}
              onChange={(value: TaskStatus | undefined) => {
                const fixed = value ? progressOfStatus[value] : undefined;
                if (fixed !== undefined) form.setFieldValue(['rows', index, 'progress'], fixed);
              }}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item label={labels.progress} htmlFor={progressId} extra={fixedProgress !== undefined ? `状态为${taskStatusText[status!]}时进度为${fixedProgress}%` : undefined}>
            <Space.Compact style={{ width: '100%', alignItems: 'center', gap: 12 }}>
              <Form.Item name={['rows', index, 'progress']} noStyle>
                <InputNumber id={progressId} min={0} max={100} precision={0} suffix="%" disabled={disabled || fixedProgress !== undefined} style={{ width: 96 }} />
              </Form.Item>
              <Form.Item name={['rows', index, 'progress']} noStyle>
                <Slider min={0} max={100} disabled={disabled || fixedProgress !== undefined} style={{ flex: 1, minWidth: 80 }} ariaLabelForHandle="拖动调整完成百分比" />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        </Col>
      </Row>
      {kind === 'targets' && (
        <Typography.Paragraph strong style={{ marginBottom: 8 }}>
          量化指标
        </Typography.Paragraph>
      )}
      {kind === 'targets' && <MetricFields index={index} disabled={disabled} addLabel={labels.addMetric} valueLabel={labels.metricValue} />}
      <Form.Item label={labels.summary} name={['rows', index, 'summary']} rules={[needsStatus]} dependencies={[['rows', index, 'status']]} style={kind === 'targets' ? { marginTop: 12 } : undefined}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={LIMITS.text} showCount disabled={disabled} />
      </Form.Item>
      {kind === 'report' && (
        <>
          <Form.Item label="存在问题" name={['rows', index, 'problems']}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} maxLength={LIMITS.text} showCount disabled={disabled} />
          </Form.Item>
          <Form.Item label="下步计划" name={['rows', index, 'nextSteps']}>
            <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} maxLength={LIMITS.text} showCount disabled={disabled} />
          </Form.Item>
          <MetricFields index={index} disabled={disabled} addLabel={labels.addMetric} valueLabel={labels.metricValue} offered={target?.metrics ?? []} />
        </>
      )}
    </Card>
  );
}
