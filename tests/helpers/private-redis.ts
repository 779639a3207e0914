import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { freePort, redisAnswers } from '../../src/redis.js';
import { until } from './reminder-harness.js';

/**
 * A redis-server of the test's own on a spare port, without persistence, so that a test may flush
 * it or crash it; never the shared Redis on 6379 that every test file uses.
 */
export interface PrivateRedis {
  url: string;
  port: number;
  /** FLUSHALL on this server. */
  flushAll(): Promise<void>;
  /** SIGKILLs the server and starts a new, empty one on the same port. */
  crashAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

async function launch(port: number, url: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  let failed: Error | undefined;
  child.once('error', (error) => (failed = error));
  child.once('exit', (code) => (failed ??= new Error(`redis-server on ${port} exited with ${code}`)));
  await until(async () => {
    if (failed) throw failed;
    return redisAnswers(url);
  }, 10_000, `redis-server on port ${port}`);
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  if (port === 6379) throw new Error('refusing to run a private Redis on the shared port 6379');
  const url = `redis://127.0.0.1:${port}`;
  let child = await launch(port, url);
  return {
    url,
    port,
    async flushAll() {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      try {
        await client.flushall();
      } finally {
        client.disconnect();
      }
    },
    async crashAndRestart() {
      await kill(child, 'SIGKILL');
      child = await launch(port, url);
    },
    stop: () => kill(child, 'SIGTERM'),
  };
}
