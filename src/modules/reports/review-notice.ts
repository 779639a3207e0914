import type { Queryable } from '../../db/client.js';
import { findLiaisons } from '../liaisons/liaisons.repository.js';
import type { Mailer } from '../reminders/mailer.js';
import { reportPagePath, reportSubject } from '../periods/period-label.js';
import { insertNotification } from '../reminders/reminders.repository.js';
import type { ReportView } from './reports.service.js';

export interface ReviewNotice {
  subject: string;
  text: string;
}

/** The web app's page for the report: where the unit reads the reason and resubmits. */
export const reportPageUrl = (publicBaseUrl: string, report: Pick<ReportView, 'plan' | 'period' | 'department'>) =>
  `${publicBaseUrl}${reportPagePath(report.plan, report.period, report.department.code)}`;

/** What the unit is told when the office accepts (审核通过) or returns (退回) its report; in Chinese. */
export function composeReviewNotice(report: ReportView, publicBaseUrl: string): ReviewNotice {
  const what = reportSubject(report.period);
  const label = `${report.department.name}${what}`;
  const returned = report.status === 'returned';
  const subject = returned ? `【退回】${label}被退回,请修改后重新报送` : `【审核通过】${label}已审核通过`;
  const body = returned
    ? [`市安委会办公室退回了贵单位报送的${what}。`, '', `退回原因:${report.returnReason ?? ''}`, '', '请按退回原因修改后重新报送。']
    : [`贵单位报送的${what}已审核通过,感谢配合。`];
  const text = [
    `${report.department.name}:`,
    '',
    ...body,
    '',
    `${returned ? '在线修改' : '查看报送'}:${reportPageUrl(publicBaseUrl, report)}`,
    '',
    '市安委会办公室',
    '(本邮件由 hazchem-tracker 自动发送,请勿直接回复)',
  ].join('\n');
  return { subject, text };
}

/** The unit's in-app notice; written in the review's transaction, so the two never disagree. */
export async function recordReviewNotice(tx: Queryable, report: ReportView, notice: ReviewNotice, at: Date): Promise<void> {
  await insertNotification(tx, { departmentCode: report.department.code, reminderId: null, subject: notice.subject, body: notice.text, createdAt: at });
}

/**
 * E-mails the notice to the unit's 处级联络员 (to) and 工作人员 (cc) after the review committed.
 * Never throws: the review stands whatever the mail does; a failure is reported by code only.
 */
export async function mailReviewNotice(
  deps: { db: Queryable; mailer: Mailer; onFailure(code: string): void },
  report: ReportView,
  notice: ReviewNotice,
): Promise<boolean> {
  if (!deps.mailer.delivers) return false;
  try {
    const liaisons = await findLiaisons(deps.db, report.department.code);
    if (!liaisons) return false;
    const { officer, staff } = liaisons;
    const cc = staff.email.toLowerCase() === officer.email.toLowerCase() ? [] : [staff.email];
    await deps.mailer.send({ to: officer.email, cc, subject: notice.subject, text: notice.text });
    return true;
  } catch (error) {
    deps.onFailure(String((error as { code?: unknown }).code ?? 'UNKNOWN'));
    return false;
  }
}
