import { z } from 'zod';
import { text } from '../../http/text.js';
import { periodIdSchema } from '../periods/periods.schemas.js';
import { departmentCodeSchema, departmentRefSchema, planCodeSchema } from '../plans/plans.schemas.js';

export const reminderStatusSchema = z.enum(['planned', 'sent', 'failed', 'cancelled', 'unreachable']).meta({ id: 'ReminderStatus' });

export const reminderSchema = z
  .object({
    id: z.number().int(),
    periodId: z.string(),
    department: departmentRefSchema,
    kind: z.string().describe('before-7d, before-3d, before-1d, overdue-1 … overdue-4'),
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
  unreachableDepartments: z.array(departmentRefSchema).describe('Units with planned e-mail reminders but no liaisons yet'),
});

export const reminderQuerySchema = z.object({
  plan: planCodeSchema.optional(),
  period: periodIdSchema.optional(),
  department: departmentCodeSchema.optional(),
  status: reminderStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const reminderParamsSchema = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647).meta({ examples: [4211] }) });

export const webhookBodySchema = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).max(2000),
    secret: text(200).refine((value) => value.length >= 16, 'must be at least 16 characters').optional().describe('HMAC key; generated when absent'),
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
