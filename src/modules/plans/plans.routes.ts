import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../http/problem.js';
import {
  measureParamsSchema,
  measureQuerySchema,
  measureSchema,
  planDetailSchema,
  planParamsSchema,
  planSummarySchema,
} from './plans.schemas.js';
import * as service from './plans.service.js';

const tags = ['plans'];

export const planRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/plans',
    {
      schema: {
        tags,
        operationId: 'listPlans',
        summary: 'List plans',
        description: 'Every plan the service tracks; the seeded one is `hazchem-2017`.',
        response: { 200: z.object({ items: z.array(planSummarySchema) }) },
      },
    },
    async () => ({ items: await service.listPlans(app.db) }),
  );

  app.get(
    '/v1/plans/:plan',
    {
      schema: {
        tags,
        operationId: 'getPlan',
        summary: 'Get a plan with its categories and phases',
        params: planParamsSchema,
        response: { 200: planDetailSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => service.getPlanDetail(app.db, request.params.plan),
  );

  app.get(
    '/v1/plans/:plan/measures',
    {
      schema: {
        tags,
        operationId: 'listMeasures',
        summary: 'List the measures of the 分工表',
        description:
          'All measures in order, each with its task rows (lead, responsible, 等 markers and 备注). Filter by category or by the unit that carries them.',
        params: planParamsSchema,
        querystring: measureQuerySchema,
        response: { 200: z.object({ items: z.array(measureSchema) }), ...problemResponses(400, 404) },
      },
    },
    async (request) => ({ items: await service.listMeasures(app.db, request.params.plan, request.query) }),
  );

  app.get(
    '/v1/plans/:plan/measures/:no',
    {
      schema: {
        tags,
        operationId: 'getMeasure',
        summary: 'Get one measure by its number',
        params: measureParamsSchema,
        response: { 200: measureSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => service.findMeasure(await service.loadPlanStructure(app.db, request.params.plan), request.params.no),
  );
};
