import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** The queue prefix the services of this test run use on the shared Redis; see removeServiceQueues. */
export const servicePrefix = `test-service-${process.pid}`;

/** Deletes what the spawned services left in the shared Redis (never FLUSHALL: others use it). */
export async function removeServiceQueues(redisUrl = 'redis://127.0.0.1:6379'): Promise<void> {
  const client = new Redis(redisUrl);
  try {
    const keys = await client.keys(`${servicePrefix}:*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
}

export interface ServiceProcess {
  child: ChildProcess;
  baseUrl: string;
  /** Every stdout line logged until the service listened. */
  startupLog: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `src/server.ts` as `npm start` does, on the embedded database, with a queue prefix of its
 * own, and resolves once it is ready (listening, and the worker started).
 */
export async function startService(env: Record<string, string>, args: string[] = []): Promise<ServiceProcess> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(tsx, ['src/server.ts', ...args], {
    cwd: root,
    env: { ...inherited, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', QUEUE_PREFIX: servicePrefix, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const startupLog: string[] = [];
  let address = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      startupLog.push(line);
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (listening) address = listening[1]!;
      if (line.includes('"msg":"hazchem-tracker is ready"')) resolve(address);
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    void exited.then((code) => reject(new Error(`service exited with ${code} before listening: ${stderr}`)));
  });
  return {
    child,
    baseUrl,
    startupLog,
    stop: (signal = 'SIGTERM') => {
      child.kill(signal);
      return exited;
    },
  };
}

/** Runs `src/server.ts` to completion and returns its exit code and stderr. */
export async function runServiceToExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(tsx, ['src/server.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stderr };
}

/** How the admin command line is run: the program, its arguments before the command's, where, over which environment. */
export interface CliCommand {
  program: string;
  args: string[];
  cwd: string;
  /** The environment `env` goes over; by default this process's. */
  baseEnv?: Record<string, string>;
}

/** `npm run cli -- ...`: src/cli.ts through tsx. */
export const sourceCli: CliCommand = { program: tsx, args: ['src/cli.ts'], cwd: root };

/** Runs the admin command line (by default `npm run cli -- ...`) and returns what it printed. */
export async function runCli(args: string[], env: Record<string, string>, command: CliCommand = sourceCli): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command.program, [...command.args, ...args], { cwd: command.cwd, env: { ...(command.baseEnv ?? process.env), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  return { code: code as number | null, stdout, stderr };
}
