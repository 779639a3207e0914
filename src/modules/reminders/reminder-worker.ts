import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import { REMINDER_QUEUE, deliverPayloadSchema, deliverReminder, type DeliveryDeps } from './reminders.jobs.js';

export interface ReminderWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  delivery: DeliveryDeps;
  log: FastifyBaseLogger;
}

/**
 * Carries out the reminder jobs, each sending one reminder. Any number of these may run side by
 * side; Postgres keeps delivery exactly-once.
 */
export function startReminderWorker(options: ReminderWorkerOptions): Worker {
  const worker = new Worker(
    REMINDER_QUEUE,
    async (job: Job) => {
      const payload = deliverPayloadSchema.parse(job.data);
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      return deliverReminder(options.delivery, payload, { lastAttempt });
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency },
  );
  worker.on('failed', (job, error) => options.log.warn({ err: error, jobId: job?.id, job: job?.name }, 'reminder job failed'));
  worker.on('error', (error) => options.log.error({ err: error }, 'reminder worker error'));
  return worker;
}

