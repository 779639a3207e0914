import { z } from 'zod';
import { boundedInstant } from '../../http/instant.js';
import { text } from '../../http/text.js';

/** What the audit log records; `AuditEvent` (audit.service.ts) only accepts these, so the contract cannot drift. */
export const auditEntityTypeSchema = z
  .enum(['report', 'liaisons', 'period', 'token', 'reminder-policy', 'reminder', 'webhook', 'plan', 'account', 'sign-in-link', 'assessment-rubric', 'lead-opinions', 'attachment'])
  .meta({ id: 'AuditEntityType' });
export const auditActionSchema = z
  .enum([
    'report.save',
    'report.submit',
    'report.accept',
    'report.return',
    'liaisons.set',
    'period.deadline',
    'plan.copy',
    'token.create',
    'token.revoke',
    'reminder-policy.set',
    'reminder.retry',
    'reminder.test',
    'webhook.set',
    'webhook.delete',
    'account.create',
    'account.delete',
    'sign-in-link.issue',
    'attachment.add',
    'attachment.remove',
    'assessment-rubric.set',
    'lead_opinions.save',
    'lead_opinions.submit',
  ])
  .meta({ id: 'AuditAction' });
export const actorRoleSchema = z.enum(['department', 'office', 'admin', 'system']).describe('system: the command line or the service itself');
export type AuditAction = z.infer<typeof auditActionSchema>;
export type AuditEntityType = z.infer<typeof auditEntityTypeSchema>;

/** The entity as it was before or after the write; null when it did not exist before or no longer does. */
const auditStateSchema = z.record(z.string(), z.unknown()).nullable();

export const auditQuerySchema = z.object({
  entityType: auditEntityTypeSchema.optional(),
  entityId: text(200).optional().describe('e.g. hazchem-2017/2017Q3/work-safety'),
  action: auditActionSchema.optional(),
  actorDepartment: text(100).optional(),
  department: text(100).optional().describe('Rows about this unit: its reports, lead opinions, liaisons (test reminders included) and webhook'),
  period: text(20).optional().describe('Rows about this period (e.g. 2017Q3): its reports, lead opinions and its deadline'),
  from: boundedInstant().optional(),
  to: boundedInstant().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.coerce.number().int().positive().optional().describe('nextCursor of the previous page'),
});

export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.iso.datetime({ offset: true }),
    actor: z.object({
      tokenId: z.string().nullable(),
      role: actorRoleSchema,
      department: z.string().nullable(),
      email: z.string().nullable().describe('The person, when they signed in to the web app with a link; null for API tokens and the command line'),
    }),
    action: auditActionSchema,
    entityType: auditEntityTypeSchema,
    entityId: z.string(),
    before: auditStateSchema,
    after: auditStateSchema,
    requestId: z.string().nullable(),
  })
  .meta({
    id: 'AuditEntry',
    examples: [
      {
        id: 1042,
        at: '2017-10-16T01:00:00.000Z',
        actor: { tokenId: null, role: 'office', department: null, email: 'wang.fang@example.gov.cn' },
        action: 'report.return',
        entityType: 'report',
        entityId: 'hazchem-2017/2017Q3/work-safety',
        before: { status: 'submitted', version: 2 },
        after: { status: 'returned', version: 3, reason: '措施1请补充专业监管人员占比。' },
        requestId: 'b8c1f6a2-3c55-4f0e-9b1e-2f3a4d5e6f70',
      },
    ],
  });

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: z.number().int().nullable().describe('Pass as cursor for the next (older) page; null on the last page'),
});
