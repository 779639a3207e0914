import { App, Button, Card, Form, Input, Modal, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { formatTime } from '../../../components/DaysLeft';
import { AttachmentList, useAttachments } from '../../../components/Attachments';
import { EntriesView } from '../../../components/EntriesView';
import { NarrativeView } from '../../../components/NarrativeView';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { LateTag, StatusTag } from '../../../components/StatusTag';
import { targetsYearOf } from '../../../i18n/zh';
import { reportCalls } from '../../department/report/reportCalls';
import { useMeasureTitles, useReport } from '../../department/report/useReport';

/**
 * One unit's report (a quarter's, or a year's targets) as the office reviews it: the entries,
 * 审核通过, or 退回 with a reason; both sent with the ETag read.
 */
export function ReportReview({ plan, period, department, onDone }: { plan: string; period: string; department: string; onDone: () => void }) {
  const { message } = App.useApp();
  const address = { plan, period, department };
  const loaded = useReport(address);
  const titles = useMeasureTitles(plan);
  const attachments = useAttachments(address, targetsYearOf(period) === null);
  const [returning, setReturning] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const targets = targetsYearOf(period) !== null;
  const what = targets ? '年度目标' : '报告';

  if (loaded.isPending) return <Spin tip="正在加载…"><div style={{ height: 120 }} /></Spin>;
  if (loaded.isError) return <ProblemAlert error={loaded.error} />;
  const { report, etag } = loaded.data;
  const calls = reportCalls(address);

  const act = async (run: () => Promise<{ data?: typeof report; response: Response }>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      const { data, response } = await run();
      loaded.setLoaded({ report: data!, etag: response.headers.get('etag') });
      void message.success(done);
      setReturning(false);
      form.resetFields();
      onDone();
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };

  return (
    <Card
      size="small"
      title={<Space wrap>{report.department.name}<StatusTag status={report.status} /><LateTag late={report.late} /></Space>}
      extra={
        <Space wrap>
          {/* A unit named as 牵头部门 gives its 牵头汇总意见 for the period: the office reads it, or enters one sent on paper. */}
          {report.tasks.some((task) => task.role === 'lead' && task.via === null) && <Link to={`/lead/${plan}/${period}/${department}`}>牵头汇总</Link>}
          <Link to={`/reports/${plan}/${period}/${department}/history`}>历史版本</Link>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">报送时间 {formatTime(report.submittedAt)}</Typography.Paragraph>
      {report.status === 'returned' && report.returnReason && <Typography.Paragraph type="secondary">退回原因:{report.returnReason}</Typography.Paragraph>}
      <ProblemAlert error={error} />
      {report.status === 'submitted' && (
        <Space style={{ marginBottom: 12 }}>
          <Button type="primary" loading={busy && !returning} disabled={busy} onClick={() => act(() => calls.accept(etag), '已审核通过')}>
            审核通过
          </Button>
          <Button danger disabled={busy} onClick={() => setReturning(true)}>
            退回
          </Button>
        </Space>
      )}
      {period === 'summary' && <NarrativeView narrative={report.narrative} />}
      <EntriesView entries={report.entries} tasks={report.tasks} titles={titles.data} targets={targets} />
      {!targets && (
        <Card size="small" title={<h2 style={{ fontSize: 15, margin: 0 }}>佐证材料</h2>}>
          <AttachmentList items={attachments.data ?? []} />
        </Card>
      )}
      <Modal
        open={returning}
        title={`退回${report.department.name}的${what}`}
        okText="确认退回"
        cancelText="取消"
        okButtonProps={{ danger: true }}
        confirmLoading={busy}
        onCancel={() => setReturning(false)}
        onOk={async () => {
          const { reason } = await form.validateFields();
          await act(() => calls.return(reason.trim(), etag), '已退回');
        }}
      >
        <Form form={form} name="return" layout="vertical">
          <Form.Item label="退回原因" name="reason" rules={[{ required: true, whitespace: true, message: '请填写退回原因' }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
