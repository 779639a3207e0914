import { z } from 'zod';
import { text } from '../../http/text.js';
import { attachmentSchema } from '../attachments/attachments.schemas.js';
import { rollupSchema } from '../consolidated/consolidated.schemas.js';
import { periodIdSchema } from '../periods/periods.schemas.js';
import { departmentCodeSchema, departmentRefSchema, planCodeSchema } from '../plans/plans.schemas.js';
import { ENTRY_LIMIT, entrySchema, TEXT_LIMIT, taskStatusSchema } from '../reports/reports.schemas.js';

const instant = z.iso.datetime({ offset: true });

export const ledParamsSchema = z.object({ plan: planCodeSchema, period: periodIdSchema, department: departmentCodeSchema });

export const opinionSetStatusSchema = z
  .enum(['not_started', 'draft', 'submitted'])
  .describe('not_started until saved; a save makes a draft (a submitted set too, until it is submitted again)')
  .meta({ id: 'LeadOpinionSetStatus' });

export const leadOpinionSchema = z
  .strictObject({
    measureNo: z.number().int().min(1).max(10_000),
    taskSeq: z.number().int().min(1).max(1_000),
    status: taskStatusSchema.describe('The lead’s judgement of the row as a whole'),
    progress: z.number().int().min(0).max(100).describe('Per cent complete, 0..100; completed needs 100 and not_started 0'),
    assessment: text(TEXT_LIMIT).describe('牵头汇总意见: the lead’s assessment of the row from its responsible units’ reports'),
  })
  .meta({ id: 'LeadOpinion', examples: [{ measureNo: 24, taskSeq: 1, status: 'in_progress', progress: 70, assessment: '各负责部门均已制定配套政策，财政、税收支持政策已出台，保险政策尚在征求意见。' }] });

export const saveOpinionsBodySchema = z
  .strictObject({
    opinions: z
      .array(leadOpinionSchema)
      .max(ENTRY_LIMIT)
      .describe('Replaces the opinions. Only rows the unit leads, each once (422 on body.opinions.<n> otherwise).'),
  })
  .meta({ id: 'LeadOpinionsDraft', examples: [{ opinions: [{ measureNo: 24, taskSeq: 1, status: 'in_progress', progress: 70, assessment: '各负责部门均已制定配套政策，保险政策尚在征求意见。' }] }] });

const ledRowRefSchema = z.object({ measureNo: z.number().int(), taskSeq: z.number().int(), content: z.string() });

export const opinionSetSchema = z
  .object({
    plan: planCodeSchema,
    period: periodIdSchema,
    department: departmentRefSchema,
    status: opinionSetStatusSchema,
    version: z.number().int().describe('Increases with every save and submission; the ETag is "v<version>"'),
    submittedAt: instant.nullable().describe('When it was last submitted (kept while a submitted set is revised); null before'),
    enteredByOffice: z.boolean().describe('The current version was entered by the office on the unit’s behalf'),
    opinions: z.array(leadOpinionSchema),
    rows: z.array(ledRowRefSchema).describe('The rows the unit leads: each needs an opinion before submitting'),
  })
  .meta({ id: 'LeadOpinionSet' });

export const opinionVersionSchema = z
  .object({
    version: z.number().int(),
    action: z.enum(['save', 'submit']),
    status: opinionSetStatusSchema,
    actorTokenId: z.string().nullable(),
    actorEmail: z.string().nullable().describe('The person who acted, when they signed in to the web app; null for API tokens'),
    enteredByOffice: z.boolean(),
    at: instant,
    opinions: z.array(leadOpinionSchema),
  })
  .meta({ id: 'LeadOpinionVersion' });

export const opinionHistorySchema = z.object({ opinions: opinionSetSchema, items: z.array(opinionVersionSchema) });

const visibleStatusSchema = z
  .enum(['not_reported', 'submitted', 'accepted'])
  .describe('not_reported: no report, a draft or a returned report (the lead sees only what was submitted and stands)');

export const ledRowSchema = z.object({
  measureNo: z.number().int(),
  measureTitle: z.string(),
  taskSeq: z.number().int(),
  content: z.string(),
  lead: z.array(departmentRefSchema).describe('The 牵头部门 cell as printed'),
  responsible: z.array(departmentRefSchema).describe('The 负责部门 cell as printed'),
  responsibleOpenEnded: z.boolean(),
  units: z
    .array(
      z.object({
        department: departmentRefSchema,
        via: departmentRefSchema.nullable().describe('The collective it carries the row through (各区政府), or null'),
        required: z.boolean().describe('false for a row given to an open collective (各有关部门): listed only when the unit reported on it'),
        reportStatus: visibleStatusSchema,
        entry: entrySchema
          .extend({ submittedAt: instant, late: z.boolean().nullable() })
          .nullable()
          .describe('The unit’s entry on the row from its submitted or accepted report; null otherwise'),
      }),
    )
    .describe('The responsible units in official order'),
  notReported: z.array(departmentRefSchema).describe('Required responsible units without a submitted or accepted report'),
  rollup: rollupSchema.describe('The row’s roll-up, as in the consolidated report'),
  attachments: z.array(attachmentSchema).describe('Files the responsible units tied to this row in the reports listed (download: href)'),
  opinion: leadOpinionSchema.omit({ measureNo: true, taskSeq: true }).nullable().describe('The lead’s own opinion on the row, as last saved'),
});

export const ledRowsSchema = z
  .object({
    plan: planCodeSchema,
    period: periodIdSchema,
    dueAt: instant,
    department: departmentRefSchema,
    opinions: z.object({ status: opinionSetStatusSchema, version: z.number().int(), submittedAt: instant.nullable() }).describe('The state of the lead’s opinion set'),
    rows: z.array(ledRowSchema).describe('Every row the unit leads, in table order; empty for a unit that leads none'),
  })
  .meta({ id: 'LedRows' });

export type LedRows = z.input<typeof ledRowsSchema>;
export type LedRow = LedRows['rows'][number];
