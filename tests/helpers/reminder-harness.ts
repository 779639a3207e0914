import { randomBytes } from 'node:crypto';
import type { Queue, Worker } from 'bullmq';
import { and, inArray, lte, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildApp, type App, type AppConfig } from '../../src/app.js';
import { reminders } from '../../src/db/schema/index.js';
import { createMailer } from '../../src/modules/reminders/mailer.js';
import { startReminderWorker } from '../../src/modules/reminders/reminder-worker.js';
import { workerConnection } from '../../src/redis.js';
import { createReminderQueue } from '../../src/reminder-runtime.js';
import type { TestClock } from './clock.js';
import { watchContract } from './contract-check.js';
import { createTestDatabase, type TestDatabase, type TestDriver } from './database.js';
import { testConfig } from './test-app.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const OFFICE_EMAIL = 'anwei@example.gov.cn';
export const PUBLIC_BASE_URL = 'https://hazchem.example.gov.cn';
/** WEBHOOK_ALLOWED_NETWORKS of the app and its workers: the webhook receiver listens on 127.0.0.1. */
export const RECEIVER_NETWORKS = ['127.0.0.1/32'];

export interface ReminderContext {
  app: App;
  database: TestDatabase;
  queue: Queue;
  prefix: string;
  sink: SmtpSink;
  receiver: WebhookReceiver;
  /** Starts a reminder worker on this file's queue (against `redisUrl`, default the shared Redis). */
  startWorker(redisUrl?: string): Worker;
}

/** A fresh queue prefix, so test files sharing one Redis never see each other's jobs. */
export const uniquePrefix = () => `test-${randomBytes(5).toString('hex')}`;

/**
 * A test file's reminder setup: its own database, an app with a real BullMQ queue under a unique
 * prefix, a real SMTP sink and webhook receiver, and workers on demand; all removed afterwards.
 */
export function useReminderApp(clock: TestClock, options: { redisUrl?: string; driver?: TestDriver; config?: Partial<AppConfig> } = {}): ReminderContext {
  const context = {} as ReminderContext;
  let contractViolations = (): string[] => [];
  const workers: Worker[] = [];
  beforeAll(async () => {
    context.database = await createTestDatabase({ driver: options.driver ?? 'postgres' });
    context.sink = await startSmtpSink();
    context.receiver = await startWebhookReceiver();
    context.prefix = uniquePrefix();
    context.queue = createReminderQueue(options.redisUrl ?? TEST_REDIS_URL, context.prefix);
    context.app = await buildApp(
      { ...testConfig, officeEmail: OFFICE_EMAIL, publicBaseUrl: PUBLIC_BASE_URL, webhookAllowedNetworks: RECEIVER_NETWORKS, ...options.config },
      { database: await context.database.open(), clock, queue: context.queue },
    );
    contractViolations = watchContract(context.app);
    await context.app.ready();
    context.startWorker = (redisUrl = options.redisUrl ?? TEST_REDIS_URL) => {
      const worker = startReminderWorker({
        connection: workerConnection(redisUrl),
        prefix: context.prefix,
        concurrency: 4,
        log: context.app.log,
        delivery: { db: context.app.db, clock, mailer: createMailer(context.sink.url, '市安委会办公室 <noreply@example.gov.cn>'), officeEmail: OFFICE_EMAIL, publicBaseUrl: PUBLIC_BASE_URL, webhookAllowedNetworks: RECEIVER_NETWORKS },
      });
      workers.push(worker);
      return worker;
    };
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.close(true)));
    await context.queue?.obliterate({ force: true }).catch(() => undefined);
    await context.app?.close();
    await context.database?.drop();
    await context.sink?.close();
    await context.receiver?.close();
    // Every response this file received must match openapi/openapi.json (status, headers, body).
    expect(contractViolations(), 'responses that break openapi/openapi.json').toEqual([]);
  });
  return context;
}

/** Waits until `condition` holds, checking every 25 ms; fails after `timeoutMs`. */
export async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Moves the clock to `instant` and lets the worker carry out every reminder due by then: returns
 * once none is left planned or still being sent (a claimed reminder is `sending` until settled).
 */
export async function advanceTo(ctx: Pick<ReminderContext, 'app'>, clock: TestClock, instant: string): Promise<void> {
  clock.set(instant);
  await ctx.app.reminders.reconcile();
  const now = clock.now();
  await until(async () => {
    const [row] = await ctx.app.db
      .select({ n: sql<number>`count(*)::int` })
      .from(reminders)
      .where(and(inArray(reminders.status, ['planned', 'sending']), lte(reminders.sendAt, now)));
    return row!.n === 0;
  }, 30_000, `reminders due by ${instant}`);
}
