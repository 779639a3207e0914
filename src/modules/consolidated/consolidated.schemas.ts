import { z } from 'zod';
import { periodParamsSchema, periodSchema } from '../periods/periods.schemas.js';
import { categorySchema, departmentRefSchema, planCodeSchema } from '../plans/plans.schemas.js';
import { entrySchema, narrativeSchema, reportStatusSchema, taskStatusSchema } from '../reports/reports.schemas.js';

export const rollupSchema = z
  .object({
    status: taskStatusSchema.nullable().describe('blocked if any unit is blocked; the common status if all agree; else in_progress; null without data'),
    progress: z.number().nullable().describe('Mean progress of the counted entries'),
  })
  .meta({ id: 'Rollup', examples: [{ status: 'in_progress', progress: 62.5 }] });

const periodsFigures = { periods: z.array(z.string()).describe('The periods compared, oldest first'), progress: z.array(z.number()).describe('The row’s mean progress in each of them') };

export const rowFlagSchema = z
  .discriminatedUnion('code', [
    z.object({ code: z.literal('stalled'), detail: z.string(), ...periodsFigures }).describe('Mean progress unchanged over two consecutive periods (this one and the two before are equal) while not completed'),
    z.object({ code: z.literal('regressed'), detail: z.string(), ...periodsFigures }).describe('Mean progress lower than in the previous period'),
    z.object({ code: z.literal('blocked'), detail: z.string(), units: z.array(departmentRefSchema) }).describe('Units whose counted entry says blocked (受阻)'),
    z
      .object({
        code: z.literal('overdue'),
        detail: z.string(),
        rectificationEndedOn: z.string().describe('Last day of the 整治阶段'),
        latestPeriod: z.string().describe('The latest period (of this one and the two before) with a roll-up'),
        status: taskStatusSchema,
        progress: z.number().nullable(),
      })
      .describe('The period ends after the 整治阶段 and the row is not completed'),
  ])
  .meta({ id: 'RowFlag', examples: [{ code: 'regressed', detail: '平均进度由 60% 降至 45%', periods: ['2018Q1', '2018Q2'], progress: [60, 45] }] });

export const unitFlagSchema = z
  .object({ code: z.literal('missing-twice'), detail: z.string(), department: departmentRefSchema, periods: z.array(z.string()) })
  .describe('An expected unit with no submission in this period nor the previous one')
  .meta({ id: 'UnitFlag' });

const unitLineSchema = z.object({
  department: departmentRefSchema,
  role: z.enum(['lead', 'responsible']),
  via: departmentRefSchema.nullable(),
  required: z.boolean(),
  reportStatus: reportStatusSchema,
  late: z.boolean().nullable(),
  entry: entrySchema.nullable().describe('The unit’s entry for this row, once submitted'),
});

export const leadOpinionLineSchema = z
  .object({
    department: departmentRefSchema,
    status: taskStatusSchema,
    progress: z.number().int(),
    assessment: z.string(),
    submittedAt: z.iso.datetime({ offset: true }).describe('When the lead submitted these opinions'),
  })
  .meta({ id: 'LeadOpinionLine', examples: [{ department: { code: 'work-safety', name: '市安全监管局' }, status: 'in_progress', progress: 70, assessment: '各负责部门均已制定配套政策。', submittedAt: '2018-07-12T10:00:00+08:00' }] });

export const totalsSchema = z
  .object({
    expected: z.number().int().describe('Units that carry at least one required row'),
    submitted: z.number().int().describe('Expected units that have submitted at least once'),
    onTime: z.number().int(),
    late: z.number().int(),
    missing: z.number().int(),
    accepted: z.number().int(),
    returned: z.number().int(),
    awaitingReview: z.number().int(),
    missingDepartments: z.array(departmentRefSchema),
  })
  .meta({ id: 'SubmissionTotals', examples: [{ expected: 49, submitted: 47, onTime: 45, late: 2, missing: 2, accepted: 40, returned: 3, awaitingReview: 4, missingDepartments: [{ code: 'chongming-district', name: '崇明区政府' }, { code: 'circ-shanghai', name: '上海保监局' }] }] });

export const consolidatedSchema = z
  .object({
    plan: planCodeSchema,
    period: periodSchema,
    totals: totalsSchema,
    measures: z.array(
      z.object({
        no: z.number().int(),
        title: z.string(),
        category: categorySchema,
        rollup: rollupSchema,
        tasks: z.array(
          z.object({
            seq: z.number().int(),
            content: z.string(),
            lead: z.array(departmentRefSchema),
            responsible: z.array(departmentRefSchema),
            leadOpenEnded: z.boolean(),
            responsibleOpenEnded: z.boolean(),
            note: z.string().nullable(),
            expected: z.number().int(),
            reported: z.number().int(),
            rollup: rollupSchema,
            flags: z.array(rowFlagSchema).describe('Behind-plan flags of the row in this period (README: Behind-plan flags)'),
            units: z.array(unitLineSchema),
            leadOpinions: z.array(leadOpinionLineSchema).describe('The lead departments’ opinions (牵头汇总意见) on the row as last submitted, in official order'),
          }),
        ),
      }),
    ),
    unitFlags: z.array(unitFlagSchema).describe('Expected units missing this period and the previous one, in official order'),
    narratives: z
      .array(z.object({ department: departmentRefSchema, reportStatus: reportStatusSchema, narrative: narrativeSchema }))
      .optional()
      .describe('The summary period only (absent on quarters): each unit’s 总结报告正文 whose report the office sees (submitted, accepted or returned), in official order'),
  })
  .meta({ id: 'ConsolidatedReport' });

export const progressSchema = z
  .object({
    plan: planCodeSchema,
    periods: z.array(z.string()),
    measures: z.array(
      z.object({
        no: z.number().int(),
        title: z.string(),
        category: categorySchema,
        cells: z.array(rollupSchema.extend({ period: z.string() })),
        tasks: z.array(
          z.object({
            seq: z.number().int(),
            content: z.string(),
            cells: z.array(rollupSchema.extend({ period: z.string(), flags: z.array(rowFlagSchema) })),
          }),
        ),
      }),
    ),
    submissions: z.array(totalsSchema.omit({ missingDepartments: true }).extend({ period: z.string() })),
  })
  .meta({
    id: 'ProgressMatrix',
    examples: [
      {
        plan: 'hazchem-2017',
        periods: ['2017Q2', '2017Q3'],
        measures: [
          {
            no: 1,
            title: '强化危险化学品安全监管能力建设',
            category: { ordinal: 1, title: '加强统筹协调,积极争取政策支持和指导' },
            cells: [{ period: '2017Q2', status: 'in_progress', progress: 35 }, { period: '2017Q3', status: 'in_progress', progress: 60 }],
            tasks: [{ seq: 1, content: '加强负有危险化学品安全监管职责部门的监管力量……', cells: [{ period: '2017Q2', status: 'in_progress', progress: 35, flags: [] }, { period: '2017Q3', status: 'in_progress', progress: 60, flags: [] }] }],
          },
        ],
        submissions: [{ period: '2017Q2', expected: 49, submitted: 49, onTime: 47, late: 2, missing: 0, accepted: 49, returned: 0, awaitingReview: 0 }],
      },
    ],
  });

export { periodParamsSchema };
