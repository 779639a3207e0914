import { TZDate } from '@date-fns/tz';
import { reportSubject } from '../periods/period-label.js';
import { format } from 'date-fns';
import { dayInZone } from '../periods/deadlines.js';

export interface ReminderMessageInput {
  plan: { title: string; documentNo: string; timeZone: string };
  period: { id: string; dueAt: Date };
  department: { code: string; name: string };
  officerName: string | null;
  openTasks: { measureNo: number; measureTitle: string; taskSeq: number }[];
  reportUrl: string;
  /** before-7d, overdue-2 ...: said in the subject, so two reminders never read the same. */
  kind: string;
  /** When the message is composed: the time left is counted from here to the deadline in force. */
  now: Date;
}

export interface ReminderMessage {
  subject: string;
  text: string;
}


const deadlineText = (dueAt: Date, timeZone: string) => format(new TZDate(dueAt.getTime(), timeZone), 'yyyy年M月d日 HH:mm');

/** Calendar days from `now` to the deadline's day in the plan's time zone (0: due today). */
function daysLeft(now: Date, dueAt: Date, timeZone: string): number {
  const day = (instant: Date) => Date.parse(`${dayInZone(instant, timeZone)}T00:00:00Z`);
  return Math.round((day(dueAt) - day(now)) / 86_400_000);
}

/**
 * The reminder a liaison officer reads: in Chinese, naming the plan, period, deadline and open
 * rows. The time left is counted when the message is composed, against the deadline in force,
 * never taken from the reminder's kind: a reminder sent late, or after the deadline moved, still
 * tells the truth (and one composed after the deadline reads as overdue).
 */
export function composeReminder(input: ReminderMessageInput): ReminderMessage {
  const label = reportSubject(input.period.id);
  const [, , count] = /^(before|overdue)-(\d+)/.exec(input.kind) ?? [];
  const overdue = input.now >= input.period.dueAt;
  const deadline = deadlineText(input.period.dueAt, input.plan.timeZone);
  const left = daysLeft(input.now, input.period.dueAt, input.plan.timeZone);
  const escalation = input.kind.startsWith('overdue') ? `,第${count}次催报` : '';
  const subject = overdue
    ? `【逾期提醒】${input.department.name}${label}已超过报送时限(${deadline})${escalation}`
    : `【报送提醒】${input.department.name}${label}请于${deadline}前报送(${left > 0 ? `还有${left}天` : '今天截止'})`;
  const request = overdue
    ? `${label}的报送时限(${deadline})已过,请尽快向市安委会办公室报送。`
    : `请于${deadline}前向市安委会办公室报送${label}${label.endsWith('工作进展') ? '情况' : ''}。`;
  const tasks = input.openTasks.length
    ? input.openTasks.map((task) => `  措施${task.measureNo} 第${task.taskSeq}项 ${task.measureTitle}`).join('\n')
    : '  (各项任务均已填写,请确认后提交)';
  const text = [
    `${input.officerName ?? input.department.name}同志:`,
    '',
    `根据《${input.plan.title}》(${input.plan.documentNo})要求,${input.department.name}${request}`,
    '',
    input.period.id.endsWith('-targets') ? '尚未设定目标的工作任务:' : '尚未填写的工作任务:',
    tasks,
    '',
    `在线填报:${input.reportUrl}`,
    '',
    '市安委会办公室',
    '(本邮件由 hazchem-tracker 自动发送,请勿直接回复)',
  ].join('\n');
  return { subject, text };
}
