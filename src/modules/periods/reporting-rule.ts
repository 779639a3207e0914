import { z } from 'zod';
import { zodMessage } from '../../http/validation.js';

const quarterId = z.string().regex(/^\d{4}Q[1-4]$/, zodMessage({ en: 'must be a quarter such as 2017Q2', zh: '必须是季度，如 2017Q2' }));
const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, zodMessage({ en: 'must be HH:mm', zh: '必须是 HH:mm 格式的时间' }));

/**
 * How a plan's reporting periods and default deadlines are derived; stored per plan so the
 * office can run a later campaign with a different rule.
 */
export const reportingRuleSchema = z.object({
  timeZone: z.string().min(1),
  quarterly: z.object({
    first: quarterId,
    last: quarterId,
    /** Due on the Nth working day after the quarter ends (China's calendar, 调休 included). */
    dueWorkingDaysAfterEnd: z.number().int().min(1).max(60),
    dueTime: localTime,
  }),
  /** The final 总结报告, due on the last working day of the named phase. */
  summary: z.object({ phase: z.string().min(1), dueTime: localTime }),
  /**
   * The yearly targets (分年度工作任务目标), due on the last working day of the plan's first quarter
   * in each year. Optional: rules stored before targets existed get the quarterly dueTime.
   */
  targets: z.object({ dueTime: localTime }).optional(),
});

export type ReportingRule = z.infer<typeof reportingRuleSchema>;
