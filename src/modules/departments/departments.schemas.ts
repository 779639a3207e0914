import { z } from 'zod';
import { departmentCodeSchema, departmentRefSchema, planCodeSchema } from '../plans/plans.schemas.js';

export const departmentKindSchema = z
  .enum(['municipal-department', 'central-agency', 'district-government', 'management-body', 'collective'])
  .meta({ id: 'DepartmentKind' });

export const departmentSchema = z
  .object({
    code: departmentCodeSchema,
    name: z.string().describe('As printed in the 分工表'),
    englishName: z.string(),
    kind: departmentKindSchema,
    members: z.array(departmentRefSchema).describe('For a collective with a defined membership: its members'),
    memberOf: z.array(departmentRefSchema).describe('Collectives this unit belongs to'),
  })
  .meta({
    id: 'Department',
    examples: [
      {
        code: 'jinshan-district',
        name: '金山区政府',
        englishName: 'Jinshan District Government',
        kind: 'district-government',
        members: [],
        memberOf: [{ code: 'all-district-governments', name: '各区政府' }],
      },
    ],
  });

export const departmentParamsSchema = z.object({ code: departmentCodeSchema });

export const assignmentsQuerySchema = z.object({
  plan: planCodeSchema.default('hazchem-2017').describe('Plan code; defaults to hazchem-2017'),
});

export const assignmentSchema = z
  .object({
    measureNo: z.number().int(),
    measureTitle: z.string(),
    taskSeq: z.number().int(),
    content: z.string(),
    role: z.enum(['lead', 'responsible']),
    via: departmentRefSchema.nullable().describe('The collective through which the unit carries the row, or null when named directly'),
  })
  .meta({
    id: 'Assignment',
    examples: [
      {
        measureNo: 7,
        measureTitle: '建立完善危险化学品安全风险分布档案',
        taskSeq: 1,
        content: '落实《关于全面排查涉及危险化学品安全风险的通知》(沪安委办〔2016〕16号)有关要求,…',
        role: 'responsible',
        via: { code: 'all-district-governments', name: '各区政府' },
      },
    ],
  });

export const assignmentsResponseSchema = z.object({
  department: departmentRefSchema,
  plan: planCodeSchema,
  items: z.array(assignmentSchema),
});
