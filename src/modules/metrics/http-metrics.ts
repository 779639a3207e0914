import type { FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';

/** The route label of a request no route matched: raw paths would make the label values unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds; from a cached read (a few ms) to a large export (several seconds). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const labelNames = ['method', 'route', 'status_code'] as const;

/**
 * Counts every response and observes its latency, labelled by the route's template
 * (`/v1/plans/:plan`), never by the URL: ids in paths would create a series per id.
 */
export function instrumentRequests(app: FastifyInstance, register: Registry): void {
  const requests = new Counter({ name: 'hazchem_http_requests_total', help: 'HTTP responses sent, by method, route template and status code.', labelNames, registers: [register] });
  const latency = new Histogram({
    name: 'hazchem_http_request_duration_seconds',
    help: 'Time from receiving the request to sending the response, by method, route template and status code.',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [register],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? UNMATCHED_ROUTE, status_code: String(reply.statusCode) };
    requests.inc(labels);
    latency.observe(labels, reply.elapsedTime / 1000);
  });
}
