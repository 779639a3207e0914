import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.js';
import { problemResponses } from '../../http/problem.js';
import { bearerToken } from '../../plugins/auth.js';

/** prom-client's text exposition format (Registry.contentType). */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Its own scheme in the OpenAPI document: METRICS_TOKEN is not an API token. */
export const metricsSecurity: Record<string, string[]>[] = [{ metricsToken: [] }];

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares digests of equal length, so the time taken says nothing about the token's length or prefix. */
const sameSecret = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/**
 * GET /metrics for Prometheus, behind METRICS_TOKEN (a bearer secret of its own, compared in
 * constant time). Unset, the route answers 404 as if it did not exist: nothing is exposed unless
 * the operator chose a token. A wrong token counts as a failed authentication for the lock-out,
 * like any credential, which a valid token never meets (it is checked first).
 */
export const metricsRoutes: FastifyPluginAsyncZod<{ token: string | undefined }> = async (app, { token }) => {
  app.get(
    '/metrics',
    {
      onRequest: async (request) => {
        if (token === undefined) {
          throw new AppError('NOT_FOUND', { en: 'Metrics are not exposed: METRICS_TOKEN is not set', zh: '未开放监控指标(未设置 METRICS_TOKEN)' });
        }
        const given = bearerToken(request);
        if (given !== undefined && sameSecret(given, token)) return;
        await app.recordAuthFailure(request);
        throw new AppError('UNAUTHORIZED', {
          en: 'GET /metrics needs "Authorization: Bearer <METRICS_TOKEN>"',
          zh: '访问 /metrics 须附带 "Authorization: Bearer <METRICS_TOKEN>"',
        });
      },
      schema: {
        tags: ['operations'],
        operationId: 'getMetrics',
        security: metricsSecurity,
        summary: 'Vital signs in the Prometheus text format',
        description:
          'Request counts and latencies per route template, the database pool, BullMQ job counts, reports submitted and overdue per period, reminders per status, event-loop delay and process memory. ' +
          'Authenticated by METRICS_TOKEN (not an API token); 404 while METRICS_TOKEN is not set. Every metric, its labels and useful PromQL: docs/metrics.md.',
        response: {
          200: {
            description: 'The Prometheus text exposition format 0.0.4.',
            content: { [METRICS_CONTENT_TYPE]: { schema: z.string().meta({ examples: ['# TYPE hazchem_http_requests_total counter\nhazchem_http_requests_total{method="GET",route="/v1/plans",status_code="200"} 3\n'] }) } },
          },
          ...problemResponses(404),
        },
      },
    },
    async (_request, reply) => reply.type(METRICS_CONTENT_TYPE).send(await app.metricsRegistry.metrics()),
  );
};
