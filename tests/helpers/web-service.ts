import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import type { BrowserContext } from 'playwright-core';
import { buildApp, type App, type AppConfig } from '../../src/app.js';
import { createMailer, type Mailer } from '../../src/modules/reminders/mailer.js';
import { freePort } from '../../src/redis.js';
import { watchContract } from './contract-check.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from './smtp-sink.js';
import { testConfig } from './test-app.js';
import { bearer } from './tokens.js';

export const webIndex = fileURLToPath(new URL('../../web/dist/index.html', import.meta.url));
export const MAIL_FROM = 'hazchem-tracker <noreply@hazchem.example.org>';
export const SESSION_COOKIE = 'hazchem_session';

export interface LiaisonPair {
  officer: { name: string; position: string; phone: string; email: string };
  staff: { name: string; phone: string; email: string };
}

export interface WebService {
  app: App;
  database: TestDatabase;
  sink: SmtpSink;
  /** http://127.0.0.1:<port>, also the service's PUBLIC_BASE_URL (sign-in links point here). */
  url: string;
  office: { authorization: string };
  admin: { authorization: string };
  /** Registers a unit's 处级联络员 and 工作人员 through the API (office token); addresses derive from `code`. */
  registerLiaisons(code: string): Promise<LiaisonPair>;
  /** Creates an office (or admin) account through the admin API; it signs in by link like a liaison. */
  createAccount(email: string, name: string, role?: 'office' | 'admin'): Promise<void>;
  /**
   * The sign-in link of the newest e-mail to `email` among those received after the first `after`
   * messages, waiting for it to arrive.
   */
  latestLinkFor(email: string, after?: number, timeoutMs?: number): Promise<string>;
  /** Signs `context` in as `email` without the e-mail round trip (admin-issued link → session cookie). */
  signIn(context: BrowserContext, email: string): Promise<void>;
}

const LINK = /https?:\/\/[^\s<>"]+\/sign-in\?token=[^\s<>"]+/;
const addressedTo = (mail: ReceivedMail, email: string) => [...mail.to, ...mail.cc].some((address) => address.toLowerCase() === email.toLowerCase());

/**
 * A real service for browser tests, for the calling test file: its own database (migrated and
 * seeded), an SMTP sink, the app built with a mailer on that sink and listening on 127.0.0.1 with
 * PUBLIC_BASE_URL set to its own address, so e-mailed links open in the browser. Every response it
 * sends (web routes excepted) is checked against openapi/openapi.json when the file ends.
 */
export function useWebService(config: Partial<AppConfig> = {}): WebService {
  const service = {} as WebService;
  let mailer: Mailer | undefined;
  let contractViolations = (): string[] => [];
  beforeAll(async () => {
    if (!existsSync(webIndex)) throw new Error(`The browser tests need the built web app (${webIndex} is missing): run npm run build:web`);
    service.sink = await startSmtpSink();
    mailer = createMailer(service.sink.url, MAIL_FROM);
    service.database = await createTestDatabase();
    const port = await freePort();
    service.url = `http://127.0.0.1:${port}`;
    service.app = await buildApp({ ...testConfig, publicBaseUrl: service.url, ...config }, { database: await service.database.open(), mailer });
    contractViolations = watchContract(service.app);
    await service.app.listen({ port, host: '127.0.0.1' });
    service.office = await bearer(service.app, 'office');
    service.admin = await bearer(service.app, 'admin');
  });
  afterAll(async () => {
    await service.app?.close();
    mailer?.close();
    await service.sink?.close();
    await service.database?.drop();
    expect(contractViolations(), 'responses that break openapi/openapi.json').toEqual([]);
  });

  service.registerLiaisons = async (code) => {
    const pair: LiaisonPair = {
      officer: { name: '张伟', position: '危化处处长', phone: '021-23111111', email: `${code}.officer@example.gov.cn` },
      staff: { name: '李娜', phone: '13800000000', email: `${code}.staff@example.gov.cn` },
    };
    const response = await service.app.inject({ method: 'PUT', url: `/v1/departments/${code}/liaisons`, headers: service.office, payload: pair });
    if (response.statusCode !== 200) throw new Error(`PUT liaisons of ${code} answered ${response.statusCode}: ${response.body}`);
    return pair;
  };

  service.createAccount = async (email, name, role = 'office') => {
    const response = await service.app.inject({ method: 'POST', url: '/v1/accounts', headers: service.admin, payload: { email, name, role } });
    if (response.statusCode !== 201) throw new Error(`POST /v1/accounts answered ${response.statusCode}: ${response.body}`);
  };

  service.latestLinkFor = async (email, after = 0, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const mail = service.sink.messages.slice(after).findLast((message) => addressedTo(message, email) && LINK.test(message.text));
      if (mail) return mail.text.match(LINK)![0];
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`No sign-in link e-mailed to ${email} (${service.sink.messages.length} messages received)`);
      await service.sink.waitFor(service.sink.messages.length + 1, remaining).catch(() => undefined);
    }
  };

  service.signIn = async (context, email) => {
    const issued = await service.app.inject({ method: 'POST', url: '/v1/auth/links/issue', headers: service.admin, payload: { email } });
    if (issued.statusCode !== 201) throw new Error(`POST /v1/auth/links/issue answered ${issued.statusCode}: ${issued.body}`);
    const linkToken = new URL(issued.json<{ url: string }>().url).searchParams.get('token');
    const session = await service.app.inject({ method: 'POST', url: '/v1/auth/session', payload: { linkToken } });
    const cookie = session.cookies.find((entry) => entry.name === SESSION_COOKIE);
    if (session.statusCode !== 200 || !cookie) throw new Error(`POST /v1/auth/session answered ${session.statusCode} without ${SESSION_COOKIE}: ${session.body}`);
    await context.addCookies([{ name: SESSION_COOKIE, value: cookie.value, url: service.url, httpOnly: true, sameSite: 'Lax' }]);
  };

  return service;
}
