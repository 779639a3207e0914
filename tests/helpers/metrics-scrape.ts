import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { expect } from 'vitest';
import { buildApp, type App, type AppConfig } from '../../src/app.js';
import type { TestClock } from './clock.js';
import { watchContract } from './contract-check.js';
import type { TestDatabase } from './database.js';
import { testConfig } from './test-app.js';
import { bearer } from './tokens.js';

// Reading GET /metrics in tests (docs/metrics.md): the metrics token, the exposition's samples,
// and a report submitted through the API so that the figures move.

export const TOKEN = `metrics-${randomBytes(12).toString('hex')}`;
export const PLAN = 'hazchem-2017';

export type Labels = Record<string, string>;
export interface Sample {
  name: string;
  labels: Labels;
  value: number;
}

/** The samples of a text exposition (comments skipped). */
export function parse(exposition: string): Sample[] {
  return exposition
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not an exposition line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]));
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with exactly these labels, or undefined. */
export function valueOf(samples: Sample[], name: string, labels: Labels = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return samples.find((sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted)?.value;
}

/** GET /metrics with the token; it must answer 200. */
export async function scrapeMetrics(app: App, token = TOKEN) {
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
  expect(response.statusCode, response.body).toBe(200);
  return { text: response.body, samples: parse(response.body) };
}

const reportUrl = (period: string, unit: string) => `/v1/plans/${PLAN}/periods/${period}/reports/${unit}`;

/** A unit fills every required row of its report and submits it, through the API. */
export async function submitReport(app: App, period: string, unit: string) {
  const headers = await bearer(app, 'department', unit);
  const read = await app.inject({ method: 'GET', url: reportUrl(period, unit), headers });
  expect(read.statusCode).toBe(200);
  const tasks = read.json<{ tasks: { measureNo: number; taskSeq: number; required: boolean }[] }>().tasks.filter((task) => task.required);
  const entries = tasks.map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 50, summary: `措施${task.measureNo}第${task.taskSeq}项:本季度推进情况。` }));
  const saved = await app.inject({ method: 'PUT', url: reportUrl(period, unit), headers, payload: { entries } });
  expect(saved.statusCode, saved.body).toBe(200);
  const submitted = await app.inject({ method: 'POST', url: `${reportUrl(period, unit)}/submit`, headers });
  expect(submitted.statusCode, submitted.body).toBe(200);
}

/** Another app on the test file's database, with its own config; closed (and contract-checked) after `run`. */
export async function withApp(database: TestDatabase, clock: TestClock, config: Partial<AppConfig>, deps: { queue?: Queue }, run: (app: App) => Promise<void>) {
  const app = await buildApp({ ...testConfig, ...config }, { database: await database.open(), clock, ...deps });
  const violations = watchContract(app);
  await app.ready();
  try {
    await run(app);
  } finally {
    await app.close();
  }
  expect(violations(), 'responses that break openapi/openapi.json').toEqual([]);
}
