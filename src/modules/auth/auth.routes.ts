import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, withRetryAfter } from '../../errors.js';
import { problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity, SESSION_COOKIE, sessionSecurity } from '../../plugins/auth.js';
import { createSessionBodySchema, issueLinkBodySchema, issuedLinkSchema, linkRequestedSchema, meSchema, requestLinkBodySchema, type Me } from './auth.schemas.js';
import { composeSignInMail } from './sign-in-mail.js';
import { endSession, endSessionOfCookie, resolveSession } from './sessions.service.js';
import { issueLink, normaliseEmail, requestLinks, signInWithApiToken, signInWithLink } from './sign-in.service.js';

export interface AuthRoutesOptions {
  /** Where the web app is: sign-in links point to `${publicBaseUrl}/sign-in`. */
  publicBaseUrl: string;
}

const tags = ['auth'];
/** Links one address may request per window: enough to retry, too few to flood a mailbox. */
const LINKS_PER_ADDRESS = 5;
const LINK_WINDOW_MS = 15 * 60 * 1000;
const LINK_REQUESTED = '如该地址已登记,登录链接已发送至该邮箱,15分钟内有效,仅可使用一次。If the address is registered, a sign-in link (valid 15 minutes, once) is on its way.';

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, options) => {
  const countLinkRequest = app.createRateLimit({
    max: LINKS_PER_ADDRESS,
    timeWindow: LINK_WINDOW_MS,
    keyGenerator: (request) => `sign-in-link:${normaliseEmail((request.body as { email: string }).email)}`,
  });
  // Mail goes out after the answer (the answer must not tell registered addresses by its timing); closing waits for it.
  const sending = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...sending]);
  });

  app.post(
    '/v1/auth/links',
    {
      schema: {
        tags,
        operationId: 'requestSignInLink',
        summary: 'E-mail a one-time sign-in link',
        description:
          'For the address of a unit’s 处级联络员 or 工作人员, or of an office/admin account: e-mails a link to the web app’s `/sign-in` page, valid 15 minutes for one sign-in (one link per unit when the address is registered for several). The answer is the same for any address, so it tells no one which addresses are registered. At most 5 requests per address in 15 minutes. Without SMTP_URL nothing is sent: an admin issues the link (POST /v1/auth/links/issue) or the CLI prints one.',
        body: requestLinkBodySchema,
        response: { 202: linkRequestedSchema, ...problemResponses(400, 429) },
      },
    },
    async (request, reply) => {
      const limit = await countLinkRequest(request);
      if (!limit.isAllowed && limit.isExceeded) {
        throw withRetryAfter(
          new AppError('TOO_MANY_REQUESTS', { en: 'Too many sign-in links asked for this address; retry later', zh: '该地址申请登录链接过于频繁,请稍后再试' }),
          Math.max(1, Math.ceil(limit.ttl / 1000)),
        );
      }
      const links = await requestLinks(app.db, app.clock.now(), options.publicBaseUrl, request.body);
      if (links.length > 0) {
        if (app.mailer.delivers) {
          const sent = app.mailer
            .send(composeSignInMail(links))
            .catch((error: unknown) => request.log.warn({ err: error }, 'sign-in link e-mail failed'))
            .finally(() => sending.delete(sent));
          sending.add(sent);
        } else {
          request.log.info('sign-in link not sent: no SMTP_URL (an admin can issue one, or the CLI print one)');
        }
      }
      return reply.status(202).send({ message: LINK_REQUESTED });
    },
  );

  app.post(
    '/v1/auth/links/issue',
    {
      onRequest: app.authorize(['admin']),
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'issueSignInLink',
        summary: 'Issue a sign-in link for someone (admin)',
        description:
          'Returns the one-time link instead of e-mailing it, for the admin to pass on (the quick start without SMTP). The address must be a unit’s liaison or an account; when it is registered for several units, `department` names one (an account wins when absent). Audited: the link signs in as that person.',
        body: issueLinkBodySchema,
        response: { 201: issuedLinkSchema, ...problemResponses(400, 401, 403, 422) },
      },
    },
    async (request, reply) => {
      const link = await issueLink(app.db, actorOf(request), app.clock.now(), options.publicBaseUrl, request.body);
      return reply.status(201).send({ url: link.url, expiresAt: link.expiresAt.toISOString(), email: link.email, role: link.identity.role, department: link.identity.department });
    },
  );

  app.post(
    '/v1/auth/session',
    {
      schema: {
        tags,
        operationId: 'signIn',
        summary: 'Sign in: a link’s token, or an office/admin API token, for a session cookie',
        description:
          'Opens a web session and sets the `hazchem_session` cookie (HttpOnly, SameSite=Lax, Path=/, Secure when PUBLIC_BASE_URL is https; no Max-Age). The session ends after 8 idle hours, on sign-out, or when its holder is no longer entitled (liaison replaced, account removed, token revoked). A used, expired or unknown link is 401; a department API token is 403 (liaisons sign in with a link). Failures count towards the lock-out.',
        body: createSessionBodySchema,
        response: { 200: meSchema, ...problemResponses(400, 401, 403, 429) },
        'x-response-headers': { 200: ['Set-Cookie'] },
      },
    },
    async (request, reply) => {
      const at = app.clock.now();
      const body = request.body;
      const credential = 'linkToken' in body ? body.linkToken : body.apiToken;
      let secret: string;
      try {
        ({ sessionSecret: secret } = 'linkToken' in body ? await signInWithLink(app.db, at, body.linkToken) : await signInWithApiToken(app.db, at, body.apiToken));
      } catch (error) {
        if (error instanceof AppError && error.code === 'UNAUTHORIZED') await app.recordAuthFailure(request, credential);
        throw error;
      }
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await endSessionOfCookie(app.db, previous, at);
      const csrfToken = app.sessionCookie.set(request, reply, secret);
      const session = (await resolveSession(app.db, secret, at))!;
      return me(session, csrfToken);
    },
  );

  app.get(
    '/v1/auth/session',
    {
      onRequest: app.requireSession(),
      schema: {
        tags,
        security: sessionSecurity,
        operationId: 'getSession',
        summary: 'Who is signed in',
        description: 'The session’s person, role and unit, and the CSRF token to send as `x-csrf-token` with every write made with the cookie. 401 when there is no live session.',
        response: { 200: meSchema, ...problemResponses(401, 429) },
      },
    },
    async (request, reply) => me(request.webSession!, app.sessionCookie.csrfToken(reply)),
  );

  app.delete(
    '/v1/auth/session',
    {
      onRequest: app.requireSession(),
      schema: {
        tags,
        security: sessionSecurity,
        operationId: 'signOut',
        summary: 'Sign out',
        description: 'Ends the session in every API process and clears the cookie. Needs `x-csrf-token`.',
        response: { 204: z.undefined().describe('Signed out; the cookie is cleared'), ...problemResponses(401, 403, 429) },
        'x-response-headers': { 204: ['Set-Cookie'] },
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      await endSession(app.db, request.webSession!.sessionId, app.clock.now());
      app.sessionCookie.clear(reply);
      return reply.status(204).send();
    },
  );
};

function me(session: NonNullable<FastifyRequest['webSession']>, csrfToken: string): Me {
  return {
    role: session.role,
    department: session.department,
    email: session.email,
    name: session.name,
    csrfToken,
    expiresAt: session.expiresAt.toISOString(),
    via: session.via,
  };
}
