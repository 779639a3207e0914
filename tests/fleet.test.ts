/**
 * The production shape on one machine: two API processes (`src/server.ts --no-worker`) and two
 * reminder workers (`src/worker.ts`), real child processes, over one fresh Postgres database and
 * the shared Redis under one queue prefix. What one process (or the CLI, or plain SQL) changes,
 * the others serve without a restart; what they count, they count together.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_CLIENT_NAME, openDatabase, type DatabaseHandle } from '../src/db/client.js';
import { createLogger } from '../src/logging.js';
import { planReminders } from '../src/modules/reminders/planner.js';
import { createReminderScheduler } from '../src/modules/reminders/scheduler.js';
import { systemClock } from '../src/plugins/clock.js';
import { createReminderQueue } from '../src/reminder-runtime.js';
import { entriesFor, issueTokens, send, waitUntil, type Answer } from './helpers/chaos-service.js';
import { testClock } from './helpers/clock.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { PLAN_START, REGISTERED_UNITS, expectEveryDueReminderExactlyOnce, officerEmail, untilSettled } from './helpers/exactly-once.js';
import { startHoldingSmtpSink, type HoldingSmtpSink } from './helpers/holding-smtp-sink.js';
import { OFFICE_EMAIL, PUBLIC_BASE_URL } from './helpers/reminder-harness.js';
import { removeQueueKeys, runCli, sourceApi, sourceWorker, startServiceChild, type ServiceChild } from './helpers/service-process.js';

const SHARED_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PLAN = 'hazchem-2017';
const AUTH_FAILURES_PER_MINUTE = 4;
const LOAD_UNITS = ['huangpu-district', 'xuhui-district', 'changning-district', 'jingan-district', 'putuo-district', 'transport'];
const LOAD_PERIODS = ['2017Q3', '2017Q4', '2018Q1'];
const WRITES_PER_CHAIN = 6;
const WORKER_CONCURRENCY = 4;
const REMINDER_PERIODS = ['2017Q3', '2017Q4', '2018Q1'];

let database: TestDatabase;
let sql: pg.Client;
let mail: HoldingSmtpSink;
let a: ServiceChild;
let b: ServiceChild;
const workers: ServiceChild[] = [];
const prefix = `fleet-${randomBytes(4).toString('hex')}`;
const tokens = new Map<string, string>();

beforeAll(async () => {
  database = await createTestDatabase();
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  mail = await startHoldingSmtpSink();
  const common = { DATABASE_URL: database.url, REDIS_URL: SHARED_REDIS, QUEUE_PREFIX: prefix, OFFICE_EMAIL, PUBLIC_BASE_URL };
  const api = { ...common, MIGRATE_ON_START: 'false', AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES_PER_MINUTE) };
  // WORKER_CONCURRENCY jobs at a time each: more messages held at the SMTP sink than that means both workers are busy.
  const worker = { ...common, SMTP_URL: mail.url, WORKER_CONCURRENCY: String(WORKER_CONCURRENCY) };
  [a, b] = await Promise.all([startServiceChild(api, sourceApi), startServiceChild(api, sourceApi)]);
  workers.push(...(await Promise.all([startServiceChild(worker, sourceWorker), startServiceChild(worker, sourceWorker)])));
  const units = [...new Set([...LOAD_UNITS, ...REGISTERED_UNITS, 'jinshan-district'])];
  const issued = await issueTokens(database.url, [{ role: 'admin' }, { role: 'office' }, ...units.map((department) => ({ role: 'department' as const, department }))]);
  tokens.set('admin', issued[0]!);
  tokens.set('office', issued[1]!);
  units.forEach((unit, index) => tokens.set(unit, issued[index + 2]!));
}, 180_000);

afterAll(async () => {
  await Promise.all([a, b, ...workers].map((child) => child?.stop('SIGKILL')));
  await mail?.close();
  await sql?.end();
  try {
    await database?.drop();
  } finally {
    await removeQueueKeys(SHARED_REDIS, prefix);
  }
}, 60_000);

const as = (who: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${tokens.get(who)}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) },
});

/** A response, or the test fails naming what it got. */
async function ok(url: string, init: RequestInit = {}, status = 200): Promise<Extract<Answer, { kind: 'response' }>> {
  const answer = await send(url, init);
  const got = answer.kind === 'response' ? `${answer.status} ${answer.text.slice(0, 300)}` : `${answer.kind}: ${answer.message}`;
  expect(answer.kind === 'response' && answer.status === status, `${init.method ?? 'GET'} ${url}: ${got}`).toBe(true);
  return answer as Extract<Answer, { kind: 'response' }>;
}

const json = async <T>(url: string, init?: RequestInit) => (await ok(url, init)).body as T;

/** Polls `url` through each process until `holds` accepts its body; returns how long that took. */
async function untilServed(url: (base: string) => string, holds: (body: unknown) => boolean, what: string, init?: RequestInit): Promise<number> {
  const started = Date.now();
  for (const service of [a, b]) {
    await waitUntil(async () => {
      const answer = await send(url(service.baseUrl), init);
      return answer.kind === 'response' && answer.status === 200 && holds(answer.body);
    }, `${what} through ${service.baseUrl}`, 5_000, 20);
  }
  return Date.now() - started;
}

interface MeasureList {
  items: Array<{ tasks: Array<{ lead: Array<{ code: string; name: string }>; responsible: Array<{ code: string; name: string }> }> }>;
}
const unitNamesIn = (list: MeasureList, code: string) =>
  new Set(list.items.flatMap((measure) => measure.tasks.flatMap((task) => [...task.lead, ...task.responsible])).filter((unit) => unit.code === code).map((unit) => unit.name));

describe('when one process, the CLI or SQL changes the 分工表 or the directory', () => {
  it('when the four processes are up, each holds one LISTEN connection for changes', async () => {
    const { rows } = await sql.query('select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = $1', [NOTIFICATION_CLIENT_NAME]);
    expect(rows[0].n).toBe(4);
    for (const child of [a, b, ...workers]) expect(child.records().some((record) => record.msg === 'listening for database changes')).toBe(true);
  });

  it('when a plan is copied through A, B serves it at once', async () => {
    // B has memoised the plans it served before the copy.
    await json(`${b.baseUrl}/v1/plans/${PLAN}/measures`);
    await ok(`${a.baseUrl}/v1/plans`, as('office', { method: 'POST', body: JSON.stringify({ code: 'hazchem-2027', copyFrom: PLAN, startsOn: '2027-03-01' }) }), 201);
    const copied = await json<MeasureList>(`${b.baseUrl}/v1/plans/hazchem-2027/measures`);
    const original = await json<MeasureList>(`${b.baseUrl}/v1/plans/${PLAN}/measures`);
    expect(copied.items).toHaveLength(original.items.length);
    expect((await json<{ items: Array<{ code: string }> }>(`${b.baseUrl}/v1/plans`)).items.map((plan) => plan.code)).toContain('hazchem-2027');
  });

  it('when a department is renamed and another added with SQL, A and B serve both without a restart, in the directory and in the cached 分工表', async () => {
    for (const service of [a, b]) {
      expect(unitNamesIn(await json(`${service.baseUrl}/v1/plans/${PLAN}/measures`), 'commerce')).toEqual(new Set(['市商务委']));
      await ok(`${service.baseUrl}/v1/departments/fleet-new-office`, {}, 404);
    }
    await sql.query(`update departments set name = '市商务委员会(更名)' where code = 'commerce'`);
    await sql.query(`insert into departments (code, name, english_name, kind) values ('fleet-new-office', '市新设办公室', 'New Office', 'municipal-department')`);
    const renamedMs = await untilServed((base) => `${base}/v1/plans/${PLAN}/measures`, (body) => unitNamesIn(body as MeasureList, 'commerce').has('市商务委员会(更名)'), 'the renamed unit in the 分工表');
    await untilServed((base) => `${base}/v1/departments/commerce`, (body) => (body as { name: string }).name === '市商务委员会(更名)', 'the renamed unit');
    await untilServed((base) => `${base}/v1/departments/fleet-new-office`, (body) => (body as { name: string }).name === '市新设办公室', 'the added unit');
    expect(renamedMs).toBeLessThan(1_000);
  });
});

describe('when a token is revoked', () => {
  const reportPath = `/v1/plans/${PLAN}/periods/2017Q3/reports/work-safety`;

  async function newToken(): Promise<{ id: string; token: string }> {
    const created = await ok(`${a.baseUrl}/v1/tokens`, as('admin', { method: 'POST', body: JSON.stringify({ role: 'department', department: 'work-safety', label: 'fleet' }) }), 201);
    const token = created.body as { id: string; token: string };
    // B checks it once and keeps it in its cache of principals.
    await ok(`${b.baseUrl}${reportPath}`, { headers: { authorization: `Bearer ${token.token}` } });
    return token;
  }

  /** Polls B with the token until it answers 401; returns how long after `from` that was. */
  async function refusedByAfter(service: ServiceChild, token: string, from: number): Promise<number> {
    await waitUntil(async () => {
      const answer = await send(`${service.baseUrl}${reportPath}`, { headers: { authorization: `Bearer ${token}` } });
      return answer.kind === 'response' && answer.status === 401;
    }, 'the revoked token to be refused', 5_000, 10);
    return Date.now() - from;
  }

  it('when it is revoked through A, B refuses it within a second', async () => {
    const { id, token } = await newToken();
    const revoked = await ok(`${a.baseUrl}/v1/tokens/${id}`, as('admin', { method: 'DELETE' }));
    expect(await refusedByAfter(b, token, Date.now() - revoked.ms)).toBeLessThan(1_000);
  });

  it('when it is revoked with the CLI, A and B refuse it within a second', async () => {
    const { id, token } = await newToken();
    await ok(`${a.baseUrl}${reportPath}`, { headers: { authorization: `Bearer ${token}` } });
    const revoked = await runCli(['token', 'revoke', id], { DATABASE_URL: database.url });
    expect(revoked.code, revoked.stderr).toBe(0);
    const at = Date.now();
    expect(await refusedByAfter(a, token, at)).toBeLessThan(1_000);
    expect(await refusedByAfter(b, token, at)).toBeLessThan(1_000);
  });
});

describe('when a report is written through A and read through B', () => {
  const path = `/v1/plans/${PLAN}/periods/2017Q3/reports/jinshan-district`;
  const unit = 'jinshan-district';

  it('when a draft is saved through A, B reads it with the same ETag, and a stale If-Match sent to B gets 412', async () => {
    const tasks = (await json<{ tasks: Array<{ measureNo: number; taskSeq: number; required: boolean }> }>(`${b.baseUrl}${path}`, as(unit))).tasks;
    const first = await ok(`${a.baseUrl}${path}`, as(unit, { method: 'PUT', body: JSON.stringify({ entries: entriesFor(tasks, '甲进程保存') }) }));
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"/);
    const read = await ok(`${b.baseUrl}${path}`, as(unit));
    expect(read.headers.get('etag')).toBe(etag);
    expect(read.body).toMatchObject({ version: (first.body as { version: number }).version, entries: entriesFor(tasks, '甲进程保存') });

    const second = await ok(`${a.baseUrl}${path}`, as(unit, { method: 'PUT', headers: { 'if-match': etag! }, body: JSON.stringify({ entries: entriesFor(tasks, '甲进程再次保存') }) }));
    expect(second.headers.get('etag')).not.toBe(etag);
    const stale = await send(`${b.baseUrl}${path}`, as(unit, { method: 'PUT', headers: { 'if-match': etag! }, body: JSON.stringify({ entries: entriesFor(tasks, '乙进程用旧版本覆盖') }) }));
    expect(stale).toMatchObject({ kind: 'response', status: 412 });
    expect((await ok(`${b.baseUrl}${path}`, as(unit))).headers.get('etag')).toBe(second.headers.get('etag'));
  });
});

describe('when failed authentications arrive through both API processes', () => {
  it('when they add up across A and B to more than the limit, the next one is refused with 429', async () => {
    const wrong = { headers: { authorization: `Bearer hzt_${randomUUID()}` } };
    const url = (service: ServiceChild) => `${service.baseUrl}/v1/plans/${PLAN}/periods/2017Q3/consolidated`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < AUTH_FAILURES_PER_MINUTE; attempt += 1) {
      const answer = await send(url(attempt % 2 === 0 ? a : b), wrong);
      statuses.push(answer.kind === 'response' ? answer.status : 0);
    }
    // Each process saw only half the limit; together they reached it.
    expect(statuses).toEqual(Array(AUTH_FAILURES_PER_MINUTE).fill(401));
    const refused = await send(url(b), wrong);
    expect(refused).toMatchObject({ kind: 'response', status: 429 });
    expect((refused as { headers: Headers }).headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('when both workers deliver the due reminders', () => {
  let handle: DatabaseHandle;
  let queue: Queue;

  beforeAll(async () => {
    handle = await openDatabase({ databaseUrl: database.url, dataDir: '', poolMax: 2 });
    queue = createReminderQueue(SHARED_REDIS, prefix);
  });
  afterAll(async () => {
    await queue?.close();
    await handle?.close();
  });

  it('when many reminders are due at once, both workers are busy and each reminder reaches the SMTP sink once', async () => {
    for (const unit of REGISTERED_UNITS) {
      const liaisons = {
        officer: { name: `${unit}处长`, position: '处长', phone: '021-23111111', email: officerEmail(unit) },
        staff: { name: `${unit}干事`, phone: '021-23111112', email: `${unit}.staff@example.gov.cn` },
      };
      await ok(`${a.baseUrl}/v1/departments/${unit}/liaisons`, as(unit, { method: 'PUT', body: JSON.stringify(liaisons) }));
    }
    // Planned at the start of the campaign; by today's clock, which the workers run on, all are due.
    const planned = [];
    for (const periodId of REMINDER_PERIODS) planned.push(...(await planReminders(handle.db, testClock(PLAN_START), OFFICE_EMAIL, { plan: PLAN, periodId })));
    expect(planned.length).toBeGreaterThan(1_000);
    mail.hold();
    const scheduler = createReminderScheduler({ db: handle.db, clock: systemClock, queue, officeEmail: OFFICE_EMAIL, log: createLogger('silent') });
    await scheduler.enqueue(planned);
    // One worker holds at most WORKER_CONCURRENCY messages in flight; one more held at once is the other's.
    const held = await mail.waitForHeld(WORKER_CONCURRENCY + 1, 30_000);
    expect(held.length).toBeGreaterThan(WORKER_CONCURRENCY);
    mail.release();

    const now = new Date();
    await untilSettled(handle.db, queue, now, 120_000);
    const groups = new Set(planned.map((row) => `${row.periodId}|${row.departmentCode}|${row.channel}`));
    const registered = new Set<string>(REGISTERED_UNITS);
    const emails = new Set(planned.filter((row) => row.channel === 'email' && registered.has(row.departmentCode)).map((row) => `${row.periodId}|${row.departmentCode}`));
    await expectEveryDueReminderExactlyOnce({ db: handle.db, now, messages: mail.messages, expectedEmails: emails.size, superseded: planned.length - groups.size });
  }, 180_000);
});

describe('when one API process gets SIGTERM under load through both', () => {
  interface Write {
    id: string;
    unit: string;
    period: string;
    through: 'A' | 'B';
    entries: unknown[];
    answer: Answer;
  }

  it('when A is stopped in the middle of concurrent writes through A and B, every write that was acknowledged is in the database', async () => {
    const tasks = new Map<string, Array<{ measureNo: number; taskSeq: number; required: boolean }>>();
    for (const unit of LOAD_UNITS) tasks.set(unit, (await json<{ tasks: [] }>(`${b.baseUrl}/v1/plans/${PLAN}/periods/2017Q3/reports/${unit}`, as(unit))).tasks);
    const writes: Write[] = [];
    // One chain of successive saves per report, alternating between A and B; the chains run at once.
    const chain = async (unit: string, period: string) => {
      for (let index = 0; index < WRITES_PER_CHAIN; index += 1) {
        const through = index % 2 === 0 ? 'A' : 'B';
        const entries = entriesFor(tasks.get(unit)!, `${period} 第${index + 1}次保存`);
        const url = `${(through === 'A' ? a : b).baseUrl}/v1/plans/${PLAN}/periods/${period}/reports/${unit}`;
        const id = `fleet-write-${randomUUID()}`;
        const answer = await send(url, as(unit, { method: 'PUT', headers: { 'x-request-id': id }, body: JSON.stringify({ entries }) }), 15_000);
        writes.push({ id, unit, period, through, entries, answer });
      }
    };
    const load = Promise.all(LOAD_UNITS.flatMap((unit) => LOAD_PERIODS.map((period) => chain(unit, period))));
    const acked = (write: Write) => write.answer.kind === 'response' && write.answer.status === 200;
    // The signal comes once A has answered writes and while it is in the middle of others.
    const logged = (msg: string) => new Set(a.records().filter((record) => record.msg === msg && String(record.reqId).startsWith('fleet-write-')).map((record) => String(record.reqId)));
    const inFlightAtA = () => {
      const completed = logged('request completed');
      return [...logged('incoming request')].filter((id) => !completed.has(id));
    };
    await waitUntil(() => writes.some((write) => write.through === 'A' && acked(write)) && inFlightAtA().length >= 3, 'A to be in the middle of writes', 30_000, 2);
    const inFlightAtSignal = inFlightAtA();
    a.child.kill('SIGTERM');
    const exit = await a.exited;
    await load;

    expect(exit).toEqual({ code: 0, signal: null });
    const drained = writes.filter((write) => inFlightAtSignal.includes(write.id));
    expect(drained.length, 'writes A had started when it was signalled').toBeGreaterThanOrEqual(3);
    expect(drained.filter((write) => !acked(write)).map((write) => JSON.stringify(write.answer).slice(0, 300)), 'A answers what it had started').toEqual([]);
    expect(writes.filter((write) => write.through === 'B' && acked(write)).length, 'writes through B acknowledged').toBeGreaterThan(LOAD_UNITS.length);
    const failedOnB = writes.filter((write) => write.through === 'B' && !acked(write));
    expect(failedOnB.map((write) => JSON.stringify(write.answer).slice(0, 300)), 'B keeps answering while A stops').toEqual([]);
    // A refuses what it had not started; whatever it acknowledged, it had committed.
    for (const unit of LOAD_UNITS) {
      for (const period of LOAD_PERIODS) {
        const lastAcked = writes.filter((write) => write.unit === unit && write.period === period && acked(write)).at(-1)!;
        const { rows } = await sql.query('select r.version, r.entries from reports r join plans p on p.id = r.plan_id where p.code = $1 and r.period_id = $2 and r.department_code = $3', [PLAN, period, unit]);
        const ackedVersion = ((lastAcked.answer as { body: { version: number } }).body).version;
        expect(rows, `${unit} ${period}`).toHaveLength(1);
        expect(rows[0].version, `${unit} ${period}: stored version`).toBeGreaterThanOrEqual(ackedVersion);
        if (rows[0].version === ackedVersion) expect(rows[0].entries, `${unit} ${period}: the acknowledged entries`).toEqual(lastAcked.entries);
      }
    }
  }, 120_000);
});
