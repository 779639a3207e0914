import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../http/problem.js';
import { loadPlanStructure } from '../plans/plans.service.js';
import {
  assignmentsQuerySchema,
  assignmentsResponseSchema,
  departmentParamsSchema,
  departmentSchema,
} from './departments.schemas.js';
import { assignmentsOf, loadDirectory, requireDepartment } from './departments.service.js';

const tags = ['departments'];

export const departmentRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/departments',
    {
      schema: {
        tags,
        operationId: 'listDepartments',
        summary: 'List every unit named in the 分工表',
        description: 'Municipal departments, central agencies in Shanghai, district governments, management bodies and collectives.',
        response: { 200: z.object({ items: z.array(departmentSchema) }) },
      },
    },
    async () => ({ items: (await loadDirectory(app.db)).departments }),
  );

  app.get(
    '/v1/departments/:code',
    {
      schema: {
        tags,
        operationId: 'getDepartment',
        summary: 'Get one unit',
        description: 'One unit by its ASCII code, with its kind, its members (for collectives) and the collectives it belongs to.',
        params: departmentParamsSchema,
        response: { 200: departmentSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => requireDepartment(await loadDirectory(app.db), request.params.code),
  );

  app.get(
    '/v1/departments/:code/assignments',
    {
      schema: {
        tags,
        operationId: 'listDepartmentAssignments',
        summary: 'List the task rows a unit carries',
        description: 'Each row with the role (lead / responsible) and, when it comes through a collective such as 各区政府, which one.',
        params: departmentParamsSchema,
        querystring: assignmentsQuerySchema,
        response: { 200: assignmentsResponseSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const department = requireDepartment(await loadDirectory(app.db), request.params.code);
      const structure = await loadPlanStructure(app.db, request.query.plan);
      return {
        department: { code: department.code, name: department.name },
        plan: structure.plan.code,
        items: assignmentsOf(structure, department),
      };
    },
  );
};
