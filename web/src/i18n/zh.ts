/** The few strings antd's zh_CN locale does not give: the API's enums in the 方案's words. */
import type { components } from '../api/schema';

type Schemas = components['schemas'];

export const reportStatusText: Record<Schemas['ReportStatus'], string> = {
  not_started: '未开始',
  draft: '草稿',
  submitted: '已报送',
  accepted: '审核通过',
  returned: '已退回',
};

export const reportStatusColor: Record<Schemas['ReportStatus'], string> = {
  not_started: 'default',
  draft: 'processing',
  submitted: 'blue',
  accepted: 'success',
  returned: 'error',
};

export const taskStatusText: Record<Schemas['TaskStatus'], string> = {
  not_started: '未启动',
  in_progress: '推进中',
  completed: '已完成',
  blocked: '受阻',
};

export const roleText = { lead: '牵头部门', responsible: '负责部门' } as const;

export const versionActionText: Record<Schemas['ReportVersion']['action'], string> = {
  save: '保存草稿',
  submit: '提交',
  accept: '审核通过',
  return: '退回',
};

export const reminderStatusText: Record<Schemas['ReminderStatus'], string> = {
  planned: '待发送',
  sending: '发送中',
  sent: '已发送',
  recorded: '已记录',
  failed: '发送失败',
  cancelled: '已取消',
  unreachable: '无法送达',
};

export const reminderChannelText = { email: '电子邮件', webhook: 'Webhook' } as const;

export const accountRoleText = { department: '填报单位', office: '市安委会办公室', admin: '管理员' } as const;

export const departmentKindText: Record<Schemas['DepartmentKind'], string> = {
  'municipal-department': '市级部门',
  'central-agency': '驻沪单位',
  'district-government': '区政府',
  'management-body': '管委会',
  collective: '集合',
};

export const auditActionText: Record<Schemas['AuditAction'], string> = {
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
  'webhook.set': '设置Webhook',
  'webhook.delete': '删除Webhook',
  'reminder.test': '发送测试提醒',
  'account.create': '创建账号',
  'account.delete': '删除账号',
  'sign-in-link.issue': '生成登录链接',
  'assessment-rubric.set': '设置年度考核评分规则',
  'attachment.add': '上传佐证材料',
  'attachment.remove': '删除佐证材料',
  'lead_opinions.save': '保存牵头汇总意见',
  'lead_opinions.submit': '提交牵头汇总意见',
};

/** "2017Q3" → "2017年第三季度"; "summary" → "总结报告"; "2018-targets" → "2018年度工作目标". */
export function periodText(period: string): string {
  const year = targetsYearOf(period);
  if (year) return `${year}年度工作目标`;
  const match = /^(\d{4})Q([1-4])$/.exec(period);
  if (!match) return period === 'summary' ? '总结报告' : period;
  return `${match[1]}年第${'一二三四'[Number(match[2]) - 1]}季度`;
}

/** A year's targets are its report of the period "<year>-targets" (README: Yearly targets). */
export const targetsPeriodId = (year: string | number) => `${year}-targets`;

/** "2018-targets" → "2018"; any other period → null. */
export function targetsYearOf(period: string): string | null {
  return /^(\d{4})-targets$/.exec(period)?.[1] ?? null;
}

/** The web page of a period's report: a year's targets have their own address. */
export function reportPath(plan: string, period: string, department: string): string {
  const year = targetsYearOf(period);
  return year ? `/targets/${plan}/${year}/${department}` : `/reports/${plan}/${period}/${department}`;
}

export const DEFAULT_PLAN = 'hazchem-2017';

/** Behind-plan flags, as src/modules/consolidated/labels.ts names them in the office's documents. */
export const flagText: Record<Schemas['RowFlag']['code'] | Schemas['UnitFlag']['code'], string> = {
  stalled: '进度停滞',
  regressed: '进度倒退',
  blocked: '受阻',
  overdue: '逾期未完成',
  'missing-twice': '连续两期未报送',
};

/** The four sections of the 总结报告正文, in order (src/modules/reports/narrative-rules.ts). */
export const narrativeSections: { key: keyof Schemas['SummaryNarrative']; title: string }[] = [
  { key: 'work', title: '工作开展情况' },
  { key: 'results', title: '主要成效' },
  { key: 'problems', title: '存在问题' },
  { key: 'nextSteps', title: '下步打算' },
];

/** Bytes as people read them: 980 B, 12.3 KB, 4.5 MB. */
export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
