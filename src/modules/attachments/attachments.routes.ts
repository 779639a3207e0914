import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ifNoneMatchHolds } from '../../http/entity-tags.js';
import { contentDisposition } from '../../http/exports.js';
import { notModifiedResponse, problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import { readableAttachment, type Reader } from './attachment-access.js';
import { readUpload, registerMultipart, streamedBody } from './attachment-uploads.js';
import {
  attachmentListQuerySchema,
  attachmentListSchema,
  attachmentOwnerParamsSchema,
  attachmentParamsSchema,
  attachmentSchema,
  uploadBodySchema,
} from './attachments.schemas.js';
import * as service from './attachments.service.js';
import { DOCX, JPEG, OFD, PDF, PNG, XLSX } from './file-kinds.js';
import { assertOwnerEditable } from './owner-locks.js';

const tags = ['attachments'];
const base = '/v1/plans/:plan/periods/:period/reports/:department/attachments';
const CACHE_CONTROL = 'private, no-cache';
const DOWNLOAD_TYPES = [PDF, JPEG, PNG, OFD, DOCX, XLSX].map((kind) => kind.mediaType).concat(['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-works']);

const binary = z.string().meta({ format: 'binary' });
const downloadResponse = {
  description: 'The file, as stored; Content-Type is the type its content showed at upload',
  content: Object.fromEntries(DOWNLOAD_TYPES.map((type) => [type, { schema: binary }])),
};

const readerOf = (principal: { role: string; departmentCode: string | null } | null): Reader => ({
  role: principal?.role === 'office' || principal?.role === 'admin' ? principal.role : 'department',
  departmentCode: principal?.departmentCode ?? null,
});

export const attachmentRoutes: FastifyPluginAsyncZod = async (app) => {
  await registerMultipart(app);
  const ownOrOffice = app.authorize(['department', 'office'], { departmentParam: 'department' });
  const anyUnit = app.authorize(['department', 'office']);

  // Uploads cut short by a crash or a restart leave pending blobs behind; each start clears old ones.
  app.addHook('onReady', async () => {
    const swept = await service.sweepPendingUploads(app.db, app.clock.now()).catch((error: Error) => {
      app.log.warn({ err: error }, 'pending attachment uploads not swept');
      return 0;
    });
    if (swept > 0) app.log.info({ swept }, 'deleted the pending blobs of unfinished attachment uploads');
  });

  app.post(
    base,
    {
      onRequest: ownOrOffice,
      validatorCompiler: streamedBody,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'uploadReportAttachment',
        summary: 'Attach a file to a report (佐证材料)',
        description:
          'multipart/form-data with one part `file` and optional text fields `measureNo` + `taskSeq` (both or neither: a row the unit carries, 422 otherwise) and `description` (≤ 500 characters). ' +
          'Send the fields before the file: they are then checked before the file is read. Allowed while the report is not started, a draft or returned (409 otherwise); ' +
          'the file becomes part of the report’s next saved version. The type is decided from the content: PDF, JPEG, PNG, OFD, DOC/XLS/WPS/ET, DOCX or XLSX, anything else is 415. ' +
          'At most ATTACHMENT_MAX_BYTES (20 MiB) per file and 200 MiB per report (413), 50 files per report (409). Attached by the office, it is marked enteredByOffice.',
        params: attachmentOwnerParamsSchema,
        consumes: ['multipart/form-data'],
        body: uploadBodySchema,
        'x-response-headers': { 201: ['Location'] },
        response: { 201: attachmentSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const target = await service.prepareUpload(app.db, { ...request.params, owner: 'report' }, app.attachmentLimits);
      await assertOwnerEditable(app.db, target.key);
      const attachment = await readUpload(request, { db: app.db, target, currentVersion: service.versionLock(target.key), actor: actorOf(request), at: app.clock.now() });
      return reply.code(201).header('location', attachment.href).send(attachment);
    },
  );

  app.get(
    base,
    {
      onRequest: ownOrOffice,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'listReportAttachments',
        summary: 'The files attached to a report',
        description: 'The current attachments (not removed), oldest first; with `version`, those of that version of the report (404 for a version it does not have yet).',
        params: attachmentOwnerParamsSchema,
        querystring: attachmentListQuerySchema,
        response: { 200: attachmentListSchema, ...problemResponses(400, 401, 403, 404, 422) },
      },
    },
    async (request) => ({ items: await service.listOwnerAttachments(app.db, { ...request.params, owner: 'report' }, request.query.version) }),
  );

  app.get(
    '/v1/attachments/:id',
    {
      onRequest: anyUnit,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'downloadAttachment',
        summary: 'Download an attachment',
        description:
          'The unit it belongs to, the office and admin may download it; so may a lead department (牵头部门) when the file is tied to a row it leads directly and the report is submitted or accepted (403 otherwise). ' +
          'The ETag is "sha256:<hex>" of the content: with If-None-Match, 304. Removed attachments stay downloadable: they remain part of the versions they belonged to.',
        params: attachmentParamsSchema,
        'x-response-headers': { 200: ['Cache-Control', 'Content-Disposition', 'Content-Length', 'X-Content-Type-Options'], 304: ['Cache-Control'] },
        response: { 200: downloadResponse, ...notModifiedResponse, ...problemResponses(400, 401, 403, 404) },
      },
    },
    async (request, typedReply) => {
      // The body is a stream of the file, which the schema's typed reply does not take.
      const reply = typedReply as FastifyReply;
      const { attachment } = await readableAttachment(app.db, request.params.id, readerOf(request.principal));
      const etag = `"sha256:${attachment.sha256}"`;
      reply.header('etag', etag).header('cache-control', CACHE_CONTROL).header('x-content-type-options', 'nosniff');
      if (ifNoneMatchHolds(request.headers['if-none-match'], etag)) return reply.code(304).send();
      return reply
        .type(attachment.mediaType)
        .header('content-length', attachment.size)
        .header('content-disposition', contentDisposition(attachment.fileName))
        // HEAD (Fastify's, from this GET) would read the whole stream to discard it: hand it an empty one.
        .send(request.method === 'HEAD' ? Readable.from([]) : service.openAttachmentContent(app.db, attachment.blobId));
    },
  );

  app.delete(
    '/v1/attachments/:id',
    {
      onRequest: anyUnit,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'removeAttachment',
        summary: 'Remove an attachment',
        description:
          'By the unit it belongs to or the office, while its report (or lead opinions) is not submitted: not started, a draft or returned (409 otherwise). ' +
          'A file attached since the last saved version is deleted for good; one that is part of a saved version stays in that version’s history (GET …/attachments?version=N) and leaves the current list.',
        params: attachmentParamsSchema,
        response: { 204: z.undefined().describe('Removed'), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await service.removeAttachment(app.db, { id: request.params.id, actor: actorOf(request), at: app.clock.now(), reader: readerOf(request.principal) });
      return reply.code(204).send();
    },
  );
};
