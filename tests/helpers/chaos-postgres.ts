import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/redis.js';

const run = promisify(execFile);

/** The newest Postgres installed (Debian's /usr/lib/postgresql/<major>); CHAOS_PG_VERSION overrides. */
const version = process.env.CHAOS_PG_VERSION ?? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)).at(-1)!;
const PREFIX = 'chaos_';

/**
 * A Postgres cluster of this test's own, on a spare port, with trust authentication: a test
 * that stops or restarts a server must never touch the shared one on 5432.
 */
export interface PrivatePostgres {
  name: string;
  port: number;
  /** postgres:// URL of `database` on this cluster. */
  url(database?: string): string;
  start(): Promise<void>;
  /** Fast shutdown: open sessions are terminated, new connections refused. */
  stop(): Promise<void>;
  /** Stops the cluster (if running) and deletes it with its data. */
  drop(): Promise<void>;
  /** Runs one statement as the superuser on `database`. */
  query<Row extends pg.QueryResultRow>(text: string, values?: unknown[], database?: string): Promise<Row[]>;
}

const ctl = (name: string, action: 'start' | 'stop') => run('pg_ctlcluster', ['--skip-systemctl-redirect', version, name, action]);

/** Clusters left behind by test processes that died before their afterAll (name chaos_<pid>_...). */
async function dropAbandonedClusters(): Promise<void> {
  const { stdout } = await run('pg_lsclusters', ['--no-header']);
  for (const line of stdout.split('\n')) {
    const [clusterVersion, name] = line.trim().split(/\s+/);
    const pid = Number(/^chaos_(\d+)_/.exec(name ?? '')?.[1]);
    if (!pid || clusterVersion !== version) continue;
    try {
      process.kill(pid, 0);
    } catch {
      await run('pg_dropcluster', [version, name!, '--stop']).catch(() => undefined);
    }
  }
}

export async function createPrivatePostgres(): Promise<PrivatePostgres> {
  await dropAbandonedClusters();
  const name = `${PREFIX}${process.pid}_${randomBytes(3).toString('hex')}`;
  const port = await freePort();
  await run('pg_createcluster', [version, name, '-p', String(port), '--start-conf=manual', '-q', '--', '--auth-host=trust', '--auth-local=trust']);
  const cluster: PrivatePostgres = {
    name,
    port,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: async () => {
      await ctl(name, 'start');
    },
    stop: async () => {
      await ctl(name, 'stop');
    },
    drop: async () => {
      // An immediate stop (no checkpoint) first: the data is thrown away anyway.
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', '-m', 'immediate', version, name, 'stop']).catch(() => undefined);
      await run('pg_dropcluster', [version, name, '--stop']);
    },
    query: async <Row extends pg.QueryResultRow>(text: string, values: unknown[] = [], database = 'postgres') => {
      const client = new pg.Client({ connectionString: cluster.url(database) });
      await client.connect();
      try {
        return (await client.query<Row>(text, values)).rows;
      } finally {
        await client.end();
      }
    },
  };
  try {
    await cluster.start();
  } catch (error) {
    await cluster.drop().catch(() => undefined);
    throw error;
  }
  return cluster;
}
