import type { Queryable } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { recordAudit, type Actor } from '../audit/audit.service.js';
import { loadDirectory, requireDepartment, type Department } from '../departments/departments.service.js';
import type { LiaisonRow } from '../liaisons/liaisons.repository.js';
import { findLiaisons } from '../liaisons/liaisons.repository.js';
import { isReportingUnit } from '../departments/departments.service.js';
import type { Mailer, OutgoingMail } from './mailer.js';

export interface TestReminderDeps {
  db: Queryable;
  mailer: Mailer;
  publicBaseUrl: string;
  /** Told the SMTP error's code only: the message could carry addresses. */
  onSendFailure(code: string): void;
}

/** The test e-mail: in Chinese, to the 处级联络员 with the 工作人员 in cc, like a real reminder. */
export function composeTestReminder(department: Pick<Department, 'code' | 'name'>, liaisons: Pick<LiaisonRow, 'officer' | 'staff'>, publicBaseUrl: string): OutgoingMail {
  const { officer, staff } = liaisons;
  const cc = staff.email.toLowerCase() === officer.email.toLowerCase() ? [] : [staff.email];
  const text = [
    `${officer.name}同志:`,
    '',
    `这是市安委会办公室发送的测试邮件,用于确认${department.name}登记的联络员邮箱能够正常收到季度报送提醒(催报)邮件。收到即可,无需回复。`,
    '',
    `处级联络员:${officer.name}(${officer.position}) ${officer.email}`,
    `工作人员:${staff.name} ${staff.email}`,
    '',
    `联络员如有变动,请登录后更新:${publicBaseUrl}/liaisons/${department.code}`,
    '',
    '市安委会办公室',
    '(本邮件由 hazchem-tracker 自动发送,请勿直接回复)',
  ].join('\n');
  return { to: officer.email, cc, subject: `【测试】${department.name}催报邮件接收测试`, text };
}

/**
 * Sends the test e-mail now, through the API's mailer, so the office checks a unit's addresses
 * before a deadline. `delivered` is false without SMTP (composed only) or when the server refused
 * the message; the audit row says which addresses were tried.
 */
export async function sendTestReminder(deps: TestReminderDeps, actor: Actor, at: Date, code: string) {
  const department = requireDepartment(await loadDirectory(deps.db), code);
  if (!isReportingUnit(department)) {
    throw new AppError('UNPROCESSABLE', {
      en: `${department.name} is a collective; its member units name their own liaisons`,
      zh: `${department.name}是集合性单位,由其成员单位各自登记联络员`,
    });
  }
  const liaisons = await findLiaisons(deps.db, code);
  if (!liaisons) {
    throw new AppError('UNPROCESSABLE', {
      en: `${department.name} has not named its liaisons yet: there is no address to send a test reminder to`,
      zh: `${department.name}尚未登记联络员,无法发送测试催报邮件`,
    });
  }
  const mail = composeTestReminder(department, liaisons, deps.publicBaseUrl);
  let delivered = false;
  if (deps.mailer.delivers) {
    try {
      await deps.mailer.send(mail);
      delivered = true;
    } catch (error) {
      deps.onSendFailure(String((error as { code?: unknown }).code ?? 'UNKNOWN'));
    }
  }
  const result = { to: mail.to, cc: mail.cc, delivered };
  await recordAudit(deps.db, actor, at, { action: 'reminder.test', entityType: 'liaisons', entityId: code, before: null, after: result });
  return result;
}
