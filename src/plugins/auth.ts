import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import { AppError } from '../errors.js';
import type { Actor } from '../modules/audit/audit.service.js';
import { findActiveTokenByHash } from '../modules/tokens/tokens.repository.js';
import { hashToken, type TokenRole } from '../modules/tokens/tokens.service.js';

export interface Principal {
  tokenId: string;
  role: TokenRole;
  departmentCode: string | null;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * onRequest hook: a valid bearer token whose role is one of `roles` (admin may do anything);
     * with `departmentParam`, a department token may only act for the department in that path
     * parameter. It runs before validation, so callers without access learn nothing about input.
     */
    authorize(roles: TokenRole[], options?: { departmentParam?: string }): onRequestAsyncHookHandler;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Drops cached tokens, after one was revoked. */
    forgetPrincipals(): void;
  }
}

export const bearerSecurity = [{ bearerAuth: [] }];

export const PRINCIPAL_CACHE_MS = 10_000;

/**
 * Bearer-token authentication. The plan structure stays public; protected routes declare
 * `onRequest: app.authorize([...roles], { departmentParam })`.
 */
export default fp(
  async (app) => {
    app.decorateRequest('principal', null);
    // A short-lived cache of valid tokens saves a query per request; revoking through this
    // process clears it at once, through another (the CLI) within PRINCIPAL_CACHE_MS.
    const principals = new LRUCache<string, Principal>({ max: 10_000, ttl: PRINCIPAL_CACHE_MS });
    app.decorate('forgetPrincipals', () => principals.clear());
    app.decorate('authorize', (roles: TokenRole[], options: { departmentParam?: string } = {}): onRequestAsyncHookHandler => {
      const allowed = [...new Set<TokenRole>([...roles, 'admin'])];
      return async (request) => {
        const principal = await authenticate(request);
        if (!allowed.includes(principal.role)) {
          throw new AppError('FORBIDDEN', `This operation needs one of the roles: ${allowed.join(', ')}`);
        }
        if (options.departmentParam) {
          assertActsFor(principal, (request.params as Record<string, string>)[options.departmentParam] ?? '');
        }
        request.principal = principal;
      };
    });

    async function authenticate(request: FastifyRequest): Promise<Principal> {
      const header = request.headers.authorization;
      if (!header) throw unauthorized('A bearer token is required');
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const hash = match ? hashToken(match[1]!) : undefined;
      const cached = hash ? principals.get(hash) : undefined;
      if (cached) return cached;
      const row = hash ? await findActiveTokenByHash(app.db, hash) : undefined;
      if (!row) {
        // Counted only now that the token failed: a valid one is never refused for others' failures.
        await app.recordAuthFailure(request);
        throw unauthorized(match ? 'The token is unknown or revoked' : 'The Authorization header must be "Bearer <token>"');
      }
      const principal: Principal = { tokenId: row.id, role: row.role, departmentCode: row.departmentCode };
      principals.set(hash!, principal);
      return principal;
    }
  },
  { name: 'auth', dependencies: ['database', 'hardening'] },
);

function unauthorized(detail: string) {
  return new AppError('UNAUTHORIZED', detail);
}

/** A department token acts only for its own department; office and admin act for any. */
function assertActsFor(principal: Principal, departmentCode: string): void {
  if (principal.role === 'department' && principal.departmentCode !== departmentCode) {
    throw new AppError('FORBIDDEN', `This token acts for ${principal.departmentCode}, not ${departmentCode}`);
  }
}

export function actorOf(request: FastifyRequest): Actor {
  const principal = request.principal;
  return {
    tokenId: principal?.tokenId ?? null,
    role: principal?.role ?? 'system',
    departmentCode: principal?.departmentCode ?? null,
    requestId: request.id,
  };
}
