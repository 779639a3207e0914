import { Queue } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Clock } from './plugins/clock.js';
import { createMailer } from './modules/reminders/mailer.js';
import { startReminderWorker } from './modules/reminders/reminder-worker.js';
import { REMINDER_QUEUE } from './modules/reminders/reminders.jobs.js';
import type { ReminderScheduler } from './modules/reminders/scheduler.js';
import { producerConnection, workerConnection } from './redis.js';

export const createReminderQueue = (redisUrl: string, prefix: string) =>
  new Queue(REMINDER_QUEUE, { connection: producerConnection(redisUrl), prefix });

const WORKER_CLOSE_TIMEOUT_MS = 5_000;

export interface ReminderProcessing {
  close(): Promise<void>;
}

/**
 * Starts a reminder worker, runs a reconcile now and every RECONCILE_INTERVAL_SECONDS, so reminders that
 * came due while no worker ran (or that Redis lost) go out. close() lets active jobs finish.
 */
export async function startReminderProcessing(options: {
  config: Pick<Config, 'queuePrefix' | 'workerConcurrency' | 'reconcileIntervalSeconds' | 'smtpUrl' | 'mailFrom' | 'officeEmail' | 'publicBaseUrl' | 'port' | 'webhookAllowedNetworks'>;
  redisUrl: string;
  db: Database;
  clock: Clock;
  queue: Queue;
  scheduler: ReminderScheduler;
  log: FastifyBaseLogger;
}): Promise<ReminderProcessing> {
  const { config, log } = options;
  const mailer = createMailer(config.smtpUrl, config.mailFrom);
  if (!mailer.delivers) log.warn('SMTP_URL is not set: reminder e-mails are composed and kept as `recorded` in the units’ feeds, not sent');
  const connection = workerConnection(options.redisUrl);
  const worker = startReminderWorker({
    connection,
    prefix: config.queuePrefix,
    concurrency: config.workerConcurrency,
    log,
    delivery: {
      db: options.db,
      clock: options.clock,
      mailer,
      officeEmail: config.officeEmail,
      publicBaseUrl: config.publicBaseUrl ?? `http://localhost:${config.port}`,
      webhookAllowedNetworks: config.webhookAllowedNetworks,
    },
  });
  const reconcile = async () => {
    const result = await options.scheduler.reconcile().catch((error: Error) => log.error({ err: error }, 'reconcile failed'));
    if (result) log.info(result, 'reminders reconciled');
  };
  await reconcile();
  // A timer in each worker process, not a BullMQ job scheduler: a schedule kept in Redis would be
  // lost with everything else when Redis comes back empty, and the repair would never run again.
  const timer = setInterval(() => void reconcile(), config.reconcileIntervalSeconds * 1000);
  timer.unref();
  return {
    close: async () => {
      clearInterval(timer);
      // Let active jobs finish, but not forever: with Redis away, a graceful close never returns.
      const closed = await Promise.race([worker.close().then(() => true), new Promise<false>((resolve) => setTimeout(resolve, WORKER_CLOSE_TIMEOUT_MS, false).unref())]);
      if (!closed) {
        log.warn('reminder worker did not close in time; its active jobs will be retried');
        void worker.close(true).catch(() => undefined);
      }
      connection.disconnect();
      mailer.close();
    },
  };
}
