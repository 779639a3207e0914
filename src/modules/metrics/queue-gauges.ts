import type { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import { withTimeout } from './scrape-time.js';

/** Redis answers job counts in a millisecond; a scrape never waits longer than this for it. */
const QUEUE_TIMEOUT_MS = 1_000;

export const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/**
 * BullMQ job counts per queue and state, asked of Redis on scrape. When Redis is away or slow the
 * counts are left out (not reported stale) and `hazchem_queue_up` is 0 for that queue.
 */
export function registerQueueGauges(register: Registry, queues: readonly Queue[], onError: (error: unknown) => void): void {
  let counts: Promise<Map<string, Record<string, number> | undefined>> | undefined;
  // Both gauges of one scrape share one round trip per queue; the next scrape asks again.
  const read = () => {
    counts ??= Promise.all(
      queues.map(async (queue) => {
        const found = await withTimeout(queue.getJobCounts(...QUEUE_STATES), QUEUE_TIMEOUT_MS, `Redis (queue ${queue.name})`).catch((error: unknown) => {
          onError(error);
          return undefined;
        });
        return [queue.name, found] as const;
      }),
    )
      .then((entries) => new Map(entries))
      .finally(() => setImmediate(() => (counts = undefined)));
    return counts;
  };

  new Gauge({
    name: 'hazchem_queue_up',
    help: '1 when this scrape read the queue’s job counts from Redis, 0 when Redis failed or did not answer within 1 s.',
    labelNames: ['queue'] as const,
    registers: [register],
    async collect() {
      for (const [queue, found] of await read()) this.set({ queue }, found ? 1 : 0);
    },
  });
  new Gauge({
    name: 'hazchem_queue_jobs',
    help: 'BullMQ jobs per queue and state: waiting (due, not yet taken), delayed (planned for later), active (being processed), failed (given up, kept for inspection).',
    labelNames: ['queue', 'state'] as const,
    registers: [register],
    async collect() {
      this.reset();
      for (const [queue, found] of await read()) {
        for (const state of QUEUE_STATES) if (found) this.set({ queue, state }, found[state] ?? 0);
      }
    },
  });
}
