import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import { departmentParamsSchema } from '../departments/departments.schemas.js';
import { planParamsSchema } from '../plans/plans.schemas.js';
import { calendarFeed, issueFeedToken, revokeFeedToken } from './calendar.js';
import { reminderPolicySchema } from './policy.js';
import {
  feedQuerySchema,
  feedTokenSchema,
  notificationsSchema,
  reminderListSchema,
  reminderParamsSchema,
  reminderQuerySchema,
  reminderSchema,
  webhookBodySchema,
  webhookSchema,
} from './reminders.schemas.js';
import * as service from './reminders.service.js';

const tags = ['reminders'];
const errors = problemResponses(400, 401, 403, 404);

export interface ReminderRouteOptions {
  officeEmail: string | null;
  publicBaseUrl: string;
  /** WEBHOOK_ALLOWED_NETWORKS: private networks a webhook may point to. */
  webhookAllowedNetworks: readonly string[];
}

export const reminderRoutes: FastifyPluginAsyncZod<ReminderRouteOptions> = async (app, options) => {
  const office = app.authorize(['office']);
  const ownOrOffice = app.authorize(['department', 'office'], { departmentParam: 'code' });
  const secured = { tags, security: bearerSecurity };

  /** Each change re-plans in Postgres at once; a Redis outage only delays the queue side. */
  const replanDepartment = async (code: string) => {
    for (const plan of await app.db.query.plans.findMany({ columns: { code: true } })) await app.reminders.replan({ plan: plan.code, departmentCode: code });
  };

  app.get('/v1/plans/:plan/reminder-policy', {
    onRequest: office,
    schema: { ...secured, operationId: 'getReminderPolicy', summary: "The plan's reminder policy (office)", description: 'Offsets before the deadline, the send time, the escalation after it and the office address copied on escalations.', params: planParamsSchema, response: { 200: reminderPolicySchema, ...errors } },
  }, async (request) => service.getPolicy(app.db, request.params.plan, options.officeEmail));

  app.put('/v1/plans/:plan/reminder-policy', {
    onRequest: office,
    schema: {
      ...secured,
      operationId: 'setReminderPolicy',
      summary: 'Change the reminder policy (office); pending reminders are re-planned',
      description: 'Replaces the policy; planned reminders are moved or cancelled and new ones planned. Reminders already sent stay sent.',
      params: planParamsSchema,
      body: reminderPolicySchema,
      response: { 200: reminderPolicySchema, ...errors },
    },
  }, async (request) => {
    const policy = await service.setPolicy(app.db, actorOf(request), app.clock.now(), request.params.plan, request.body, options.officeEmail);
    await app.reminders.replan({ plan: request.params.plan });
    return policy;
  });

  app.get('/v1/reminders', {
    onRequest: office,
    schema: {
      ...secured,
      operationId: 'listReminders',
      summary: 'Planned, sent, recorded, failed and cancelled reminders (office)',
      description:
        'Ordered by send time, then id; filter by plan, period, department and status. `total` counts every reminder the filter matches; ' +
        'page with `cursor` (the previous page’s `nextCursor`). Units without liaisons are listed as unreachable.',
      querystring: reminderQuerySchema,
      response: { 200: reminderListSchema, ...errors },
    },
  }, async (request) => service.listReminderView(app.db, request.query));

  app.post('/v1/reminders/:id/retry', {
    onRequest: office,
    schema: {
      ...secured,
      operationId: 'retryReminder',
      summary: 'Send a failed, unreachable, cancelled or recorded reminder again, now (office)',
      description: 'Plans the reminder again for now and queues it; only failed, unreachable or cancelled reminders can be retried (409 otherwise).',
      params: reminderParamsSchema,
      response: { 200: z.object({ id: z.number().int(), status: z.literal('planned'), sendAt: z.iso.datetime({ offset: true }) }), ...errors, ...problemResponses(409) },
    },
  }, async (request) => {
    const row = await service.retryReminder(app.db, actorOf(request), app.clock.now(), request.params.id);
    await app.reminders.enqueue([row]);
    return { id: row.id, status: 'planned' as const, sendAt: row.sendAt.toISOString() };
  });

  app.put('/v1/departments/:code/webhook', {
    onRequest: ownOrOffice,
    schema: {
      ...secured,
      operationId: 'setWebhook',
      summary: "Set the unit's reminder webhook",
      description:
        'Reminders are POSTed as JSON with X-Hazchem-Timestamp and X-Hazchem-Signature: sha256=HMAC(secret, "<timestamp>.<body>"); ' +
        'receivers refuse stale timestamps and de-duplicate on the body\'s `id`. The URL must be http(s) without user name or password, ' +
        'and its host must resolve to public addresses (or to networks the operator allows with WEBHOOK_ALLOWED_NETWORKS); redirects are not followed.',
      params: departmentParamsSchema,
      body: webhookBodySchema,
      response: { 200: webhookSchema, ...errors },
    },
  }, async (request) => {
    const webhook = await service.setWebhook(app.db, actorOf(request), app.clock.now(), request.params.code, request.body.url, request.body.secret, options.webhookAllowedNetworks);
    await replanDepartment(request.params.code);
    return webhook;
  });

  app.delete('/v1/departments/:code/webhook', {
    onRequest: ownOrOffice,
    schema: { ...secured, operationId: 'deleteWebhook', summary: "Remove the unit's webhook", description: 'Stops webhook deliveries to the unit; its planned webhook reminders are cancelled. E-mail reminders are unaffected.', params: departmentParamsSchema, response: { 204: z.undefined(), ...errors } },
  }, async (request, reply) => {
    await service.removeWebhook(app.db, actorOf(request), app.clock.now(), request.params.code);
    await replanDepartment(request.params.code);
    return reply.status(204).send();
  });

  app.get('/v1/departments/:code/notifications', {
    onRequest: ownOrOffice,
    schema: {
      ...secured,
      operationId: 'listNotifications',
      summary: "The unit's in-app feed of reminders and review notices, newest first",
      description:
        'The reminders the unit has received in the app, and the office’s review notices (【审核通过】, 【退回】 with the reason; reminderId null), newest first, up to `limit`.',
      params: departmentParamsSchema,
      querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      response: { 200: notificationsSchema, ...errors },
    },
  }, async (request) => service.notificationsOf(app.db, request.params.code, request.query.limit));

  app.post('/v1/departments/:code/calendar-token', {
    onRequest: ownOrOffice,
    schema: {
      ...secured,
      operationId: 'issueCalendarFeed',
      summary: 'Issue the unit’s iCalendar feed address (replaces the previous one)',
      description: 'Creates a new secret feed address for the unit’s iCalendar feed; the previous address stops working.',
      params: departmentParamsSchema,
      response: { 201: feedTokenSchema, ...errors },
    },
  }, async (request, reply) => {
    const token = await issueFeedToken(app.db, request.params.code, app.clock.now());
    return reply.status(201).send({ url: `${options.publicBaseUrl}/v1/departments/${request.params.code}/calendar.ics?token=${token}` });
  });

  app.delete('/v1/departments/:code/calendar-token', {
    onRequest: ownOrOffice,
    schema: { ...secured, operationId: 'revokeCalendarFeed', summary: 'Revoke the unit’s iCalendar feed address', description: 'The feed address stops working; calendars subscribed to it stop updating.', params: departmentParamsSchema, response: { 204: z.undefined(), ...errors } },
  }, async (request, reply) => {
    await revokeFeedToken(app.db, request.params.code);
    return reply.status(204).send();
  });

  app.get('/v1/departments/:code/calendar.ics', {
    schema: {
      tags,
      operationId: 'getCalendarFeed',
      summary: "The unit's deadlines as an iCalendar feed, with alarms at the reminder offsets",
      description: 'Authorised by the feed token in the URL (calendar apps cannot send headers).',
      params: departmentParamsSchema,
      querystring: feedQuerySchema,
      response: { 200: { description: 'text/calendar', content: { 'text/calendar': { schema: z.string() } } }, ...problemResponses(400, 404) },
    },
  }, async (request, reply) => {
    const body = await calendarFeed(app.db, request.params.code, request.query.token, options.officeEmail, options.publicBaseUrl);
    return reply.type('text/calendar; charset=utf-8').send(body);
  });
};
