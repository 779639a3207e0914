import { z } from 'zod';

export const auditQuerySchema = z.object({
  entityType: z.enum(['report', 'liaisons', 'period', 'token', 'reminder-policy', 'webhook', 'plan']).optional(),
  entityId: z.string().max(200).optional().describe('e.g. hazchem-2017/2017Q3/work-safety'),
  action: z.string().max(100).optional().describe('e.g. report.submit'),
  actorDepartment: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.coerce.number().int().positive().optional().describe('nextCursor of the previous page'),
});

export const auditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.iso.datetime({ offset: true }),
    actor: z.object({ tokenId: z.string().nullable(), role: z.string(), department: z.string().nullable() }),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.unknown(),
    after: z.unknown(),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: z.number().int().nullable().describe('Pass as cursor for the next (older) page; null on the last page'),
});
