import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import Fastify from 'fastify';
import type { Redis } from 'ioredis';
import type { DestinationStream } from 'pino';
import { serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { DEFAULT_MAIL_FROM, type Config } from './config.js';
import { validatorCompiler } from './http/validation.js';
import type { DatabaseHandle } from './db/client.js';
import { loggerOptions } from './logging.js';
import { departmentRoutes } from './modules/departments/departments.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { planRoutes } from './modules/plans/plans.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { consolidatedRoutes } from './modules/consolidated/consolidated.routes.js';
import { liaisonRoutes } from './modules/liaisons/liaisons.routes.js';
import { periodRoutes } from './modules/periods/periods.routes.js';
import { reminderRoutes } from './modules/reminders/reminders.routes.js';
import { reportRoutes } from './modules/reports/reports.routes.js';
import { overviewRoutes } from './modules/overview/overview.routes.js';
import { documentRoutes } from './modules/documents/documents.routes.js';
import { dossierRoutes } from './modules/dossier/dossier.routes.js';
import { assessmentRoutes } from './modules/assessment/assessment.routes.js';
import { targetsRoutes } from './modules/targets/targets.routes.js';
import { leadRoutes } from './modules/lead/lead.routes.js';
import { attachmentRoutes } from './modules/attachments/attachments.routes.js';
import { attachmentLimitsPlugin } from './modules/attachments/attachment-uploads.js';
import { testReminderRoutes } from './modules/reminders/test-reminder.routes.js';
import { tokenRoutes } from './modules/tokens/tokens.routes.js';
import { accountRoutes } from './modules/auth/accounts.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { metricsRoutes } from './modules/metrics/metrics.routes.js';
import auth from './plugins/auth.js';
import mail from './plugins/mail.js';
import type { Mailer } from './modules/reminders/mailer.js';
import clock, { systemClock, type Clock } from './plugins/clock.js';
import changeFeed from './plugins/change-feed.js';
import database from './plugins/database.js';
import hardening from './plugins/hardening.js';
import metrics from './plugins/metrics.js';
import queue from './plugins/queue.js';
import openapi from './plugins/openapi.js';
import web from './plugins/web.js';
import problemDetails, { frameworkErrorProblem } from './plugins/problem-details.js';

export interface AppDependencies {
  database: DatabaseHandle;
  clock?: Clock;
  /** The BullMQ reminder queue; without it reminders are planned in Postgres only. */
  queue?: Queue;
  /** Shares the lock-out and write-limit counters between API processes; without it they are per process. */
  redis?: Redis;
  /** Where the log goes (stdout without it); tests read the log from here. */
  logStream?: DestinationStream;
  /** Sends the API's own e-mails (SMTP_URL); without it they are composed but not sent. */
  mailer?: Mailer;
  /** The built web app (default web/dist); without index.html there, the web routes answer 503. */
  webDistDir?: string;
}

export type AppConfig = Pick<Config, 'logLevel'> &
  Partial<Pick<Config, 'officeEmail' | 'publicBaseUrl' | 'port' | 'authFailuresPerMinute' | 'maxEventLoopDelayMs' | 'bodyLimitBytes' | 'webhookAllowedNetworks' | 'trustProxy' | 'writesPerMinute' | 'dataDir' | 'mailFrom' | 'smtpUrl' | 'queuePrefix' | 'attachmentMaxBytes' | 'attachmentsMaxBytesPerReport' | 'attachmentsMaxFilesPerReport' | 'metricsToken' | 'metricsCacheSeconds'>>;

/** Builds the whole service from its dependencies; never listens (src/server.ts does). */
export async function buildApp(config: AppConfig, deps: AppDependencies) {
  const app = Fastify({
    logger: loggerOptions(config.logLevel, deps.logStream),
    // Behind a reverse proxy, the client address (lock-out, logs) comes from X-Forwarded-For.
    trustProxy: trustedProxies(config.trustProxy ?? false),
    requestIdHeader: 'x-request-id',
    bodyLimit: config.bodyLimitBytes ?? 1024 * 1024,
    genReqId: () => randomUUID(),
    frameworkErrors: frameworkErrorProblem,
  }).withTypeProvider<ZodTypeProvider>();
  // Bodies are JSON; without this, Fastify would hand text/plain to the JSON schemas as a string.
  app.removeContentTypeParser('text/plain');
  // fastify-type-provider-zod's compiler, with each message in Chinese too (Accept-Language).
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // While shutting down, responses close their keep-alive connection, so the server can finish
  // closing as soon as the requests in flight are answered.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (closing) reply.header('connection', 'close');
  });

  await app.register(problemDetails);
  await app.register(hardening, {
    authFailuresPerMinute: config.authFailuresPerMinute ?? 20,
    writesPerMinute: config.writesPerMinute ?? 120,
    maxEventLoopDelayMs: config.maxEventLoopDelayMs ?? 1000,
    redis: deps.redis,
    redisKeyPrefix: `${config.queuePrefix ?? 'hazchem'}:rate-limit:`,
  });
  await app.register(database, { database: deps.database });
  await app.register(changeFeed);
  await app.register(clock, { clock: deps.clock ?? systemClock });
  // Before any route, so its hooks see every request.
  await app.register(metrics, { queues: deps.queue ? [deps.queue] : [], cacheSeconds: config.metricsCacheSeconds ?? 5 });
  await app.register(auth, { secureCookies: config.publicBaseUrl?.startsWith('https:') ?? false });
  await app.register(mail, { mailer: deps.mailer, smtpUrl: config.smtpUrl, from: config.mailFrom ?? DEFAULT_MAIL_FROM });
  await app.register(queue, { queue: deps.queue, officeEmail: config.officeEmail ?? null });
  await app.register(openapi, { publicBaseUrl: config.publicBaseUrl });
  await app.register(attachmentLimitsPlugin, {
    limits: { maxFileBytes: config.attachmentMaxBytes, maxBytesPerOwner: config.attachmentsMaxBytesPerReport, maxFilesPerOwner: config.attachmentsMaxFilesPerReport },
  });

  await app.register(healthRoutes);
  await app.register(metricsRoutes, { token: config.metricsToken });
  await app.register(planRoutes);
  await app.register(departmentRoutes);
  await app.register(periodRoutes);
  await app.register(liaisonRoutes);
  const publicBaseUrl = config.publicBaseUrl ?? `http://localhost:${config.port ?? 3000}`;
  await app.register(reportRoutes, { publicBaseUrl });
  await app.register(targetsRoutes, { publicBaseUrl });
  await app.register(attachmentRoutes);
  await app.register(consolidatedRoutes);
  await app.register(leadRoutes);
  await app.register(overviewRoutes);
  await app.register(documentRoutes);
  await app.register(dossierRoutes);
  await app.register(assessmentRoutes);
  await app.register(testReminderRoutes, { publicBaseUrl });
  await app.register(tokenRoutes);
  await app.register(authRoutes, { publicBaseUrl });
  await app.register(accountRoutes);
  await app.register(auditRoutes);
  await app.register(reminderRoutes, {
    officeEmail: config.officeEmail ?? null,
    publicBaseUrl: config.publicBaseUrl ?? `http://localhost:${config.port ?? 3000}`,
    webhookAllowedNetworks: config.webhookAllowedNetworks ?? [],
  });
  await app.register(web, { distDir: deps.webDistDir, publicBaseUrl: config.publicBaseUrl });
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

/**
 * TRUST_PROXY as Fastify takes it. A hop count trusts that many proxies in front of the service
 * (Express's meaning); Fastify itself reads a number as "trust none".
 */
function trustedProxies(setting: boolean | number | string) {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting;
}
