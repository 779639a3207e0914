/**
 * Fault test: the database goes away and comes back while units save and submit their reports.
 * The service (a real `src/server.ts` child on a private Postgres cluster) must answer every
 * request, turn the outage into 503 problem+json with Retry-After (never 500), recover by itself,
 * and keep every write it acknowledged.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrivatePostgres, type PrivatePostgres } from '../helpers/chaos-postgres.js';
import { draftFor, issueTokens, send, waitUntil, type Answer } from '../helpers/chaos-service.js';
import { removeQueueKeys, startServiceChild, type ServiceChild } from '../helpers/service-process.js';

const SHARED_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PLAN = 'hazchem-2017';
const DISTRICTS = ['huangpu', 'xuhui', 'changning', 'jingan', 'putuo', 'hongkou', 'yangpu', 'minhang', 'baoshan', 'jiading', 'pudong', 'jinshan', 'songjiang', 'qingpu', 'fengxian', 'chongming'];
/** Each unit submits its own reports, one period after the other, so no two writes conflict. */
const UNITS = [...DISTRICTS.map((slug) => `${slug}-district`), 'work-safety', 'transport', 'public-security', 'environmental-protection'];
const REQUEST_TIMEOUT_MS = 10_000;
const ENOUGH = 8;

type Step = 'save' | 'submit';
interface Write {
  unit: string;
  period: string;
  step: Step;
  sentAt: number;
  answeredAt: number;
  answer: Answer;
  entries: unknown[];
}

let cluster: PrivatePostgres;
let service: ServiceChild;
const prefix = `chaos-pg-${randomBytes(4).toString('hex')}`;
const tokens = new Map<string, string>();

beforeAll(async () => {
  cluster = await createPrivatePostgres();
  await cluster.query('create database hazchem');
  // The service migrates and seeds the empty database on start; a small pool keeps every connection busy.
  service = await startServiceChild({ DATABASE_URL: cluster.url('hazchem'), DATABASE_POOL_MAX: '3', REDIS_URL: SHARED_REDIS, QUEUE_PREFIX: prefix });
  const issued = await issueTokens(cluster.url('hazchem'), UNITS.map((department) => ({ role: 'department', department })));
  UNITS.forEach((unit, index) => tokens.set(unit, issued[index]!));
}, 120_000);

afterAll(async () => {
  await service?.stop('SIGKILL');
  try {
    await cluster?.drop();
  } finally {
    await removeQueueKeys(SHARED_REDIS, prefix);
  }
}, 60_000);

const reportUrl = (unit: string, period: string) => `${service.baseUrl}/v1/plans/${PLAN}/periods/${period}/reports/${unit}`;
const auth = (unit: string) => ({ authorization: `Bearer ${tokens.get(unit)}` });
const isStatus = (answer: Answer, status: number) => answer.kind === 'response' && answer.status === status;

describe('when Postgres restarts in the middle of a stream of submissions', () => {
  const writes: Write[] = [];
  /** Submissions answered 503, found submitted when their retry was refused with 409. */
  const appliedDespite503: Write[] = [];
  let stopping = false;
  let downFrom = Number.POSITIVE_INFINITY; // the stop command has returned: nothing listens on the cluster's port
  let downUntil = Number.POSITIVE_INFINITY; // the start command is issued
  const serviceDied = () => service.child.exitCode !== null || service.child.signalCode !== null;

  /** Sends one step until acknowledged; a 503 is retried shortly, as its Retry-After invites. Returns the last attempt. */
  async function untilAcknowledged(step: Omit<Write, 'sentAt' | 'answeredAt' | 'answer'>, request: () => Promise<Answer>): Promise<Write> {
    for (;;) {
      const sentAt = Date.now();
      const answer = await request();
      const write = { ...step, sentAt, answeredAt: Date.now(), answer };
      writes.push(write);
      if (!isStatus(answer, 503) || stopping) return write;
      await new Promise((resolve) => setTimeout(resolve, 100)); // client back-off, not synchronisation
    }
  }

  async function unitStream(unit: string, periods: string[], tasks: Array<{ measureNo: number; taskSeq: number; required: boolean }>) {
    for (const period of periods) {
      if (stopping) return;
      const draft = draftFor(period, tasks, `${period} 本季度推进情况(${unit})`);
      const { entries } = draft;
      const put = { method: 'PUT', headers: { ...auth(unit), 'content-type': 'application/json' }, body: JSON.stringify(draft) };
      const saved = await untilAcknowledged({ unit, period, step: 'save', entries }, () => send(reportUrl(unit, period), put, REQUEST_TIMEOUT_MS));
      if (!isStatus(saved.answer, 200)) return;
      const post = { method: 'POST', headers: { ...auth(unit), 'idempotency-key': `submit-${unit}-${period}-${prefix}` } };
      const submitted = await untilAcknowledged({ unit, period, step: 'submit', entries }, () => send(`${reportUrl(unit, period)}/submit`, post, REQUEST_TIMEOUT_MS));
      if (isStatus(submitted.answer, 200)) continue;
      // 409 to the retry of a submission answered 503: was the first attempt applied after all?
      const report = await send(reportUrl(unit, period), { headers: auth(unit) }, REQUEST_TIMEOUT_MS);
      const after503 = writes.some((write) => write !== submitted && write.unit === unit && write.period === period && write.step === 'submit' && isStatus(write.answer, 503));
      if (!after503 || !isStatus(submitted.answer, 409) || !isStatus(report, 200) || (report as { body: { status: string } }).body.status !== 'submitted') return;
      appliedDespite503.push(submitted);
    }
  }

  const acknowledged = (step: Step, sentFrom = 0) => writes.filter((write) => write.step === step && write.sentAt >= sentFrom && isStatus(write.answer, 200));

  it('streams saves and submissions from 20 units through a Postgres stop and start', async () => {
    const read = await send(`${service.baseUrl}/v1/plans/${PLAN}/periods`, { headers: auth(UNITS[0]!) });
    const periods = (read as { body: { items: Array<{ id: string }> } }).body.items.map((period) => period.id);
    const tasksOf = async (unit: string) => ((await send(reportUrl(unit, periods[0]!), { headers: auth(unit) })) as { body: { tasks: [] } }).body.tasks;
    const tasks = await Promise.all(UNITS.map(tasksOf));
    expect(periods.length).toBeGreaterThanOrEqual(10);

    const streaming = new Set(UNITS);
    const stream = Promise.all(UNITS.map((unit, index) => unitStream(unit, periods, tasks[index]!).finally(() => streaming.delete(unit))));
    try {
      await waitUntil(() => acknowledged('submit').length >= ENOUGH, 'acknowledged submissions before the outage', 20_000, 10);
      await cluster.stop();
      downFrom = Date.now();
      const sawOutage = () => [...streaming].every((unit) => writes.some((write) => write.unit === unit && write.sentAt >= downFrom));
      await waitUntil(() => serviceDied() || sawOutage(), 'an answer to every unit while Postgres is down', 15_000, 10);
      downUntil = Date.now();
      await cluster.start();
      await waitUntil(() => serviceDied() || acknowledged('submit', downUntil).length >= ENOUGH, 'acknowledged submissions after the restart', 30_000, 10);
    } finally {
      stopping = true;
      await stream;
    }
    expect(acknowledged('submit', 0).filter((write) => write.answeredAt < downFrom).length).toBeGreaterThanOrEqual(ENOUGH);
  }, 90_000);

  it('never answers 500: every refusal is 503 problem+json with Retry-After', () => {
    const responses = writes.flatMap((write) => (write.answer.kind === 'response' ? [{ write, answer: write.answer }] : []));
    const show = ({ write, answer }: (typeof responses)[number]) =>
      `${write.step} ${write.unit} ${write.period}: ${answer.status} ${answer.headers.get('content-type')} retry-after=${answer.headers.get('retry-after')} ${answer.text.slice(0, 300)}`;
    const idempotentRetryConflicts = new Set(appliedDespite503);
    expect(responses.filter(({ write, answer }) => ![200, 503].includes(answer.status) && !idempotentRetryConflicts.has(write)).map(show)).toEqual([]);
    // Fastify's own 503 (plain JSON, Connection: close) comes from a server that is closing, which
    // happens here only after a crash; the next test reports that.
    const closing = (answer: (typeof responses)[number]['answer']) => answer.headers.get('connection') === 'close' && answer.headers.get('content-type') === 'application/json';
    const malformed = responses.filter(({ answer }) => {
      if (answer.status !== 503 || (serviceDied() && closing(answer))) return false;
      const problem = answer.body as { status?: number; code?: string };
      return !/^application\/problem\+json/.test(answer.headers.get('content-type') ?? '') || !(Number(answer.headers.get('retry-after')) > 0) || problem.status !== 503 || problem.code !== 'SERVICE_UNAVAILABLE';
    });
    expect(malformed.map(show)).toEqual([]);
    expect(service.records().filter((record) => record.msg === 'request failed')).toEqual([]);
  });

  it('stays up and answers every request, those sent while Postgres is down with a quick 503', () => {
    expect(serviceDied(), service.lines.filter((line) => line.includes('"level":50') || line.startsWith('stderr')).join('\n')).toBe(false);
    const unanswered = writes.filter((write) => write.answer.kind !== 'response');
    expect(unanswered.map((write) => `${write.step} ${write.unit} ${write.period}: ${write.answer.kind} after ${write.answer.ms} ms`)).toEqual([]);
    const whileDown = writes.filter((write) => write.sentAt >= downFrom && write.answeredAt <= downUntil);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.filter((write) => !isStatus(write.answer, 503))).toEqual([]);
    expect(Math.max(...whileDown.map((write) => write.answer.ms))).toBeLessThan(REQUEST_TIMEOUT_MS);
  });

  it('recovers by itself: saves and submissions succeed again once Postgres is back', () => {
    expect(serviceDied()).toBe(false);
    expect(acknowledged('save', downUntil).length).toBeGreaterThan(0);
    expect(acknowledged('submit', downUntil).length).toBeGreaterThanOrEqual(ENOUGH);
  });

  it('keeps every acknowledged save and submission, with its row in the history', async () => {
    const reports = await cluster.query<{ id: number; department_code: string; period_id: string; status: string; version: number; entries: unknown[] }>(
      'select r.id, r.department_code, r.period_id, r.status, r.version, r.entries from reports r join plans p on p.id = r.plan_id where p.code = $1',
      [PLAN],
      'hazchem',
    );
    const versions = await cluster.query<{ report_id: number; version: number; action: string; status: string; entries: unknown[] }>(
      'select report_id, version, action, status, entries from report_versions order by report_id, version',
      [],
      'hazchem',
    );
    const acks = [...acknowledged('save'), ...acknowledged('submit')];
    expect(acks.length).toBeGreaterThanOrEqual(2 * ENOUGH);
    for (const write of acks) {
      const acked = (write.answer as { body: { version: number; status: string } }).body;
      const where = `${write.step} of ${write.unit} ${write.period} (v${acked.version})`;
      const report = reports.find((row) => row.department_code === write.unit && row.period_id === write.period);
      expect(report, where).toBeDefined();
      const history = versions.filter((row) => row.report_id === report!.id);
      expect(history.find((row) => row.version === acked.version), where).toMatchObject({ action: write.step, status: acked.status, entries: write.entries });
      // No hole below it: versions 1..v are all there.
      expect(history.map((row) => row.version).slice(0, acked.version), where).toEqual(Array.from({ length: acked.version }, (_, index) => index + 1));
      if (write.step === 'submit') expect(report, where).toMatchObject({ status: 'submitted', version: acked.version, entries: write.entries });
    }
  });

  it('a submission answered 503 was not applied, or its retry with the same Idempotency-Key replays the success', () => {
    expect(appliedDespite503.map((write) => `${write.unit} ${write.period}: answered 503, applied, retry answered 409`)).toEqual([]);
  });
});
