import { z } from 'zod';
import { text } from '../../http/text.js';
import { zodMessage } from '../../http/validation.js';
import { periodIdSchema } from '../periods/periods.schemas.js';
import { attachmentSchema } from '../attachments/attachments.schemas.js';
import { departmentCodeSchema, departmentRefSchema, planCodeSchema } from '../plans/plans.schemas.js';

export const TEXT_LIMIT = 5000;
export const ENTRY_LIMIT = 200;
/** A report's entries as JSON, at most: each save is kept as a version, so size is storage (413 beyond). */
export const ENTRIES_MAX_BYTES = 256 * 1024;

export const taskStatusSchema = z.enum(['not_started', 'in_progress', 'completed', 'blocked']).meta({ id: 'TaskStatus' });
export const reportStatusSchema = z.enum(['not_started', 'draft', 'submitted', 'accepted', 'returned']).meta({ id: 'ReportStatus' });

export const metricSchema = z.strictObject({
  name: text(100),
  value: z.number().finite(),
  unit: text(20, 0),
});

export const entrySchema = z
  .strictObject({
    measureNo: z.number().int().min(1).max(10_000),
    taskSeq: z.number().int().min(1).max(1_000),
    status: taskStatusSchema,
    progress: z.number().int().min(0).max(100).describe('Per cent complete, 0..100'),
    summary: text(TEXT_LIMIT).describe('What was done this period'),
    problems: text(TEXT_LIMIT).optional(),
    nextSteps: text(TEXT_LIMIT).optional(),
    metrics: z.array(metricSchema).max(20).optional().describe('Figures such as measure 1’s share of professional supervisors'),
  })
  .meta({ id: 'ReportEntry', examples: [{ measureNo: 1, taskSeq: 1, status: 'in_progress', progress: 60, summary: '已完成危化品监管人员配备摸底,专业监管人员占比提升至72%。', metrics: [{ name: '专业监管人员占比', value: 72, unit: '%' }] }] });

/** Each section of the 总结报告正文, in characters. */
export const NARRATIVE_LIMIT = 20_000;
const section = (what: string) => text(NARRATIVE_LIMIT, 0).describe(`${what}: plain paragraphs, a blank line between them; may be empty in a draft`);

export const narrativeSchema = z
  .strictObject({
    work: section('工作开展情况'),
    results: section('主要成效'),
    problems: section('存在问题'),
    nextSteps: section('下步打算'),
  })
  .meta({
    id: 'SummaryNarrative',
    description: 'The 总结报告正文 of the summary period: four sections, each required (non-empty) to submit.',
    examples: [
      {
        work: '三年来，我局牵头开展危险化学品安全综合治理，完成全市危险化学品企业摸底排查。\n\n建立部门联合执法机制。',
        results: '重大危险源全部纳入在线监测。',
        problems: '基层专业监管力量仍然不足。',
        nextSteps: '巩固治理成果，健全长效机制。',
      },
    ],
  });

export const saveReportBodySchema = z
  .strictObject({
    narrative: narrativeSchema
      .optional()
      .describe('Only for the summary period (422 on body.narrative elsewhere). Replaces the stored narrative; left out, the stored one is kept.'),
    entries: z
      .array(entrySchema)
      .max(ENTRY_LIMIT)
      .describe(`At most ${ENTRY_LIMIT} entries and ${ENTRIES_MAX_BYTES / 1024} KiB of JSON (413 beyond). Status completed needs progress 100 and not_started progress 0 (422 otherwise).`),
  })
  .meta({
    id: 'ReportDraft',
    examples: [
      {
        entries: [
          {
            measureNo: 1,
            taskSeq: 1,
            status: 'in_progress',
            progress: 60,
            summary: '已完成危化品监管人员配备摸底,专业监管人员占比提升至72%。',
            problems: '部分区专业人员招录未完成。',
            nextSteps: '四季度完成招录。',
            metrics: [{ name: '专业监管人员占比', value: 72, unit: '%' }],
          },
        ],
      },
    ],
  });

export const returnBodySchema = z
  .strictObject({ reason: text(2000).describe('Why the office returns the report') })
  .meta({ examples: [{ reason: '措施1缺少专业监管人员占比数据,请补充后重新报送。' }] });

export const carriedTaskSchema = z.object({
  measureNo: z.number().int(),
  taskSeq: z.number().int(),
  content: z.string(),
  role: z.enum(['lead', 'responsible']),
  via: departmentRefSchema.nullable(),
  required: z.boolean().describe('Required rows must have an entry before submitting'),
});

const instant = z.iso.datetime({ offset: true });

export const reportSchema = z
  .object({
    plan: planCodeSchema,
    period: periodIdSchema,
    department: departmentRefSchema,
    status: reportStatusSchema,
    version: z.number().int().describe('Increases with every change; the ETag is "v<version>"'),
    dueAt: instant,
    submittedAt: instant.nullable(),
    firstSubmittedAt: instant.nullable(),
    late: z.boolean().nullable().describe('Whether the first submission came after dueAt; null before it'),
    reviewedAt: instant.nullable(),
    returnReason: z.string().nullable(),
    enteredByOffice: z.boolean().describe('The current version was entered by the office on the unit’s behalf (a report sent on paper)'),
    entries: z.array(entrySchema),
    narrative: narrativeSchema.nullable().describe('The 总结报告正文 (summary period only; null until saved, and on every other period)'),
    tasks: z.array(carriedTaskSchema).describe('The rows this unit reports on'),
  })
  .meta({
    id: 'Report',
    examples: [
      {
        plan: 'hazchem-2017',
        period: '2017Q3',
        department: { code: 'work-safety', name: '市安全监管局' },
        status: 'submitted',
        version: 2,
        dueAt: '2017-10-13T17:00:00+08:00',
        submittedAt: '2017-10-12T16:00:00+08:00',
        firstSubmittedAt: '2017-10-12T16:00:00+08:00',
        late: false,
        reviewedAt: null,
        returnReason: null,
        enteredByOffice: false,
        entries: [{ measureNo: 1, taskSeq: 1, status: 'in_progress', progress: 60, summary: '已完成危化品监管人员配备摸底,专业监管人员占比提升至72%。', metrics: [{ name: '专业监管人员占比', value: 72, unit: '%' }] }],
        narrative: null,
        tasks: [{ measureNo: 1, taskSeq: 1, content: '加强负有危险化学品安全监管职责部门的监管力量,…', role: 'responsible', via: null, required: true }],
      },
    ],
  });

export const versionSchema = z
  .object({
    version: z.number().int(),
    action: z.enum(['save', 'submit', 'accept', 'return']),
    status: reportStatusSchema,
    late: z.boolean().nullable(),
    reason: z.string().nullable(),
    actorTokenId: z.string().nullable(),
    actorEmail: z.string().nullable().describe('The person who acted, when they signed in to the web app; null for API tokens'),
    enteredByOffice: z.boolean().describe('This version was saved or submitted by the office on the unit’s behalf'),
    at: instant,
    entries: z.array(entrySchema),
    narrative: narrativeSchema.nullable().describe('The 总结报告正文 as of this version (summary period only)'),
    attachments: z.array(attachmentSchema).describe('The files that were part of this version (佐证材料), including any removed later'),
  })
  .meta({ id: 'ReportVersion', examples: [{ version: 2, action: 'submit', status: 'submitted', late: false, reason: null, actorTokenId: null, actorEmail: 'li.na@example.gov.cn', enteredByOffice: false, at: '2017-10-12T16:00:00+08:00', entries: [{ measureNo: 1, taskSeq: 1, status: 'in_progress', progress: 60, summary: '已完成危化品监管人员配备摸底,专业监管人员占比提升至72%。', metrics: [{ name: '专业监管人员占比', value: 72, unit: '%' }] }], narrative: null, attachments: [] }] });

export const reportParamsSchema = z.object({ plan: planCodeSchema, period: periodIdSchema, department: departmentCodeSchema });

/** A submission may carry the save's body: the report is then saved and submitted in one step. */
export const submitBodySchema = saveReportBodySchema.nullish();

export const writeHeadersSchema = z.object({
  'if-match': z.string().max(100).optional().describe('The ETag last read; a stale one gets 412'),
});

export const actionHeadersSchema = writeHeadersSchema.extend({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, zodMessage({ en: 'must be 1..255 visible ASCII characters', zh: '必须是 1 至 255 个可见 ASCII 字符' }))
    .optional()
    .describe('A retry with the same key returns the first answer'),
});
