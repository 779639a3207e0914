import { z } from 'zod';
import { zodMessage } from '../../http/validation.js';
import { departmentKindSchema } from '../departments/departments.schemas.js';
import { overviewTotalsSchema } from '../overview/overview.schemas.js';
import { periodSchema } from '../periods/periods.schemas.js';
import { departmentCodeSchema, departmentRefSchema, planCodeSchema } from '../plans/plans.schemas.js';
import { entrySchema, reportStatusSchema } from '../reports/reports.schemas.js';

export const targetsYearSchema = z
  .string()
  .regex(/^\d{4}$/, zodMessage({ en: 'must be a year such as 2018', zh: '必须是年份，如 2018' }))
  .describe('A year of the plan: one its quarterly periods touch (2017, 2018, 2019 for hazchem-2017); another is 404')
  .meta({ examples: ['2018'] });

export const yearParamsSchema = z.object({ plan: planCodeSchema, year: targetsYearSchema });
export const targetsParamsSchema = yearParamsSchema.extend({ department: departmentCodeSchema });

const instant = z.iso.datetime({ offset: true });

const targetsUnitSchema = z
  .object({
    code: departmentCodeSchema,
    name: z.string(),
    kind: departmentKindSchema,
    status: reportStatusSchema.describe('Where the unit’s targets stand'),
    late: z.boolean().nullable().describe('Whether the first submission came after the deadline; null before it'),
    submittedAt: instant.nullable().describe('The latest submission'),
    reviewedAt: instant.nullable(),
    enteredByOffice: z.boolean(),
    rowsRequired: z.number().int().describe('Required rows the unit carries: each needs a target before submitting'),
    rowsSet: z.number().int().describe('Rows with a target in what the unit submitted (0 while not submitted: drafts are the unit’s own)'),
    entries: z.array(entrySchema).describe('The targets as submitted (submitted, accepted or returned); empty before'),
  })
  .meta({ id: 'YearTargetsUnit' });

export const yearTargetsSchema = z
  .object({
    plan: planCodeSchema,
    year: z.number().int(),
    period: periodSchema.describe('The targets period `<year>-targets` with its deadline'),
    totals: overviewTotalsSchema,
    units: z.array(targetsUnitSchema).describe('Every unit expected to report, in official order'),
    missing: z.array(departmentRefSchema).describe('Expected units that have not submitted their targets (未设定), in official order'),
  })
  .meta({
    id: 'YearTargets',
    examples: [
      {
        plan: 'hazchem-2017',
        year: 2018,
        period: {
          id: '2018-targets',
          kind: 'targets',
          startsOn: '2018-01-01',
          endsOn: '2018-03-30',
          phase: { code: 'rectification', name: '整治阶段' },
          stage: { code: 'in-depth-rectification', name: '深入整治' },
          dueAt: '2018-03-30T17:00:00+08:00',
          defaultDueAt: '2018-03-30T17:00:00+08:00',
          deadlineMoved: false,
        },
        totals: { expected: 49, submitted: 1, accepted: 1, returned: 0, draft: 0, notSubmitted: 48, late: 0 },
        units: [
          {
            code: 'work-safety',
            name: '市安全监管局',
            kind: 'municipal-department',
            status: 'accepted',
            late: false,
            submittedAt: '2018-03-20T10:00:00+08:00',
            reviewedAt: '2018-03-22T09:00:00+08:00',
            enteredByOffice: false,
            rowsRequired: 30,
            rowsSet: 30,
            entries: [
              {
                measureNo: 2,
                taskSeq: 1,
                status: 'completed',
                progress: 100,
                summary: '年底前完成全市危险化学品企业安全风险评估。',
                metrics: [{ name: '完成危险化学品企业安全风险评估', value: 120, unit: '家' }],
              },
            ],
          },
        ],
        missing: [{ code: 'chongming-district', name: '崇明区政府' }],
      },
    ],
  });
