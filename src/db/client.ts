import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgSession } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { appPath } from '../app-root.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** Either driver: node-postgres against a real server, or the embedded PGlite. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];
/** A repository accepts the database or an open transaction. */
export type Queryable = Database | Transaction;

/** The connections behind a handle, for /metrics; null where the driver cannot tell. */
export interface PoolStats {
  max: number;
  total: number;
  idle: number | null;
  waiting: number | null;
}

export interface DatabaseHandle {
  db: Database;
  driver: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /** A connection of its own for LISTEN (src/db/change-feed.ts); the caller closes it. */
  openNotifications(): Promise<NotificationConnection>;
  close(): Promise<void>;
  poolStats(): PoolStats;
}

export interface NotificationConnection {
  /** Resolves once LISTEN is in effect; `onPayload` gets each notification's payload. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<void>;
  /** Called once when the connection is lost (a Postgres restart, a network failure); never for PGlite. */
  onLost(callback: (error: Error) => void): void;
  close(): Promise<void>;
}

export const migrationsFolder = appPath('migrations');

const IN_MEMORY = 'memory://';

export interface DatabaseOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  poolMax: number;
  /** A query running longer is cancelled by Postgres. */
  statementTimeoutMs?: number;
  /** Waiting longer for a pooled connection fails fast (and becomes a 503) instead of hanging. */
  connectTimeoutMs?: number;
  /**
   * A query through the outer handle inside one of its transactions throws (see guardOuterHandle).
   * Always on for PGlite, where that query would deadlock; tests turn it on for Postgres too.
   */
  strictTransactions?: boolean;
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  return options.databaseUrl ? openPostgres(options) : openPglite(options.dataDir);
}

/**
 * Thrown when code inside `db.transaction(async (tx) => ...)` queries through `db` instead of
 * `tx`. On PGlite (one connection, queries serialised) that query waits for the transaction,
 * which waits for the query: the whole database hangs. On Postgres it runs outside the
 * transaction (it cannot see the transaction's writes) and holds a second pooled connection.
 */
export class OuterHandleInTransactionError extends Error {
  constructor(entryPoint: string) {
    super(`${entryPoint} was called on the outer database handle inside one of its transactions; run the query through the transaction (tx) instead`);
    this.name = 'OuterHandleInTransactionError';
  }
}

/** Marks the async context of a transaction callback; `open` turns false when the callback settles. */
const transactionScope = new AsyncLocalStorage<{ open: boolean }>();

/**
 * Runs every `db.transaction` callback inside a transaction scope and makes the driver's outer
 * entry points throw inside it. Transactions use other entry points (drizzle's pglite session
 * runs `tx` through the object PGlite's `transaction()` passes in, which calls PGlite's private
 * query methods; node-postgres runs `tx` on a checked-out PoolClient), so only misuse trips it.
 * Work the callback starts and leaves running is not blamed once the transaction is over.
 */
function guardOuterHandle<Client extends object>(db: Database, label: string, client: Client, entryPoints: (keyof Client & string)[]): void {
  for (const name of entryPoints) {
    const original = client[name] as unknown as (...args: unknown[]) => unknown;
    Object.defineProperty(client, name, {
      configurable: true,
      writable: true,
      value: function guarded(this: unknown, ...args: unknown[]) {
        if (transactionScope.getStore()?.open) throw new OuterHandleInTransactionError(`${label}.${name}`);
        return original.apply(this, args);
      },
    });
  }
  const transaction = db.transaction.bind(db);
  db.transaction = ((run, config) =>
    transaction((tx) => {
      const scope = { open: true };
      return transactionScope.run(scope, () => run(tx)).finally(() => {
        scope.open = false;
      });
    }, config)) as Database['transaction'];
}

function openPostgres(options: DatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
  });
  // A client losing its server (a Postgres restart) must not crash the process: idle clients
  // report on the pool, checked-out ones on themselves; the query in flight fails and is a 503.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzlePg(pool, { schema });
  // Pool.query checks a client out through Pool.connect, as does drizzle's own db.transaction.
  if (options.strictTransactions) guardOuterHandle(db as unknown as Database, 'pg.Pool', pool, ['query', 'connect']);
  return {
    db: db as unknown as Database,
    driver: 'postgres',
    migrate: () => migratePg(db, { migrationsFolder }),
    ping: async () => {
      await pool.query('select 1');
    },
    openNotifications: () => openPgNotifications(options),
    close: () => pool.end(),
    poolStats: () => ({ max: options.poolMax, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
  };
}

export const NOTIFICATION_CLIENT_NAME = 'hazchem change feed';

/**
 * A client outside the pool: LISTEN holds its connection for as long as the process runs. TCP
 * keep-alive lets a connection whose server vanished without a word be noticed and replaced.
 */
async function openPgNotifications(options: DatabaseOptions): Promise<NotificationConnection> {
  const client = new pg.Client({
    connectionString: options.databaseUrl,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
    // Named, so that pg_stat_activity tells it from the pool's connections.
    application_name: NOTIFICATION_CLIENT_NAME,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  let lost: ((error: Error) => void) | undefined;
  let ended = false;
  const end = (error: Error) => {
    if (ended) return;
    ended = true;
    lost?.(error);
  };
  client.on('error', end);
  client.on('end', () => end(new Error('the notification connection ended')));
  await client.connect();
  return {
    listen: async (channel, onPayload) => {
      client.on('notification', (message) => {
        if (message.channel === channel) onPayload(message.payload ?? '');
      });
      await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    },
    onLost: (callback) => {
      lost = callback;
    },
    close: async () => {
      ended = true;
      await client.end().catch(() => undefined);
    },
  };
}

/**
 * `memory://` keeps the embedded database in memory (gone on exit); otherwise it lives under dataDir.
 * PGlite (~40 MiB resident once loaded) is loaded here only, so a service on Postgres never loads it.
 */
async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const directory = dataDir === IN_MEMORY ? IN_MEMORY : path.resolve(dataDir, 'pglite');
  if (directory !== IN_MEMORY) mkdirSync(directory, { recursive: true });
  const client = await PGlite.create(directory);
  const db = drizzlePglite(client, { schema });
  // Every public entry point takes PGlite's one exclusive lock, which the transaction holds.
  guardOuterHandle(db as unknown as Database, 'PGlite', client, ['query', 'exec', 'transaction', 'describeQuery']);
  return {
    db: db as unknown as Database,
    driver: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder }),
    ping: async () => {
      await client.query('select 1');
    },
    // One process owns the embedded database, so its notifications are its own writes, delivered in-process.
    openNotifications: async () => {
      const unsubscribes: Array<() => Promise<void>> = [];
      return {
        listen: async (channel, onPayload) => void unsubscribes.push(await client.listen(channel, onPayload)),
        onLost: () => {},
        close: async () => {
          if (!client.closed) for (const unsubscribe of unsubscribes.splice(0)) await unsubscribe();
        },
      };
    },
    close: () => client.close(),
    // One connection inside this process; PGlite queues queries internally without saying how many wait.
    poolStats: () => ({ max: 1, total: 1, idle: null, waiting: null }),
  };
}

/** Runs raw SQL on either driver; both return their rows under `rows`. */
export async function selectRows<Row = Record<string, unknown>>(db: Queryable, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}

/** Distinct statement texts run by name; past this, further texts run unnamed (parsed each time). */
const MAX_NAMED_STATEMENTS = 200;
const statementNames = new Map<string, string>();

/**
 * Runs SQL text with `$n` parameters (src/db/pending-rows.ts StatementParams) on either driver,
 * through drizzle's session as `db.execute` does, but named: node-postgres then prepares it once
 * per connection and Postgres skips parsing it again. For the few fixed shapes of a hot path
 * (reports.repository.ts writeStep); everything else goes through drizzle's query builder.
 */
export async function runStatement<Row = Record<string, unknown>>(db: Queryable, text: string, values: unknown[]): Promise<Row[]> {
  let name = statementNames.get(text);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `hazchem_${statementNames.size + 1}`;
    statementNames.set(text, name);
  }
  const { session } = db as unknown as { session: PgSession };
  const result = (await session.prepareQuery({ sql: text, params: values }, undefined, name, false).execute()) as { rows: Row[] };
  return result.rows;
}
