import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, withRetryAfter } from '../../errors.js';
import { problemResponses } from '../../http/problem.js';

const tags = ['health'];

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags,
        operationId: 'getLiveness',
        summary: 'Liveness: the process is up',
        description: 'Answers 200 while the process runs; it does not touch the database (use /readyz for that).',
        response: { 200: z.object({ status: z.literal('ok') }).meta({ examples: [{ status: 'ok' }] }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags,
        operationId: 'getReadiness',
        summary: 'Readiness: the database answers',
        description: 'Answers 200 with the database driver when the database answers a ping, 503 with the reason otherwise.',
        response: {
          200: z.object({ status: z.literal('ready'), database: z.enum(['postgres', 'pglite']) }).meta({ examples: [{ status: 'ready', database: 'postgres' }] }),
          ...problemResponses(503),
        },
      },
    },
    async () => {
      try {
        await app.database.ping();
      } catch (error) {
        // Like every 503 of the contract, it says when to look again.
        throw withRetryAfter(new AppError('SERVICE_UNAVAILABLE', { en: `database unreachable: ${(error as Error).message}`, zh: `数据库无法连接：${(error as Error).message}` }), 5);
      }
      return { status: 'ready' as const, database: app.database.driver };
    },
  );
};
