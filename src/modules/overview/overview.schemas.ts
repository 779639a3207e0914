import { z } from 'zod';
import { departmentKindSchema } from '../departments/departments.schemas.js';
import { periodIdSchema } from '../periods/periods.schemas.js';
import { departmentCodeSchema, planCodeSchema } from '../plans/plans.schemas.js';
import { reportStatusSchema } from '../reports/reports.schemas.js';

const instant = z.iso.datetime({ offset: true });

/*
 * Contacts as stored, in plain strings: the input rules (liaisons.schemas.ts) are checked when
 * they are saved, and re-checking 2,000 of them on every read would only slow the 总览 down, or
 * break it over one address saved under older rules.
 */
const contactsSchema = z
  .object({
    officer: z.object({ name: z.string(), position: z.string(), phone: z.string(), email: z.string() }).describe('处级联络员'),
    staff: z.object({ name: z.string(), phone: z.string(), email: z.string() }).describe('工作人员'),
  })
  .meta({ id: 'LiaisonContacts' });

export const overviewTotalsSchema = z
  .object({
    expected: z.number().int().describe('Units that carry at least one required row: the units listed'),
    submitted: z.number().int().describe('Units that have submitted at least once (报送), whatever the review says since'),
    accepted: z.number().int().describe('Units whose report is 审核通过 (status accepted)'),
    returned: z.number().int().describe('Units whose report the office returned (退回) and that have not edited it since'),
    draft: z.number().int().describe('Units whose report is a saved draft: a first draft, or a returned report being revised'),
    notSubmitted: z.number().int().describe('Units that have never submitted: the 催报 list; submitted + notSubmitted = expected'),
    late: z.number().int().describe('Units whose first submission came after the deadline in force (逾期)'),
  })
  .meta({ id: 'OverviewTotals', examples: [{ expected: 49, submitted: 45, accepted: 38, returned: 3, draft: 5, notSubmitted: 4, late: 2 }] });

export const overviewUnitSchema = z
  .object({
    code: departmentCodeSchema,
    name: z.string(),
    kind: departmentKindSchema,
    status: reportStatusSchema,
    late: z.boolean().nullable().describe('Whether the first submission came after the deadline; null before it'),
    submittedAt: instant.nullable().describe('The latest submission'),
    reviewedAt: instant.nullable(),
    enteredByOffice: z.boolean().describe('The current version was entered by the office on the unit’s behalf'),
    liaisons: contactsSchema.nullable().describe('处级联络员 and 工作人员; null until the unit names them'),
  })
  .meta({ id: 'OverviewUnit' });

const exampleUnit = {
  code: 'work-safety',
  name: '市安全监管局',
  kind: 'municipal-department',
  status: 'submitted',
  late: false,
  submittedAt: '2017-10-12T16:00:00+08:00',
  reviewedAt: null,
  enteredByOffice: false,
  liaisons: {
    officer: { name: '张伟', position: '危化处处长', phone: '021-23111111', email: 'zhang.wei@example.gov.cn' },
    staff: { name: '李娜', phone: '021-23111112', email: 'li.na@example.gov.cn' },
  },
};

export const overviewSchema = z
  .object({
    plan: planCodeSchema,
    period: periodIdSchema,
    dueAt: instant.describe('The deadline in force'),
    totals: overviewTotalsSchema,
    units: z.array(overviewUnitSchema).describe('The expected units in official order: 市级部门 and other bodies as in the 分工表, then the 16 districts 黄浦 … 崇明'),
  })
  .meta({
    id: 'PeriodOverview',
    examples: [
      {
        plan: 'hazchem-2017',
        period: '2017Q3',
        dueAt: '2017-10-13T17:00:00+08:00',
        totals: { expected: 49, submitted: 45, accepted: 38, returned: 3, draft: 5, notSubmitted: 4, late: 2 },
        units: [exampleUnit],
      },
    ],
  });
