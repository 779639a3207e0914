import { z } from 'zod';
import { text } from '../../http/text.js';
import { zodMessage } from '../../http/validation.js';
import { periodIdSchema } from '../periods/periods.schemas.js';
import { departmentCodeSchema, departmentRefSchema, planCodeSchema } from '../plans/plans.schemas.js';

export const DESCRIPTION_LIMIT = 500;
const instant = z.iso.datetime({ offset: true });

export const attachmentSchema = z
  .object({
    id: z.uuid(),
    owner: z.enum(['report', 'lead']).describe('report: attached to the unit’s report; lead: to its lead opinions (牵头汇总意见)'),
    plan: planCodeSchema,
    period: periodIdSchema,
    department: departmentRefSchema,
    measureNo: z.number().int().nullable().describe('The row it is evidence for (with taskSeq), or null for the report as a whole'),
    taskSeq: z.number().int().nullable(),
    fileName: z.string().describe('As uploaded, made safe: no directories or control characters, at most 80 characters, with the extension of its type'),
    description: z.string(),
    size: z.number().int().describe('Bytes'),
    mediaType: z.string().describe('Decided from the content, not from the name or the Content-Type sent'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256 of the content, hex; the download’s ETag is "sha256:<hex>"'),
    addedAfterVersion: z.number().int().describe('Attached while the report was at this version: part of every later version until removed'),
    removedAfterVersion: z.number().int().nullable().describe('Removed while the report was at this version (still part of it); null while current'),
    uploadedAt: instant,
    actorEmail: z.string().nullable().describe('The person who attached it, when they signed in to the web app; null for API tokens'),
    enteredByOffice: z.boolean().describe('Attached by the office on the unit’s behalf (evidence that came on paper)'),
    href: z.string().describe('Where to download it: /v1/attachments/{id}'),
  })
  .meta({
    id: 'Attachment',
    examples: [
      {
        id: '5f0c3c1e-8d7b-4a53-9a43-2f6f1d3b9c10',
        owner: 'report',
        plan: 'hazchem-2017',
        period: '2017Q3',
        department: { code: 'work-safety', name: '市安全监管局' },
        measureNo: 1,
        taskSeq: 1,
        fileName: '监管人员配备情况.pdf',
        description: '专业监管人员花名册（盖章扫描件）',
        size: 482133,
        mediaType: 'application/pdf',
        sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
        addedAfterVersion: 2,
        removedAfterVersion: null,
        uploadedAt: '2017-10-10T09:30:00+08:00',
        actorEmail: 'li.na@example.gov.cn',
        enteredByOffice: false,
        href: '/v1/attachments/5f0c3c1e-8d7b-4a53-9a43-2f6f1d3b9c10',
      },
    ],
  });

export type AttachmentView = z.infer<typeof attachmentSchema>;

export const attachmentListSchema = z.object({ items: z.array(attachmentSchema) }).meta({ id: 'AttachmentList' });

export const attachmentParamsSchema = z.object({ id: z.uuid().describe('The attachment’s id (its JSON’s id)').meta({ examples: ['5f0c3c1e-8d7b-4a53-9a43-2f6f1d3b9c10'] }) });

export const attachmentOwnerParamsSchema = z.object({ plan: planCodeSchema, period: periodIdSchema, department: departmentCodeSchema });

export const attachmentListQuerySchema = z.object({
  version: z.coerce.number().int().min(1).max(1_000_000).optional().describe('The attachments of this version of the report (GET …/history); without it, the current ones'),
});

const rowNumber = (max: number) =>
  z
    .string()
    .regex(/^\d{1,6}$/, zodMessage({ en: 'must be a whole number', zh: '必须是整数' }))
    .transform(Number)
    .pipe(z.number().int().min(1).max(max));

/**
 * The text fields of an upload, as multipart sends them (strings). measureNo and taskSeq come
 * together or not at all.
 */
export const uploadFieldsSchema = z
  .strictObject({
    measureNo: rowNumber(10_000).optional(),
    taskSeq: rowNumber(1_000).optional(),
    description: text(DESCRIPTION_LIMIT, 0).optional(),
  })
  .refine((fields) => (fields.measureNo === undefined) === (fields.taskSeq === undefined), {
    path: ['taskSeq'],
    message: zodMessage({ en: 'measureNo and taskSeq go together: send both or neither', zh: 'measureNo 与 taskSeq 须同时填写或同时不填' }),
  });

export type UploadFields = z.infer<typeof uploadFieldsSchema>;

/** The multipart body as OpenAPI shows it (the route streams the file; this schema only documents it). */
export const uploadBodySchema = z
  .object({
    measureNo: z.string().optional().describe('The row (措施 number) this file is evidence for; with taskSeq'),
    taskSeq: z.string().optional().describe('The task within the measure; with measureNo'),
    description: z.string().max(DESCRIPTION_LIMIT).optional().describe(`What the file shows, at most ${DESCRIPTION_LIMIT} characters`),
    file: z.string().meta({ format: 'binary' }).describe('The file (one). PDF, JPEG, PNG, OFD, DOC/XLS/WPS/ET, DOCX or XLSX, decided by its content'),
  })
  .describe('multipart/form-data: send the text fields before the file, so that a wrong row is refused before the file is sent');
