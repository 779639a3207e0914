import { useQuery } from '@tanstack/react-query';
import { Card, Col, Empty, Form, Grid, Row, Select, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../../api/client';
import type { components } from '../../../api/schema';
import { formatTime } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { ResponsiveTable } from '../../../components/ResponsiveTable';
import { StatusTag } from '../../../components/StatusTag';
import { usePageTitle } from '../../../components/usePeriods';
import { periodText, reportPath, targetsYearOf, versionActionText } from '../../../i18n/zh';
import type { ReportAddress } from '../report/useReport';
import { diffEntries, diffNarrative, type FieldChange } from './diff';

type Version = components['schemas']['ReportVersion'];

/** Every version of a report (who, when, what, 逾期) and what changed between two of them. */
export default function HistoryPage() {
  const address = useParams() as unknown as ReportAddress;
  usePageTitle(`历史版本 ${periodText(address.period)}`);
  const history = useQuery({
    queryKey: ['history', address.plan, address.period, address.department],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/periods/{period}/reports/{department}/history', { params: { path: address } })).data!,
  });
  const [pair, setPair] = useState<{ from?: number; to?: number }>({});
  const desktop = Grid.useBreakpoint().md ?? true;

  if (history.isPending) return <Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>;
  if (history.isError) return <ProblemAlert error={history.error} />;
  const versions = history.data.items as Version[];
  const latest = versions.at(-1)?.version;
  // By default the latest version against the last one whose entries differ (a review changes none).
  const same = (x: Version, y: Version) => JSON.stringify([x.entries, x.narrative]) === JSON.stringify([y.entries, y.narrative]);
  const last = versions.at(-1);
  const differing = last ? [...versions].reverse().find((version) => !same(version, last)) : undefined;
  const from = pair.from ?? differing?.version ?? versions.at(-2)?.version;
  const to = pair.to ?? latest;
  const a = versions.find((version) => version.version === from);
  const b = versions.find((version) => version.version === to);
  const rowChanges = a && b ? diffEntries(a.entries, b.entries, targetsYearOf(address.period) !== null) : [];
  // The 总结报告正文 first, as the report page shows it.
  const narrativeChanges = a && b ? diffNarrative(a.narrative, b.narrative) : [];
  const changes = [...(narrativeChanges.length > 0 ? [{ title: '总结报告正文', key: 'narrative', changes: narrativeChanges }] : []), ...rowChanges.map((row) => ({ title: `措施${row.measureNo}-${row.taskSeq}`, key: `${row.measureNo}-${row.taskSeq}`, changes: row.changes }))];
  const options = versions.map((version) => ({ value: version.version, label: `第${version.version}版 · ${versionActionText[version.action]} · ${formatTime(version.at)}` }));

  return (
    <>
      <Space wrap align="center" style={{ marginBottom: 12 }}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          历史版本 · {history.data.report.department.name} · {periodText(address.period)}
        </Typography.Title>
        <StatusTag status={history.data.report.status} />
      </Space>
      <Typography.Paragraph>
        <Link to={reportPath(address.plan, address.period, address.department)}>{targetsYearOf(address.period) ? '返回年度目标' : '返回季度报送'}</Link>
      </Typography.Paragraph>
      {versions.length === 0 ? (
        <Empty description="尚无版本" />
      ) : (
        <Row gutter={24}>
          <Col xs={24} lg={9}>
            <Card size="small" title="版本记录" style={{ marginBottom: 16 }}>
              <Timeline
                items={[...versions].reverse().map((version) => ({
                  key: version.version,
                  color: version.action === 'return' ? 'red' : version.action === 'accept' ? 'green' : 'blue',
                  content: (
                    <div>
                      <strong>第{version.version}版 · {versionActionText[version.action]}</strong> <StatusTag status={version.status} />
                      {version.late && <Tag color="red">逾期</Tag>}
                      {version.enteredByOffice && <Tag color="orange">代为填报</Tag>}
                      <div>{formatTime(version.at)}{version.actorEmail ? ` · ${version.actorEmail}` : ''}</div>
                      {version.reason && <div>退回原因:{version.reason}</div>}
                    </div>
                  ),
                }))}
              />
            </Card>
          </Col>
          <Col xs={24} lg={15}>
            <Card size="small" title="版本对比">
              <Form layout="vertical">
                <Row gutter={12}>
                  <Col xs={24} sm={12}>
                    <Form.Item label="原版本" htmlFor="diff-from">
                      <Select id="diff-from" value={from} options={options} onChange={(value: number) => setPair({ from: value, to })} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} sm={12}>
                    <Form.Item label="新版本" htmlFor="diff-to">
                      <Select id="diff-to" value={to} options={options} onChange={(value: number) => setPair({ from, to: value })} />
                    </Form.Item>
                  </Col>
                </Row>
              </Form>
              {changes.length === 0 ? (
                <Empty description="两个版本的填报内容相同" />
              ) : (
                changes.map((row) => (
                  <div key={row.key} style={{ marginBottom: 16 }}>
                    <Typography.Text strong>{row.title}</Typography.Text>
                    <ResponsiveTable
                      rows={row.changes}
                      rowKey={(change) => change.field}
                      cardTitle={(change) => change.field}
                      columns={[
                        ...(desktop ? [{ key: 'field', title: '字段', width: 90, render: (change: FieldChange) => change.field }] : []),
                        { key: 'before', title: `第${from}版`, render: (change) => <del style={{ color: '#a8071a', whiteSpace: 'pre-wrap' }}>{change.before}</del> },
                        { key: 'after', title: `第${to}版`, render: (change) => <ins style={{ color: '#135200', whiteSpace: 'pre-wrap' }}>{change.after}</ins> },
                      ]}
                    />
                  </div>
                ))
              )}
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
