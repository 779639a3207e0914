import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { emailSchema } from './http/email.js';

export const DEFAULT_MAIL_FROM = '市安委会办公室 <noreply@hazchem-tracker.local>';

/** Comma-separated CIDRs, e.g. `10.0.0.0/8,127.0.0.1/32`; each must parse. */
const cidrList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
  .refine((parts) => parts.every((part) => ipaddr.isValidCIDR(part)), 'must be comma-separated CIDRs, e.g. 10.0.0.0/8,127.0.0.1/32');

/** Fastify's trustProxy: true/false, a hop count, or comma-separated addresses/CIDRs of the proxies. */
const trustProxy = z.string().transform((value): boolean | number | string => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
});

/** The only reader of process.env: everything else receives a Config. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  DATA_DIR: z.string().min(1).default('./data'),
  PUBLIC_BASE_URL: z.url().optional(),
  MIGRATE_ON_START: z.stringbool().default(true),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, 'must be letters, digits, _ or -').default('hazchem'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
  RECONCILE_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(600),
  SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  MAIL_FROM: z.string().min(3).default(DEFAULT_MAIL_FROM),
  OFFICE_EMAIL: emailSchema().optional(),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
  AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(20),
  MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  WEBHOOK_ALLOWED_NETWORKS: cidrList.default([]),
  TRUST_PROXY: trustProxy.default(false),
  WRITES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(120),
  ATTACHMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(20 * 1024 * 1024),
  ATTACHMENTS_MAX_BYTES_PER_REPORT: z.coerce.number().int().min(1024).max(64 * 1024 * 1024 * 1024).default(200 * 1024 * 1024),
  ATTACHMENTS_MAX_FILES_PER_REPORT: z.coerce.number().int().min(1).max(10_000).default(50),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 32)').optional(),
  METRICS_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
});

export type Config = Readonly<{
  port: number;
  host: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  databaseUrl: string | undefined;
  databasePoolMax: number;
  dataDir: string;
  publicBaseUrl: string | undefined;
  migrateOnStart: boolean;
  redisUrl: string | undefined;
  queuePrefix: string;
  workerConcurrency: number;
  reconcileIntervalSeconds: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  officeEmail: string | null;
  bodyLimitBytes: number;
  authFailuresPerMinute: number;
  maxEventLoopDelayMs: number;
  databaseStatementTimeoutMs: number;
  /** Private networks webhooks may reach (loopback, link-local and metadata addresses never). */
  webhookAllowedNetworks: readonly string[];
  trustProxy: boolean | number | string;
  /** Write requests a token may make per minute before 429. */
  writesPerMinute: number;
  /** Attachments (佐证材料): the largest file, and what one report (or lead opinions) may hold at once. */
  attachmentMaxBytes: number;
  attachmentsMaxBytesPerReport: number;
  attachmentsMaxFilesPerReport: number;
  /** The bearer secret of GET /metrics (not an API token); unset, /metrics answers 404. */
  metricsToken: string | undefined;
  /** How long /metrics reuses the figures it read from the database, so a scrape storm cannot load Postgres. */
  metricsCacheSeconds: number;
}>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    logLevel: values.LOG_LEVEL,
    databaseUrl: values.DATABASE_URL,
    databasePoolMax: values.DATABASE_POOL_MAX,
    dataDir: values.DATA_DIR,
    publicBaseUrl: values.PUBLIC_BASE_URL,
    migrateOnStart: values.MIGRATE_ON_START,
    redisUrl: values.REDIS_URL,
    queuePrefix: values.QUEUE_PREFIX,
    workerConcurrency: values.WORKER_CONCURRENCY,
    reconcileIntervalSeconds: values.RECONCILE_INTERVAL_SECONDS,
    smtpUrl: values.SMTP_URL,
    mailFrom: values.MAIL_FROM,
    officeEmail: values.OFFICE_EMAIL ?? null,
    bodyLimitBytes: values.BODY_LIMIT_BYTES,
    authFailuresPerMinute: values.AUTH_FAILURES_PER_MINUTE,
    maxEventLoopDelayMs: values.MAX_EVENT_LOOP_DELAY_MS,
    databaseStatementTimeoutMs: values.DATABASE_STATEMENT_TIMEOUT_MS,
    webhookAllowedNetworks: Object.freeze(values.WEBHOOK_ALLOWED_NETWORKS),
    trustProxy: values.TRUST_PROXY,
    writesPerMinute: values.WRITES_PER_MINUTE,
    attachmentMaxBytes: values.ATTACHMENT_MAX_BYTES,
    attachmentsMaxBytesPerReport: values.ATTACHMENTS_MAX_BYTES_PER_REPORT,
    attachmentsMaxFilesPerReport: values.ATTACHMENTS_MAX_FILES_PER_REPORT,
    metricsToken: values.METRICS_TOKEN,
    metricsCacheSeconds: values.METRICS_CACHE_SECONDS,
  });
}

/** `FOO=` in a shell or compose file means "unset", not "the empty string". */
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}
