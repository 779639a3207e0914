import { z } from 'zod';
import { storable, text } from '../../http/text.js';
import { zodMessage } from '../../http/validation.js';
import { periodIdSchema } from '../periods/periods.schemas.js';
import { departmentCodeSchema, departmentRefSchema, planCodeSchema } from '../plans/plans.schemas.js';

export const reminderStatusSchema = z
  .enum(['planned', 'sending', 'sent', 'recorded', 'failed', 'cancelled', 'unreachable'])
  .describe(
    'planned: waiting for its time; sending: a worker has claimed it (until its lease runs out); sent: accepted by the SMTP server or the webhook; ' +
      'recorded: composed and in the unit’s feed, but not e-mailed because no SMTP server is configured (the office may retry it); ' +
      'failed: every attempt failed; cancelled: no longer wanted (the unit submitted, the schedule changed); unreachable: the unit has no liaisons',
  )
  .meta({ id: 'ReminderStatus' });

export const reminderSchema = z
  .object({
    id: z.number().int(),
    periodId: z.string(),
    department: departmentRefSchema,
    kind: z
      .string()
      .regex(/^(before-[1-9]\d?d|overdue-[1-9]\d?)$/)
      .describe('before-<n>d: n days before the deadline (the policy’s offsets, 1–60); overdue-<n>: the n-th escalation after it (1–20)'),
    channel: z.enum(['email', 'webhook']),
    status: reminderStatusSchema,
    sendAt: z.iso.datetime({ offset: true }),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    sentAt: z.iso.datetime({ offset: true }).nullable(),
    cancelledAt: z.iso.datetime({ offset: true }).nullable(),
    reachable: z.boolean().describe('false for an e-mail reminder to a unit that has not named its liaisons'),
  })
  .meta({
    id: 'Reminder',
    examples: [
      {
        id: 4211,
        periodId: '2017Q3',
        department: { code: 'jinshan-district', name: '金山区政府' },
        kind: 'before-3d',
        channel: 'email',
        status: 'sent',
        sendAt: '2017-10-10T01:00:00.000Z',
        attempts: 1,
        lastError: null,
        sentAt: '2017-10-10T01:00:02.118Z',
        cancelledAt: null,
        reachable: true,
      },
    ],
  });

export const reminderListSchema = z.object({
  items: z.array(reminderSchema),
  total: z.number().int().describe('Reminders matching the filter, on every page'),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
  unreachableDepartments: z.array(departmentRefSchema).describe('Units with planned e-mail reminders but no liaisons yet'),
});

export const reminderQuerySchema = z.object({
  plan: planCodeSchema.optional(),
  period: periodIdSchema.optional(),
  department: departmentCodeSchema.optional(),
  status: reminderStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .max(200)
    .regex(/^[\w-]+$/, zodMessage({ en: 'must be a nextCursor from this list', zh: '必须是本列表返回的 nextCursor' }))
    .optional()
    .describe('The previous page’s nextCursor; pages stay consistent while reminders are added or change state'),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(0)
    .meta({ deprecated: true })
    .describe('Kept for older clients; not together with cursor. Rows added or moved meanwhile shift the pages, so prefer cursor.'),
}).refine((query) => !(query.cursor && query.offset), { path: ['offset'], message: zodMessage({ en: 'use either cursor or offset, not both', zh: 'cursor 与 offset 只能二选一' }) });

export const reminderParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647).meta({ examples: [4211] }) });

export const webhookBodySchema = z
  .strictObject({
    url: storable(z.url({ protocol: /^https?$/ }).max(2000)),
    secret: text(200).refine((value) => value.length >= 16, zodMessage({ en: 'must be at least 16 characters', zh: '至少 16 个字符' })).optional().describe('HMAC key; generated when absent'),
  })
  .meta({ examples: [{ url: 'https://oa.example.gov.cn/hooks/hazchem' }] });

export const webhookSchema = z
  .object({ department: z.string(), url: z.string(), secret: z.string().describe('Verify X-Hazchem-Signature with it'), updatedAt: z.iso.datetime({ offset: true }) })
  .meta({ id: 'Webhook', examples: [{ department: 'jinshan-district', url: 'https://oa.example.gov.cn/hooks/hazchem', secret: 'q2W8v0cS5xN1uH4zK7pL3mR6tY9b', updatedAt: '2017-09-28T02:00:00.000Z' }] });

export const notificationsSchema = z.object({
  items: z.array(
    z.object({ id: z.number().int(), reminderId: z.number().int().nullable(), subject: z.string(), body: z.string(), createdAt: z.iso.datetime({ offset: true }) }),
  ),
});

export const feedQuerySchema = z.object({ token: z.string().min(1).max(200) });
export const feedTokenSchema = z.object({ url: z.string().describe('Subscribe to this address; it carries the feed token') });
