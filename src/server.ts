import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import closeWithGrace from 'close-with-grace';
import { buildApp, type App } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { migrateAndSeed } from './db/bootstrap.js';
import { EmbeddedDatabaseInUseError, lockEmbeddedDatabase, type EmbeddedLock } from './db/embedded-lock.js';
import { systemActor } from './modules/audit/audit.service.js';
import { hasActiveAdmin } from './modules/tokens/tokens.repository.js';
import { createToken } from './modules/tokens/tokens.service.js';
import { counterConnection, RedisUnavailableError, resolveRedis } from './redis.js';
import { createReminderQueue, startReminderProcessing, type ReminderProcessing } from './reminder-runtime.js';

const IN_MEMORY = 'memory://';

/**
 * The embedded database belongs to this one process, so nobody could run the CLI beside it:
 * the first start creates an admin token and writes it to DATA_DIR/admin-token, readable by
 * this user only. The log says where it is, never what it is.
 */
async function ensureFirstAdminToken(app: App, dataDir: string) {
  if (await hasActiveAdmin(app.db)) return;
  const created = await createToken(app.db, systemActor, app.clock.now(), { role: 'admin', label: 'first start' }, () => false);
  // An in-memory database has no DATA_DIR of its own; its token lives as long as a temporary file.
  const directory = dataDir === IN_MEMORY ? mkdtempSync(path.join(tmpdir(), 'hazchem-')) : path.resolve(dataDir);
  const file = path.join(directory, 'admin-token');
  writeFileSync(file, `${created.token}\n`, { mode: 0o600 });
  app.log.warn({ path: file }, 'First start: created an admin token and wrote it to this file (mode 0600); keep it safe.');
}

/** `npm start`: API and reminder worker in one process; `--no-worker` (npm run start:api): API only. */
async function main(config: Config, withWorker: boolean) {
  let lock: EmbeddedLock | undefined;
  if (!config.databaseUrl && config.dataDir !== IN_MEMORY) {
    mkdirSync(config.dataDir, { recursive: true });
    lock = lockEmbeddedDatabase(config.dataDir, 'the service (npm start)');
  }
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
  });
  if (config.migrateOnStart) await migrateAndSeed(database);
  const redis = await resolveRedis(config.redisUrl, config.dataDir);
  const queue = createReminderQueue(redis.url, config.queuePrefix);
  const counters = counterConnection(redis.url);
  const app = await buildApp(config, { database, queue, redis: counters });
  if (redis.private) app.log.info({ redis: redis.url }, 'started a private redis-server under DATA_DIR/redis');

  let processing: ReminderProcessing | undefined;
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await processing?.close();
    await app.close();
    counters.disconnect();
    await redis.stop?.();
    lock?.release();
  });

  if (database.driver === 'pglite') await ensureFirstAdminToken(app, config.dataDir);
  await app.listen({ port: config.port, host: config.host });
  if (withWorker) {
    processing = await startReminderProcessing({ config, redisUrl: redis.url, db: app.db, clock: app.clock, queue, scheduler: app.reminders, log: app.log });
  }
  app.log.info({ database: database.driver, worker: withWorker }, 'hazchem-tracker is ready');
}

try {
  await main(loadConfig(), !process.argv.includes('--no-worker'));
} catch (error) {
  const known = error instanceof ConfigError || error instanceof RedisUnavailableError || error instanceof EmbeddedDatabaseInUseError;
  console.error(known ? error.message : error);
  process.exit(1);
}
