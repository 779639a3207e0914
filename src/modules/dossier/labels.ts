import type { ReportStatus } from '../consolidated/rollup.js';
import type { AuditAction } from '../audit/audit.schemas.js';

export { REPORT_STATUS_LABEL } from '../consolidated/labels.js';
/** A report's status as the dossier prints it; `not_started` is a unit that has saved nothing. */
export type ReportStatusKey = ReportStatus;

/**
 * The office's review of a report as it stands: accepted, returned (with the reason), or a
 * returned report the unit is revising (a draft again, the reason kept until it is resubmitted).
 */
export function reviewOf(report: { status: ReportStatusKey; returnReason: string | null }): { decision: string; reason: string | null } {
  if (report.status === 'accepted') return { decision: '审核通过', reason: null };
  if (report.status === 'returned') return { decision: '退回', reason: report.returnReason };
  if (report.status === 'draft' && report.returnReason) return { decision: '退回（修改中）', reason: report.returnReason };
  if (report.status === 'submitted') return { decision: '待审核', reason: null };
  return { decision: '', reason: null };
}

/** Every audited action in words (the web app's 审计记录 page says the same); a Record, so a new action cannot go unnamed. */
const ACTION_LABEL: Record<AuditAction, string> = {
  'report.save': '保存报告',
  'report.submit': '提交报告',
  'report.accept': '审核通过',
  'report.return': '退回报告',
  'liaisons.set': '登记联络员',
  'period.deadline': '调整截止时间',
  'plan.copy': '复制方案',
  'token.create': '创建令牌',
  'token.revoke': '吊销令牌',
  'reminder-policy.set': '设置提醒策略',
  'reminder.retry': '重试提醒',
  'reminder.test': '发送测试提醒',
  'webhook.set': '设置Webhook',
  'webhook.delete': '删除Webhook',
  'account.create': '创建账号',
  'account.delete': '删除账号',
  'sign-in-link.issue': '生成登录链接',
  'attachment.add': '上传佐证材料',
  'attachment.remove': '删除佐证材料',
  'assessment-rubric.set': '设置年度考核评分规则',
  'lead_opinions.save': '保存牵头汇总意见',
  'lead_opinions.submit': '提交牵头汇总意见',
};

/** What an audited action did, in words; a code the service no longer writes reads as itself. */
export const actionLabel = (action: string) => ACTION_LABEL[action as AuditAction] ?? action;

export const ROLE_LABEL: Record<string, string> = { department: '单位', office: '市安委会办公室', admin: '管理员', system: '系统' };
