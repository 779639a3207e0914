import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Col, Form, Input, InputNumber, Row, Select, Slider, Space, Tag, Typography } from 'antd';
import { roleText, taskStatusText } from '../../../i18n/zh';
import { LIMITS, progressOfStatus, type CarriedTask, type TaskStatus } from './entries';

const statusOptions = (Object.keys(taskStatusText) as TaskStatus[]).map((value) => ({ value, label: taskStatusText[value] }));

/** One card per row the unit carries: status, progress, 工作进展 / 存在问题 / 下步计划, metrics. */
export function EntryCard({ task, index, measureTitle, disabled }: { task: CarriedTask; index: number; measureTitle: string; disabled: boolean }) {
  const form = Form.useFormInstance();
  const status = Form.useWatch(['rows', index, 'status'], form) as TaskStatus | undefined;
  const fixedProgress = status ? progressOfStatus[status] : undefined;
  const progressId = `row-${index}-progress`;
  const needsStatus = ({ getFieldValue }: { getFieldValue: (name: (string | number)[]) => unknown }) => ({
    validator: async (_: unknown, value: string | undefined) => {
      if (getFieldValue(['rows', index, 'status']) && !value?.trim()) throw new Error('请填写工作进展');
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
      <Row gutter={16}>
        <Col xs={24} sm={10}>
          <Form.Item label="状态" name={['rows', index, 'status']}>
            <Select
              options={statusOptions}
              placeholder={task.required ? '请选择' : '不报送此项可不选'}
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
          <Form.Item label="进度" htmlFor={progressId} extra={fixedProgress !== undefined ? `状态为${taskStatusText[status!]}时进度为${fixedProgress}%` : undefined}>
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
      <Form.Item label="工作进展" name={['rows', index, 'summary']} rules={[needsStatus]} dependencies={[['rows', index, 'status']]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={LIMITS.text} showCount disabled={disabled} />
      </Form.Item>
      <Form.Item label="存在问题" name={['rows', index, 'problems']}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} maxLength={LIMITS.text} showCount disabled={disabled} />
      </Form.Item>
      <Form.Item label="下步计划" name={['rows', index, 'nextSteps']}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} maxLength={LIMITS.text} showCount disabled={disabled} />
      </Form.Item>
      <Form.List name={['rows', index, 'metrics']}>
        {(fields, { add, remove }) => (
          <>
            {fields.map((field) => (
              <Row key={field.key} gutter={8} align="bottom">
                <Col xs={24} sm={10}>
                  <Form.Item label="指标名称" name={[field.name, 'name']} rules={[{ required: true, message: '请填写指标名称' }]}>
                    <Input maxLength={LIMITS.metricName} disabled={disabled} />
                  </Form.Item>
                </Col>
                <Col xs={10} sm={6}>
                  <Form.Item label="数值" name={[field.name, 'value']} rules={[{ required: true, message: '请填写数值' }]}>
                    <InputNumber style={{ width: '100%' }} disabled={disabled} />
                  </Form.Item>
                </Col>
                <Col xs={9} sm={5}>
                  <Form.Item label="单位" name={[field.name, 'unit']}>
                    <Input maxLength={LIMITS.metricUnit} disabled={disabled} />
                  </Form.Item>
                </Col>
                <Col xs={5} sm={3}>
                  <Form.Item>
                    <Button icon={<DeleteOutlined />} onClick={() => remove(field.name)} disabled={disabled} aria-label="删除指标" />
                  </Form.Item>
                </Col>
              </Row>
            ))}
            {!disabled && fields.length < LIMITS.metrics && (
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', value: null, unit: '' })}>
                添加指标
              </Button>
            )}
          </>
        )}
      </Form.List>
    </Card>
  );
}
