import { z } from 'zod';
import { emailSchema } from '../../http/email.js';
import { text } from '../../http/text.js';
import { zodMessage } from '../../http/validation.js';
import { departmentCodeSchema, departmentRefSchema } from '../plans/plans.schemas.js';

/** A path inside the web app: starts with one `/` (not `//`, which a browser reads as another host), no backslash. */
export const nextPathSchema = z
  .string()
  .max(500)
  .regex(
    /^\/(?![/\\])[^\\\s]*$/,
    zodMessage({
      en: 'must be a path inside the web app, starting with / (not //), e.g. /reports/hazchem-2017/2017Q3/work-safety',
      zh: '必须是本系统内的路径，以 / 开头（不能以 // 开头），如 /reports/hazchem-2017/2017Q3/work-safety',
    }),
  )
  .describe('Where the web app goes after signing in, e.g. /reports/hazchem-2017/2017Q3/work-safety');

const email = emailSchema().describe('The address registered for a unit (处级联络员 or 工作人员), or an account’s');

export const requestLinkBodySchema = z
  .strictObject({ email, next: nextPathSchema.optional() })
  .meta({ id: 'SignInLinkRequest', examples: [{ email: 'zhang.wei@example.gov.cn', next: '/reports/hazchem-2017/2017Q3/work-safety' }] });

export const linkRequestedSchema = z
  .object({ message: z.string() })
  .meta({ id: 'SignInLinkRequested', examples: [{ message: '如该地址已登记,登录链接已发送,15分钟内有效,仅可使用一次。' }] });

export const issueLinkBodySchema = z
  .strictObject({
    email,
    next: nextPathSchema.optional(),
    department: departmentCodeSchema.optional().describe('Only when the address is registered for several units: the unit the link signs in for'),
  })
  .meta({ id: 'SignInLinkIssue', examples: [{ email: 'zhang.wei@example.gov.cn' }] });

export const roleSchema = z.enum(['department', 'office', 'admin']);

export const issuedLinkSchema = z
  .object({
    url: z.string().describe('The one-time link; valid 15 minutes, for one sign-in'),
    expiresAt: z.iso.datetime({ offset: true }),
    email: z.string(),
    role: roleSchema,
    department: departmentRefSchema.nullable(),
  })
  .meta({
    id: 'IssuedSignInLink',
    examples: [
      {
        url: 'https://hazchem.example.gov.cn/sign-in?token=Jx3…',
        expiresAt: '2017-10-09T01:15:00.000Z',
        email: 'zhang.wei@example.gov.cn',
        role: 'department',
        department: { code: 'work-safety', name: '市安全监管局' },
      },
    ],
  });

export const createSessionBodySchema = z
  .union([
    z.strictObject({ linkToken: z.string().min(1).max(200).describe('The `token` of the sign-in link') }),
    z.strictObject({ apiToken: z.string().min(1).max(200).describe('An office or admin API token') }),
  ])
  .meta({ id: 'SessionRequest', examples: [{ linkToken: 'Jx3…' }, { apiToken: 'hzt_3q2-7wK…' }] });

export const meSchema = z
  .object({
    role: roleSchema,
    department: departmentRefSchema.nullable(),
    email: z.string().nullable(),
    name: z.string().nullable().describe('The liaison’s or account’s name'),
    csrfToken: z.string().describe('Send as the x-csrf-token header on every write made with the session cookie'),
    expiresAt: z.iso.datetime({ offset: true }).describe('When the session ends unless used again (8 hours idle)'),
    via: z.enum(['link', 'api-token']),
  })
  .meta({
    id: 'Me',
    examples: [
      {
        role: 'department',
        department: { code: 'work-safety', name: '市安全监管局' },
        email: 'zhang.wei@example.gov.cn',
        name: '张伟',
        csrfToken: 'k2Zb…',
        expiresAt: '2017-10-09T09:00:00.000Z',
        via: 'link',
      },
    ],
  });

export const accountSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['office', 'admin']),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'Account', examples: [{ id: '0b6c2f5e-4d7a-4a1e-9c1b-3f2d4e5a6b7c', email: 'wang.fang@example.gov.cn', name: '王芳', role: 'office', createdAt: '2017-06-01T09:00:00.000Z' }] });

export const createAccountBodySchema = z
  .strictObject({ email: emailSchema(), name: text(50), role: z.enum(['office', 'admin']) })
  .meta({ id: 'AccountCreate', examples: [{ email: 'wang.fang@example.gov.cn', name: '王芳', role: 'office' }] });

export const accountParamsSchema = z.object({ id: z.uuid().meta({ examples: ['0b6c2f5e-4d7a-4a1e-9c1b-3f2d4e5a6b7c'] }) });

export type Me = z.infer<typeof meSchema>;
export type Role = z.infer<typeof roleSchema>;
