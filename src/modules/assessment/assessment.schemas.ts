import { z } from 'zod';
import { text } from '../../http/text.js';
import { zodMessage } from '../../http/validation.js';
import { departmentKindSchema } from '../departments/departments.schemas.js';
import { periodSchema } from '../periods/periods.schemas.js';
import { departmentCodeSchema, planCodeSchema } from '../plans/plans.schemas.js';
import { metricSchema, reportStatusSchema, taskStatusSchema } from '../reports/reports.schemas.js';
import { COMPONENT_KEYS, DEFAULT_RUBRIC, rubricIssues, type ComponentKey } from './rubric.js';

/** Weights are relative (25 each scores like 1 each); bounded so a weighted sum stays finite. */
const weightSchema = z
  .number()
  .min(0, zodMessage({ en: 'must not be negative', zh: '权重不得为负数' }))
  .max(1000, zodMessage({ en: 'must be at most 1000', zh: '权重不得超过 1000' }));

const componentText: Record<ComponentKey, string> = {
  submission: '报送率 (submission): periods with a submission, of those expected',
  timeliness: '及时率 (timeliness): periods submitted on time, of those expected',
  review: '审核 (review): submitted reports that stand (not returned), of those submitted',
  progress: '进展 (progress): mean progress of the latest counted report of the year',
  targets: '目标 (targets): rows of the accepted yearly targets met by the year-end report, of the targets’ rows; 0 without accepted targets',
};

const weightsSchema = z
  .strictObject(Object.fromEntries(COMPONENT_KEYS.map((key) => [key, weightSchema.describe(`Weight of ${componentText[key]}`)])) as Record<ComponentKey, typeof weightSchema>)
  .describe('Relative weight of each component (0–1000); they must add up to more than 0');

const gradeBandSchema = z.strictObject({
  name: text(20).describe('The grade, e.g. 优秀'),
  min: z
    .number()
    .min(0, zodMessage({ en: 'must be between 0 and 100', zh: '必须在 0 至 100 之间' }))
    .max(100, zodMessage({ en: 'must be between 0 and 100', zh: '必须在 0 至 100 之间' }))
    .describe('Lowest score (after rounding to 0.1) that earns this grade'),
});

export const rubricSchema = z
  .strictObject({
    weights: weightsSchema,
    grades: z
      .array(gradeBandSchema)
      .min(1, zodMessage({ en: 'needs at least one grade', zh: '至少需要一个等级' }))
      .max(10, zodMessage({ en: 'at most 10 grades', zh: '等级不得超过 10 个' }))
      .describe('Grades from the highest down: strictly descending `min`, the last one 0, names distinct'),
  })
  .superRefine((rubric, context) => {
    for (const issue of rubricIssues(rubric)) context.addIssue({ code: 'custom', path: issue.path, message: zodMessage(issue.message) });
  })
  .meta({ id: 'AssessmentRubric', examples: [DEFAULT_RUBRIC] });

const NOT_A_YEAR = zodMessage({ en: 'must be a year such as 2018', zh: '必须是年份，如 2018' });

export const yearQuerySchema = z.object({
  year: z.coerce
    .number({ error: NOT_A_YEAR })
    .int(NOT_A_YEAR)
    .min(1000, NOT_A_YEAR)
    .max(9999, NOT_A_YEAR)
    .describe('The assessment year: the periods whose last day falls in it'),
});

const percentSchema = z.number().min(0).max(100);

const targetFiguresSchema = z.object({ status: taskStatusSchema, progress: z.number().int(), metrics: z.array(metricSchema) }).meta({ id: 'TargetFigures' });

export const assessmentUnitSchema = z
  .object({
    rank: z.number().int().describe('By score, highest first; equal scores share a rank (1, 2, 2, 4)'),
    code: departmentCodeSchema,
    name: z.string(),
    kind: departmentKindSchema,
    expected: z.number().int().describe('Periods of the year in which the unit must report'),
    submitted: z.number().int().describe('Of those, periods submitted at least once: onTime + late'),
    onTime: z.number().int().describe('Submitted, first submission by the deadline in force'),
    late: z.number().int().describe('Submitted, first submission after the deadline (逾期)'),
    missing: z.number().int().describe('Never submitted: expected − submitted'),
    returned: z.number().int().describe('Submitted but sent back by the office and not resubmitted yet (退回, or a draft again)'),
    accepted: z.number().int().describe('Accepted by the office (审核通过)'),
    latestPeriod: z.string().nullable().describe('The latest period of the year whose report counts (submitted or accepted); null without one'),
    meanProgress: z.number().nullable().describe('Mean progress of the entries of that report, rounded to 0.1; null without one'),
    rowsCompleted: z.number().int().nullable().describe('Entries of that report marked completed'),
    rowsCarried: z.number().int().nullable().describe('Entries of that report: every required row, plus the optional rows it reports on'),
    targetsStatus: reportStatusSchema.describe('Where the unit’s targets for the year stand (period `<year>-targets`)'),
    targets: z
      .object({ rows: z.number().int().describe('Rows of the accepted targets'), met: z.number().int().describe('Of those, rows met at year end') })
      .nullable()
      .describe('null without accepted targets: the targets component is then 0, not as if met'),
    targetsNote: z
      .enum(['未设定年度目标', '目标未通过审核'])
      .nullable()
      .describe('Why targets is null: none submitted (未设定年度目标), or submitted but not accepted (目标未通过审核: awaiting review or returned)'),
    targetRows: z
      .array(
        z.object({
          measureNo: z.number().int(),
          taskSeq: z.number().int(),
          target: targetFiguresSchema,
          result: targetFiguresSchema.nullable().describe('The row’s entry in the year-end report (latestPeriod); null without one'),
          met: z.boolean(),
        }),
      )
      .describe('Each row of the accepted targets beside its year-end result; empty without accepted targets'),
    components: z
      .object(Object.fromEntries(COMPONENT_KEYS.map((key) => [key, percentSchema.describe(componentText[key])])) as Record<ComponentKey, typeof percentSchema>)
      .describe('Each 0–100, rounded to 0.1'),
    score: percentSchema.describe('Σ weight × component / Σ weights over the components as shown, rounded to 0.1'),
    grade: z.string().describe('The first band of the rubric whose min the score reaches'),
  })
  .meta({ id: 'AssessmentLine' });

export const assessmentSchema = z
  .object({
    plan: planCodeSchema,
    planTitle: z.string().describe('The plan’s title, as in GET /v1/plans/{plan}'),
    year: z.number().int(),
    periods: z.array(periodSchema).describe('The periods of the year: those whose last day falls in it'),
    rubric: rubricSchema.describe('The rubric the scores were computed with'),
    units: z.array(assessmentUnitSchema).describe('Every unit expected to report, in official order (市级部门 and the other bodies as in the 分工表, then the 16 districts)'),
  })
  .meta({ id: 'AnnualAssessment' });
