import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import { planParamsSchema } from '../plans/plans.schemas.js';
import { calendarWarningSchema } from './calendar-coverage.js';
import { moveDeadlineBodySchema, periodParamsSchema, periodSchema } from './periods.schemas.js';
import * as service from './periods.service.js';

const tags = ['periods'];

export const periodRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/plans/:plan/periods',
    {
      onRequest: app.authorize(['department', 'office']),
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'listPeriods',
        summary: 'List the reporting periods and their deadlines',
        description:
          'Quarterly periods 2017Q2..2019Q3, the 总结报告 (`summary`) and each year’s targets (`2017-targets`, `2018-targets`, `2019-targets`, kind targets), in order of their default deadlines. Default deadline: 17:00 Asia/Shanghai on the 5th working day after the period ends (China’s official calendar, 调休 included); the summary is due on the last working day of 总结阶段; a year’s targets on the last working day of the plan’s first quarter in that year (2017-03-31, 2018-03-30, 2019-03-29).',
        params: planParamsSchema,
        response: {
          200: z.object({ items: z.array(periodSchema), warnings: z.array(calendarWarningSchema).describe('Empty when every deadline was counted on the official calendar') }),
          ...problemResponses(400, 401, 403, 404),
        },
      },
    },
    async (request) => service.listPeriodViews(app.db, request.params.plan),
  );

  app.patch(
    '/v1/plans/:plan/periods/:period',
    {
      onRequest: app.authorize(['office']),
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'moveDeadline',
        summary: "Move one period's deadline (office)",
        description:
          "The deadline cannot fall before the period ends (422); a targets deadline must fall within its year, from the period's first day. Reports of the period are marked late or on time against the new deadline (their history keeps what was recorded). Reminders still ahead move with it; a reminder the move would put in the past is cancelled, not sent.",
        params: periodParamsSchema,
        body: moveDeadlineBodySchema,
        response: { 200: periodSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { plan, period } = request.params;
      const dueAt = request.body.dueAt === null ? null : new Date(request.body.dueAt);
      const moved = await service.moveDeadline(app.db, actorOf(request), app.clock.now(), plan, period, dueAt);
      await app.reminders.replan({ plan, periodId: period });
      return moved;
    },
  );
};
