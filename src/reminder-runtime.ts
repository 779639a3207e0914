import { Queue } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Clock } from './plugins/clock.js';
import { createMailer } from './modules/reminders/mailer.js';
import { startReminderWorker } from './modules/reminders/reminder-worker.js';
import { RECONCILE_JOB, REMINDER_QUEUE } from './modules/reminders/reminders.jobs.js';
import type { ReminderScheduler } from './modules/reminders/scheduler.js';
import { producerConnection, workerConnection } from './redis.js';

export const createReminderQueue = (redisUrl: string, prefix: string) =>
  new Queue(REMINDER_QUEUE, { connection: producerConnection(redisUrl), prefix });

export interface ReminderProcessing {
  close(): Promise<void>;
}

/**
 * Starts a reminder worker, schedules the periodic reconcile and runs one now, so reminders that
 * came due while no worker ran (or that Redis lost) go out. close() lets active jobs finish.
 */
export async function startReminderProcessing(options: {
  config: Pick<Config, 'queuePrefix' | 'workerConcurrency' | 'reconcileIntervalSeconds' | 'smtpUrl' | 'mailFrom' | 'officeEmail' | 'publicBaseUrl' | 'port'>;
  redisUrl: string;
  db: Database;
  clock: Clock;
  queue: Queue;
  scheduler: ReminderScheduler;
  log: FastifyBaseLogger;
}): Promise<ReminderProcessing> {
  const { config, log } = options;
  const mailer = createMailer(config.smtpUrl, config.mailFrom);
  if (!config.smtpUrl) log.warn('SMTP_URL is not set: reminder e-mails are composed and recorded but not sent');
  const connection = workerConnection(options.redisUrl);
  const worker = startReminderWorker({
    connection,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    scheduler: options.scheduler,
    log,
    delivery: {
      db: options.db,
      clock: options.clock,
      mailer,
      officeEmail: config.officeEmail,
      publicBaseUrl: config.publicBaseUrl ?? `http://localhost:${config.port}`,
    },
  });
  await options.queue.upsertJobScheduler('reconcile', { every: config.reconcileIntervalSeconds * 1000 }, { name: RECONCILE_JOB });
  const result = await options.scheduler.reconcile().catch((error: Error) => log.error({ err: error }, 'start-up reconcile failed'));
  if (result) log.info(result, 'reminders reconciled');
  return {
    close: async () => {
      await worker.close();
      connection.disconnect();
      mailer.close();
    },
  };
}
