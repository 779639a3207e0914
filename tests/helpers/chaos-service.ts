import { connect } from 'node:net';
import { openDatabase } from '../../src/db/client.js';
import { narrative } from './fixtures.js';
import { systemActor } from '../../src/modules/audit/audit.service.js';
import { createToken, type TokenRole } from '../../src/modules/tokens/tokens.service.js';

// What tests do with a service process over real sockets; tests/helpers/service-process.ts starts it.

/** Waits until `condition` holds, polling every `everyMs`; fails after `timeoutMs` naming `what`. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
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
