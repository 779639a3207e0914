import { Card, Descriptions } from 'antd';
import type { components } from '../api/schema';
import { narrativeSections } from '../i18n/zh';

/** A report's 总结报告正文, read-only (the office's review). */
export function NarrativeView({ narrative }: { narrative: components['schemas']['SummaryNarrative'] | null }) {
  return (
    <Card size="small" style={{ marginBottom: 12 }} title={<h2 style={{ fontSize: 16, margin: 0 }}>总结报告正文</h2>}>
      <Descriptions column={1} size="small" bordered layout="vertical">
        {narrativeSections.map(({ key, title }) => (
          <Descriptions.Item key={key} label={title}>
            <span style={{ whiteSpace: 'pre-wrap' }}>{narrative?.[key] || '未填写'}</span>
          </Descriptions.Item>
        ))}
      </Descriptions>
    </Card>
  );
}
