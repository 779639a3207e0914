import closeWithGrace from 'close-with-grace';
import { buildApp, type App } from './app.js';
import { systemActor } from './modules/audit/audit.service.js';
import { hasActiveAdmin } from './modules/tokens/tokens.repository.js';
import { createToken } from './modules/tokens/tokens.service.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { migrateAndSeed } from './db/bootstrap.js';

/**
 * The embedded database belongs to this one process, so nobody could run the CLI beside it:
 * the first start creates an admin token and shows it once.
 */
async function ensureFirstAdminToken(app: App) {
  if (await hasActiveAdmin(app.db)) return;
  const created = await createToken(app.db, systemActor, app.clock.now(), { role: 'admin', label: 'first start' }, () => false);
  app.log.warn({ adminToken: created.token }, 'First start: created an admin token. It is shown only this once; keep it.');
}

async function main(config: Config) {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolMax: config.databasePoolMax,
  });
  if (config.migrateOnStart) await migrateAndSeed(database);
  const app = await buildApp(config, { database });

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info({ signal }, 'shutting down');
    await app.close();
  });

  if (database.driver === 'pglite') await ensureFirstAdminToken(app);
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ database: database.driver }, 'hazchem-tracker is ready');
}

try {
  await main(loadConfig());
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
