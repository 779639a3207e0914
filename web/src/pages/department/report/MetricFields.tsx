import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Col, Form, Input, InputNumber, Row } from 'antd';
import { LIMITS, type MetricRow } from './entries';

/**
 * The indicators of one card: name, value and unit, added and removed. In a quarter the value is
 * what was reached so far; in a year's targets the value to reach (`valueLabel` 目标值), and
 * `extraNames` offers the target's indicators so a quarter reports them under the same names.
 */
export function MetricFields({ index, disabled, addLabel, valueLabel, offered = [] }: { index: number; disabled: boolean; addLabel: string; valueLabel: string; offered?: MetricRow[] }) {
  const form = Form.useFormInstance();
  const current = (Form.useWatch(['rows', index, 'metrics'], form) as MetricRow[] | undefined) ?? [];
  const missing = offered.filter((metric) => !current.some((row) => row?.name?.trim() === metric.name));
  return (
    <Form.List name={['rows', index, 'metrics']}>
      {(fields, { add, remove }) => (
        <>
          {fields.map((field) => (
            <Row key={field.key} gutter={8} align="bottom">
              <Col xs={24} sm={10}>
                <Form.Item label="指标名称" name={[field.name, 'name']} rules={[{ required: true, whitespace: true, message: '请填写指标名称' }]}>
                  <Input maxLength={LIMITS.metricName} disabled={disabled} />
                </Form.Item>
              </Col>
              <Col xs={10} sm={6}>
                <Form.Item label={valueLabel} name={[field.name, 'value']} rules={[{ required: true, message: `请填写${valueLabel}` }]}>
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
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', value: null, unit: '' })} style={{ marginInlineEnd: 8, marginBottom: 8 }}>
              {addLabel}
            </Button>
          )}
          {!disabled && missing.length > 0 && fields.length + missing.length <= LIMITS.metrics && (
            <Button type="dashed" icon={<PlusOutlined />} onClick={() => missing.forEach((metric) => add({ name: metric.name, value: null, unit: metric.unit }))}>
              填报年度目标指标
            </Button>
          )}
        </>
      )}
    </Form.List>
  );
}
