import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idempotent } from '../../http/idempotency.js';
import { createJsonCache } from '../../http/json-cache.js';
import { notModifiedResponse, problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import { readUpload, registerMultipart, streamedBody } from '../attachments/attachment-uploads.js';
import { attachmentListQuerySchema, attachmentListSchema, attachmentSchema, uploadBodySchema } from '../attachments/attachments.schemas.js';
import * as attachments from '../attachments/attachments.service.js';
import { assertOwnerEditable } from '../attachments/owner-locks.js';
import { etagOf } from '../reports/if-match.js';
import { actionHeadersSchema, writeHeadersSchema } from '../reports/reports.schemas.js';
import { ledParamsSchema, ledRowsSchema, opinionHistorySchema, opinionSetSchema, saveOpinionsBodySchema } from './lead.schemas.js';
import * as lead from './lead.service.js';
import * as opinions from './opinions.service.js';

const tags = ['lead'];
const readErrors = problemResponses(400, 401, 403, 404, 422);
const writeErrors = problemResponses(400, 401, 403, 404, 409, 412, 422);
const withEtag = (set: opinions.OpinionSetView) => ({ etag: etagOf(set.version) });

const preface =
  'A lead department (牵头部门) is a unit the 牵头部门 cell of a row names directly (a collective such as 各区政府 makes no member a lead). ' +
  'The unit itself, the office and admins; a year’s targets period is 404, a collective 422. ';

export const leadRoutes: FastifyPluginAsyncZod = async (app) => {
  const ownOrOffice = app.authorize(['department', 'office'], { departmentParam: 'department' });
  const sendCached = createJsonCache(200);
  const base = '/v1/plans/:plan/periods/:period/led/:department';
  const common = { tags, security: bearerSecurity, params: ledParamsSchema };

  app.get(
    base,
    {
      onRequest: ownOrOffice,
      schema: {
        ...common,
        operationId: 'getLedRows',
        summary: 'The rows a unit leads, with what its responsible units reported (牵头部门汇总)',
        description:
          preface +
          'Every row the unit leads, in table order: its responsible units in official order with their entries from submitted or accepted reports (drafts and returned reports read as not reported), ' +
          'the units that have not reported, the row’s roll-up, the files tied to the row in those reports, and the lead’s own opinion. A unit that leads no row gets an empty list. ETag; If-None-Match answers 304.',
        response: { 200: ledRowsSchema, ...notModifiedResponse, ...readErrors },
      },
    },
    async (request, reply) => {
      const context = await lead.loadLeadContext(app.db, request.params);
      const key = await lead.ledRowsKey(app.db, context);
      return sendCached(reply, key, ledRowsSchema, () => lead.getLedRows(app.db, context));
    },
  );

  const opinionsPath = `${base}/opinions`;
  app.get(
    opinionsPath,
    {
      onRequest: ownOrOffice,
      schema: {
        ...common,
        operationId: 'getLeadOpinions',
        summary: 'The lead’s opinions (牵头汇总意见) on the rows it leads',
        description: preface + 'Not saved yet, they read as status not_started, version 0, with the rows the unit leads. ETag: "v<version>".',
        'x-response-headers': { 200: ['ETag'] },
        response: { 200: opinionSetSchema, ...readErrors },
      },
    },
    async (request, reply) => {
      const set = await opinions.getOpinions(app.db, request.params);
      return reply.headers(withEtag(set)).send(set);
    },
  );

  app.put(
    opinionsPath,
    {
      onRequest: ownOrOffice,
      schema: {
        ...common,
        operationId: 'saveLeadOpinions',
        summary: 'Save the lead’s opinions as a draft',
        description:
          preface +
          'Replaces the opinions: rows the unit leads only, each once; completed needs progress 100 and not_started 0 (422 naming body.opinions.<n>). ' +
          'Allowed in any state: nobody reviews opinions, so saving a submitted set reopens it as a draft until it is submitted again (the office keeps reading the last submission). ' +
          'If-Match optional, stale → 412. Saved by the office, they are entered on the unit’s behalf (enteredByOffice).',
        headers: writeHeadersSchema,
        body: saveOpinionsBodySchema,
        response: { 200: opinionSetSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const set = await opinions.saveOpinions(app.db, actorOf(request), app.clock.now(), request.params, request.body.opinions, request.headers['if-match']);
      return reply.headers(withEtag(set)).send(set);
    },
  );

  app.post(
    `${opinionsPath}/submit`,
    {
      onRequest: ownOrOffice,
      schema: {
        ...common,
        operationId: 'submitLeadOpinions',
        summary: 'Submit the lead’s opinions to the office',
        description:
          preface +
          'From draft; every row the unit leads needs an opinion (422 listing the missing rows). The office reads the submitted opinions in the consolidated report, its exports and the summary report.',
        headers: actionHeadersSchema,
        response: { 200: opinionSetSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const outcome = (set: opinions.OpinionSetView) => ({ statusCode: 200, body: set, headers: withEtag(set) });
      return idempotent(app.db, request, reply, async (remember) =>
        outcome(await opinions.submitOpinions(app.db, actorOf(request), app.clock.now(), request.params, request.headers['if-match'], (tx, set) => remember(tx, outcome(set)))),
      );
    },
  );

  app.get(
    `${opinionsPath}/history`,
    {
      onRequest: ownOrOffice,
      schema: {
        ...common,
        operationId: 'getLeadOpinionsHistory',
        summary: 'Every saved version of the lead’s opinions',
        description: preface + 'Oldest first, each with its action, status, who saved it (enteredByOffice) and the opinions.',
        response: { 200: opinionHistorySchema, ...readErrors },
      },
    },
    async (request) => opinions.opinionHistory(app.db, request.params),
  );

  // Files on the opinions, in a scope of their own: only these routes take multipart/form-data.
  const uploads: FastifyPluginAsyncZod = async (scope) => {
    await registerMultipart(scope);
    const ownOrOfficeHere = scope.authorize(['department', 'office'], { departmentParam: 'department' });
    scope.post(
      `${opinionsPath}/attachments`,
      {
        onRequest: ownOrOfficeHere,
        validatorCompiler: streamedBody,
        schema: {
          ...common,
          operationId: 'uploadLeadOpinionsAttachment',
          summary: 'Attach a file to the lead’s opinions',
          description:
            preface +
            'As a report’s attachments (POST …/reports/{department}/attachments: multipart/form-data, the same types and limits), tied optionally to a row the unit leads (422 otherwise). ' +
            'Allowed while the opinions are not started or a draft (409 once submitted: save them to reopen); the file becomes part of their next version.',
          consumes: ['multipart/form-data'],
          body: uploadBodySchema,
          'x-response-headers': { 201: ['Location'] },
          response: { 201: attachmentSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      },
      async (request, reply) => {
        await lead.loadLeadContext(app.db, request.params);
        const target = await attachments.prepareUpload(app.db, { ...request.params, owner: 'lead' }, app.attachmentLimits);
        await assertOwnerEditable(app.db, target.key);
        const attachment = await readUpload(request, { db: app.db, target, currentVersion: attachments.versionLock(target.key), actor: actorOf(request), at: app.clock.now() });
        return reply.code(201).header('location', attachment.href).send(attachment);
      },
    );
    scope.get(
      `${opinionsPath}/attachments`,
      {
        onRequest: ownOrOfficeHere,
        schema: {
          ...common,
          operationId: 'listLeadOpinionsAttachments',
          summary: 'The files attached to the lead’s opinions',
          description: preface + 'The current attachments, oldest first; with `version`, those of that version of the opinions (404 for a version they do not have yet).',
          querystring: attachmentListQuerySchema,
          response: { 200: attachmentListSchema, ...readErrors },
        },
      },
      async (request) => {
        await lead.loadLeadContext(app.db, request.params);
        return { items: await attachments.listOwnerAttachments(app.db, { ...request.params, owner: 'lead' }, request.query.version) };
      },
    );
  };
  await app.register(uploads);
};
