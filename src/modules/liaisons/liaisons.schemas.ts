import { z } from 'zod';
import { text } from '../../http/text.js';
import { departmentRefSchema } from '../plans/plans.schemas.js';

const name = text(50);
const phone = z
  .string()
  .trim()
  .regex(/^[0-9+\-() ]{5,30}$/, 'must be a phone number: digits, spaces and + - ( )');
const email = z.email().max(254);

export const officerSchema = z.strictObject({ name, position: text(100), phone, email }).describe('处级联络员');
export const staffSchema = z.strictObject({ name, phone, email }).describe('工作人员');

export const liaisonsBodySchema = z
  .strictObject({ officer: officerSchema, staff: staffSchema })
  .meta({
    id: 'LiaisonsUpdate',
    examples: [
      {
        officer: { name: '张伟', position: '危化处处长', phone: '021-23111111', email: 'zhang.wei@example.gov.cn' },
        staff: { name: '李娜', phone: '021-23111112', email: 'li.na@example.gov.cn' },
      },
    ],
  });

export const liaisonsSchema = z
  .object({
    department: departmentRefSchema,
    officer: officerSchema,
    staff: staffSchema,
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Liaisons', examples: [{ department: { code: 'work-safety', name: '市安全监管局' }, officer: { name: '张伟', position: '危化处处长', phone: '021-23111111', email: 'zhang.wei@example.gov.cn' }, staff: { name: '李娜', phone: '021-23111112', email: 'li.na@example.gov.cn' }, updatedAt: '2017-05-02T03:00:00.000Z' }] });

export const rosterEntrySchema = z
  .object({
    department: departmentRefSchema,
    kind: z.string(),
    registered: z.boolean(),
    officer: officerSchema.nullable(),
    staff: staffSchema.nullable(),
    updatedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: 'RosterEntry', examples: [{ department: { code: 'work-safety', name: '市安全监管局' }, kind: 'municipal-department', registered: true, officer: { name: '张伟', position: '危化处处长', phone: '021-23111111', email: 'zhang.wei@example.gov.cn' }, staff: { name: '李娜', phone: '021-23111112', email: 'li.na@example.gov.cn' }, updatedAt: '2017-05-02T03:00:00.000Z' }] });

export const rosterSchema = z.object({
  total: z.number().int(),
  registered: z.number().int(),
  unregistered: z.array(departmentRefSchema).describe('Units that have not named their liaisons yet'),
  items: z.array(rosterEntrySchema),
});
