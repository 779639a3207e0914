import { useQuery } from '@tanstack/react-query';
import { Button, Empty, List, Popconfirm, Space, Tag } from 'antd';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { sizeText } from '../i18n/zh';
import { formatTime } from './DaysLeft';

export type Attachment = components['schemas']['Attachment'];

/** Whose files: a unit's report, or its 牵头汇总意见 (a lead department's opinions) of the period. */
export type AttachmentOwner = 'report' | 'lead';

export const attachmentsKey = (address: { plan: string; period: string; department: string }, owner: AttachmentOwner = 'report') =>
  ['attachments', owner, address.plan, address.period, address.department] as const;

/** A report's (or a lead's opinions') current attachments (佐证材料), oldest first. */
export function useAttachments(address: { plan: string; period: string; department: string }, enabled = true, owner: AttachmentOwner = 'report') {
  return useQuery({
    queryKey: attachmentsKey(address, owner),
    enabled,
    queryFn: async () =>
      owner === 'lead'
        ? (await api.GET('/v1/plans/{plan}/periods/{period}/led/{department}/opinions/attachments', { params: { path: address } })).data!.items
        : (await api.GET('/v1/plans/{plan}/periods/{period}/reports/{department}/attachments', { params: { path: address } })).data!.items,
  });
}

const rowText = (attachment: Pick<Attachment, 'measureNo' | 'taskSeq'>) => (attachment.measureNo === null ? '整份报告' : `措施${attachment.measureNo}-${attachment.taskSeq}`);

/**
 * Files with their size, the row they support and a download link (the session cookie authorises
 * it); `onDelete` adds 删除 (while the report may still change).
 */
export function AttachmentList({ items, onDelete, showRow = true }: { items: readonly Attachment[]; onDelete?: (attachment: Attachment) => void; showRow?: boolean }) {
  return (
    <List
      size="small"
      dataSource={[...items]}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="尚未上传佐证材料" /> }}
      renderItem={(attachment) => (
        <List.Item
          actions={
            onDelete
              ? [
                  <Popconfirm key="delete" title={`删除${attachment.fileName}?`} okText="删除" cancelText="取消" onConfirm={() => onDelete(attachment)}>
                    <Button size="small" danger aria-label={`删除${attachment.fileName}`}>
                      删除
                    </Button>
                  </Popconfirm>,
                ]
              : []
          }
        >
          <Space direction="vertical" size={0} style={{ minWidth: 0 }}>
            <a href={attachment.href} download={attachment.fileName} style={{ wordBreak: 'break-all' }}>
              {attachment.fileName}
            </a>
            <Space wrap size={[8, 0]} style={{ color: '#595959' }}>
              <span>{sizeText(attachment.size)}</span>
              {showRow && <Tag>{rowText(attachment)}</Tag>}
              <span>{formatTime(attachment.uploadedAt)}</span>
              {attachment.enteredByOffice && <Tag color="orange">代为上传</Tag>}
            </Space>
            {attachment.description && <span style={{ whiteSpace: 'pre-wrap' }}>{attachment.description}</span>}
          </Space>
        </List.Item>
      )}
    />
  );
}
