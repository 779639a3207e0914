import { Card, Form, Input, Tag, Typography } from 'antd';
import { narrativeSections } from '../../../i18n/zh';
import { LIMITS } from './entries';

/**
 * 总结报告正文 of the summary period: four sections, saved with the entries. A draft may leave
 * sections empty; submitting needs all four (the confirmation lists what is missing, and the
 * server's field errors land on the sections).
 */
export function NarrativeCard({ disabled }: { disabled: boolean }) {
  return (
    <Card size="small" style={{ marginBottom: 12 }} title={<h2 style={{ fontSize: 16, margin: 0 }}>总结报告正文</h2>} extra={<Tag color="red">必报</Tag>} role="region" aria-label="总结报告正文">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
        按以下四部分撰写本单位三年综合治理工作总结,段落之间空一行。提交前四部分均须填写。
      </Typography.Paragraph>
      {narrativeSections.map(({ key, title }) => (
        <Form.Item key={key} label={title} name={['narrative', key]}>
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 16 }} maxLength={LIMITS.narrative} showCount disabled={disabled} />
        </Form.Item>
      ))}
    </Card>
  );
}
