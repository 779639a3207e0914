/**
 * Fault test: the service (a real `src/server.ts` child, API and worker) gets SIGTERM while a
 * burst of draft saves and reads is in flight, and while one draft's body is still arriving.
 * Every request the server had started must complete with 2xx (a saved draft must be in the
 * database); requests it had not started may only be turned away (connection refused or reset,
 * or Fastify's 503 while closing); the process must exit 0 within close-with-grace's 10 s.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesFor, issueTokens, refusesConnections, send, slowRequest, waitUntil, type Answer } from '../helpers/chaos-service.js';
import { removeQueueKeys, startServiceChild, type ServiceChild } from '../helpers/service-process.js';
import { startPrivateRedis } from '../helpers/chaos-redis.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const SHARED_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PLAN = 'hazchem-2017';
const GRACE_MS = 10_000; // src/server.ts: closeWithGrace({ delay: 10_000 })
const READS = 200;
const UNITS = ['huangpu-district', 'xuhui-district', 'changning-district', 'jingan-district', 'putuo-district', 'work-safety', 'transport', 'public-security'];
const PERIODS = ['2017Q3', '2017Q4', '2018Q1'];
const SLOW = { unit: 'jinshan-district', period: '2017Q3' };

interface Sent {
  id: string;
  kind: 'read' | 'save';
  unit?: string;
  period?: string;
  entries?: unknown[];
  answer: Answer;
}

let database: TestDatabase;
let service: ServiceChild;
const prefix = `chaos-term-${randomBytes(4).toString('hex')}`;
const tokens = new Map<string, string>();

beforeAll(async () => {
  database = await createTestDatabase();
  service = await startServiceChild({ DATABASE_URL: database.url, REDIS_URL: SHARED_REDIS, QUEUE_PREFIX: prefix });
  const units = [...UNITS, SLOW.unit];
  const issued = await issueTokens(database.url, units.map((department) => ({ role: 'department', department })));
  units.forEach((unit, index) => tokens.set(unit, issued[index]!));
}, 120_000);

afterAll(async () => {
  await service?.stop('SIGKILL');
  try {
    await database?.drop();
  } finally {
    await removeQueueKeys(SHARED_REDIS, prefix);
  }
}, 60_000);

const reportUrl = (unit: string, period: string) => `${service.baseUrl}/v1/plans/${PLAN}/periods/${period}/reports/${unit}`;
const saveInit = (unit: string) => ({ method: 'PUT', headers: { authorization: `Bearer ${tokens.get(unit)}`, 'content-type': 'application/json' } });

async function storedReport(unit: string, period: string) {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const sql = 'select r.status, r.version, r.entries from reports r join plans p on p.id = r.plan_id where p.code = $1 and r.period_id = $2 and r.department_code = $3';
    return (await client.query(sql, [PLAN, period, unit])).rows;
  } finally {
    await client.end();
  }
}

describe('when the service gets SIGTERM under load', () => {
  const sent: Sent[] = [];
  const slow = { id: `slow-${randomUUID()}`, entries: [] as unknown[], answer: undefined as Answer | undefined };
  let exit: { code: number | null; signal: NodeJS.Signals | null };
  let exitMs = 0;
  /** Our request ids, as the server logged them: started / completed, before the signal or at all. */
  const log = { started: new Set<string>(), completed: new Set<string>(), startedBeforeSignal: new Set<string>(), completedBeforeSignal: new Set<string>() };

  it('is signalled while a burst and a half-sent draft are in flight, then exits', async () => {
    const tasks = new Map<string, Array<{ measureNo: number; taskSeq: number; required: boolean }>>();
    for (const unit of [...UNITS, SLOW.unit]) {
      const read = await send(reportUrl(unit, '2017Q3'), { headers: { authorization: `Bearer ${tokens.get(unit)}` } });
      tasks.set(unit, (read as { body: { tasks: [] } }).body.tasks);
    }
    const logged = (msg: string, id: string) => service.records().some((record) => record.msg === msg && record.reqId === id);

    // A draft whose body is half sent: the server has started it and waits for the rest.
    slow.entries = entriesFor(tasks.get(SLOW.unit)!, '停机时仍在上传');
    const body = JSON.stringify({ entries: slow.entries });
    const upload = slowRequest(reportUrl(SLOW.unit, SLOW.period), { ...saveInit(SLOW.unit), headers: { ...saveInit(SLOW.unit).headers, 'x-request-id': slow.id } });
    upload.write(body.slice(0, 20));
    await waitUntil(() => logged('incoming request', slow.id), 'the server to start the slow draft');

    const request = (item: Omit<Sent, 'answer'>, url: string, init: RequestInit) =>
      send(url, { ...init, headers: { ...init.headers, 'x-request-id': item.id } }, 15_000).then((answer) => sent.push({ ...item, answer }));
    const burst: Array<Promise<unknown>> = [];
    for (const period of PERIODS) {
      for (const unit of UNITS) {
        const entries = entriesFor(tasks.get(unit)!, `${period} 停机演练`);
        burst.push(request({ id: `save-${randomUUID()}`, kind: 'save', unit, period, entries }, reportUrl(unit, period), { ...saveInit(unit), body: JSON.stringify({ entries }) }));
      }
    }
    for (let index = 0; index < READS; index += 1) burst.push(request({ id: `read-${randomUUID()}`, kind: 'read' }, `${service.baseUrl}/v1/plans/${PLAN}/measures`, {}));
    const started = (kind: string) => service.records().filter((record) => record.msg === 'incoming request' && String(record.reqId).startsWith(`${kind}-`)).length;
    await waitUntil(() => started('save') === UNITS.length * PERIODS.length && started('read') >= 20, 'the server to start the saves and some reads', 20_000, 5);

    const signalledAt = Date.now();
    service.child.kill('SIGTERM');
    // Once the port refuses connections the server is closing; only then does the rest of the body arrive.
    await waitUntil(() => refusesConnections(Number(new URL(service.baseUrl).port)), 'the server to stop listening', GRACE_MS, 5);
    upload.write(body.slice(20));
    upload.end();
    exit = await service.exited;
    exitMs = Date.now() - signalledAt;
    slow.answer = await upload.answer;
    await Promise.all(burst);

    let signalSeen = false;
    for (const record of service.records()) {
      if (record.msg === 'shutting down') signalSeen = true;
      const id = String(record.reqId);
      if (record.msg === 'incoming request') (signalSeen ? log.started : log.startedBeforeSignal).add(id);
      if (record.msg === 'request completed') (signalSeen ? log.completed : log.completedBeforeSignal).add(id);
    }
    log.startedBeforeSignal.forEach((id) => log.started.add(id));
    log.completedBeforeSignal.forEach((id) => log.completed.add(id));
    expect(signalSeen, 'the service logged "shutting down"').toBe(true);
    expect(log.startedBeforeSignal.has(slow.id) && !log.completedBeforeSignal.has(slow.id), 'the slow draft was in flight at the signal').toBe(true);
  }, 60_000);

  it('completes the draft whose body was still arriving when the signal came, and keeps it', async () => {
    expect(slow.answer).toMatchObject({ kind: 'response', status: 200, body: { status: 'draft', version: 1 } });
    expect(await storedReport(SLOW.unit, SLOW.period)).toEqual([{ status: 'draft', version: 1, entries: slow.entries }]);
  });

  it('completes every request of the burst it had started with 2xx', () => {
    const started = sent.filter((item) => log.started.has(item.id));
    const failed = started.filter((item) => item.answer.kind !== 'response' || item.answer.status >= 300);
    expect(failed.map((item) => `${item.kind} ${item.id}: ${item.answer.kind === 'response' ? `${item.answer.status} ${item.answer.text.slice(0, 200)}` : item.answer.message}`)).toEqual([]);
    expect(started.length).toBeGreaterThanOrEqual(20);
    expect([...log.started].filter((id) => !log.completed.has(id))).toEqual([]);
    expect(service.records().filter((record) => record.msg === 'request failed' || record.msg === 'request errored')).toEqual([]);
  });

  it('turns away only the requests it had not started: refused, reset or 503 while closing, never half-answered', () => {
    expect(sent).toHaveLength(READS + UNITS.length * PERIODS.length);
    const notStarted = sent.filter((item) => !log.started.has(item.id));
    const turnedAway = (answer: Answer) =>
      answer.kind === 'refused' || answer.kind === 'network' || (answer.kind === 'response' && answer.status === 503 && answer.headers.get('connection') === 'close');
    expect(notStarted.filter((item) => !turnedAway(item.answer)).map((item) => `${item.id}: ${JSON.stringify(item.answer)}`)).toEqual([]);
  });

  it('keeps every draft of the burst (all were started before the signal, so all were acknowledged)', async () => {
    const saved = sent.filter((item) => item.kind === 'save' && item.answer.kind === 'response' && item.answer.status === 200);
    expect(saved).toHaveLength(UNITS.length * PERIODS.length);
    for (const item of saved) {
      const acked = (item.answer as { body: { version: number } }).body;
      expect(await storedReport(item.unit!, item.period!), `${item.unit} ${item.period}`).toEqual([{ status: 'draft', version: acked.version, entries: item.entries }]);
    }
  });

  it('exits with code 0 within the grace period', () => {
    expect(exit, service.lines.filter((line) => line.startsWith('stderr')).join('\n')).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(GRACE_MS);
  });
});

describe('when the service gets SIGTERM while Redis is down', () => {
  it('still exits with code 0 within the grace period', async () => {
    const redis = await startPrivateRedis();
    const child = await startServiceChild({ DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: `${prefix}-down` });
    try {
      await redis.kill();
      const from = child.lines.length;
      await waitUntil(() => child.lines.slice(from).some((line) => line.includes('"msg":"reminder worker error"')), 'the worker to notice that Redis is gone');
      const signalledAt = Date.now();
      expect(await child.stop('SIGTERM'), child.lines.filter((line) => line.startsWith('stderr: killed')).join('\n')).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(GRACE_MS);
    } finally {
      await child.stop('SIGKILL');
      await redis.kill();
    }
  }, 60_000);
});
