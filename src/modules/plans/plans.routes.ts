import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createJsonCache } from '../../http/json-cache.js';
import { notModifiedResponse, problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import {
  copyPlanBodySchema,
  measureParamsSchema,
  measureQuerySchema,
  measureSchema,
  planDetailSchema,
  planParamsSchema,
  planSummarySchema,
} from './plans.schemas.js';
import * as service from './plans.service.js';

const tags = ['plans'];
const measureListSchema = z.object({ items: z.array(measureSchema) });

export const planRoutes: FastifyPluginAsyncZod = async (app) => {
  const sendCached = createJsonCache();

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

  app.post(
    '/v1/plans',
    {
      onRequest: app.authorize(['office']),
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'copyPlan',
        'x-response-headers': { 201: ['Location'] },
        summary: 'Start a plan anew from an existing one (office)',
        description:
          "Copies the source plan's categories, measures, task rows and their units (order, 等 markers and 备注 included) into a new plan whose phases and stages all move by the whole months between the source's earliest phase start and `startsOn`. The reporting rule keeps its time zone, working days and times; its quarters become the calendar quarters of the moved timeline, and the reporting periods and deadlines are derived on China's working-day calendar; deadlines in years that calendar does not cover yet count weekends only, and `warnings` says which. Answers with the new plan and its `location`.",
        body: copyPlanBodySchema,
        response: { 201: planDetailSchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const plan = await service.copyPlan(app.db, actorOf(request), app.clock.now(), request.body);
      await app.reminders.replan({ plan: plan.code });
      return reply.status(201).header('location', `/v1/plans/${plan.code}`).send(plan);
    },
  );

  app.get(
    '/v1/plans/:plan',
    {
      schema: {
        tags,
        operationId: 'getPlan',
        summary: 'Get a plan with its categories and phases',
        description: 'The plan with its 5 categories and its phases (部署阶段, 整治阶段 with its stages, 总结阶段), as printed in the 方案.',
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
        response: { 200: measureListSchema, ...notModifiedResponse, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      const { plan } = request.params;
      const { category, department } = request.query;
      return sendCached(reply, `measures|${plan}|${category ?? ''}|${department ?? ''}`, measureListSchema, async () => ({
        items: await service.listMeasures(app.db, plan, request.query),
      }));
    },
  );

  app.get(
    '/v1/plans/:plan/measures/:no',
    {
      schema: {
        tags,
        operationId: 'getMeasure',
        summary: 'Get one measure by its number',
        description: 'One measure by its number (1–31) with its task rows, lead and responsible units, 等 markers and 备注. Conditional with If-None-Match.',
        params: measureParamsSchema,
        response: { 200: measureSchema, ...notModifiedResponse, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) =>
      sendCached(reply, `measure|${request.params.plan}|${request.params.no}`, measureSchema, async () =>
        service.findMeasure(await service.loadPlanStructure(app.db, request.params.plan), request.params.no),
      ),
  );
};
