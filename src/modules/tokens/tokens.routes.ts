import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import { loadDirectory } from '../departments/departments.service.js';
import { createdTokenSchema, createTokenBodySchema, tokenParamsSchema, tokenSchema } from './tokens.schemas.js';
import * as service from './tokens.service.js';

const tags = ['tokens'];
const errors = problemResponses(400, 401, 403);

export const tokenRoutes: FastifyPluginAsyncZod = async (app) => {
  const onRequest = app.authorize(['admin']);

  app.get(
    '/v1/tokens',
    {
      onRequest,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'listTokens',
        summary: 'List tokens (admin)',
        description: 'Every token with its role, unit and label, revoked ones included; the secret itself is never stored or shown again.',
        response: { 200: z.object({ items: z.array(tokenSchema) }), ...errors },
      },
    },
    async () => ({ items: await service.listTokens(app.db) }),
  );

  app.post(
    '/v1/tokens',
    {
      onRequest,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'createToken',
        summary: 'Create a token (admin)',
        description: 'Returns the secret once. Department tokens are bound to one department.',
        body: createTokenBodySchema,
        response: { 201: createdTokenSchema, ...errors },
      },
    },
    async (request, reply) => {
      const directory = await loadDirectory(app.db);
      const { role, department, label } = request.body;
      const created = await service.createToken(app.db, actorOf(request), app.clock.now(), { role, departmentCode: department, label }, (code) => directory.get(code) !== undefined);
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/v1/tokens/:id',
    {
      onRequest,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'revokeToken',
        summary: 'Revoke a token (admin)',
        description: 'Revokes the token at once in this process and within a second in the other API processes (they hear of it through Postgres LISTEN/NOTIFY); it cannot be restored.',
        params: tokenParamsSchema,
        response: { 200: tokenSchema, ...errors, ...problemResponses(404) },
      },
    },
    async (request) => {
      const revoked = await service.revokeToken(app.db, actorOf(request), app.clock.now(), request.params.id);
      app.forgetPrincipals();
      return revoked;
    },
  );
};
