import { lookup } from 'node:dns/promises';
import { once } from 'node:events';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { and, eq } from 'drizzle-orm';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { auditLog, departmentWebhooks, reminders } from '../src/db/schema/index.js';
import { withoutUserinfo } from '../src/modules/audit/userinfo.js';
import { postWebhook, sign, verifyWebhookDelivery } from '../src/modules/reminders/webhook.js';
import { testClock } from './helpers/clock.js';
import { until, useReminderApp } from './helpers/reminder-harness.js';
import { testConfig } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver.js';

// Issue 8 points 1, 7 and 8: webhook targets are checked when set and again when sent, deliveries
// can be verified against replay, and URLs never keep their userinfo in the audit log.

// Names do not resolve in the test environment; a test makes one resolve once, to see that the
// connection goes to the address checked and nothing looks the name up again.
vi.mock('node:dns/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:dns/promises')>();
  return { ...actual, lookup: vi.fn(actual.lookup) };
});

const clock = testClock('2017-10-01T08:00:00+08:00');
/** The harness allows 127.0.0.1/32 (its receiver listens there), as WEBHOOK_ALLOWED_NETWORKS would. */
const ctx = useReminderApp(clock);
/** The same database without WEBHOOK_ALLOWED_NETWORKS: the default. */
let defaultApp: App;
/** An operator who allowed link-local, unique-local and CGNAT networks. */
let wideApp: App;
const receivers: WebhookReceiver[] = [];
const tcpServers: Server[] = [];

beforeAll(async () => {
  defaultApp = await buildApp({ ...testConfig }, { database: await ctx.database.open(), clock });
  wideApp = await buildApp({ ...testConfig, webhookAllowedNetworks: ['169.254.0.0/16', 'fe80::/10', 'fd00::/8', '100.64.0.0/10'] }, { database: await ctx.database.open(), clock });
});

// Registered after useReminderApp, so these close before the harness drops the database.
afterAll(async () => {
  await defaultApp?.close();
  await wideApp?.close();
  await Promise.all(receivers.map((receiver) => receiver.close()));
  await Promise.all(tcpServers.map((server) => new Promise((resolve) => server.close(resolve))));
});

const putWebhook = async (app: App, department: string, url: string) =>
  app.inject({ method: 'PUT', url: `/v1/departments/${department}/webhook`, headers: await bearer(app, 'department', department), payload: { url } } as InjectOptions);

async function storedWebhook(department: string) {
  const [row] = await ctx.app.db.select().from(departmentWebhooks).where(eq(departmentWebhooks.departmentCode, department));
  return row;
}

const webhookAudit = (department: string) =>
  ctx.app.db.select().from(auditLog).where(and(eq(auditLog.entityType, 'webhook'), eq(auditLog.entityId, department)));

async function receiver(options: { host?: string } = {}) {
  const started = await startWebhookReceiver(options);
  receivers.push(started);
  return started;
}

/** A TCP service that greets with a banner and hangs up, as Redis or SSH would to an HTTP client. */
async function bannerService(banner: string): Promise<number> {
  // Reading what the client sends lets the connection end when the client hangs up.
  const server = createTcpServer((socket) => socket.resume().end(banner));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  tcpServers.push(server);
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createTcpServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('PUT /v1/departments/{code}/webhook refuses targets the service must not reach', () => {
  const refusedByDefault = [
    'http://169.254.169.254/latest/meta-data/',
    'http://127.0.0.1:5432',
    'http://localhost:6379',
    'http://10.0.0.1',
    'http://[::1]:6379',
    'http://2130706433/',
    'http://user:pass@1.1.1.1/hooks',
    'https://token@1.1.1.1/hooks',
    'ftp://1.1.1.1/hooks',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0:6379/',
    'http://192.168.1.1/',
    'http://172.16.0.1/',
    'http://100.64.0.1/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    'http://no-such-host.invalid/hooks',
  ];

  it.each(refusedByDefault)('when the URL is %s, it answers 400 on body.url and stores nothing, not even an audit entry', async (url) => {
    const response = await putWebhook(defaultApp, 'agriculture', url);
    expect(response.statusCode, response.body).toBe(400);
    expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ path: 'body.url', message: expect.any(String) }]);
    expect(await storedWebhook('agriculture')).toBeUndefined();
    expect(await webhookAudit('agriculture')).toEqual([]);
  });

  it('when the host name does not resolve, the message says so', async () => {
    const response = await putWebhook(defaultApp, 'agriculture', 'http://no-such-host.invalid/hooks');
    expect(response.json().errors[0].message).toBe('the host name no-such-host.invalid did not resolve');
  });

  it('when WEBHOOK_ALLOWED_NETWORKS is unset, a receiver on 127.0.0.1 is refused; with 127.0.0.1/32 it is accepted', async () => {
    const local = await receiver();
    const refused = await putWebhook(defaultApp, 'commerce', local.url);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0]).toEqual({ path: 'body.url', message: 'points to a non-public address (loopback); the operator may allow such networks with WEBHOOK_ALLOWED_NETWORKS' });
    expect(await storedWebhook('commerce')).toBeUndefined();

    const accepted = await putWebhook(ctx.app, 'commerce', local.url);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await storedWebhook('commerce'))?.url).toBe(local.url);
    await ctx.app.inject({ method: 'DELETE', url: '/v1/departments/commerce/webhook', headers: await bearer(ctx.app, 'department', 'commerce') });
  });

  it.each(['http://169.254.169.254/latest/meta-data/', 'http://169.254.10.10/', 'http://[fe80::1]/', 'http://[fd00:ec2::254]/', 'http://100.100.100.200/latest/meta-data/'])(
    'when the allowed networks cover %s (link-local or cloud metadata), it is still refused',
    async (url) => {
      const response = await putWebhook(wideApp, 'ocean', url);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().errors).toEqual([{ path: 'body.url', message: expect.stringMatching(/may never reach/) }]);
      expect(await storedWebhook('ocean')).toBeUndefined();
    },
  );

  it('when the allowed networks cover a private address that is not link-local or metadata, it is accepted', async () => {
    for (const url of ['http://100.64.0.1/hooks', 'http://[fd00::1]/hooks']) {
      const response = await putWebhook(wideApp, 'ocean', url);
      expect(response.statusCode, response.body).toBe(200);
    }
    await wideApp.inject({ method: 'DELETE', url: '/v1/departments/ocean/webhook', headers: await bearer(wideApp, 'department', 'ocean') });
  });
});

describe('sending checks the target again, never follows redirects and keeps lastError coarse', () => {
  const SENT_AT = '2017-10-06T09:00:05+08:00';
  const secrets = new Map<string, string>();
  let ok: WebhookReceiver;
  let redirectTarget: WebhookReceiver;
  let rebound: WebhookReceiver;

  async function register(department: string, url: string) {
    const response = await putWebhook(ctx.app, department, url);
    expect(response.statusCode, response.body).toBe(200);
    secrets.set(department, response.json().secret);
  }

  /** A row as one stored before this check existed, or one whose name now resolves elsewhere. */
  const storeDirectly = (department: string, url: string) =>
    ctx.app.db.insert(departmentWebhooks).values({ departmentCode: department, url, secret: 'x'.repeat(32), updatedAt: clock.now() });

  /** The unit's before-7d webhook reminder for 2017Q3 once its first attempt is over. */
  async function attempted(department: string) {
    const find = async () =>
      (await ctx.app.db.select().from(reminders).where(and(eq(reminders.departmentCode, department), eq(reminders.channel, 'webhook'), eq(reminders.kind, 'before-7d'), eq(reminders.periodId, '2017Q3'))))[0];
    await until(async () => {
      const row = await find();
      return row !== undefined && (row.status === 'sent' || row.lastError !== null);
    }, 30_000, `the webhook reminder of ${department}`);
    return (await find())!;
  }

  beforeAll(async () => {
    ok = ctx.receiver;
    await register('finance', ok.url);

    redirectTarget = await receiver();
    const redirecting = await receiver();
    redirecting.status = 307;
    redirecting.responseHeaders = { location: redirectTarget.url };
    await register('jinshan-district', redirecting.url);

    const failing = await receiver();
    failing.status = 500;
    failing.responseBody = 'Internal error: PostgreSQL 16.2 on x86_64 at 10.1.2.3, password authentication failed';
    await register('education', failing.url);

    await register('huangpu-district', `http://127.0.0.1:${await closedPort()}/hooks`);
    await register('transport', `http://127.0.0.1:${await bannerService('-ERR wrong number of arguments for redis 7.2.4\r\n')}/hooks`);

    // Listening on every interface, so 127.0.0.2 would reach it if the worker connected.
    rebound = await receiver({ host: '0.0.0.0' });
    await storeDirectly('work-safety', `http://127.0.0.2:${new URL(rebound.url).port}/hooks/hazchem`);
    await storeDirectly('agriculture', 'http://no-such-host.invalid/hooks');

    await ctx.app.reminders.reconcile();
    clock.set(SENT_AT);
    await ctx.app.reminders.reconcile();
    ctx.startWorker();
  });

  it('when a stored URL now points to a refused address, the delivery fails with "address not allowed" and nothing is posted', async () => {
    expect(await attempted('work-safety')).toMatchObject({ status: 'failed', lastError: 'address not allowed' });
    expect(rebound.requests).toEqual([]);
  });

  it('when a stored host name does not resolve, the attempt fails with "name did not resolve"', async () => {
    expect((await attempted('agriculture')).lastError).toBe('name did not resolve');
  });

  it('when the receiver answers 307, the delivery fails with a redirect lastError and the redirect target receives nothing', async () => {
    expect(await attempted('jinshan-district')).toMatchObject({ status: 'failed', lastError: 'redirect (HTTP 307) not followed' });
    expect(redirectTarget.requests).toEqual([]);
  });

  it('when the port is closed, lastError is exactly "connection refused"', async () => {
    expect((await attempted('huangpu-district')).lastError).toBe('connection refused');
  });

  it('when the receiver answers 500 with a body, lastError is "HTTP 500" and carries none of the body', async () => {
    expect((await attempted('education')).lastError).toBe('HTTP 500');
  });

  it('when a non-HTTP service answers with a banner, lastError is "connection failed" and carries none of the banner', async () => {
    const row = await attempted('transport');
    expect(row.lastError).toBe('connection failed');
    expect(row.lastError).not.toMatch(/redis|ERR/i);
  });

  it('when a delivery arrives, the receiver-side verifier accepts it once and refuses its replay', async () => {
    expect((await attempted('finance')).status).toBe('sent');
    const [hook] = await ok.waitFor(1);
    const seen = new Set<number>();
    const check = { secret: secrets.get('finance')!, body: hook!.body, headers: hook!.headers, now: new Date(SENT_AT), seen: (id: number) => seen.has(id) };
    const first = verifyWebhookDelivery(check);
    expect(first).toMatchObject({ ok: true, payload: { event: 'reminder', department: { code: 'finance' } } });
    if (first.ok) seen.add(first.id);
    expect(verifyWebhookDelivery(check)).toEqual({ ok: false, reason: 'delivery already handled' });
  });
});

describe('the POST goes to the address that was checked', () => {
  it('when a name resolved to an allowed address, it connects there with the original Host and never resolves the name again', async () => {
    const local = await receiver();
    const port = new URL(local.url).port;
    const resolve = vi.mocked(lookup as (hostname: string, options: object) => Promise<Array<{ address: string; family: number }>>);
    resolve.mockClear();
    resolve.mockResolvedValueOnce([{ address: '127.0.0.1', family: 4 }]);
    await postWebhook(`http://hooks.oa.example.test:${port}/hooks`, 'secret-0123456789abcdef', { event: 'reminder', id: 1 }, new Date(), ['127.0.0.1/32']);
    const [hook] = await local.waitFor(1);
    expect(hook!.headers.host).toBe(`hooks.oa.example.test:${port}`);
    expect(resolve).toHaveBeenCalledTimes(1);
  });
});

describe('verifyWebhookDelivery (for receivers)', () => {
  const secret = 'receiver-secret-0123456789';
  const body = JSON.stringify({ event: 'reminder', id: 4211, kind: 'before-3d' });
  const sentAt = new Date('2017-10-10T01:00:02Z');
  const timestamp = String(sentAt.getTime() / 1000);
  const headers = { 'x-hazchem-timestamp': timestamp, 'x-hazchem-signature': sign(secret, timestamp, body) };

  it('when the delivery is fresh and new, it accepts it and returns its id', () => {
    expect(verifyWebhookDelivery({ secret, body, headers, now: new Date(sentAt.getTime() + 299_000), seen: () => false })).toMatchObject({ ok: true, id: 4211 });
  });

  it('when the timestamp is older than the tolerance (default 5 minutes), it refuses it', () => {
    expect(verifyWebhookDelivery({ secret, body, headers, now: new Date(sentAt.getTime() + 301_000) })).toEqual({ ok: false, reason: 'timestamp outside the tolerance' });
    expect(verifyWebhookDelivery({ secret, body, headers, now: new Date(sentAt.getTime() + 301_000), toleranceSeconds: 600 }).ok).toBe(true);
  });

  it('when the signature does not match (another secret or a changed body), it refuses it', () => {
    expect(verifyWebhookDelivery({ secret: 'another-secret-0123456789', body, headers, now: sentAt })).toEqual({ ok: false, reason: 'bad signature' });
    expect(verifyWebhookDelivery({ secret, body: body.replace('4211', '4212'), headers, now: sentAt })).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('when the id was handled before, it refuses the replay', () => {
    expect(verifyWebhookDelivery({ secret, body, headers, now: sentAt, seen: (id) => id === 4211 })).toEqual({ ok: false, reason: 'delivery already handled' });
  });
});

describe('audit entries never keep userinfo', () => {
  it('strips user name and password from every URL in nested strings, and leaves the rest alone', () => {
    expect(
      withoutUserinfo({
        url: 'http://user:pass@oa.example.gov.cn/hook',
        list: ['见 https://a@b@intranet.example.gov.cn:8443/x?u=1@2 与 ftp://anon@files.example.gov.cn', 'mail liaison@example.gov.cn'],
        count: 3,
        none: null,
      }),
    ).toEqual({
      url: 'http://oa.example.gov.cn/hook',
      list: ['见 https://intranet.example.gov.cn:8443/x?u=1@2 与 ftp://files.example.gov.cn', 'mail liaison@example.gov.cn'],
      count: 3,
      none: null,
    });
  });

  it('when a webhook stored with userinfo (before the check existed) is removed, the audit entry shows its URL without it', async () => {
    await ctx.app.db.insert(departmentWebhooks).values({ departmentCode: 'supervision', url: 'https://hook-user:s3cret-pass@1.1.1.1/hooks', secret: 'x'.repeat(32), updatedAt: clock.now() });
    const response = await ctx.app.inject({ method: 'DELETE', url: '/v1/departments/supervision/webhook', headers: await bearer(ctx.app, 'department', 'supervision') });
    expect(response.statusCode).toBe(204);
    const entries = await webhookAudit('supervision');
    const removal = entries.find((entry) => entry.action === 'webhook.delete')!;
    expect(removal.before).toEqual({ url: 'https://1.1.1.1/hooks' });
    expect(JSON.stringify(entries)).not.toMatch(/hook-user|s3cret-pass/);
  });
});
