import closeWithGrace from 'close-with-grace';
import { buildApp, type App } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { migrateAndSeed } from './db/bootstrap.js';
import { systemActor } from './modules/audit/audit.service.js';
import { hasActiveAdmin } from './modules/tokens/tokens.repository.js';
import { createToken } from './modules/tokens/tokens.service.js';
import { RedisUnavailableError, resolveRedis } from './redis.js';
import { createReminderQueue, startReminderProcessing, type ReminderProcessing } from './reminder-runtime.js';

/**
 * The embedded database belongs to this one process, so nobody could run the CLI beside it:
 * the first start creates an admin token and shows it once.
 */
async function ensureFirstAdminToken(app: App) {
  if (await hasActiveAdmin(app.db)) return;
  const created = await createToken(app.db, systemActor, app.clock.now(), { role: 'admin', label: 'first start' }, () => false);
  app.log.warn({ adminToken: created.token }, 'First start: created an admin token. It is shown only this once; keep it.');
}

/** `npm start`: API and reminder worker in one process; `--no-worker` (npm run start:api): API only. */
async function main(config: Config, withWorker: boolean) {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
    statementTimeoutMs: config.databaseStatementTimeoutMs,
  });
  if (config.migrateOnStart) await migrateAndSeed(database);
  const redis = await resolveRedis(config.redisUrl, config.dataDir);
  const queue = createReminderQueue(redis.url, config.queuePrefix);
  const app = await buildApp(config, { database, queue });
  if (redis.private) app.log.info({ redis: redis.url }, 'started a private redis-server under DATA_DIR/redis');

  let processing: ReminderProcessing | undefined;
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await processing?.close();
    await app.close();
    await redis.stop?.();
  });

  if (database.driver === 'pglite') await ensureFirstAdminToken(app);
  await app.listen({ port: config.port, host: config.host });
  if (withWorker) {
    processing = await startReminderProcessing({ config, redisUrl: redis.url, db: app.db, clock: app.clock, queue, scheduler: app.reminders, log: app.log });
  }
  app.log.info({ database: database.driver, worker: withWorker }, 'hazchem-tracker is ready');
}

try {
  await main(loadConfig(), !process.argv.includes('--no-worker'));
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof RedisUnavailableError ? error.message : error);
  process.exit(1);
}
