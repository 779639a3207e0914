import { z } from 'zod';
import { periodParamsSchema, periodSchema } from '../periods/periods.schemas.js';
import { categorySchema, departmentRefSchema, planCodeSchema } from '../plans/plans.schemas.js';
import { entrySchema, reportStatusSchema, taskStatusSchema } from '../reports/reports.schemas.js';

export const rollupSchema = z
  .object({
    status: taskStatusSchema.nullable().describe('blocked if any unit is blocked; the common status if all agree; else in_progress; null without data'),
    progress: z.number().nullable().describe('Mean progress of the counted entries'),
  })
  .meta({ id: 'Rollup', examples: [{ status: 'in_progress', progress: 62.5 }] });

const unitLineSchema = z.object({
  department: departmentRefSchema,
  role: z.enum(['lead', 'responsible']),
  via: departmentRefSchema.nullable(),
  required: z.boolean(),
  reportStatus: reportStatusSchema,
  late: z.boolean().nullable(),
  entry: entrySchema.nullable().describe('The unit’s entry for this row, once submitted'),
});

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
            units: z.array(unitLineSchema),
          }),
        ),
      }),
    ),
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
        cells: z.array(rollupSchema.extend({ period: z.string() })),
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
        measures: [{ no: 1, title: '强化危险化学品安全监管能力建设', cells: [{ period: '2017Q2', status: 'in_progress', progress: 35 }, { period: '2017Q3', status: 'in_progress', progress: 60 }] }],
        submissions: [{ period: '2017Q2', expected: 49, submitted: 49, onTime: 47, late: 2, missing: 0, accepted: 49, returned: 0, awaitingReview: 0 }],
      },
    ],
  });

export { periodParamsSchema };
