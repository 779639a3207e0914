import closeWithGrace from 'close-with-grace';
import { ConfigError, loadConfig, type Config } from './config.js';
import { startChangeFeed } from './db/change-feed.js';
import { openDatabase } from './db/client.js';
import { createLogger } from './logging.js';
import { createReminderScheduler } from './modules/reminders/scheduler.js';
import { systemClock } from './plugins/clock.js';
import { RedisUnavailableError, resolveRedis } from './redis.js';
import { createReminderQueue, startReminderProcessing } from './reminder-runtime.js';

/** `npm run start:worker`: a reminder worker alone; run as many as you like beside the API. */
async function main(config: Config) {
  if (!config.databaseUrl) {
    throw new ConfigError(['DATABASE_URL: a separate worker needs a shared Postgres; the embedded database belongs to `npm start`']);
  }
  const log = createLogger(config.logLevel);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: config.databasePoolMax });
  // The planner memoises the 分工表 and the directory; the feed keeps them current without a restart.
  const changes = startChangeFeed(database, { log });
  await changes.ready;
  const redis = await resolveRedis(config.redisUrl, config.dataDir);
  const queue = createReminderQueue(redis.url, config.queuePrefix);
  const scheduler = createReminderScheduler({ db: database.db, clock: systemClock, queue, officeEmail: config.officeEmail, log });
  const processing = await startReminderProcessing({ config, redisUrl: redis.url, db: database.db, clock: systemClock, queue, scheduler, log });
  closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'worker shutting down after an error');
    else log.info({ signal }, 'worker shutting down');
    await processing.close();
    await queue.close();
    await changes.close();
    await database.close();
    await redis.stop?.();
  });
  log.info('reminder worker is ready');
}

try {
  await main(loadConfig());
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof RedisUnavailableError ? error.message : error);
  process.exit(1);
}
