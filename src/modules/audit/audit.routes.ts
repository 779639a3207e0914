import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemResponses } from '../../http/problem.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { listAudit } from './audit.repository.js';
import { auditPageSchema, auditQuerySchema } from './audit.schemas.js';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/audit',
    {
      onRequest: app.authorize(['office']),
      schema: {
        tags: ['audit'],
        security: bearerSecurity,
        operationId: 'listAudit',
        summary: 'The audit log, newest first (office, admin)',
        description: 'Every write: who, when, what, before and after. Keyset-paginated with cursor / nextCursor.',
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { cursor, from, to, limit, ...filter } = request.query;
      const rows = await listAudit(app.db, {
        ...filter,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
        before: cursor,
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      return {
        items: page.map((row) => ({
          id: row.id,
          at: row.at.toISOString(),
          actor: { tokenId: row.actorTokenId, role: row.actorRole, department: row.actorDepartment, email: row.actorEmail },
          action: row.action,
          entityType: row.entityType,
          entityId: row.entityId,
          before: row.before,
          after: row.after,
          requestId: row.requestId,
        })),
        nextCursor: rows.length > limit ? page.at(-1)!.id : null,
      };
    },
  );
};
