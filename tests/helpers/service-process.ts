import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort } from '../../src/redis.js';

// Every test that starts the service, the worker or the admin command line as a process of its
// own does it here; tests/helpers/chaos-service.ts has what they then do over real sockets.

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** A queue prefix of this test run's own, for services on the shared Redis; remove its keys with removeQueueKeys. */
export const servicePrefix = `test-service-${process.pid}`;

export interface ServiceChild {
  child: ChildProcess;
  baseUrl: string;
  /** Every line the service wrote (pino JSON on stdout, anything on stderr), in order. */
  lines: string[];
  /** Parsed pino records from stdout. */
  records(): Array<Record<string, unknown>>;
  /** Resolves with the exit code (or the signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** How a service process is started: always `node` itself (process.execPath), so signals reach the service. */
export interface ServiceCommand {
  /** node's arguments: options, the entry file and its own arguments. */
  args: string[];
  cwd: string;
  /** The log message that says the process is ready. */
  readyMessage: string;
  /** The environment `env` goes over; by default this process's, minus the service's own variables. */
  baseEnv?: Record<string, string>;
}

/** `src/server.ts` as `npm start` runs it (API and worker in one process); `node --import tsx` rather than the tsx CLI. */
export const sourceServer: ServiceCommand = { args: ['--import', 'tsx', 'src/server.ts'], cwd: root, readyMessage: 'hazchem-tracker is ready' };
/** `src/server.ts --no-worker`: an API process alone, as each API replica of the fleet runs. */
export const sourceApi: ServiceCommand = { ...sourceServer, args: [...sourceServer.args, '--no-worker'] };
/** `src/worker.ts`: a reminder worker alone. */
export const sourceWorker: ServiceCommand = { args: ['--import', 'tsx', 'src/worker.ts'], cwd: root, readyMessage: 'reminder worker is ready' };

/**
 * Starts a service (by default `src/server.ts`, see sourceServer) on a spare port with `env` over
 * the base environment, and resolves once it logged its ready message (for the server, so the
 * worker and its start-up reconcile have run). LOG_LEVEL is info so that readiness and each
 * request's start are visible; the log stays in memory for assertions and diagnosis.
 */
export async function startServiceChild(env: Record<string, string>, command: ServiceCommand = sourceServer): Promise<ServiceChild> {
  const { DATABASE_URL: _d, REDIS_URL: _r, SMTP_URL: _s, QUEUE_PREFIX: _q, ...inherited } = process.env;
  const port = await freePort();
  const child = spawn(process.execPath, command.args, {
    cwd: command.cwd,
    env: { ...(command.baseEnv ?? inherited), HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', MAX_EVENT_LOOP_DELAY_MS: '60000', WRITES_PER_MINUTE: '100000', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Never outlive the test process, even when a hook times out before its afterAll.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const lines: string[] = [];
  const exited = once(child, 'close').then(([code, signal]) => {
    // CHAOS_LOG_DIR=dir keeps each service's whole log, for a failure in CI.
    process.removeListener('exit', killOnExit);
    if (process.env.CHAOS_LOG_DIR) writeFileSync(path.join(process.env.CHAOS_LOG_DIR, `service-${port}-${child.pid}.log`), lines.join('\n'));
    return { code: code as number | null, signal: signal as NodeJS.Signals | null };
  });
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(`stderr: ${line}`));
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line);
      if (line.includes(`"msg":"${command.readyMessage}"`)) resolve();
    });
    void exited.then(({ code }) => reject(new Error(`service exited with ${code} before it was ready:\n${lines.slice(-20).join('\n')}`)));
  });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await ready;
  } finally {
    clearTimeout(timeout);
  }
  return {
    child,
    baseUrl: `http://127.0.0.1:${port}`,
    lines,
    records: () =>
      lines.flatMap((line) => {
        if (!line.startsWith('{')) return [];
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return [];
        }
      }),
    exited,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Deletes every key under a BullMQ prefix on a Redis others share (never FLUSHALL). */
export async function removeQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const client = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
  } finally {
    client.disconnect();
  }
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
