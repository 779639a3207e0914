import { createHmac } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import { AppError, type Text } from '../errors.js';
import type { Actor } from '../modules/audit/audit.service.js';
import { resolveSession, type SessionIdentity } from '../modules/auth/sessions.service.js';
import { findActiveTokenByHash } from '../modules/tokens/tokens.repository.js';
import { hashToken, type TokenRole } from '../modules/tokens/tokens.service.js';

export interface Principal {
  /** The API token behind the request (a bearer token, or one pasted to sign in); null for a session opened with a link. */
  tokenId: string | null;
  /** What write limits and idempotency keys are kept per: the bearer token, or the session. */
  credentialId: string;
  role: TokenRole;
  departmentCode: string | null;
  /** The person, for a session opened with a link. */
  email: string | null;
  via: 'bearer' | 'link' | 'api-token';
}

export interface AuthOptions {
  /** Cookies only over https (PUBLIC_BASE_URL is https). */
  secureCookies: boolean;
}

/** The web app's session cookie; its value is a random secret whose SHA-256 names the session row. */
export const SESSION_COOKIE = 'hazchem_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * onRequest hook: a valid bearer token, or the session cookie, whose role is one of `roles`
     * (admin may do anything); with `departmentParam`, a department principal may only act for
     * the department in that path parameter. Cookie-authenticated writes need `x-csrf-token`.
     * It runs before validation, so callers without access learn nothing about input.
     */
    authorize(roles: TokenRole[], options?: { departmentParam?: string }): onRequestAsyncHookHandler;
    /** onRequest hook: the session cookie only (sign-in routes); sets `request.webSession`. */
    requireSession(): onRequestAsyncHookHandler;
    /** Drops cached tokens, after one was revoked. */
    forgetPrincipals(): void;
    /** The session cookie: set (returning the new session's CSRF token), cleared, or a fresh CSRF token for the current one. */
    sessionCookie: {
      set(request: FastifyRequest, reply: FastifyReply, secret: string): string;
      clear(reply: FastifyReply): void;
      csrfToken(reply: FastifyReply): string;
    };
  }
  interface FastifyRequest {
    principal: Principal | null;
    webSession: SessionIdentity | null;
    /** Read by @fastify/csrf-protection (its session mode): the CSRF secret of this request's session. */
    session: { csrfSecret: string } | null;
  }
}

/** Protected operations: a bearer token or the web app's session cookie (OpenAPI `security`). */
export const bearerSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { cookieAuth: [] }];
export const sessionSecurity: Record<string, string[]>[] = [{ cookieAuth: [] }];

/** How long a checked token is trusted while revocations are announced (src/db/change-feed.ts)... */
export const PRINCIPAL_CACHE_MS = 300_000;
/** ...and while they are not: a token revoked elsewhere is refused within this. */
export const UNANNOUNCED_PRINCIPAL_CACHE_MS = 1_000;

/** The session's CSRF secret, derived from the cookie's secret: bound to the session, never stored, the same in every process. */
const csrfSecretOf = (sessionSecret: string) => createHmac('sha256', sessionSecret).update('hazchem csrf').digest('base64url');

const unauthorized = (detail: Text) => new AppError('UNAUTHORIZED', detail);

/**
 * Authentication: a bearer token (integrators) or the web app's session cookie, whose sessions
 * live in Postgres so every API process shares them. The plan structure stays public; protected
 * routes declare `onRequest: app.authorize([...roles], { departmentParam })`.
 */
export default fp<AuthOptions>(
  async (app, options) => {
    await app.register(cookie);
    // Synchronizer tokens (OWASP CSRF cheat sheet) with the library's session mode: the secret
    // belongs to the server-side session rather than to a second cookie an attacker could plant.
    await app.register(csrfProtection, {
      sessionPlugin: '@fastify/session',
      sessionKey: 'csrfSecret',
      getToken: (request) => request.headers[CSRF_HEADER] as string | undefined,
      logLevel: 'debug',
    });
    app.decorateRequest('principal', null);
    app.decorateRequest('webSession', null);
    app.decorateRequest('session', null);
    // A short-lived cache of valid tokens saves a query per request. Revoking through this process
    // clears it at once; through another, the CLI or SQL, the change feed's notification does
    // (milliseconds), and while the feed is down entries live UNANNOUNCED_PRINCIPAL_CACHE_MS.
    const principals = new LRUCache<string, Principal>({ max: 10_000, ttl: PRINCIPAL_CACHE_MS });
    // A lookup that overlapped a clear may have read the token before it was revoked: not kept.
    let cleared = 0;
    const forgetPrincipals = () => {
      cleared += 1;
      principals.clear();
    };
    app.decorate('forgetPrincipals', forgetPrincipals);
    app.changes.subscribe((table) => {
      if (table === null || table === 'api_tokens') forgetPrincipals();
    });

    const cookieOptions = { httpOnly: true, sameSite: 'lax', path: '/', secure: options.secureCookies } as const;
    app.decorate('sessionCookie', {
      set(request: FastifyRequest, reply: FastifyReply, secret: string) {
        // No Max-Age: the browser forgets it when closed; the server ends it after 8 idle hours.
        reply.setCookie(SESSION_COOKIE, secret, cookieOptions);
        request.session = { csrfSecret: csrfSecretOf(secret) };
        return reply.generateCsrf();
      },
      clear: (reply: FastifyReply) => void reply.clearCookie(SESSION_COOKIE, cookieOptions),
      csrfToken: (reply: FastifyReply) => reply.generateCsrf(),
    });

    app.decorate('authorize', (roles: TokenRole[], options: { departmentParam?: string } = {}): onRequestAsyncHookHandler => {
      const allowed = [...new Set<TokenRole>([...roles, 'admin'])];
      return async (request, reply) => {
        const principal = request.headers.authorization ? await fromBearer(request) : await fromCookie(request, reply);
        if (!allowed.includes(principal.role)) {
          throw new AppError('FORBIDDEN', { en: `This operation needs one of the roles: ${allowed.join(', ')}`, zh: `此操作需要以下角色之一:${allowed.join(', ')}` });
        }
        if (options.departmentParam) {
          assertActsFor(principal, (request.params as Record<string, string>)[options.departmentParam] ?? '');
        }
        request.principal = principal;
        bindActorToLog(request, reply, principal, options.departmentParam);
      };
    });

    app.decorate('requireSession', (): onRequestAsyncHookHandler => async (request, reply) => {
      request.principal = await fromCookie(request, reply);
      bindActorToLog(request, reply, request.principal);
    });

    async function fromBearer(request: FastifyRequest): Promise<Principal> {
      const presented = bearerToken(request);
      const hash = presented ? hashToken(presented) : undefined;
      const cached = hash ? principals.get(hash) : undefined;
      if (cached) return cached;
      const clearedBefore = cleared;
      const row = hash ? await findActiveTokenByHash(app.db, hash) : undefined;
      if (!row) {
        // Counted only now that the token failed: a valid one is never refused for others' failures.
        await app.recordAuthFailure(request);
        throw unauthorized(
          presented
            ? { en: 'The token is unknown or revoked', zh: '令牌无效或已撤销' }
            : { en: 'The Authorization header must be "Bearer <token>"', zh: 'Authorization 请求头须为 "Bearer <令牌>"' },
        );
      }
      const principal: Principal = { tokenId: row.id, credentialId: row.id, role: row.role, departmentCode: row.departmentCode, email: null, via: 'bearer' };
      if (cleared === clearedBefore) principals.set(hash!, principal, { ttl: app.changes.listening ? PRINCIPAL_CACHE_MS : UNANNOUNCED_PRINCIPAL_CACHE_MS });
      return principal;
    }

    async function fromCookie(request: FastifyRequest, reply: FastifyReply): Promise<Principal> {
      const secret = request.cookies[SESSION_COOKIE];
      if (!secret) {
        throw unauthorized({ en: 'A bearer token or a session cookie (sign in to the web app) is required', zh: '请先登录' });
      }
      const session = await resolveSession(app.db, secret, app.clock.now());
      if (!session) {
        // The browser would send a dead cookie on every request; tell it to drop it.
        app.sessionCookie.clear(reply);
        await app.recordAuthFailure(request, secret);
        throw unauthorized({ en: 'The session has ended (signed out, expired after 8 idle hours, or no longer entitled); sign in again', zh: '登录已失效(已退出、超过8小时未操作或权限已变更),请重新登录' });
      }
      request.session = { csrfSecret: csrfSecretOf(secret) };
      if (!SAFE_METHODS.has(request.method)) await checkCsrf(request);
      request.webSession = session;
      return {
        tokenId: session.apiTokenId,
        credentialId: session.sessionId,
        role: session.role,
        departmentCode: session.department?.code ?? null,
        email: session.email,
        via: session.via,
      };
    }

    /** The library's check, as a promise; its own 403 becomes the service's problem with a clear message. */
    function checkCsrf(request: FastifyRequest): Promise<void> {
      return new Promise((resolve, reject) => {
        const refuse = () =>
          reject(
            new AppError('FORBIDDEN', {
              en: `A write with the session cookie needs the ${CSRF_HEADER} header with the csrfToken of GET /v1/auth/session`,
              zh: `使用登录会话提交修改时须附带 ${CSRF_HEADER} 请求头(取自 GET /v1/auth/session 的 csrfToken)`,
            }),
          );
        app.csrfProtection(request, { send: refuse } as unknown as FastifyReply, () => resolve());
      });
    }
  },
  { name: 'auth', dependencies: ['database', 'change-feed', 'hardening', 'clock'] },
);

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or undefined. */
export const bearerToken = (request: FastifyRequest): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];

/**
 * The rest of a write's log lines (its completion line included) say who wrote and for which unit:
 * the token or session id and the role, never a secret, a name or an e-mail. The unit is the one
 * the path names (checked above when the route binds it), else the principal's own.
 */
function bindActorToLog(request: FastifyRequest, reply: FastifyReply, principal: Principal, departmentParam?: string): void {
  if (SAFE_METHODS.has(request.method)) return;
  const params = request.params as Record<string, string | undefined>;
  const actor = { tokenId: principal.tokenId, ...(principal.via === 'bearer' ? {} : { sessionId: principal.credentialId }), role: principal.role, via: principal.via };
  // Paths name a unit as :department (reports, lead, attachments) or :code (/v1/departments/:code/...).
  const unit = (departmentParam ? params[departmentParam] : undefined) ?? params.department ?? params.code ?? principal.departmentCode;
  // Fastify keeps the request's logger on the request and on the reply; the completion line uses the reply's.
  request.log = reply.log = request.log.child({ actor, ...(unit ? { unit } : {}) });
}

/** A department principal acts only for its own department; office and admin act for any. */
function assertActsFor(principal: Principal, departmentCode: string): void {
  if (principal.role === 'department' && principal.departmentCode !== departmentCode) {
    throw new AppError('FORBIDDEN', {
      en: `This ${principal.via === 'bearer' ? 'token' : 'session'} acts for ${principal.departmentCode}, not ${departmentCode}`,
      zh: `当前身份仅代表 ${principal.departmentCode},不能代表 ${departmentCode}`,
    });
  }
}

export function actorOf(request: FastifyRequest): Actor {
  const principal = request.principal;
  return {
    tokenId: principal?.tokenId ?? null,
    role: principal?.role ?? 'system',
    departmentCode: principal?.departmentCode ?? null,
    email: principal?.email ?? null,
    requestId: request.id,
  };
}
