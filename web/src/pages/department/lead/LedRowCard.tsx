import { Card, Col, Collapse, Descriptions, Form, Input, InputNumber, Row, Select, Space, Tag, Typography } from 'antd';
import { AttachmentList } from '../../../components/Attachments';
import { metricsText } from '../../../components/EntriesView';
import { TaskStatusTag } from '../../../components/StatusTag';
import { taskStatusText } from '../../../i18n/zh';
import { LIMITS, progressOfStatus, type TaskStatus } from '../report/entries';
import type { LedRow } from './opinions';

const statusOptions = (Object.keys(taskStatusText) as TaskStatus[]).map((value) => ({ value, label: taskStatusText[value] }));
const unitStatusText = { not_reported: '未报送', submitted: '已报送', accepted: '审核通过' } as const;

/**
 * A row the unit leads: what its responsible units reported (collapsed, one panel each), who has
 * not reported, the files tied to the row, and the lead's opinion on the row as a whole.
 */
export function LedRowCard({ row, index, disabled }: { row: LedRow; index: number; disabled: boolean }) {
  const form = Form.useFormInstance();
  const status = Form.useWatch(['opinions', index, 'status'], form) as TaskStatus | undefined;
  const fixedProgress = status ? progressOfStatus[status] : undefined;
  const progressId = `opinion-${index}-progress`;
  const reported = row.units.filter((unit) => unit.entry);
  const needsAssessment = {
    validator: async (_: unknown, value: string | undefined) => {
      if (form.getFieldValue(['opinions', index, 'status']) && !value?.trim()) throw new Error('请填写汇总意见');
    },
  };

  return (
    <Card size="small" style={{ marginBottom: 12 }} title={<h2 style={{ fontSize: 15, margin: 0, whiteSpace: 'normal' }}>措施{row.measureNo}-{row.taskSeq}:{row.measureTitle}</h2>}>
      <Typography.Paragraph type="secondary">{row.content}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 8 }}>
        <span>汇总进展:</span>
        <TaskStatusTag status={row.rollup.status} />
        {row.rollup.progress !== null && <span>平均进度 {row.rollup.progress}%</span>}
        <span>已报送 {reported.length} 个单位</span>
      </Space>
      <div style={{ marginBottom: 8 }}>
        <span>未报送单位:</span>
        {row.notReported.length === 0 ? <span>无</span> : row.notReported.map((unit) => <Tag key={unit.code}>{unit.name}</Tag>)}
      </div>
      <Collapse
        size="small"
        style={{ marginBottom: 12 }}
        items={row.units.map((unit) => ({
          key: unit.department.code,
          label: (
            <Space wrap size={4}>
              <span>{unit.department.name}</span>
              <Tag color={unit.entry ? 'blue' : 'default'}>{unitStatusText[unit.reportStatus]}</Tag>
              {unit.entry && <span>{taskStatusText[unit.entry.status]} {unit.entry.progress}%</span>}
            </Space>
          ),
          children: unit.entry ? (
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label="工作进展"><span style={{ whiteSpace: 'pre-wrap' }}>{unit.entry.summary}</span></Descriptions.Item>
              <Descriptions.Item label="存在问题"><span style={{ whiteSpace: 'pre-wrap' }}>{unit.entry.problems ?? '—'}</span></Descriptions.Item>
              <Descriptions.Item label="下步计划"><span style={{ whiteSpace: 'pre-wrap' }}>{unit.entry.nextSteps ?? '—'}</span></Descriptions.Item>
              <Descriptions.Item label="指标">{metricsText(unit.entry.metrics)}</Descriptions.Item>
            </Descriptions>
          ) : (
            <span>尚未报送(草稿和被退回的报告不计)。</span>
          ),
        }))}
      />
      {row.attachments.length > 0 && (
        <>
          <Typography.Text strong>佐证材料</Typography.Text>
          <AttachmentList items={row.attachments} showRow={false} />
        </>
      )}
      <Typography.Text strong>牵头汇总意见</Typography.Text>
      <Row gutter={16} style={{ marginTop: 8 }}>
        <Col xs={24} sm={10}>
          <Form.Item label="汇总状态" name={['opinions', index, 'status']}>
            <Select
              options={statusOptions}
              placeholder="请选择"
              disabled={disabled}
              onChange={(value: TaskStatus) => {
                const fixed = progressOfStatus[value];
                if (fixed !== undefined) form.setFieldValue(['opinions', index, 'progress'], fixed);
              }}
            />
          </Form.Item>
        </Col>
        <Col xs={24} sm={14}>
          <Form.Item label="汇总进度" htmlFor={progressId} name={['opinions', index, 'progress']}>
            <InputNumber id={progressId} min={0} max={100} precision={0} suffix="%" disabled={disabled || fixedProgress !== undefined} style={{ width: 120 }} />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label="汇总意见" name={['opinions', index, 'assessment']} rules={[needsAssessment]} dependencies={[['opinions', index, 'status']]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={LIMITS.text} showCount disabled={disabled} />
      </Form.Item>
    </Card>
  );
}
