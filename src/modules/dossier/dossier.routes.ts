import type { FastifyReply, onRequestAsyncHookHandler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../../errors.js';
import { contentDisposition, fileResponse } from '../../http/exports.js';
import { problemResponses } from '../../http/problem.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { planParamsSchema } from '../plans/plans.schemas.js';
import { dossierDescription, dossierQuerySchema, ZIP_TYPE } from './dossier.schemas.js';
import * as service from './dossier.service.js';
import { DossierAborted, ZipWriter } from './zip-writer.js';

/**
 * A unit's token may have its own dossier only: checked with the access, before the input is
 * validated, so a unit learns nothing about other units' codes from the answer.
 */
const ownDossierOnly: onRequestAsyncHookHandler = async (request) => {
  const principal = request.principal!;
  const asked = (request.query as Record<string, unknown>).department;
  if (principal.role === 'department' && asked !== undefined && asked !== principal.departmentCode) {
    throw new AppError('FORBIDDEN', {
      en: `This ${principal.via === 'bearer' ? 'token' : 'session'} acts for ${principal.departmentCode}; it may download only that unit's dossier`,
      zh: `当前身份仅代表 ${principal.departmentCode}，只能下载本单位的台账`,
    });
  }
};

export const dossierRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/v1/plans/:plan/dossier.zip',
    {
      onRequest: [app.authorize(['office', 'department']), ownDossierOnly],
      schema: {
        tags: ['documents'],
        security: bearerSecurity,
        operationId: 'getDossierZip',
        summary: 'The dossier (台账) of a plan as a ZIP: index, reports, lead opinions, attachments and audit trail',
        description: dossierDescription,
        params: planParamsSchema,
        querystring: dossierQuerySchema,
        'x-response-headers': { 200: ['Content-Disposition'] },
        response: { 200: fileResponse(ZIP_TYPE, 'ZIP archive, streamed'), ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request, typedReply) => {
      // The body is the archive as a stream, which the schema's typed reply does not take.
      const reply = typedReply as FastifyReply;
      const now = app.clock.now();
      const principal = request.principal!;
      const scope = await service.resolveScope(app.db, request.params.plan, request.query, { role: principal.role, departmentCode: principal.departmentCode }, now);
      const controller = new AbortController();
      const zip = new ZipWriter(controller.signal, scope.timeZone);
      // The client went away before the end: stop reading the database and building documents.
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const what = { plan: scope.plan.code, department: scope.unit?.code ?? null, measure: scope.measureNo, periods: scope.periods.length };
      service.writeDossier(app.db, scope, zip, now).then(
        () => request.log.info(what, 'dossier sent'),
        (error: unknown) => {
          if (error instanceof DossierAborted) return request.log.info(what, 'dossier stopped: the client went away');
          request.log.error({ err: error, ...what }, 'dossier failed');
          zip.fail(error as Error);
        },
      );
      return reply.type(ZIP_TYPE).header('content-disposition', contentDisposition(scope.fileName)).send(zip.output);
    },
  );
};
