import http from 'node:http';
import autocannon from 'autocannon';
import { sizes } from './config.js';

export interface LoadResult {
  name: string;
  /** Completed requests per second over the measured run. */
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  bytesPerRequest: number;
  note?: string;
}

export interface CannonOptions {
  headers?: Record<string, string>;
  /** Seconds autocannon waits for one response (slow endpoints need more than the default 10). */
  timeout?: number;
  connections?: number;
}

/** A warm-up run, then the measured run, with the same connections against 127.0.0.1. */
export async function cannon(name: string, url: string, options: CannonOptions = {}): Promise<LoadResult> {
  const common = { url, connections: options.connections ?? sizes.connections, timeout: options.timeout ?? 60, headers: options.headers ?? {} };
  await autocannon({ ...common, duration: sizes.warmupSeconds });
  const result = await autocannon({ ...common, duration: sizes.durationSeconds });
  const completed = result['2xx'] + result.non2xx;
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count]));
  return {
    name,
    rps: completed / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    requests: completed,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    bytesPerRequest: completed > 0 ? Math.round(result.throughput.total / completed) : 0,
  };
}

export const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

export function latencyStats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), mean, count: sorted.length };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over a keep-alive connection; the body is read whole. */
export function send(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, baseUrl), { method, agent, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

export interface Submission {
  path: string;
  token: string;
  body: string;
  /** Idempotency-Key of the submission, as a client that may retry sends it. */
  key: string;
}

export interface WriteResult {
  submissionsPerSecond: number;
  p50: number;
  p99: number;
  mean: number;
  completed: number;
  failed: number;
  seconds: number;
  exhausted: boolean;
  firstErrors: string[];
}

/**
 * Distinct (unit, period) reports, each saved and submitted in one request (POST .../submit with
 * the entries, and an Idempotency-Key) by `workers` concurrent loops over keep-alive connections
 * until `seconds` have passed or the pairs run out. A submission counts when it answered 200.
 */
export async function runSubmissions(baseUrl: string, queue: Submission[], workers: number, seconds: number): Promise<WriteResult> {
  const latencies: number[] = [];
  const firstErrors: string[] = [];
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const fail = (what: string) => {
    failed += 1;
    if (firstErrors.length < 5) firstErrors.push(what.slice(0, 300));
  };
  const worker = async () => {
    for (let item = queue.shift(); item; item = performance.now() < deadline ? queue.shift() : undefined) {
      const authorization = `Bearer ${item.token}`;
      const begin = performance.now();
      try {
        const submitted = await send(baseUrl, 'POST', `${item.path}/submit`, { authorization, 'idempotency-key': item.key }, item.body);
        if (submitted.status !== 200) {
          fail(`POST ${item.path}/submit: ${submitted.status} ${submitted.body}`);
          continue;
        }
        latencies.push(performance.now() - begin);
      } catch (error) {
        fail(`${item.path}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return writeResult({ latencies, failed, started, seconds, queueLeft: queue.length, firstErrors });
}

/** What a run of submissions measured: its rate over the time it really ran (it stops early when the queue runs out). */
export function writeResult(run: { latencies: number[]; failed: number; started: number; seconds: number; queueLeft: number; firstErrors: string[] }): WriteResult {
  const elapsed = (performance.now() - run.started) / 1000;
  const stats = latencyStats(run.latencies);
  return {
    submissionsPerSecond: run.latencies.length / elapsed,
    p50: stats.p50,
    p99: stats.p99,
    mean: stats.mean,
    completed: run.latencies.length,
    failed: run.failed,
    seconds: elapsed,
    exhausted: run.queueLeft === 0 && elapsed < run.seconds,
    firstErrors: run.firstErrors,
  };
}
