import type { Queue } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Database } from '../../db/client.js';
import type { Clock } from '../../plugins/clock.js';
import { listPlans } from '../plans/plans.repository.js';
import { planReminders, type PlanScope } from './planner.js';
import { DELIVER_JOB, deliverJobId, deliverJobOptions, type DeliverPayload } from './reminders.jobs.js';
import { releaseExpiredLeases, type PlannedReminder } from './reminders.repository.js';

export interface ReminderScheduler {
  /** Re-plans the reminders in scope in Postgres, then makes sure a job exists for each planned one. */
  replan(scope: PlanScope): Promise<void>;
  /** Makes sure a job exists for each of these planned reminders (errors when Redis is away). */
  enqueue(rows: Pick<PlannedReminder, 'id' | 'sendAt'>[]): Promise<void>;
  /** Expired delivery leases released, every plan re-planned, missing jobs added, jobs of reminders no longer planned removed. */
  reconcile(): Promise<{ planned: number; removed: number }>;
}

export interface SchedulerDeps {
  db: Database;
  clock: Clock;
  queue: Queue | undefined;
  officeEmail: string | null;
  log: FastifyBaseLogger;
}

export function createReminderScheduler(deps: SchedulerDeps): ReminderScheduler {
  const jobFor = (row: Pick<PlannedReminder, 'id' | 'sendAt'>) => ({
    name: DELIVER_JOB,
    data: { reminderId: row.id, sendAt: row.sendAt.toISOString() } satisfies DeliverPayload,
    opts: { ...deliverJobOptions, jobId: deliverJobId(row), delay: Math.max(0, row.sendAt.getTime() - deps.clock.now().getTime()) },
  });

  /** Adding a job whose id exists is a no-op in BullMQ, so this is safe to repeat. */
  async function enqueue(rows: Pick<PlannedReminder, 'id' | 'sendAt'>[]) {
    const queue = deps.queue;
    if (!queue) return;
    const chunks = Array.from({ length: Math.ceil(rows.length / 1000) }, (_, index) => rows.slice(index * 1000, (index + 1) * 1000));
    // A few chunks in flight keep Redis busy while the next ones are encoded.
    for (let start = 0; start < chunks.length; start += 4) await Promise.all(chunks.slice(start, start + 4).map((chunk) => queue.addBulk(chunk.map(jobFor))));
  }

  return {
    enqueue,

    async replan(scope) {
      const planned = await planReminders(deps.db, deps.clock, deps.officeEmail, scope);
      // Redis being away must not fail the request that triggered this: the rows are in
      // Postgres, and the next reconcile creates the jobs.
      await enqueue(planned).catch((error: Error) => deps.log.warn({ err: error, scope }, 'reminder jobs not queued; the reconcile will add them'));
    },

    async reconcile() {
      // A worker that died mid-send left its reminder `sending`; once the lease has run out it is
      // planned again, so the re-plan below applies to it and a job is queued for it.
      await releaseExpiredLeases(deps.db, deps.clock.now());
      const planned: PlannedReminder[] = [];
      for (const plan of await listPlans(deps.db)) planned.push(...(await planReminders(deps.db, deps.clock, deps.officeEmail, { plan: plan.code })));
      await enqueue(planned);
      let removed = 0;
      if (deps.queue) {
        const wanted = new Set(planned.map(deliverJobId));
        const now = deps.clock.now().getTime();
        for (const job of await deps.queue.getJobs(['delayed', 'wait', 'prioritized', 'failed'])) {
          if (job?.name !== DELIVER_JOB || !job.id) continue;
          if (await job.isFailed()) {
            // A job BullMQ gave up on (e.g. stalled twice) while its row is still planned keeps
            // its id, so re-adding it is a no-op: run it again instead.
            if (wanted.has(job.id)) await job.retry('failed').catch(() => undefined);
          } else if (!wanted.has(job.id)) {
            await job.remove().catch(() => undefined);
            removed += 1;
          } else if (Date.parse((job.data as DeliverPayload).sendAt) <= now && (await job.isDelayed())) {
            // Due by the service's clock (which tests and a skewed host may move): release it now.
            await job.promote().catch(() => undefined);
          }
        }
      }
      return { planned: planned.length, removed };
    },
  };
}
