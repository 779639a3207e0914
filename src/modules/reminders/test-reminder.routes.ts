import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import { departmentParamsSchema } from '../departments/departments.schemas.js';
import { sendTestReminder } from './test-reminder.js';

export const testReminderSchema = z
  .object({
    to: z.string().describe('The 处级联络员’s address'),
    cc: z.array(z.string()).describe('The 工作人员’s address (empty when it is the same)'),
    delivered: z.boolean().describe('false without SMTP_URL (the message is composed, not sent) or when the SMTP server refused it'),
  })
  .meta({ id: 'TestReminder', examples: [{ to: 'zhang.wei@example.gov.cn', cc: ['li.na@example.gov.cn'], delivered: true }] });

export const testReminderRoutes: FastifyPluginAsyncZod<{ publicBaseUrl: string }> = async (app, options) => {
  app.post(
    '/v1/departments/:code/test-reminder',
    {
      onRequest: app.authorize(['office']),
      schema: {
        tags: ['reminders'],
        security: bearerSecurity,
        operationId: 'sendTestReminder',
        summary: 'Send a test reminder to a unit’s liaisons now (office)',
        description:
          'A Chinese test e-mail to the unit’s 处级联络员 (to) and 工作人员 (cc), sent at once through the service’s mailer, to check the addresses before a deadline. 422 when the unit has not named its liaisons. Recorded in the audit log as reminder.test.',
        params: departmentParamsSchema,
        response: { 202: testReminderSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const deps = {
        db: app.db,
        mailer: app.mailer,
        publicBaseUrl: options.publicBaseUrl,
        onSendFailure: (code: string) => request.log.warn({ code }, 'test reminder not accepted by the SMTP server'),
      };
      return reply.status(202).send(await sendTestReminder(deps, actorOf(request), app.clock.now(), request.params.code));
    },
  );
};
