import { z } from 'zod';
import { text } from '../../http/text.js';
import { zodMessage } from '../../http/validation.js';
import { calendarWarningSchema } from '../periods/calendar-coverage.js';
import { reportingRuleSchema } from '../periods/reporting-rule.js';

export const planCodeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, zodMessage({ en: 'must be a lower-kebab plan code such as hazchem-2017', zh: '必须是小写字母、数字和连字符组成的计划代码，如 hazchem-2017' }))
  .meta({ examples: ['hazchem-2017'] });

export const departmentCodeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, zodMessage({ en: 'must be a lower-kebab department code such as work-safety', zh: '必须是小写字母、数字和连字符组成的单位代码，如 work-safety' }))
  .meta({ examples: ['work-safety'] });

const isoDate = z.iso.date();

export const departmentRefSchema = z
  .object({ code: departmentCodeSchema, name: z.string() })
  .meta({ id: 'DepartmentRef', examples: [{ code: 'work-safety', name: '市安全监管局' }] });

const planSummaryExample = {
  code: 'hazchem-2017',
  title: '上海市危险化学品安全综合治理实施方案',
  documentNo: '沪府办发〔2017〕25号',
  issuer: '上海市人民政府办公厅',
  issuedOn: '2017-04-05',
};

export const planSummarySchema = z
  .object({
    code: planCodeSchema,
    title: z.string(),
    documentNo: z.string(),
    issuer: z.string(),
    issuedOn: isoDate,
  })
  .meta({ id: 'PlanSummary', examples: [planSummaryExample] });

const periodSchema = z.object({ code: z.string(), name: z.string(), startsOn: isoDate, endsOn: isoDate });

export const categorySchema = z
  .object({ ordinal: z.number().int(), title: z.string() })
  .meta({ id: 'Category', examples: [{ ordinal: 1, title: '加强统筹协调,积极争取政策支持和指导' }] });

export const planDetailSchema = planSummarySchema
  .extend({
    categories: z.array(categorySchema),
    phases: z.array(periodSchema.extend({ stages: z.array(periodSchema) })).describe('部署阶段, 整治阶段 (with its stages) and 总结阶段'),
    reportingRule: reportingRuleSchema.describe('How reporting periods and their default deadlines are derived'),
    warnings: z
      .array(calendarWarningSchema)
      .describe("Deadlines counted in years China's holiday calendar does not cover (weekends only); empty otherwise"),
  })
  .meta({
    id: 'PlanDetail',
    examples: [
      {
        ...planSummaryExample,
        categories: [{ ordinal: 1, title: '加强统筹协调,积极争取政策支持和指导' }],
        phases: [
          { code: 'deployment', name: '部署阶段', startsOn: '2017-03-01', endsOn: '2017-03-31', stages: [] },
          {
            code: 'rectification',
            name: '整治阶段',
            startsOn: '2017-03-01',
            endsOn: '2019-10-31',
            stages: [
              { code: 'in-depth-rectification', name: '深入整治', startsOn: '2017-03-01', endsOn: '2018-03-31' },
              { code: 'deepening-improvement', name: '深化提升', startsOn: '2018-04-01', endsOn: '2019-10-31' },
            ],
          },
          { code: 'summary', name: '总结阶段', startsOn: '2019-11-01', endsOn: '2019-11-30', stages: [] },
        ],
        reportingRule: {
          timeZone: 'Asia/Shanghai',
          quarterly: { first: '2017Q2', last: '2019Q3', dueWorkingDaysAfterEnd: 5, dueTime: '17:00' },
          summary: { phase: 'summary', dueTime: '17:00' },
          targets: { dueTime: '17:00' },
        },
        warnings: [],
      },
    ],
  });

export const taskSchema = z
  .object({
    seq: z.number().int().describe('Position of the row within its measure, from 1'),
    content: z.string().describe('The row text as printed in the 分工表'),
    lead: z.array(departmentRefSchema).describe('牵头部门, in printed order (may be empty)'),
    responsible: z.array(departmentRefSchema).describe('负责部门(按职责分工), in printed order'),
    leadOpenEnded: z.boolean().describe('The 牵头部门 cell ends in 等'),
    responsibleOpenEnded: z.boolean().describe('The 负责部门 cell ends in 等'),
    note: z.string().nullable().describe('备注'),
  })
  .meta({ id: 'Task' });

export const measureSchema = z
  .object({ no: z.number().int().min(1), title: z.string(), category: categorySchema, tasks: z.array(taskSchema) })
  .meta({
    id: 'Measure',
    examples: [
      {
        no: 5,
        title: '发挥市场机制推动作用',
        category: { ordinal: 1, title: '加强统筹协调,积极争取政策支持和指导' },
        tasks: [
          {
            seq: 1,
            content: '研究修订《上海市安全生产条例》相关条款,取消安全生产风险抵押金制度,在危险化学品领域实施安全生产责任保险制度。…',
            lead: [],
            responsible: [
              { code: 'work-safety', name: '市安全监管局' },
              { code: 'legislative-affairs-office', name: '市政府法制办' },
            ],
            leadOpenEnded: false,
            responsibleOpenEnded: false,
            note: null,
          },
        ],
      },
    ],
  });

export const planParamsSchema = z.object({ plan: planCodeSchema });
export const measureParamsSchema = planParamsSchema.extend({
  no: z.coerce.number().int().min(1).max(10_000).meta({ examples: [12] }),
});
export const measureQuerySchema = z.object({
  category: z.coerce.number().int().min(1).max(100).optional().describe('Only measures of this category (1..5)'),
  department: departmentCodeSchema
    .optional()
    .describe('Only measures where this unit is lead or responsible, directly or through a collective it belongs to'),
});

/*
 * Dates a new campaign may use. Postgres would accept far wider ones, but years outside this
 * window are typos (0050 reads back as 1950 through the drivers) and China's working-day
 * calendar, which the deadlines are counted on, only covers recent years anyway.
 */
const campaignDate = isoDate.refine((day) => day >= '2000-01-01' && day <= '2100-12-31', {
  error: zodMessage({ en: 'must be between 2000-01-01 and 2100-12-31', zh: '必须在 2000-01-01 至 2100-12-31 之间' }),
});

export const copyPlanBodySchema = z
  .strictObject({
    code: planCodeSchema.describe('Code of the new plan; 409 if a plan already has it').meta({ examples: ['hazchem-2027'] }),
    copyFrom: planCodeSchema.describe('Code of the plan whose 分工表 and timeline are copied; 404 if unknown'),
    startsOn: campaignDate
      .refine((day) => day.endsWith('-01'), { error: zodMessage({ en: 'must be the first day of a month', zh: '必须是某月的第一天' }) })
      .describe(
        "New start of the plan's earliest phase, the first day of a month. Every phase and stage moves by the same number of whole months.",
      )
      .meta({ examples: ['2027-03-01'] }),
    title: text(200).optional().describe("Defaults to the source plan's title"),
    documentNo: text(100).optional().describe("Defaults to the source plan's document number"),
    issuer: text(100).optional().describe("Defaults to the source plan's issuer"),
    issuedOn: campaignDate
      .optional()
      .describe("Defaults to the source plan's issuedOn moved by the same number of months"),
  })
  .meta({
    examples: [
      { code: 'hazchem-2027', copyFrom: 'hazchem-2017', startsOn: '2027-03-01' },
      {
        code: 'hazchem-2027',
        copyFrom: 'hazchem-2017',
        startsOn: '2027-03-01',
        title: '上海市危险化学品安全综合治理实施方案(2027—2029年)',
        documentNo: '沪府办发〔2027〕1号',
        issuer: '上海市人民政府办公厅',
        issuedOn: '2027-02-20',
      },
    ],
  });

export type CopyPlanBody = z.infer<typeof copyPlanBodySchema>;
