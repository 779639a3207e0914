import { App, Alert, Button, Form, Modal, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../../api/client';
import { isOffice, useMe } from '../../../api/session';
import { DaysLeft, formatTime } from '../../../components/DaysLeft';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { LateTag, StatusTag } from '../../../components/StatusTag';
import { usePageTitle } from '../../../components/usePeriods';
import { narrativeSections, periodText, reportPath, targetsPeriodId, targetsYearOf } from '../../../i18n/zh';
import { AttachmentsCard } from './AttachmentsCard';
import { EntryCard, type ReportKind } from './EntryCard';
import { EMPTY_NARRATIVE, fieldErrors, missingRequired, missingSections, sameRow, toEntries, toNarrative, toRows, type Narrative, type RowValues } from './entries';
import { NarrativeCard } from './NarrativeCard';
import { reportCalls } from './reportCalls';
import { useAcceptedTargets, useMeasureTitles, useReport, type LoadedReport, type ReportAddress } from './useReport';

const EDITABLE = new Set(['not_started', 'draft', 'returned']);

const TITLE: Record<ReportKind, string> = { report: '季度报送', targets: '年度目标' };

/**
 * 季度报送 (/reports/{plan}/{period}/{unit}) and 年度目标 (/targets/{plan}/{year}/{unit}, the
 * report of `<year>-targets`): the unit's report, saved with its ETag, submitted after a
 * confirmation. A quarter shows each row's accepted yearly target beside the entry.
 */
export default function ReportPage() {
  const params = useParams() as { plan: string; period?: string; year?: string; department: string };
  const address: ReportAddress = { plan: params.plan, period: params.period ?? targetsPeriodId(params.year ?? ''), department: params.department };
  const kind: ReportKind = targetsYearOf(address.period) ? 'targets' : 'report';
  usePageTitle(`${TITLE[kind]} ${periodText(address.period)}`);
  const me = useMe();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ rows: RowValues[]; narrative?: Narrative }>();
  // The 总结报告 also carries its 正文 (README: the summary period's narrative).
  const summary = address.period === 'summary';
  const loaded = useReport(address);
  const titles = useMeasureTitles(address.plan);
  const targets = useAcceptedTargets(address, kind === 'report');
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState<'save' | 'submit' | null>(null);
  const [writeError, setWriteError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [confirming, setConfirming] = useState(false);

  const report = loaded.data?.report;
  useEffect(() => {
    if (report) {
      form.setFieldsValue({ rows: toRows(report), ...(summary ? { narrative: report.narrative ?? EMPTY_NARRATIVE } : {}) });
      setDirty(false);
    }
  }, [report, form, summary]);

  if (loaded.isPending) return <Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>;
  if (loaded.isError) return <ProblemAlert error={loaded.error} title="无法打开报告" />;
  const { etag } = loaded.data;
  const current = loaded.data.report;
  const editable = EDITABLE.has(current.status);
  const calls = reportCalls(address);

  /** Maps a refused write onto the form; 412 opens the conflict dialog instead of retrying. */
  const refused = (error: unknown, rowOf: number[]) => {
    if (error instanceof ApiError && error.status === 412) {
      setConflict(true);
      return;
    }
    if (error instanceof ApiError && error.errors.length > 0) {
      const { fields, other } = fieldErrors(error.errors, rowOf);
      form.setFields(fields as Parameters<typeof form.setFields>[0]);
      setWriteError(other.length > 0 || fields.length === 0 ? new ApiError(error.status, error.code, error.detail, other) : error);
      return;
    }
    setWriteError(error);
  };

  const save = async (): Promise<LoadedReport | null> => {
    const values = form.getFieldsValue(true) as { rows?: RowValues[]; narrative?: Partial<Narrative> };
    const { entries, rowOf } = toEntries(current.tasks, values.rows ?? []);
    try {
      const { data, response } = await calls.save(entries, etag, summary ? toNarrative(values.narrative) : undefined);
      const next = { report: data!, etag: response.headers.get('etag') };
      loaded.setLoaded(next);
      return next;
    } catch (error) {
      refused(error, rowOf);
      return null;
    }
  };

  const onSave = async () => {
    setWriteError(null);
    try {
      await form.validateFields();
    } catch {
      return;
    }
    setBusy('save');
    if (await save()) void message.success('草稿已保存');
    setBusy(null);
  };

  const onSubmit = async () => {
    setWriteError(null);
    setBusy('submit');
    let tag = etag;
    if (dirty || current.status === 'not_started') {
      const saved = await save();
      if (!saved) {
        setBusy(null);
        setConfirming(false);
        return;
      }
      tag = saved.etag;
    }
    try {
      const { data, response } = await calls.submit(tag);
      loaded.setLoaded({ report: data!, etag: response.headers.get('etag') });
      void message.success('已提交,等待市安委会办公室审核');
    } catch (error) {
      refused(error, []);
    }
    setBusy(null);
    setConfirming(false);
  };

  const openConfirm = async () => {
    try {
      await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    // Like the server: a 总结报告 is submitted with all four sections, each error on its section.
    const empty = summary ? missingSections(form.getFieldValue('narrative') as Partial<Narrative> | undefined) : [];
    if (empty.length > 0) {
      form.setFields(empty.map((key) => ({ name: ['narrative', key], errors: [`总结报告正文“${narrativeSections.find((section) => section.key === key)!.title}”尚未填写`] })));
      form.scrollToField(['narrative', empty[0]!]);
      return;
    }
    setConfirming(true);
  };

  const values = form.getFieldsValue(true) as { rows?: RowValues[]; narrative?: Partial<Narrative> };
  const missing = confirming ? missingRequired(current.tasks, values.rows ?? []) : [];

  return (
    <>
      <Space wrap align="center" style={{ marginBottom: 12 }}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {TITLE[kind]} · {periodText(current.period)}
        </Typography.Title>
        <StatusTag status={current.status} />
        <LateTag late={current.late} />
      </Space>
      <Typography.Paragraph>
        {current.department.name} · 截止时间 {formatTime(current.dueAt)}{' '}
        <DaysLeft dueAt={current.dueAt} done={!editable || current.firstSubmittedAt !== null} /> ·{' '}
        <Link to={`/reports/${address.plan}/${address.period}/${address.department}/history`}>历史版本</Link>
        {kind === 'report' && targets.data && (
          <>
            {' · '}
            <Link to={reportPath(address.plan, targets.data.period, address.department)}>本年度工作目标</Link>
          </>
        )}
      </Typography.Paragraph>
      {isOffice(me) && editable && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} title="代为填报" description={`您正以市安委会办公室身份代${current.department.name}填报(如纸质报送),保存和提交将记录为代为填报。`} />
      )}
      {current.status === 'returned' && current.returnReason && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title="退回原因" description={current.returnReason} />
      )}
      {current.status === 'submitted' && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={`已于${formatTime(current.submittedAt)}报送,等待审核`} />}
      {current.status === 'accepted' && <Alert type="success" showIcon style={{ marginBottom: 12 }} title={`审核通过(${formatTime(current.reviewedAt)})`} />}
      <ProblemAlert error={writeError} title="未能保存" />

      <Form form={form} name="report" layout="vertical" onValuesChange={() => setDirty(true)} disabled={!editable}>
        {summary && <NarrativeCard disabled={!editable} />}
        {current.tasks.map((task, index) => (
          <EntryCard
            key={`${task.measureNo}-${task.taskSeq}`}
            task={task}
            index={index}
            measureTitle={titles.data?.get(task.measureNo) ?? ''}
            disabled={!editable}
            kind={kind}
            target={targets.data?.entries.find((entry) => sameRow(entry, task))}
          />
        ))}
      </Form>
      {kind === 'report' && <AttachmentsCard address={address} tasks={current.tasks} editable={editable} />}

      {editable && (
        <Space style={{ position: 'sticky', bottom: 0, background: '#fff', padding: '12px 0', width: '100%', zIndex: 2 }}>
          <Button onClick={onSave} loading={busy === 'save'} disabled={busy !== null}>
            保存草稿
          </Button>
          <Button type="primary" onClick={openConfirm} disabled={busy !== null}>
            {current.status === 'returned' ? '重新提交' : '提交'}
          </Button>
        </Space>
      )}

      <Modal
        open={confirming}
        title={`提交${periodText(current.period)}${kind === 'report' ? '报告' : ''}`}
        okText="确认提交"
        cancelText="取消"
        onOk={onSubmit}
        confirmLoading={busy === 'submit'}
        okButtonProps={{ disabled: missing.length > 0 }}
        onCancel={() => setConfirming(false)}
      >
        {missing.length > 0 ? (
          <Alert
            type="warning"
            showIcon
            title={`以下${missing.length}项必报任务尚未${kind === 'report' ? '填写' : '设定目标'},请补充后再提交:`}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {missing.map((task) => (
                  <li key={`${task.measureNo}-${task.taskSeq}`}>
                    措施{task.measureNo}-{task.taskSeq}:{titles.data?.get(task.measureNo) ?? task.content.slice(0, 30)}
                  </li>
                ))}
              </ul>
            }
          />
        ) : (
          <p>{kind === 'report' ? '必报任务均已填写。提交后报告将报送市安委会办公室审核,审核前不能修改。' : '必报任务均已设定目标。提交后年度目标将报送市安委会办公室审核,审核前不能修改。'}</p>
        )}
      </Modal>

      <Modal
        open={conflict}
        title="报告已被修改"
        okText="重新加载"
        cancelText="关闭"
        onOk={() => {
          setConflict(false);
          setWriteError(null);
          void loaded.refetch();
        }}
        onCancel={() => setConflict(false)}
      >
        <p>此报告已在其他窗口或由他人修改,您的修改尚未保存。重新加载将显示最新版本(您在本页的未保存修改将丢失,可先复制需要保留的内容)。</p>
      </Modal>
    </>
  );
}
