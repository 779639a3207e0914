import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { freePort } from '../../src/redis.js';

/**
 * A redis-server of this test's own, without persistence (a restart comes back empty), run as
 * a child process; a test that stops or flushes Redis must never touch the shared one on 6379.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  /** Kills the server (SIGKILL by default: a crash) and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts a fresh, empty server on the same port; resolves once it accepts connections. */
  restart(): Promise<void>;
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.includes('Ready to accept connections')) resolve();
    });
    child.stderr!.on('data', (chunk) => output.push(String(chunk)));
    child.once('exit', (code) => reject(new Error(`redis-server on ${port} exited with ${code}:\n${output.join('\n')}`)));
  });
  return child;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: async (signal = 'SIGKILL') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
    restart: async () => {
      if (child.exitCode === null && child.signalCode === null) throw new Error('redis-server is still running');
      child = await launch(port);
    },
  };
}

/** Whether a BullMQ worker of `queue` under `prefix` is connected and blocked waiting for jobs (CLIENT LIST). */
export async function workerIsWaiting(url: string, prefix: string, queue: string): Promise<boolean> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    const clients = String(await client.client('LIST')).split('\n');
    const name = `name=${prefix}:${Buffer.from(queue).toString('base64')} `;
    return clients.some((line) => line.includes(name) && / cmd=bzpopmin/.test(line));
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
