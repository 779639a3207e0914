import { UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Input, Row, Select, Upload } from 'antd';
import { useState } from 'react';
import { api } from '../../../api/client';
import { AttachmentList, attachmentsKey, useAttachments, type Attachment, type AttachmentOwner } from '../../../components/Attachments';
import { ProblemAlert } from '../../../components/ProblemAlert';
import type { CarriedTask } from './entries';
import type { ReportAddress } from './reportCalls';

/** What the service accepts (it decides the type from the content: anything else is 415). */
const ACCEPT = '.pdf,.jpg,.jpeg,.png,.ofd,.doc,.docx,.xls,.xlsx,.wps,.et';
const DESCRIPTION_LIMIT = 500;

/**
 * 佐证材料 of a report: upload a file (optionally for one row, with a description), list the files
 * with their size and a download link, delete one while the report may change. The API answers
 * 413 (too large) and 415 (a type it does not take) in Chinese; the card shows that answer.
 */
export function AttachmentsCard({ address, tasks, editable, owner = 'report' }: { address: ReportAddress; tasks: Pick<CarriedTask, 'measureNo' | 'taskSeq'>[]; editable: boolean; owner?: AttachmentOwner }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const attachments = useAttachments(address, true, owner);
  const [row, setRow] = useState<string | undefined>();
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: attachmentsKey(address, owner) });

  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    const [measureNo, taskSeq] = row ? row.split('-') : [];
    const fields = { ...(measureNo && taskSeq ? { measureNo, taskSeq } : {}), ...(description.trim() ? { description: description.trim() } : {}) };
    try {
      // The text fields go before the file, so a wrong row is refused before the file is sent.
      const bodySerializer = () => {
        const form = new FormData();
        for (const [name, value] of Object.entries(fields)) form.append(name, value);
        form.append('file', file, file.name);
        return form;
      };
      const body = { ...fields, file: file as unknown as string };
      if (owner === 'lead') await api.POST('/v1/plans/{plan}/periods/{period}/led/{department}/opinions/attachments', { params: { path: address }, body, bodySerializer });
      else await api.POST('/v1/plans/{plan}/periods/{period}/reports/{department}/attachments', { params: { path: address }, body, bodySerializer });
      void message.success(`已上传${file.name}`);
      setDescription('');
      await refresh();
    } catch (failure) {
      setError(failure);
    }
    setBusy(false);
  };

  const remove = async (attachment: Attachment) => {
    setError(null);
    try {
      await api.DELETE('/v1/attachments/{id}', { params: { path: { id: attachment.id } } });
      void message.success(`已删除${attachment.fileName}`);
      await refresh();
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <Card size="small" style={{ marginBottom: 12 }} title={<h2 style={{ fontSize: 16, margin: 0 }}>佐证材料</h2>} role="region" aria-label="佐证材料">
      <ProblemAlert error={error} title="操作未成功" />
      {editable && (
        <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
          <Col xs={24} sm={8}>
            <Select
              aria-label="对应任务"
              placeholder="对应任务(可不选)"
              allowClear
              value={row}
              onChange={setRow}
              style={{ width: '100%' }}
              options={tasks.map((task) => ({ value: `${task.measureNo}-${task.taskSeq}`, label: `措施${task.measureNo}-${task.taskSeq}` }))}
            />
          </Col>
          <Col xs={24} sm={10}>
            <Input aria-label="材料说明" placeholder="材料说明(可不填)" maxLength={DESCRIPTION_LIMIT} value={description} onChange={(event) => setDescription(event.target.value)} />
          </Col>
          <Col xs={24} sm={6}>
            <Upload accept={ACCEPT} showUploadList={false} disabled={busy} beforeUpload={(file) => (void upload(file), Upload.LIST_IGNORE)}>
              <Button icon={<UploadOutlined />} loading={busy}>
                上传文件
              </Button>
            </Upload>
          </Col>
          <Col span={24} style={{ color: '#595959' }}>
            支持 PDF、OFD、图片(JPG、PNG)、Word、Excel 和 WPS 文件,单个文件不超过 20 MB。
          </Col>
        </Row>
      )}
      {attachments.isError ? <ProblemAlert error={attachments.error} title="无法读取佐证材料" /> : <AttachmentList items={attachments.data ?? []} onDelete={editable ? remove : undefined} />}
    </Card>
  );
}
