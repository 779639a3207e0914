import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
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
}

export const bearerSecurity = [{ bearerAuth: [] }];

/**
 * Bearer-token authentication. The plan structure stays public; protected routes declare
 * `onRequest: app.authorize([...roles], { departmentParam })`.
 */
export default fp(
  async (app) => {
    app.decorateRequest('principal', null);
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
      app.assertNotLockedOut(request);
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const row = match ? await findActiveTokenByHash(app.db, hashToken(match[1]!)) : undefined;
      if (!row) {
        await app.recordAuthFailure(request);
        throw unauthorized(match ? 'The token is unknown or revoked' : 'The Authorization header must be "Bearer <token>"');
      }
      return { tokenId: row.id, role: row.role, departmentCode: row.departmentCode };
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
