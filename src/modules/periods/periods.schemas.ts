import { z } from 'zod';
import { boundedInstant } from '../../http/instant.js';
import { zodMessage } from '../../http/validation.js';
import { planParamsSchema } from '../plans/plans.schemas.js';

const phaseRefSchema = z.object({ code: z.string(), name: z.string() });

export const periodIdSchema = z
  .string()
  .regex(/^(\d{4}Q[1-4]|summary|\d{4}-targets)$/, zodMessage({ en: 'must be a quarter such as 2017Q3, summary, or a year’s targets such as 2018-targets', zh: '必须是季度（如 2017Q3）、summary 或年度目标（如 2018-targets）' }))
  .meta({ examples: ['2017Q3'] });

export const periodSchema = z
  .object({
    id: periodIdSchema,
    kind: z.enum(['quarterly', 'summary', 'targets']).describe('targets: the year’s 分年度工作任务目标 (id `<year>-targets`), set by each unit and reviewed like a report'),
    startsOn: z.iso.date(),
    endsOn: z.iso.date(),
    phase: phaseRefSchema.nullable().describe('The phase (阶段) the period ends in'),
    stage: phaseRefSchema.nullable().describe('The stage within 整治阶段 (深入整治 / 深化提升), if any'),
    dueAt: z.iso.datetime({ offset: true }).describe('The deadline, in the plan time zone'),
    defaultDueAt: z.iso.datetime({ offset: true }).describe("The deadline the plan's rule gives"),
    deadlineMoved: z.boolean(),
  })
  .meta({
    id: 'ReportingPeriod',
    examples: [
      {
        id: '2017Q3',
        kind: 'quarterly',
        startsOn: '2017-07-01',
        endsOn: '2017-09-30',
        phase: { code: 'rectification', name: '整治阶段' },
        stage: { code: 'in-depth-rectification', name: '深入整治' },
        dueAt: '2017-10-13T17:00:00+08:00',
        defaultDueAt: '2017-10-13T17:00:00+08:00',
        deadlineMoved: false,
      },
    ],
  });

export const periodParamsSchema = planParamsSchema.extend({ period: periodIdSchema });

export const moveDeadlineBodySchema = z
  .strictObject({
    dueAt: boundedInstant()
      .nullable()
      .describe("The new deadline with its offset; null puts the rule's default back"),
  })
  .meta({ examples: [{ dueAt: '2017-10-20T17:00:00+08:00' }] });
