/** A report's status as the dossier prints it; `not_started` is a unit that has saved nothing. */
export type ReportStatusKey = 'not_started' | 'draft' | 'submitted' | 'accepted' | 'returned';

export const REPORT_STATUS_LABEL: Record<ReportStatusKey, string> = {
  not_started: '未填报',
  draft: '草稿（未报送）',
  submitted: '已报送（待审核）',
  accepted: '审核通过',
  returned: '已退回',
};

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

const ACTION_LABEL: Record<string, string> = {
  'report.save': '保存报告',
  'report.submit': '提交报告',
  'report.accept': '审核通过',
  'report.return': '退回报告',
  'lead_opinions.save': '保存牵头汇总意见',
  'lead_opinions.submit': '提交牵头汇总意见',
};

/** What an audited action did, in words; an action without a label (one added later) reads as its code. */
export const actionLabel = (action: string) => ACTION_LABEL[action] ?? action;

export const ROLE_LABEL: Record<string, string> = { department: '单位', office: '市安委会办公室', admin: '管理员', system: '系统' };
