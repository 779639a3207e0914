import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Empty, Form, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../../../api/client';
import { isOffice, useMe } from '../../../api/session';
import { DaysLeft, formatTime } from '../../../components/DaysLeft';
import { PeriodSelect } from '../../../components/PeriodSelect';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { StatusTag } from '../../../components/StatusTag';
import { usePageTitle } from '../../../components/usePeriods';
import { periodText } from '../../../i18n/zh';
import { AttachmentsCard } from '../report/AttachmentsCard';
import { LedRowCard } from './LedRowCard';
import { opinionFieldErrors, toOpinions, toValues, type OpinionSet, type OpinionValues } from './opinions';

interface LoadedOpinions {
  set: OpinionSet;
  /** The ETag last read ("v<version>"), sent back as If-Match. */
  etag: string | null;
}

/**
 * 牵头汇总 (/lead/{plan}/{period}/{unit}): the rows the unit leads, what their responsible units
 * reported, who has not, and the unit's opinion per row (status, progress, 汇总意见), saved with
 * its ETag and submitted to the office.
 */
export default function LeadPage() {
  const { plan = '', period = '', department = '' } = useParams();
  usePageTitle(`牵头汇总 ${periodText(period)}`);
  const me = useMe();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ opinions: OpinionValues[] }>();
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [writeError, setWriteError] = useState<unknown>(null);
  const path = { plan, period, department };
  const opinionsKey = ['lead-opinions', plan, period, department];
  const led = useQuery({
    queryKey: ['led-rows', plan, period, department],
    queryFn: async () => (await api.GET('/v1/plans/{plan}/periods/{period}/led/{department}', { params: { path } })).data!,
  });
  const opinions = useQuery({
    queryKey: opinionsKey,
    queryFn: async (): Promise<LoadedOpinions> => {
      const { data, response } = await api.GET('/v1/plans/{plan}/periods/{period}/led/{department}/opinions', { params: { path } });
      return { set: data!, etag: response.headers.get('etag') };
    },
  });

  const rows = led.data?.rows;
  const set = opinions.data?.set;
  useEffect(() => {
    if (rows && set) {
      form.setFieldsValue({ opinions: toValues(rows, set.opinions) });
      setDirty(false);
    }
  }, [rows, set, form]);

  const header = (
    <Space wrap align="center" style={{ marginBottom: 12 }}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        牵头汇总 · {periodText(period)}
      </Typography.Title>
      <PeriodSelect plan={plan} value={period} progressOnly onChange={(next) => navigate(`/lead/${plan}/${next}/${department}`)} />
    </Space>
  );
  if (led.isPending || opinions.isPending) return <>{header}<Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin></>;
  if (led.isError || opinions.isError) return <>{header}<ProblemAlert error={led.error ?? opinions.error} title="无法打开牵头汇总" /></>;
  const current = opinions.data.set;
  const ledRows = led.data.rows;

  const stored = (next: LoadedOpinions) => {
    queryClient.setQueryData(opinionsKey, next);
    void queryClient.invalidateQueries({ queryKey: ['led-rows', plan, period, department] });
  };

  const refused = (error: unknown, rowOf: number[]) => {
    if (error instanceof ApiError && error.errors.length > 0) {
      const { fields, other } = opinionFieldErrors(error.errors, rowOf);
      form.setFields(fields as Parameters<typeof form.setFields>[0]);
      setWriteError(other.length > 0 || fields.length === 0 ? new ApiError(error.status, error.code, error.detail, other) : error);
      return;
    }
    setWriteError(error);
  };

  const save = async (): Promise<LoadedOpinions | null> => {
    const values = (form.getFieldsValue(true) as { opinions?: OpinionValues[] }).opinions ?? [];
    const { opinions: body, rowOf } = toOpinions(ledRows, values);
    try {
      const { data, response } = await api.PUT('/v1/plans/{plan}/periods/{period}/led/{department}/opinions', {
        params: { path, ...(opinions.data.etag ? { header: { 'If-Match': opinions.data.etag } } : {}) },
        body: { opinions: body },
      });
      const next = { set: data!, etag: response.headers.get('etag') };
      stored(next);
      return next;
    } catch (error) {
      refused(error, rowOf);
      return null;
    }
  };

  const run = async (what: 'save' | 'submit') => {
    setWriteError(null);
    try {
      await form.validateFields();
    } catch {
      return;
    }
    setBusy(what);
    let tag = opinions.data.etag;
    if (what === 'save' || dirty || current.status !== 'draft') {
      const saved = await save();
      if (!saved) return setBusy(null);
      tag = saved.etag;
      if (what === 'save') void message.success('牵头汇总意见已保存');
    }
    if (what === 'submit') {
      try {
        const { data, response } = await api.POST('/v1/plans/{plan}/periods/{period}/led/{department}/opinions/submit', {
          params: { path, ...(tag ? { header: { 'If-Match': tag } } : {}) },
        });
        stored({ set: data!, etag: response.headers.get('etag') });
        void message.success('牵头汇总意见已提交市安委会办公室');
      } catch (error) {
        refused(error, []);
      }
    }
    setBusy(null);
  };

  return (
    <>
      {header}
      <Typography.Paragraph>
        {led.data.department.name} · <StatusTag status={current.status} /> 截止时间 {formatTime(led.data.dueAt)} <DaysLeft dueAt={led.data.dueAt} done={current.status === 'submitted'} />
        {current.submittedAt && <> · 最近提交于 {formatTime(current.submittedAt)}</>}
      </Typography.Paragraph>
      {isOffice(me) && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title="代为填报" description={`您正以市安委会办公室身份代${led.data.department.name}填写牵头汇总意见,保存和提交将记录为代为填报。`} />}
      {current.status === 'submitted' && <Alert type="success" showIcon style={{ marginBottom: 12 }} title="已提交。如需修改,修改后再次保存并提交即可(办公室以最近一次提交为准)。" />}
      <ProblemAlert error={writeError} title="未能保存" />
      {ledRows.length === 0 ? (
        <Empty description="本单位不是任何任务的牵头部门" />
      ) : (
        <>
          <Form form={form} name="lead" layout="vertical" onValuesChange={() => setDirty(true)}>
            {ledRows.map((row, index) => (
              <LedRowCard key={`${row.measureNo}-${row.taskSeq}`} row={row} index={index} disabled={busy !== null} />
            ))}
          </Form>
          {/* The lead's own evidence for its opinions (a 汇总 notice, an inspection record): while the set may change. */}
          <AttachmentsCard owner="lead" address={path} tasks={ledRows} editable={current.status !== 'submitted'} />
          <Space style={{ position: 'sticky', bottom: 0, background: '#fff', padding: '12px 0', width: '100%', zIndex: 2 }}>
            <Button onClick={() => run('save')} loading={busy === 'save'} disabled={busy !== null}>
              保存
            </Button>
            <Button type="primary" onClick={() => run('submit')} loading={busy === 'submit'} disabled={busy !== null || (current.status === 'submitted' && !dirty)}>
              提交
            </Button>
          </Space>
        </>
      )}
    </>
  );
}
