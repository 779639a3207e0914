import { freePort } from '../../src/redis.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { openDatabase } from '../../src/db/client.js';
import { narrative } from './fixtures.js';
import { systemActor } from '../../src/modules/audit/audit.service.js';
import { createToken, type TokenRole } from '../../src/modules/tokens/tokens.service.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** A TCP port nobody listens on right now (the kernel's pick). */
export { freePort };

/** Waits until `condition` holds, polling every `everyMs`; fails after `timeoutMs` naming `what`. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

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

export type Answer =
  | { kind: 'response'; status: number; headers: Headers; body: unknown; text: string; ms: number }
  | { kind: 'timeout' | 'refused' | 'network'; message: string; ms: number };

/**
 * One HTTP request over a real socket, never hanging: after `timeoutMs` it is abandoned and
 * reported as a timeout. Connection refusals are told apart from other network failures.
 */
export async function send(url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<Answer> {
  const started = Date.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { kind: 'response', status: response.status, headers: response.headers, body, text, ms: Date.now() - started };
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    const ms = Date.now() - started;
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { kind: 'timeout', message: err.message, ms };
    const code = err.cause?.code ?? '';
    return { kind: code === 'ECONNREFUSED' ? 'refused' : 'network', message: `${err.message}: ${code} ${err.cause?.message ?? ''}`.trim(), ms };
  }
}

/** Builds a draft's entries: one for each row the unit must report on. */
export function entriesFor(tasks: Array<{ measureNo: number; taskSeq: number; required: boolean }>, note: string) {
  return tasks
    .filter((task) => task.required)
    .map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress' as const, progress: 50, summary: `措施${task.measureNo}第${task.taskSeq}项:${note}` }));
}

/** A draft's body for a period: the entries, and for the 总结报告 its 正文 (submitting needs all four sections). */
export function draftFor(period: string, tasks: Array<{ measureNo: number; taskSeq: number; required: boolean }>, note: string) {
  return { entries: entriesFor(tasks, note), ...(period === 'summary' ? { narrative: narrative(note) } : {}) };
}

/** Issues bearer tokens straight in the service's database, as `npm run cli -- token create` does. */
export async function issueTokens(databaseUrl: string, requests: Array<{ role: TokenRole; department?: string }>): Promise<string[]> {
  const database = await openDatabase({ databaseUrl, dataDir: '', poolMax: 2 });
  try {
    const tokens: string[] = [];
    for (const { role, department } of requests) {
      const created = await createToken(database.db, systemActor, new Date(), { role, departmentCode: department ?? null, label: `chaos ${role}` }, () => true);
      tokens.push(created.token);
    }
    return tokens;
  } finally {
    await database.close();
  }
}

/** A request whose body the test sends piece by piece, so that it stays in flight as long as the test wants. */
export function slowRequest(url: string, init: RequestInit, timeoutMs = 20_000): { answer: Promise<Answer>; write(text: string): void; end(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (started) => void (controller = started) });
  const answer = send(url, { ...init, body, duplex: 'half' } as RequestInit, timeoutMs);
  return { answer, write: (text) => controller.enqueue(new TextEncoder().encode(text)), end: () => controller.close() };
}

/** Whether a new TCP connection to `port` is refused (nothing listens there any more). */
export function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
