import { z } from 'zod';
import { text } from '../../http/text.js';
import { departmentCodeSchema } from '../plans/plans.schemas.js';

export const tokenRoleSchema = z.enum(['department', 'office', 'admin']).meta({ id: 'TokenRole' });

export const createTokenBodySchema = z
  .strictObject({
    role: tokenRoleSchema,
    department: departmentCodeSchema.optional().describe('Required for, and only allowed with, role department'),
    label: text(200).optional().describe('Who the token is for, e.g. 市安全监管局 联络员'),
  })
  .meta({ examples: [{ role: 'department', department: 'work-safety', label: '市安全监管局 联络员' }] });

export const tokenSchema = z
  .object({
    id: z.uuid(),
    role: tokenRoleSchema,
    department: z.string().nullable(),
    label: z.string().nullable(),
    createdAt: z.iso.datetime({ offset: true }),
    revokedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: 'Token', examples: [{ id: '6d1f0c1e-8a8e-4b7a-9a43-0f4b5f7b3f10', role: 'office', department: null, label: '市安委会办公室', createdAt: '2017-06-01T09:00:00.000Z', revokedAt: null }] });

export const createdTokenSchema = tokenSchema
  .extend({ token: z.string().describe('The bearer token. Shown once: only its hash is stored.') })
  .meta({
    id: 'CreatedToken',
    examples: [
      {
        id: '6d1f0c1e-8a8e-4b7a-9a43-0f4b5f7b3f10',
        role: 'department',
        department: 'work-safety',
        label: '市安全监管局 联络员',
        createdAt: '2017-06-01T09:00:00.000Z',
        revokedAt: null,
        token: 'hzt_3q2-7wK…',
      },
    ],
  });

export const tokenParamsSchema = z.object({ id: z.uuid() });
