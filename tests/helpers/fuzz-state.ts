/**
 * State that lets fuzzed requests reach deeper handler code: submitted reports (so accept,
 * return and edits of submitted reports do more than answer 409), and a dictionary learned from
 * successful responses (codes, ids, feed tokens), so later operations address rows that exist.
 */
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import type { ValueContext } from './fuzz-values.js';

const PLAN = 'hazchem-2017';
const DEPARTMENT = 'work-safety';

/** Drafts and submits work-safety's report, with every required row, for the first `count` quarters. */
export async function submitReports(app: App, headers: Record<string, string>, count = 3): Promise<void> {
  const periods = await app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods`, headers });
  expect(periods.statusCode, periods.body).toBe(200);
  const quarters = (periods.json().items as { id: string; kind: string }[]).filter((period) => period.kind === 'quarterly').slice(0, count);
  for (const { id } of quarters) {
    const url = `/v1/plans/${PLAN}/periods/${id}/reports/${DEPARTMENT}`;
    const report = await app.inject({ method: 'GET', url, headers });
    const entries = (report.json().tasks as { measureNo: number; taskSeq: number; required: boolean }[])
      .filter((task) => task.required)
      .map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 30, summary: '已开展危险化学品安全综合治理。' }));
    const saved = await app.inject({ method: 'PUT', url, headers, payload: { entries } });
    expect(saved.statusCode, saved.body).toBe(200);
    const submitted = await app.inject({ method: 'POST', url: `${url}/submit`, headers });
    expect(submitted.statusCode, submitted.body).toBe(200);
  }
}

const MAX_PER_NAME = 30;
const MAX_LENGTH = 200;

/**
 * Adds the scalar values of a JSON response to the dictionary, by property name, and the query
 * parameters of URLs it contains (the calendar feed's `token`). `protect` values (the suite's own
 * token ids) are never learned, so fuzzing DELETE /v1/tokens/{id} cannot revoke them.
 */
export function learnFrom(body: unknown, ctx: ValueContext, protect: ReadonlySet<string>): void {
  const add = (name: string, value: unknown) => {
    if ((typeof value !== 'string' && typeof value !== 'number') || protect.has(String(value))) return;
    if (typeof value === 'string' && (value.length === 0 || value.length > MAX_LENGTH)) return;
    const known = ctx.examples.get(name) ?? [];
    if (known.length >= MAX_PER_NAME || known.includes(value)) return;
    ctx.examples.set(name, [...known, value]);
    if (!ctx.allExamples.includes(value)) ctx.allExamples.push(value);
  };
  const walk = (node: unknown, name: string | undefined, depth: number): void => {
    if (depth > 8) return;
    if (Array.isArray(node)) node.slice(0, 50).forEach((item) => walk(item, name, depth + 1));
    else if (node && typeof node === 'object') Object.entries(node).forEach(([key, value]) => walk(value, key, depth + 1));
    else if (name) {
      add(name, node);
      if (typeof node === 'string' && /^https?:\/\/.+\?/.test(node)) new URL(node).searchParams.forEach((value, key) => add(key, value));
    }
  };
  walk(body, undefined, 0);
}
