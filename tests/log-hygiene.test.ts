import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { createLogger } from '../src/logging.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { testConfig } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

/** Everything the service logged, line by line, as written. */
const log: string[] = [];
const captured = { write: (line: string) => void log.push(line) };

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp(
    { ...testConfig, logLevel: 'trace', webhookAllowedNetworks: ['127.0.0.1/32'], publicBaseUrl: 'http://hazchem.example' },
    { database: await database.open(), logStream: captured },
  );
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await database?.drop();
});

const DEPARTMENT = 'work-safety';
const liaisonsOf = (tag: string) => ({
  officer: { name: '张伟', position: '危化处处长', phone: `021-2311${tag}1`, email: `zhang.wei.${tag}@example.gov.cn` },
  staff: { name: '李娜', phone: `021-2311${tag}2`, email: `li.na.${tag}@example.gov.cn` },
});

describe('the log', () => {
  it('when a full flow runs and statements fail on the values it sent, carries no token, secret, phone or e-mail, but the SQLSTATE and constraint', async () => {
    const secrets: string[] = [];
    const admin = await bearer(app, 'admin');
    secrets.push(admin.authorization.slice('Bearer '.length));
    const issue = async (body: object) => {
      const response = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: body });
      expect(response.statusCode).toBe(201);
      const { token } = response.json<{ token: string }>();
      secrets.push(token);
      return { authorization: `Bearer ${token}`, cookie: `session=${token}` };
    };
    const office = await issue({ role: 'office' });
    const department = await issue({ role: 'department', department: DEPARTMENT });

    const registered = liaisonsOf('01');
    const put = (body: object) => app.inject({ method: 'PUT', url: `/v1/departments/${DEPARTMENT}/liaisons`, headers: department, payload: body });
    expect((await put(registered)).statusCode).toBe(200);
    const setWebhook = (secret: string) =>
      app.inject({ method: 'PUT', url: `/v1/departments/${DEPARTMENT}/webhook`, headers: department, payload: { url: 'http://127.0.0.1:9/hazchem', secret } });
    expect((await setWebhook('webhook-secret-0123456789-first')).statusCode).toBe(200);
    secrets.push('webhook-secret-0123456789-first');

    const feed = await app.inject({ method: 'POST', url: `/v1/departments/${DEPARTMENT}/calendar-token`, headers: office });
    expect(feed.statusCode).toBe(201);
    const feedUrl = new URL(feed.json<{ url: string }>().url);
    secrets.push(feedUrl.searchParams.get('token')!);
    expect((await app.inject({ method: 'GET', url: `${feedUrl.pathname}${feedUrl.search}` })).statusCode).toBe(200);

    // Statements that fail with the values as parameters (and Postgres quoting the row in `detail`).
    await app.db.execute(sql`alter table liaisons add constraint log_hygiene_refuses check (false) not valid`);
    await app.db.execute(sql`alter table department_webhooks add constraint log_hygiene_refuses_webhook check (false) not valid`);
    const refused = liaisonsOf('02');
    expect((await put(refused)).statusCode).toBe(500);
    expect((await setWebhook('webhook-secret-0123456789-second')).statusCode).toBe(500);
    secrets.push('webhook-secret-0123456789-second');

    for (const contact of [registered, refused]) {
      secrets.push(contact.officer.phone, contact.officer.email, contact.staff.phone, contact.staff.email);
    }
    const text = log.join('');
    for (const secret of secrets) expect(text, secret).not.toContain(secret);
    expect(text).toContain('"code":"23514"');
    expect(text).toContain('"constraint":"log_hygiene_refuses"');
    expect(text).toContain('"constraint":"log_hygiene_refuses_webhook"');
    expect(text).toContain('calendar.ics?token=[redacted]');
  });

  it('when a unit writes, the completion line carries the request id, the actor (token id, role) and the unit, and no secret', async () => {
    const admin = await bearer(app, 'admin');
    const created = await app.inject({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { role: 'department', department: DEPARTMENT } });
    expect(created.statusCode).toBe(201);
    const { id: tokenId, token } = created.json<{ id: string; token: string }>();
    const unit = { authorization: `Bearer ${token}` };
    const write = await app.inject({ method: 'POST', url: `/v1/departments/${DEPARTMENT}/calendar-token`, headers: unit });
    expect(write.statusCode).toBe(201);
    const feedToken = new URL(write.json<{ url: string }>().url).searchParams.get('token')!;
    const read = await app.inject({ method: 'GET', url: `/v1/departments/${DEPARTMENT}/notifications`, headers: unit });
    expect(read.statusCode).toBe(200);

    const entries = log.map((line) => JSON.parse(line) as { reqId?: string; msg?: string; actor?: unknown; unit?: unknown });
    const completion = (requestId: string) => entries.find((entry) => entry.reqId === requestId && entry.msg === 'request completed');
    expect(completion(String(write.headers['x-request-id']))).toMatchObject({ actor: { tokenId, role: 'department', via: 'bearer' }, unit: DEPARTMENT });
    // Reads are not bound: the request id alone ties their lines together.
    expect(completion(String(read.headers['x-request-id']))).toBeDefined();
    expect(completion(String(read.headers['x-request-id']))).not.toHaveProperty('actor');
    const text = log.join('');
    for (const secret of [token, feedToken, admin.authorization.slice('Bearer '.length)]) expect(text, secret).not.toContain(secret);
  });

  it('when the worker logs a failed statement, it keeps only its SQLSTATE and constraint too', async () => {
    const lines: string[] = [];
    const workerLog = createLogger('info', { write: (line: string) => void lines.push(line) });
    const { officer } = liaisonsOf('03');
    // Postgres's own message quotes the value here: invalid input syntax for type integer: "…".
    const error = await app.db.execute(sql`select ${officer.email}::int, ${officer.phone}::text`).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    workerLog.warn({ err: error, jobId: 'reminder:1' }, 'reminder job failed');
    const entry = JSON.parse(lines.join('')) as { msg: string; err: { code: string; message: string } };
    expect(entry).toMatchObject({ msg: 'reminder job failed', err: { code: '22P02' } });
    for (const value of [officer.phone, officer.email]) expect(lines.join(''), value).not.toContain(value);
  });
});
