import { useQuery } from '@tanstack/react-query';
import { DownloadOutlined } from '@ant-design/icons';
import { Button, Card, Form, Select, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api } from '../../api/client';
import { isOffice, useMe } from '../../api/session';
import { usePageTitle, usePeriods } from '../../components/usePeriods';
import { periodText } from '../../i18n/zh';
import { useMeasureTitles } from '../department/report/useReport';

/** The ZIP's address: the whole plan, or one unit, one measure, one period (any combination). */
export function dossierUrl(plan: string, filters: { department?: string | undefined; measure?: number | undefined; period?: string | undefined }) {
  const query = new URLSearchParams();
  if (filters.department) query.set('department', filters.department);
  if (filters.measure !== undefined) query.set('measure', String(filters.measure));
  if (filters.period) query.set('period', filters.period);
  const search = query.toString();
  return `/v1/plans/${plan}/dossier.zip${search ? `?${search}` : ''}`;
}

/**
 * 台账下载 (/dossier/{plan}): the dossier the plan asks every unit to keep for the inspection, as
 * one ZIP (index workbook, each report as a Word document, the files, the audit trail). The office
 * chooses any unit and measure, or takes everything; a unit downloads its own.
 */
export default function DossierPage() {
  const { plan = '' } = useParams();
  usePageTitle('台账下载');
  const me = useMe();
  const office = isOffice(me);
  const [unit, setUnit] = useState<string>();
  const [measure, setMeasure] = useState<number>();
  const [period, setPeriod] = useState<string>();
  const units = useQuery({ queryKey: ['departments'], queryFn: async () => (await api.GET('/v1/departments')).data!, enabled: office });
  const measures = useMeasureTitles(plan);
  const periods = usePeriods(plan);
  const department = office ? unit : me.department?.code;
  const whose = office ? (unit ? units.data?.items.find((item) => item.code === unit)?.name : '全部单位') : me.department?.name;

  return (
    <>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        台账下载
      </Typography.Title>
      <Card size="small">
        <Typography.Paragraph>
          台账为一个 ZIP 文件:索引表(索引.xlsx)、各期各单位的报告(Word)、牵头汇总意见、佐证材料原件和操作记录(审计记录.csv)。
          {office ? '可按单位、工作措施和报送期筛选,不选则为全部。' : '为本单位的台账,可按工作措施和报送期筛选。'}
        </Typography.Paragraph>
        <Form layout="vertical" style={{ maxWidth: 480 }}>
          {office && (
            <Form.Item label="单位" htmlFor="dossier-unit">
              <Select id="dossier-unit" allowClear showSearch optionFilterProp="label" placeholder="全部单位" value={unit} onChange={setUnit} loading={units.isPending}
                options={(units.data?.items ?? []).filter((item) => item.kind !== 'collective').map((item) => ({ value: item.code, label: item.name }))} />
            </Form.Item>
          )}
          <Form.Item label="工作措施" htmlFor="dossier-measure">
            <Select id="dossier-measure" allowClear showSearch optionFilterProp="label" placeholder="全部措施" value={measure} onChange={setMeasure}
              options={[...(measures.data ?? new Map<number, string>()).entries()].map(([no, title]) => ({ value: no, label: `措施${no}:${title}` }))} />
          </Form.Item>
          <Form.Item label="报送期" htmlFor="dossier-period">
            <Select id="dossier-period" allowClear placeholder="全部报送期" value={period} onChange={setPeriod}
              options={(periods.data?.items ?? []).map((item) => ({ value: item.id, label: periodText(item.id) }))} />
          </Form.Item>
        </Form>
        <Button type="primary" icon={<DownloadOutlined />} href={dossierUrl(plan, { department, measure, period })} download>
          下载{whose ?? ''}台账(ZIP)
        </Button>
      </Card>
    </>
  );
}
