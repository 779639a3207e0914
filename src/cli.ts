import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/client.js';
import { EmbeddedDatabaseInUseError, lockEmbeddedDatabase } from './db/embedded-lock.js';
import { seedDatabase } from '../seed/seed.js';
import { systemActor } from './modules/audit/audit.service.js';
import { loadDirectory } from './modules/departments/departments.service.js';
import { createToken, listTokens, revokeToken, type TokenRole } from './modules/tokens/tokens.service.js';
import { nextPathSchema } from './modules/auth/auth.schemas.js';
import { issueLink } from './modules/auth/sign-in.service.js';

const usage = `Usage: npm run cli -- <command>

  db migrate                         apply the migrations in ./migrations
  db seed                            write the 分工表 and the department directory (idempotent)
  token create --role <department|office|admin> [--department <code>] [--label <text>]
                                     print a new bearer token (alone, on stdout)
  token list                         list tokens (never their secrets)
  token revoke <id>                  revoke a token
  sign-in-link <email> [--next <path>] [--department <code>]
                                     print a one-time web sign-in link (15 minutes, one use) for a
                                     unit's liaison or an account; --department when the address
                                     is registered for several units

The database is DATABASE_URL, or the embedded one under DATA_DIR when it is unset. The embedded
database belongs to one process at a time: while the service runs on it, use the API instead
(POST /v1/tokens with the admin token in DATA_DIR/admin-token).`;

class UsageError extends Error {}

const commands: Record<string, (database: DatabaseHandle, args: string[], config: Config) => Promise<string>> = {
  'db migrate': async (database) => {
    await database.migrate();
    return '';
  },
  'db seed': async (database) => {
    await seedDatabase(database.db);
    return '';
  },
  'token create': async (database, args) => {
    const { values } = parseArgs({
      args,
      options: { role: { type: 'string' }, department: { type: 'string' }, label: { type: 'string' } },
      strict: true,
    });
    if (!['department', 'office', 'admin'].includes(values.role ?? '')) throw new UsageError('--role must be department, office or admin');
    const directory = await loadDirectory(database.db);
    const created = await createToken(
      database.db,
      systemActor,
      new Date(),
      { role: values.role as TokenRole, departmentCode: values.department, label: values.label },
      (code) => directory.get(code) !== undefined,
    );
    return created.token;
  },
  'token list': async (database) =>
    (await listTokens(database.db))
      .map((token) => [token.id, token.role, token.department ?? '-', token.revokedAt ? `revoked ${token.revokedAt}` : 'active', token.label ?? ''].join('\t'))
      .join('\n'),
  'token revoke': async (database, args) => {
    if (args.length !== 1) throw new UsageError('token revoke takes one token id');
    const token = await revokeToken(database.db, systemActor, new Date(), args[0]!);
    return `${token.id}\trevoked ${token.revokedAt}`;
  },
  'sign-in-link': async (database, args, config) => {
    const { values, positionals } = parseArgs({ args, options: { next: { type: 'string' }, department: { type: 'string' } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError('sign-in-link takes one e-mail address');
    if (values.next !== undefined) {
      const next = nextPathSchema.safeParse(values.next);
      if (!next.success) throw new UsageError(`--next ${next.error.issues[0]!.message}`);
    }
    const publicBaseUrl = config.publicBaseUrl ?? `http://localhost:${config.port}`;
    const link = await issueLink(database.db, systemActor, new Date(), publicBaseUrl, { email: positionals[0]!, next: values.next, department: values.department });
    return link.url;
  },
};

async function main(argv: string[]): Promise<number> {
  // Commands are one word (sign-in-link) or two (token create).
  const name = commands[argv[0] ?? ''] ? argv[0]! : argv.slice(0, 2).join(' ');
  const command = commands[name];
  if (!command) {
    console.error(usage);
    return 2;
  }
  const config = loadConfig();
  const lock = config.databaseUrl || config.dataDir === 'memory://' ? undefined : lockEmbedded(config.dataDir);
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolMax: 2 });
  try {
    const output = await command(database, argv.slice(name.split(' ').length), config);
    if (output) console.log(output);
    return 0;
  } finally {
    await database.close();
    lock?.release();
  }
}

/**
 * Writing beside the running service would create tokens it never sees (and that vanish when
 * it rewrites its files), so the CLI refuses and points to the API.
 */
function lockEmbedded(dataDir: string) {
  mkdirSync(dataDir, { recursive: true });
  try {
    return lockEmbeddedDatabase(dataDir, 'the command line (npm run cli)');
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseInUseError)) throw error;
    const adminToken = path.resolve(dataDir, 'admin-token');
    throw new EmbeddedDatabaseInUseError(
      error.holder,
      error.lockFile,
      `${error.message}\nThe CLI works on the embedded database only while the service is stopped. With the service running, ` +
        `create tokens over HTTP with the admin token in ${adminToken}:\n` +
        `  curl -X POST localhost:3000/v1/tokens -H "authorization: Bearer $(cat ${adminToken})" -H 'content-type: application/json' -d '{"role":"office"}'`,
    );
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const message = error instanceof ConfigError || error instanceof UsageError || error instanceof EmbeddedDatabaseInUseError || (error instanceof Error && 'statusCode' in error) ? error.message : error;
  console.error(message);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
