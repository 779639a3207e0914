import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { signInLinks } from '../src/db/schema/index.js';
import { createMailer, type Mailer } from '../src/modules/reminders/mailer.js';
import { testClock } from './helpers/clock.js';
import { runCli } from './helpers/service-process.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';
import { testConfig, useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

const BASE = 'https://hazchem.example.gov.cn';
const REPORT = '/v1/plans/hazchem-2017/periods/2017Q3/reports';
const START = new Date('2017-10-09T09:00:00+08:00');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let sink: SmtpSink;
let mailer: Mailer;
beforeAll(async () => {
  sink = await startSmtpSink();
  mailer = createMailer(sink.url, '市安委会办公室 <noreply@example.gov.cn>');
});
afterAll(async () => {
  mailer?.close();
  await sink?.close();
});

const clock = testClock(START);
const ctx = useTestApp({ clock, config: { publicBaseUrl: BASE }, deps: () => ({ mailer }) });

const headers = { admin: {} as Record<string, string>, office: {} as Record<string, string>, workSafety: {} as Record<string, string> };
const liaisons = (code: string, officerEmail = `${code}.officer@example.gov.cn`) => ({
  officer: { name: `${code}处长`, position: '处长', phone: '021-23111111', email: officerEmail },
  staff: { name: `${code}科员`, phone: '021-23111112', email: `${code}.staff@example.gov.cn` },
});

interface Signed {
  cookie: { cookie: string };
  csrf: string;
  me: Record<string, unknown>;
}

const tokenOf = (url: string) => new URL(url).searchParams.get('token')!;
const linkIn = (text: string) => /https:\/\/\S+\/sign-in\?\S+/.exec(text)![0];

async function signIn(app: App, body: Record<string, string>): Promise<Signed> {
  const response = await app.inject({ method: 'POST', url: '/v1/auth/session', payload: body });
  expect(response.statusCode, response.body).toBe(200);
  const session = response.cookies.find((cookie) => cookie.name === 'hazchem_session')!;
  return { cookie: { cookie: `hazchem_session=${session.value}` }, csrf: response.json().csrfToken, me: response.json() };
}

async function issued(email: string, extra: Record<string, string> = {}) {
  const response = await ctx.app.inject({ method: 'POST', url: '/v1/auth/links/issue', headers: headers.admin, payload: { email, ...extra } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { url: string; role: string; department: { code: string } | null };
}

const signInAs = async (email: string) => signIn(ctx.app, { linkToken: tokenOf((await issued(email)).url) });

beforeAll(async () => {
  headers.admin = await bearer(ctx.app, 'admin');
  headers.office = await bearer(ctx.app, 'office');
  headers.workSafety = await bearer(ctx.app, 'department', 'work-safety');
  for (const [code, officer] of [['work-safety', 'Zhang.Wei@Example.gov.cn'], ['finance', undefined], ['jinshan-district', 'shared@example.gov.cn'], ['songjiang-district', 'shared@example.gov.cn']] as const) {
    const saved = await ctx.app.inject({ method: 'PUT', url: `/v1/departments/${code}/liaisons`, headers: headers.office, payload: liaisons(code, officer) });
    expect(saved.statusCode, saved.body).toBe(200);
  }
});

describe('a liaison signs in with a link sent to the address registered for the unit', () => {
  let liaison: Signed;
  let linkToken: string;

  it('when a registered address (any case) asks for a link, it answers 202 and e-mails a one-time link in Chinese', async () => {
    const next = '/reports/hazchem-2017/2017Q3/work-safety';
    const response = await ctx.app.inject({ method: 'POST', url: '/v1/auth/links', payload: { email: 'ZHANG.WEI@example.gov.cn', next } });
    expect(response.statusCode).toBe(202);
    const [mail] = await sink.waitFor(1);
    expect(mail!.to).toEqual(['zhang.wei@example.gov.cn']);
    expect(mail!.subject).toContain('登录链接');
    expect(mail!.text).toContain('15分钟内有效,仅可使用一次');
    expect(mail!.text).toContain('市安全监管局 联络员');
    const url = new URL(linkIn(mail!.text));
    expect(`${url.origin}${url.pathname}`).toBe(`${BASE}/sign-in`);
    expect(url.searchParams.get('next')).toBe(next);
    linkToken = url.searchParams.get('token')!;
  });

  it('when the link is used, it sets an HttpOnly, SameSite=Lax, Secure session cookie without Max-Age and returns who signed in', async () => {
    const response = await ctx.app.inject({ method: 'POST', url: '/v1/auth/session', payload: { linkToken } });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((candidate) => candidate.name === 'hazchem_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/' });
    expect(cookie.maxAge).toBeUndefined();
    expect(response.json()).toMatchObject({
      role: 'department',
      department: { code: 'work-safety', name: '市安全监管局' },
      email: 'zhang.wei@example.gov.cn',
      name: 'work-safety处长',
      via: 'link',
      expiresAt: new Date(START.getTime() + 8 * HOUR).toISOString(),
    });
    liaison = { cookie: { cookie: `hazchem_session=${cookie.value}` }, csrf: response.json().csrfToken, me: response.json() };
  });

  it('when the same link is used again, it is 401 with a message in Chinese and English', async () => {
    const response = await ctx.app.inject({ method: 'POST', url: '/v1/auth/session', payload: { linkToken } });
    expect(response.statusCode).toBe(401);
    expect(response.json().detail).toMatch(/already used or expired/);
  });

  it('with the cookie, the liaison reads the unit’s report and GET /v1/auth/session says who is signed in', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: `${REPORT}/work-safety`, headers: liaison.cookie })).statusCode).toBe(200);
    const me = await ctx.app.inject({ method: 'GET', url: '/v1/auth/session', headers: liaison.cookie });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ role: 'department', department: { code: 'work-safety' }, via: 'link' });
  });

  it('when a write made with the cookie lacks x-csrf-token (or has a wrong one), it is 403; with the token it is 200 and the audit log names the person', async () => {
    const url = `${REPORT}/work-safety`;
    const without = await ctx.app.inject({ method: 'PUT', url, headers: liaison.cookie, payload: { entries: [] } });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringMatching(/x-csrf-token/) });
    const wrong = await ctx.app.inject({ method: 'PUT', url, headers: { ...liaison.cookie, 'x-csrf-token': 'forged' }, payload: { entries: [] } });
    expect(wrong.statusCode).toBe(403);
    const saved = await ctx.app.inject({ method: 'PUT', url, headers: { ...liaison.cookie, 'x-csrf-token': liaison.csrf }, payload: { entries: [] } });
    expect(saved.statusCode, saved.body).toBe(200);
    const audit = (await ctx.app.inject({ method: 'GET', url: '/v1/audit?action=report.save', headers: headers.office })).json();
    expect(audit.items[0].actor).toEqual({ tokenId: null, role: 'department', department: 'work-safety', email: 'zhang.wei@example.gov.cn' });
  });

  it('when the browser signs in again, the new session replaces the one its cookie named', async () => {
    const { url } = await issued('zhang.wei@example.gov.cn');
    const again = await ctx.app.inject({ method: 'POST', url: '/v1/auth/session', headers: liaison.cookie, payload: { linkToken: tokenOf(url) } });
    expect(again.statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/auth/session', headers: liaison.cookie })).statusCode).toBe(401);
    const cookie = again.cookies.find((candidate) => candidate.name === 'hazchem_session')!;
    liaison = { cookie: { cookie: `hazchem_session=${cookie.value}` }, csrf: again.json().csrfToken, me: again.json() };
  });

  it('when a session of one unit asks for another unit’s report, it is 403', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `${REPORT}/finance`, headers: liaison.cookie });
    expect(response.statusCode).toBe(403);
  });

  it('when a bearer token is sent, it works as before: no CSRF header, and it wins over a cookie', async () => {
    const put = await ctx.app.inject({ method: 'PUT', url: `${REPORT}/work-safety`, headers: headers.workSafety, payload: { entries: [] } });
    expect(put.statusCode).toBe(200);
    const both = await ctx.app.inject({ method: 'GET', url: '/v1/audit', headers: { ...liaison.cookie, ...headers.office } });
    expect(both.statusCode).toBe(200);
  });

  it('when the liaison signs out, the session ends, the cookie is cleared and using it again is 401', async () => {
    const refused = await ctx.app.inject({ method: 'DELETE', url: '/v1/auth/session', headers: liaison.cookie });
    expect(refused.statusCode).toBe(403);
    const out = await ctx.app.inject({ method: 'DELETE', url: '/v1/auth/session', headers: { ...liaison.cookie, 'x-csrf-token': liaison.csrf } });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((cookie) => cookie.name === 'hazchem_session')!;
    expect(cleared.value).toBe('');
    expect(cleared.expires!.getTime()).toBeLessThan(Date.now());
    expect((await ctx.app.inject({ method: 'GET', url: `${REPORT}/work-safety`, headers: liaison.cookie })).statusCode).toBe(401);
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/auth/session', headers: liaison.cookie })).statusCode).toBe(401);
  });
});

describe('links and sessions expire', () => {
  it('when a link is used more than 15 minutes after it was issued, it is 401', async () => {
    clock.set(START);
    const { url } = await issued('finance.staff@example.gov.cn');
    clock.set(new Date(START.getTime() + 15 * MINUTE + 1000));
    const response = await ctx.app.inject({ method: 'POST', url: '/v1/auth/session', payload: { linkToken: tokenOf(url) } });
    expect(response.statusCode).toBe(401);
  });

  it('when a session is used, its idle expiry moves on; after 8 idle hours it is 401', async () => {
    clock.set(START);
    const session = await signInAs('finance.staff@example.gov.cn');
    clock.set(new Date(START.getTime() + 7 * HOUR));
    const used = await ctx.app.inject({ method: 'GET', url: '/v1/auth/session', headers: session.cookie });
    expect(used.json().expiresAt).toBe(new Date(START.getTime() + 15 * HOUR).toISOString());
    clock.set(new Date(START.getTime() + 14 * HOUR));
    expect((await ctx.app.inject({ method: 'GET', url: `${REPORT}/finance`, headers: session.cookie })).statusCode).toBe(200);
    clock.set(new Date(START.getTime() + 22 * HOUR + 1000));
    const expired = await ctx.app.inject({ method: 'GET', url: `${REPORT}/finance`, headers: session.cookie });
    expect(expired.statusCode).toBe(401);
    expect(expired.cookies.find((cookie) => cookie.name === 'hazchem_session')!.value).toBe('');
    clock.set(START);
  });

  it('when the unit replaces its liaison, the old liaison’s session ends', async () => {
    const session = await signInAs('finance.officer@example.gov.cn');
    expect((await ctx.app.inject({ method: 'GET', url: `${REPORT}/finance`, headers: session.cookie })).statusCode).toBe(200);
    await ctx.app.inject({ method: 'PUT', url: '/v1/departments/finance/liaisons', headers: headers.office, payload: liaisons('finance', 'new.officer@example.gov.cn') });
    expect((await ctx.app.inject({ method: 'GET', url: `${REPORT}/finance`, headers: session.cookie })).statusCode).toBe(401);
  });
});

describe('addresses that are not one person of one unit', () => {
  it('when an unregistered address asks for a link, it gets the same 202 and no e-mail is sent', async () => {
    const before = sink.messages.length;
    const unknown = await ctx.app.inject({ method: 'POST', url: '/v1/auth/links', payload: { email: 'nobody@example.gov.cn' } });
    const known = await ctx.app.inject({ method: 'POST', url: '/v1/auth/links', payload: { email: 'work-safety.staff@example.gov.cn' } });
    expect(unknown.statusCode).toBe(202);
    expect(unknown.json()).toEqual(known.json());
    // No link exists for the unknown address, so there is nothing to mail; the known one's mail is the only one.
    expect(await ctx.app.db.select().from(signInLinks).where(eq(signInLinks.email, 'nobody@example.gov.cn'))).toEqual([]);
    await sink.waitFor(before + 1);
    expect(sink.messages.slice(before).map((mail) => mail.to)).toEqual([['work-safety.staff@example.gov.cn']]);
  });

  it('when an address is registered for two units, the e-mail has one link per unit and each signs in for its unit', async () => {
    const before = sink.messages.length;
    await ctx.app.inject({ method: 'POST', url: '/v1/auth/links', payload: { email: 'shared@example.gov.cn' } });
    const mail = (await sink.waitFor(before + 1))[before]!;
    const urls = mail.text.match(/https:\/\/\S+\/sign-in\?\S+/g)!;
    expect(urls).toHaveLength(2);
    const units = await Promise.all(urls.map(async (url) => (await signIn(ctx.app, { linkToken: tokenOf(url) })).me.department));
    expect(units.map((unit) => (unit as { code: string }).code).sort()).toEqual(['jinshan-district', 'songjiang-district']);
    const ambiguous = await ctx.app.inject({ method: 'POST', url: '/v1/auth/links/issue', headers: headers.admin, payload: { email: 'shared@example.gov.cn' } });
    expect(ambiguous.statusCode).toBe(422);
    expect(ambiguous.json().errors[0].path).toBe('body.department');
    expect((await issued('shared@example.gov.cn', { department: 'songjiang-district' })).department!.code).toBe('songjiang-district');
  });

  it('when the admin registers an office account and issues a link for it, the link signs in as office; removing the account ends the session', async () => {
    const created = await ctx.app.inject({ method: 'POST', url: '/v1/accounts', headers: headers.admin, payload: { email: 'Wang.Fang@example.gov.cn', name: '王芳', role: 'office' } });
    expect(created.statusCode).toBe(201);
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/accounts', headers: headers.admin, payload: { email: 'wang.fang@example.gov.cn', name: '王芳', role: 'office' } })).statusCode).toBe(409);
    const listed = await ctx.app.inject({ method: 'GET', url: '/v1/accounts', headers: headers.admin });
    expect(listed.json().items.map((account: { email: string }) => account.email)).toContain('wang.fang@example.gov.cn');
    const link = await issued('wang.fang@example.gov.cn');
    expect(link).toMatchObject({ role: 'office', department: null });
    const office = await signIn(ctx.app, { linkToken: tokenOf(link.url) });
    expect(office.me).toMatchObject({ role: 'office', department: null, email: 'wang.fang@example.gov.cn', name: '王芳', via: 'link' });
    expect((await ctx.app.inject({ method: 'GET', url: `${REPORT}/finance`, headers: office.cookie })).statusCode).toBe(200);
    const removed = await ctx.app.inject({ method: 'DELETE', url: `/v1/accounts/${created.json().id}`, headers: headers.admin });
    expect(removed.statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'GET', url: `${REPORT}/finance`, headers: office.cookie })).statusCode).toBe(401);
  });

  it('when an unregistered address is issued a link by the admin, it is 422 naming body.email', async () => {
    const response = await ctx.app.inject({ method: 'POST', url: '/v1/auth/links/issue', headers: headers.admin, payload: { email: 'nobody@example.gov.cn' } });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([{ path: 'body.email', message: 'is not registered' }]);
  });
});

describe('signing in with an API token', () => {
  it('when an office API token is pasted, it signs in as office; when the token is revoked, the session ends', async () => {
    const created = await ctx.app.inject({ method: 'POST', url: '/v1/tokens', headers: headers.admin, payload: { role: 'office', label: '市安委会办公室 王芳' } });
    const office = await signIn(ctx.app, { apiToken: created.json().token });
    expect(office.me).toMatchObject({ role: 'office', email: null, name: '市安委会办公室 王芳', via: 'api-token' });
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/audit', headers: office.cookie })).statusCode).toBe(200);
    await ctx.app.inject({ method: 'DELETE', url: `/v1/tokens/${created.json().id}`, headers: headers.admin });
    expect((await ctx.app.inject({ method: 'GET', url: '/v1/audit', headers: office.cookie })).statusCode).toBe(401);
  });

  it('when a department API token is pasted, it is 403 and no cookie is set; an unknown token is 401', async () => {
    const department = await ctx.app.inject({ method: 'POST', url: '/v1/auth/session', payload: { apiToken: headers.workSafety.authorization!.slice('Bearer '.length) } });
    expect(department.statusCode).toBe(403);
    expect(department.cookies).toEqual([]);
    expect((await ctx.app.inject({ method: 'POST', url: '/v1/auth/session', payload: { apiToken: 'hzt_unknown' } })).statusCode).toBe(401);
  });
});

describe('sessions across processes, the lock-out, the CLI and the no-SMTP path', () => {
  const others: App[] = [];
  afterAll(async () => {
    await Promise.all(others.map((app) => app.close()));
  });
  const another = async (config: Partial<typeof testConfig> = {}, logStream?: Writable) => {
    const app = await buildApp({ ...testConfig, publicBaseUrl: BASE, ...config }, { database: await ctx.database.open(), clock, ...(logStream ? { logStream } : {}) });
    others.push(app);
    return app;
  };

  it('when a session is opened through one API process, another process on the same database honours it and its sign-out', async () => {
    const second = await another();
    const session = await signInAs('work-safety.staff@example.gov.cn');
    expect((await second.inject({ method: 'GET', url: `${REPORT}/work-safety`, headers: session.cookie })).statusCode).toBe(200);
    const saved = await second.inject({ method: 'PUT', url: `${REPORT}/work-safety`, headers: { ...session.cookie, 'x-csrf-token': session.csrf }, payload: { entries: [] } });
    expect(saved.statusCode).toBe(200);
    expect((await second.inject({ method: 'DELETE', url: '/v1/auth/session', headers: { ...session.cookie, 'x-csrf-token': session.csrf } })).statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'GET', url: `${REPORT}/work-safety`, headers: session.cookie })).statusCode).toBe(401);
  });

  it('when PUBLIC_BASE_URL is http, the session cookie is not marked Secure', async () => {
    const plain = await another({ publicBaseUrl: 'http://localhost:3000' });
    const response = await plain.inject({ method: 'POST', url: '/v1/auth/session', payload: { apiToken: headers.office.authorization!.slice('Bearer '.length) } });
    expect(response.statusCode).toBe(200);
    expect(response.cookies.find((cookie) => cookie.name === 'hazchem_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(String(response.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
  });

  it('when a client keeps failing to sign in with the same link, the lock-out answers 429', async () => {
    const strict = await another({ authFailuresPerMinute: 2 });
    const attempt = () => strict.inject({ method: 'POST', url: '/v1/auth/session', payload: { linkToken: 'guessed-link-token' } });
    expect((await attempt()).statusCode).toBe(401);
    expect((await attempt()).statusCode).toBe(401);
    const locked = await attempt();
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBeDefined();
  });

  it('when there is no SMTP server, a link request answers the same 202 and the log says so without the address or the link', async () => {
    let log = '';
    const stream = new Writable({ write: (chunk, _encoding, done) => ((log += String(chunk)), done()) });
    const quiet = await another({ logLevel: 'info' }, stream);
    const response = await quiet.inject({ method: 'POST', url: '/v1/auth/links', payload: { email: 'work-safety.staff@example.gov.cn' } });
    expect(response.statusCode).toBe(202);
    expect(log).toContain('sign-in link not sent');
    expect(log).not.toContain('work-safety.staff');
    expect(log).not.toContain('token=');
  });

  it('when the CLI is asked for a sign-in link, it prints a URL that signs in', async () => {
    const result = await runCli(['sign-in-link', 'work-safety.staff@example.gov.cn', '--next', '/tasks'], { DATABASE_URL: ctx.database.url, PUBLIC_BASE_URL: BASE });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^https:\/\/hazchem\.example\.gov\.cn\/sign-in\?token=[A-Za-z0-9_-]{43}&next=%2Ftasks\n$/);
    const session = await signIn(ctx.app, { linkToken: tokenOf(result.stdout.trim()) });
    expect(session.me).toMatchObject({ role: 'department', department: { code: 'work-safety' } });
  });
});
