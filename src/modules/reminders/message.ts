import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';

export interface ReminderMessageInput {
  plan: { title: string; documentNo: string; timeZone: string };
  period: { id: string; dueAt: Date };
  department: { code: string; name: string };
  officerName: string | null;
  openTasks: { measureNo: number; measureTitle: string; taskSeq: number }[];
  reportUrl: string;
  /** before-7d, overdue-2 ...: said in the subject, so two reminders never read the same. */
  kind: string;
}

export interface ReminderMessage {
  subject: string;
  text: string;
}

const quarterNames = ['一', '二', '三', '四'];

/** 2017Q3 -> 2017年第三季度; summary -> 总结报告. */
export function periodLabel(periodId: string): string {
  const match = /^(\d{4})Q([1-4])$/.exec(periodId);
  return match ? `${match[1]}年第${quarterNames[Number(match[2]) - 1]}季度` : '总结报告';
}

const deadlineText = (dueAt: Date, timeZone: string) => format(new TZDate(dueAt.getTime(), timeZone), 'yyyy年M月d日 HH:mm');

/** The reminder a liaison officer reads: in Chinese, naming the plan, period, deadline and open rows. */
export function composeReminder(input: ReminderMessageInput): ReminderMessage {
  const label = periodLabel(input.period.id);
  const [, direction, count] = /^(before|overdue)-(\d+)/.exec(input.kind) ?? [];
  const overdue = direction === 'overdue';
  const deadline = deadlineText(input.period.dueAt, input.plan.timeZone);
  const subject = overdue
    ? `【逾期提醒】${input.department.name}${label}工作进展已超过报送时限(${deadline}),第${count}次催报`
    : `【报送提醒】${input.department.name}${label}工作进展请于${deadline}前报送(还有${count}天)`;
  const request = overdue
    ? `${label}工作进展的报送时限(${deadline})已过,请尽快向市安委会办公室报送。`
    : `请于${deadline}前向市安委会办公室报送${label}工作进展情况。`;
  const tasks = input.openTasks.length
    ? input.openTasks.map((task) => `  措施${task.measureNo} 第${task.taskSeq}项 ${task.measureTitle}`).join('\n')
    : '  (各项任务均已填写,请确认后提交)';
  const text = [
    `${input.officerName ?? input.department.name}同志:`,
    '',
    `根据《${input.plan.title}》(${input.plan.documentNo})要求,${input.department.name}${request}`,
    '',
    '尚未填写的工作任务:',
    tasks,
    '',
    `在线填报:${input.reportUrl}`,
    '',
    '市安委会办公室',
    '(本邮件由 hazchem-tracker 自动发送,请勿直接回复)',
  ].join('\n');
  return { subject, text };
}
