/**
 * Fault test: Redis (the BullMQ queue) dies while reminders wait in it, stays away for 10 s and
 * comes back empty. The service (a real `src/server.ts` child: API and worker, on its own
 * redis-server) must keep accepting reports and office changes meanwhile, and once Redis is back
 * its reconcile (RECONCILE_INTERVAL_SECONDS=10) must deliver every due reminder exactly once:
 * one e-mail per recipient and subject at the SMTP sink, the rows marked sent; none lost, none doubled.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateRedis, workerIsWaiting, type PrivateRedis } from '../helpers/chaos-redis.js';
import { draftFor, issueTokens, send, waitUntil, type Answer } from '../helpers/chaos-service.js';
import { startServiceChild, type ServiceChild } from '../helpers/service-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink.js';

const PLAN = 'hazchem-2017';
const PERIOD = '2019Q3';
const OUTAGE_MS = 10_000;
/** A and B registered before the outage, C registers during it, D submits during it (its reminder is cancelled). */
const LIAISON_UNITS = { a: 'work-safety', b: 'jinshan-district', c: 'transport', d: 'huangpu-district' };
/** Units without liaisons that keep reporting while Redis is away. */
const REPORTING = ['xuhui-district', 'changning-district', 'jingan-district', 'putuo-district', 'public-security', 'environmental-protection'];
const liaisons = (unit: string) => ({
  officer: { name: '联络员', position: '处长', phone: '021-23111111', email: `${unit}.officer@example.gov.cn` },
  staff: { name: '工作人员', phone: '021-23111112', email: `${unit}.staff@example.gov.cn` },
});

let redis: PrivateRedis;
let database: TestDatabase;
let sink: SmtpSink;
let service: ServiceChild;
let serviceEnv: Record<string, string>;
const prefix = `chaos-redis-${randomBytes(4).toString('hex')}`;
const tokens = new Map<string, string>();

beforeAll(async () => {
  [redis, database, sink] = await Promise.all([startPrivateRedis(), createTestDatabase(), startSmtpSink()]);
  serviceEnv = { DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, SMTP_URL: sink.url, RECONCILE_INTERVAL_SECONDS: '10' };
  service = await startServiceChild(serviceEnv);
  const units = ['office', ...Object.values(LIAISON_UNITS), ...REPORTING];
  const issued = await issueTokens(database.url, units.map((unit) => (unit === 'office' ? { role: 'office' as const } : { role: 'department' as const, department: unit })));
  units.forEach((unit, index) => tokens.set(unit, issued[index]!));
}, 120_000);

afterAll(async () => {
  await service?.stop('SIGKILL');
  await redis?.kill();
  await sink?.close();
  await database?.drop();
}, 60_000);

/** The day `days` after `instant`'s in Shanghai (UTC+8, no daylight saving), as YYYY-MM-DD. */
const shanghaiDay = (instant: Date, days: number) => new Date(instant.getTime() + 8 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
/** `instant`'s time of day in Shanghai, as HH:mm. */
const shanghaiTime = (instant: Date) => new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
/**
 * Leaves time to move the deadline before the reminder comes due: a change that moves a planned
 * reminder into the past cancels it (issue 8, point 17), so the moved one must still be ahead.
 */
const SEND_LEAD_MS = 25_000;
/** When the moved reminders come due: the first whole minute (send times are HH:mm) SEND_LEAD_MS from the start. */
let sendAt: Date;

async function call(who: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${tokens.get(who)}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return send(`${service.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

async function reminderRows() {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const sql = `select department_code, kind, channel, status, attempts from reminders where period_id = $1 order by department_code`;
    return (await client.query<{ department_code: string; kind: string; channel: string; status: string; attempts: number }>(sql, [PERIOD])).rows;
  } finally {
    await client.end();
  }
}

describe('when Redis dies for 10 s while reminders are pending', () => {
  const duringOutage: Array<{ what: string; answer: Answer }> = [];
  const status = (answer: Answer) => (answer.kind === 'response' ? answer.status : answer.kind);

  it('plans reminders, loses Redis, keeps working for 10 s, gets Redis back empty', async () => {
    // Liaisons for A, B and D; one reminder a unit, the day before the deadline at `sendAt`'s time, no escalation.
    for (const unit of [LIAISON_UNITS.a, LIAISON_UNITS.b, LIAISON_UNITS.d]) expect(status(await call(unit, 'PUT', `/v1/departments/${unit}/liaisons`, liaisons(unit)))).toBe(200);
    sendAt = new Date(Math.ceil((Date.now() + SEND_LEAD_MS) / 60_000) * 60_000);
    const policy = { offsetsDays: [1], sendTime: shanghaiTime(sendAt), escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 0 }, officeEmail: null };
    expect(status(await call('office', 'PUT', `/v1/plans/${PLAN}/reminder-policy`, policy))).toBe(200);
    // Due two days after `sendAt`'s day: the reminder is due a day after `sendAt`, so it is planned and queued.
    expect(status(await call('office', 'PATCH', `/v1/plans/${PLAN}/periods/${PERIOD}`, { dueAt: `${shanghaiDay(sendAt, 2)}T17:00:00+08:00` }))).toBe(200);
    const planned = (await reminderRows()).filter((row) => row.status === 'planned');
    expect(planned.length).toBeGreaterThan(REPORTING.length);
    const probe = new Redis(redis.url);
    try {
      expect(await probe.zcard(`${prefix}:reminders:delayed`)).toBeGreaterThanOrEqual(planned.length);
    } finally {
      probe.disconnect();
    }

    await redis.kill('SIGKILL');
    const outageEnds = Date.now() + OUTAGE_MS;
    const record = async (what: string, request: Promise<Answer>) => duringOutage.push({ what, answer: await request });
    // The office moves the deadline a day earlier: the planned reminders move to `sendAt`, still
    // ahead (their jobs are not re-queued: Redis is away), and come due within about a minute.
    expect(Date.now()).toBeLessThan(sendAt.getTime());
    await record('office moves the deadline', call('office', 'PATCH', `/v1/plans/${PLAN}/periods/${PERIOD}`, { dueAt: `${shanghaiDay(sendAt, 1)}T17:00:00+08:00` }));
    await record('C registers its liaisons', call(LIAISON_UNITS.c, 'PUT', `/v1/departments/${LIAISON_UNITS.c}/liaisons`, liaisons(LIAISON_UNITS.c)));
    const periods = ((await call('office', 'GET', `/v1/plans/${PLAN}/periods`)) as { body: { items: Array<{ id: string }> } }).body.items.map((item) => item.id).reverse();
    const reportOnce = async (unit: string, period: string) => {
      const path = `/v1/plans/${PLAN}/periods/${period}/reports/${unit}`;
      const tasks = ((await call(unit, 'GET', path)) as { body: { tasks: [] } }).body.tasks;
      await record(`${unit} saves ${period}`, call(unit, 'PUT', path, draftFor(period, tasks, `${period} Redis 中断期间报送`)));
      await record(`${unit} submits ${period}`, call(unit, 'POST', `${path}/submit`));
    };
    await reportOnce(LIAISON_UNITS.d, PERIOD);
    // The other units keep reporting, period after period, until the outage is over.
    await Promise.all(
      REPORTING.map(async (unit) => {
        for (const period of periods) if (Date.now() < outageEnds) await reportOnce(unit, period);
      }),
    );
    await waitUntil(() => Date.now() >= outageEnds, 'the end of the outage');
    await redis.restart();
  }, 60_000);

  it('accepted every report and change while Redis was away', () => {
    expect(duringOutage.length).toBeGreaterThan(10);
    expect(duringOutage.filter(({ answer }) => status(answer) !== 200).map(({ what, answer }) => `${what}: ${JSON.stringify(answer)}`)).toEqual([]);
  });

  /** Waits until the reminders are due and none is left planned, then checks rows and mails: each wanted one sent once. */
  async function expectDeliveredExactlyOnce() {
    const wanted = [LIAISON_UNITS.a, LIAISON_UNITS.b, LIAISON_UNITS.c];
    await waitUntil(() => Date.now() >= sendAt.getTime(), 'the moved reminders to come due', 2 * 60_000, 250);
    // Final: not planned, nor claimed by a worker still sending (`sending`).
    await waitUntil(async () => (await reminderRows()).every((row) => row.status !== 'planned' && row.status !== 'sending'), 'every due reminder to be carried out', 30_000, 250);
    const rows = await reminderRows();
    const byUnit = new Map(rows.map((row) => [row.department_code, row]));
    for (const unit of wanted) expect(byUnit.get(unit), unit).toMatchObject({ kind: 'before-1d', channel: 'email', status: 'sent', attempts: 1 });
    expect(byUnit.get(LIAISON_UNITS.d)).toMatchObject({ status: 'cancelled' });
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(wanted.length);
    expect(rows.filter((row) => !['sent', 'cancelled', 'unreachable'].includes(row.status))).toEqual([]);
    // Every row is final, so every send has completed: what the sink holds now is all there will be.
    const delivered = sink.messages.map((mail) => `${mail.to.join(',')} | ${mail.subject}`);
    expect(new Set(delivered).size, `doubled:\n${delivered.join('\n')}`).toBe(delivered.length);
    expect(sink.messages.map((mail) => mail.to.join(',')).sort()).toEqual(wanted.map((unit) => liaisons(unit).officer.email).sort());
    for (const mail of sink.messages) expect(mail.cc).toContain(mail.to[0]!.replace('.officer@', '.staff@'));
  }

  it('the periodic reconcile then delivers every due reminder exactly once, without a restart', async () => {
    await expectDeliveredExactlyOnce();
  }, 3 * 60_000);

  it('after a restart of the service as well, every due reminder was delivered exactly once: none lost, none doubled', async () => {
    // Stopped once its worker is connected again: the ordinary shutdown (sigterm.test.ts covers one while Redis is away).
    await waitUntil(() => workerIsWaiting(redis.url, prefix, 'reminders'), 'the worker to reconnect to Redis', 20_000, 100);
    expect(await service.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    service = await startServiceChild(serviceEnv);
    await expectDeliveredExactlyOnce();
  }, 90_000);
});
