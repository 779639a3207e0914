import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';

export interface RedisEndpoint {
  url: string;
  /** Set when this process started its own redis-server; stops it. */
  stop?: () => Promise<void>;
  private: boolean;
}

export class RedisUnavailableError extends Error {}


/** Whether a Redis answers PING at `url`, within a second. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A TCP port nothing listens on right now (for a private redis-server; tests use it too). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * REDIS_URL if given; else a Redis on 127.0.0.1:6379; else, when redis-server is installed, a
 * private one with its data (append-only file) under DATA_DIR/redis, stopped with the process.
 */
export async function resolveRedis(
  redisUrl: string | undefined,
  dataDir: string,
  { defaultUrl = 'redis://127.0.0.1:6379', redisServer = 'redis-server' } = {},
): Promise<RedisEndpoint> {
  if (redisUrl) return { url: redisUrl, private: false };
  if (await redisAnswers(defaultUrl)) return { url: defaultUrl, private: false };
  if (spawnSync(redisServer, ['--version']).error) {
    throw new RedisUnavailableError(
      'Redis is not reachable at 127.0.0.1:6379 and redis-server is not installed: set REDIS_URL=redis://host:6379 or install Redis.',
    );
  }
  const directory = path.resolve(dataDir, 'redis');
  mkdirSync(directory, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    redisServer,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', directory, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 50 && !(await redisAnswers(url)); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { url, stop, private: true };
}

/** Connection for BullMQ workers: blocking commands must wait for Redis, never give up. */
export const workerConnection = (url: string) => new Redis(url, { maxRetriesPerRequest: null });

/** Connection for producers: fail fast while Redis is away, so API requests do not hang. */
export const producerConnection = (url: string) => new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });

/** Connection for the API's rate-limit counters: a Redis that is away counts nothing rather than delaying requests. */
export function counterConnection(url: string): Redis {
  const client = new Redis(url, { connectTimeout: 1_000, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  // It reconnects by itself; while it is away the counters are skipped (skipOnError).
  client.on('error', () => {});
  return client;
}
