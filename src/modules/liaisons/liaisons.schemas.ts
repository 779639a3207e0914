import { z } from 'zod';
import { emailSchema } from '../../http/email.js';
import { text } from '../../http/text.js';
import { zodMessage } from '../../http/validation.js';
import { departmentKindSchema } from '../departments/departments.schemas.js';
import { departmentRefSchema } from '../plans/plans.schemas.js';

const name = text(50);
/*
 * A number as offices write it, with an optional extension: 021-23111111, (021) 2311 1111,
 * +86 21 23111111, 12345678 转 801, 12345678 分机 801, 12345678 ext. 801, 021-12345678-801.
 * No regex flags: the pattern goes into the OpenAPI document as is, where flags do not travel.
 */
const PHONE = /^[0-9+\-() ]{5,30}(?: *(?:转|分机|[Ee]xt\.?|EXT\.?|[xX]) *[0-9]{1,6})?$/;
const phone = z
  .string()
  .trim()
  .regex(
    PHONE,
    zodMessage({
      en: 'must be a phone number: 5 to 30 characters among digits, spaces and + - ( ), optionally followed by an extension of up to 6 digits after 转, 分机, ext. or x (e.g. 021-23111111, 12345678 转 801, 021-12345678-801)',
      zh: '必须是电话号码：5 至 30 个数字、空格或 + - ( ) 字符，可在“转”“分机”“ext.”或“x”后加最多 6 位分机号（如 021-23111111、12345678 转 801、021-12345678-801）',
    }),
  )
  .describe('e.g. 021-23111111, 12345678 转 801 or 021-12345678-801');
const email = emailSchema();

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
    kind: departmentKindSchema,
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
