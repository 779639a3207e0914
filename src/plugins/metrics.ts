import type { Queue } from 'bullmq';
import fp from 'fastify-plugin';
import { Registry } from 'prom-client';
import { registerDatabaseGauges, registerPoolGauges } from '../modules/metrics/database-gauges.js';
import { collectStoppableDefaultMetrics } from '../modules/metrics/default-metrics.js';
import { instrumentRequests } from '../modules/metrics/http-metrics.js';
import { registerQueueGauges } from '../modules/metrics/queue-gauges.js';

export interface MetricsOptions {
  /** The BullMQ queues whose job counts are reported (the reminder queue, when there is one). */
  queues: readonly Queue[];
  /** How long figures read from the database are reused between scrapes (METRICS_CACHE_SECONDS). */
  cacheSeconds: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's Prometheus registry; GET /metrics (src/modules/metrics/metrics.routes.ts) serves it. */
    metricsRegistry: Registry;
  }
}

/**
 * The app's vital signs in one Registry of its own, never prom-client's global one: tests build
 * many apps in one process, and each must count only its own requests. Process metrics, request
 * counts and latencies per route template, the pool, the queues, and reports and reminders read
 * from the database on scrape. Docs: docs/metrics.md.
 */
export default fp<MetricsOptions>(
  async (app, options) => {
    const register = new Registry();
    const stopDefaultMetrics = collectStoppableDefaultMetrics(register);
    app.addHook('onClose', async () => {
      stopDefaultMetrics();
      register.clear();
    });
    instrumentRequests(app, register);
    registerPoolGauges(register, app.database);
    registerDatabaseGauges(register, {
      database: app.database,
      clock: app.clock,
      cacheMs: options.cacheSeconds * 1000,
      onError: (error) => app.log.warn({ err: error }, 'metrics: the database figures could not be read'),
    });
    registerQueueGauges(register, options.queues, (error) => app.log.warn({ err: error }, 'metrics: the queue counts could not be read'));
    app.decorate('metricsRegistry', register);
  },
  { name: 'metrics', dependencies: ['database', 'clock'] },
);
