import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import { accountParamsSchema, accountSchema, createAccountBodySchema } from './auth.schemas.js';
import * as service from './accounts.service.js';

const tags = ['auth'];
const errors = problemResponses(400, 401, 403);

/** Office and admin people who sign in to the web app with a link (admin). */
export const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  const onRequest = app.authorize(['admin']);

  app.get(
    '/v1/accounts',
    {
      onRequest,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'listAccounts',
        summary: 'List accounts (admin)',
        description: 'Office and admin people who may ask for a sign-in link at their address. Liaisons need no account: the addresses their unit registered sign in.',
        response: { 200: z.object({ items: z.array(accountSchema) }), ...errors },
      },
    },
    async () => ({ items: await service.listAccounts(app.db) }),
  );

  app.post(
    '/v1/accounts',
    {
      onRequest,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'createAccount',
        summary: 'Register an office or admin person (admin)',
        description: 'The address (compared case-insensitively) may then ask for a sign-in link; 409 if an account already has it.',
        body: createAccountBodySchema,
        response: { 201: accountSchema, ...errors, ...problemResponses(409) },
      },
    },
    async (request, reply) => reply.status(201).send(await service.createAccount(app.db, actorOf(request), app.clock.now(), request.body)),
  );

  app.delete(
    '/v1/accounts/:id',
    {
      onRequest,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'deleteAccount',
        summary: 'Remove an account (admin)',
        description: 'Its unused links and open sessions stop working at once, in every API process.',
        params: accountParamsSchema,
        response: { 204: z.undefined().describe('Removed'), ...errors, ...problemResponses(404) },
      },
    },
    async (request, reply) => {
      await service.deleteAccount(app.db, actorOf(request), app.clock.now(), request.params.id);
      return reply.status(204).send();
    },
  );
};
