import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
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
        throw new AppError('SERVICE_UNAVAILABLE', `database unreachable: ${(error as Error).message}`);
      }
      return { status: 'ready' as const, database: app.database.driver };
    },
  );
};
