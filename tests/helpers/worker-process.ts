/**
 * A reminder worker in a process of its own, for tests that SIGKILL it. Started by
 * `startWorkerProcess` (worker-process-control.ts) as `node --import tsx` so that the pid is the
 * worker itself (the tsx CLI would put a second process in between).
 *
 * The processor is that of src/modules/reminders/reminder-worker.ts line for line, with the same
 * delivery code; only the BullMQ timings differ: a short lockDuration, so that the lock of a job
 * this process held expires soon after it is killed, and a short stalledInterval (BullMQ lets one
 * stalled check run per interval across all workers, and this process's check sets that window).
 *
 * Environment: DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SMTP_URL, CLOCK_AT (a fixed instant),
 * OFFICE_EMAIL, PUBLIC_BASE_URL, LOCK_DURATION_MS (2000), STALLED_INTERVAL_MS (1000).
 * Reports on stdout, one JSON object a line: {"event":"ready"}, {"event":"active",...}, ...
 * Exits when its stdin closes, so it never outlives the test process.
 */
import { Worker, type Job } from 'bullmq';
import { openDatabase } from '../../src/db/client.js';
import { createMailer } from '../../src/modules/reminders/mailer.js';
import { REMINDER_QUEUE, deliverPayloadSchema, deliverReminder, type DeliveryDeps } from '../../src/modules/reminders/reminders.jobs.js';
import { workerConnection } from '../../src/redis.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`worker-process: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const report = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

const instant = new Date(required('CLOCK_AT'));
const clock = { now: () => new Date(instant) };
const database = await openDatabase({ databaseUrl: required('DATABASE_URL'), dataDir: '', poolMax: 2 });
const officeEmail = process.env.OFFICE_EMAIL || null;
const delivery: DeliveryDeps = {
  db: database.db,
  clock,
  mailer: createMailer(required('SMTP_URL'), '市安委会办公室 <noreply@example.gov.cn>'),
  officeEmail,
  publicBaseUrl: required('PUBLIC_BASE_URL'),
  // Receivers in tests listen on 127.0.0.1 (tests/helpers/reminder-harness.ts).
  webhookAllowedNetworks: ['127.0.0.1/32'],
};

const worker = new Worker(
  REMINDER_QUEUE,
  async (job: Job) => {
    const payload = deliverPayloadSchema.parse(job.data);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    return deliverReminder(delivery, payload, { lastAttempt });
  },
  {
    connection: workerConnection(required('REDIS_URL')),
    prefix: required('QUEUE_PREFIX'),
    concurrency: 1,
    lockDuration: Number(process.env.LOCK_DURATION_MS || 2_000),
    stalledInterval: Number(process.env.STALLED_INTERVAL_MS || 1_000),
  },
);
worker.on('active', (job) => report({ event: 'active', jobId: job.id, reminderId: (job.data as { reminderId?: number }).reminderId }));
worker.on('completed', (job, result) => report({ event: 'completed', jobId: job.id, result }));
worker.on('failed', (job, error) => report({ event: 'failed', jobId: job?.id, error: error.message }));
worker.on('error', (error) => console.error('worker-process:', error));

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

await worker.waitUntilReady();
report({ event: 'ready' });
