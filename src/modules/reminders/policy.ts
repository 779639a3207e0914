import { z } from 'zod';
import { emailSchema } from '../../http/email.js';
import { zodMessage } from '../../http/validation.js';
import type { Escalation } from '../../db/schema/index.js';
import { addDaysToDay, dayInZone, localInstant, workingDayAfter } from '../periods/deadlines.js';

export const reminderPolicySchema = z
  .strictObject({
    offsetsDays: z
      .array(z.number().int().min(1).max(60))
      .max(10)
      .refine((offsets) => new Set(offsets).size === offsets.length, zodMessage({ en: 'offsets must be distinct', zh: '提前天数不得重复' }))
      .describe('Days before the deadline on which to remind'),
    sendTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, zodMessage({ en: 'must be HH:mm', zh: '必须是 HH:mm 格式的时间' }))
      .describe('Local send time in the plan time zone'),
    escalation: z.strictObject({
      afterWorkingDays: z.number().int().min(1).max(30).describe('First overdue reminder: this many working days after the deadline'),
      everyDays: z.number().int().min(1).max(60).describe('Then every this many days'),
      maxCount: z.number().int().min(0).max(20).describe('At most this many overdue reminders'),
    }),
    officeEmail: emailSchema().nullable().describe('Copied on overdue reminders'),
  })
  .meta({
    id: 'ReminderPolicy',
    examples: [{ offsetsDays: [7, 3, 1], sendTime: '09:00', escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 4 }, officeEmail: 'anwei@example.gov.cn' }],
  });

export type ReminderPolicy = z.infer<typeof reminderPolicySchema>;

export const defaultPolicy = (officeEmail: string | null): ReminderPolicy => ({
  offsetsDays: [7, 3, 1],
  sendTime: '09:00',
  escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 4 } satisfies Escalation,
  officeEmail,
});

export interface ScheduledReminder {
  kind: string;
  sendAt: Date;
  overdue: boolean;
}

/**
 * The reminders a policy gives for one deadline: `before-Nd` at the send time N calendar days
 * before the deadline's day, then `overdue-K` from the Nth working day after it, every few days.
 */
export function scheduleFor(dueAt: Date, timeZone: string, policy: ReminderPolicy): ScheduledReminder[] {
  const dueDay = dayInZone(dueAt, timeZone);
  const at = (day: string) => localInstant(day, policy.sendTime, timeZone);
  const shift = addDaysToDay;
  const before = [...policy.offsetsDays]
    .sort((a, b) => b - a)
    .map((days) => ({ kind: `before-${days}d`, sendAt: at(shift(dueDay, -days)), overdue: false }));
  const firstOverdueDay = workingDayAfter(dueDay, policy.escalation.afterWorkingDays);
  const overdue = Array.from({ length: policy.escalation.maxCount }, (_, index) => ({
    kind: `overdue-${index + 1}`,
    sendAt: at(shift(firstOverdueDay, index * policy.escalation.everyDays)),
    overdue: true,
  }));
  return [...before, ...overdue];
}
