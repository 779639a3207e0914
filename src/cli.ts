import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { seedDatabase } from '../seed/seed.js';

const usage = `Usage: npm run cli -- <command>

  db migrate    apply the migrations in ./migrations
  db seed       write the 分工表 and the department directory (idempotent)

The database is DATABASE_URL, or the embedded one under DATA_DIR when it is unset.`;

async function main(argv: string[]) {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true });
  const command = positionals.join(' ');
  if (command !== 'db migrate' && command !== 'db seed') {
    console.error(usage);
    return 2;
  }
  const config = loadConfig();
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    if (command === 'db migrate') await database.migrate();
    else await seedDatabase(database.db);
    console.error(`${command}: done (${database.driver})`);
    return 0;
  } finally {
    await database.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exitCode = 1;
}
