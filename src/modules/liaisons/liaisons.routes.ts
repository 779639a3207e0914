import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { registerDownloads } from '../../http/exports.js';
import { problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import { departmentParamsSchema } from '../departments/departments.schemas.js';
import { rosterSheet } from './liaisons.export.js';
import { liaisonsBodySchema, liaisonsSchema, rosterSchema } from './liaisons.schemas.js';
import * as service from './liaisons.service.js';

const tags = ['liaisons'];
const errors = problemResponses(400, 401, 403, 404, 422);

export const liaisonRoutes: FastifyPluginAsyncZod = async (app) => {
  const ownOrOffice = app.authorize(['department', 'office'], { departmentParam: 'code' });
  const office = app.authorize(['office']);

  app.get(
    '/v1/departments/:code/liaisons',
    {
      onRequest: ownOrOffice,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'getLiaisons',
        summary: "Get a unit's 处级联络员 and 工作人员",
        description: 'The unit’s 处级联络员 (name, position, phone, email) and 工作人员 (name, phone, email); 404 until the unit has named them.',
        params: departmentParamsSchema,
        response: { 200: liaisonsSchema, ...errors },
      },
    },
    async (request) => service.getLiaisons(app.db, request.params.code),
  );

  app.put(
    '/v1/departments/:code/liaisons',
    {
      onRequest: ownOrOffice,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'setLiaisons',
        summary: "Set a unit's 处级联络员 and 工作人员",
        description: 'A department sets its own; the office may set any (e.g. from a list sent on paper).',
        params: departmentParamsSchema,
        body: liaisonsBodySchema,
        response: { 200: liaisonsSchema, ...errors },
      },
    },
    async (request) => service.setLiaisons(app.db, actorOf(request), app.clock.now(), request.params.code, request.body),
  );

  const rosterSchemaBase = { tags, security: bearerSecurity };
  app.get(
    '/v1/liaisons',
    {
      onRequest: office,
      schema: {
        ...rosterSchemaBase,
        operationId: 'getLiaisonRoster',
        summary: 'The liaison roster of every unit (office)',
        description: 'Also as /v1/liaisons.csv and /v1/liaisons.xlsx.',
        response: { 200: rosterSchema, ...problemResponses(401, 403) },
      },
    },
    async () => service.roster(app.db),
  );

  registerDownloads(app, {
    path: '/v1/liaisons',
    onRequest: office,
    schema: rosterSchemaBase,
    errors: problemResponses(401, 403),
    csv: {
      operationId: 'getLiaisonRosterCsv',
      summary: 'The liaison roster as CSV (office)',
      description: 'The roster as UTF-8 CSV with a byte-order mark: one row per unit, with who has not registered.',
    },
    xlsx: {
      operationId: 'getLiaisonRosterXlsx',
      summary: 'The liaison roster as an Excel workbook (office)',
      description: 'The roster as an Excel workbook: one row per unit, with who has not registered.',
    },
    load: () => service.roster(app.db),
    fileName: (_roster, extension) => `联络员名单.${extension}`,
    csvSheet: rosterSheet,
    workbook: (roster) => [rosterSheet(roster)],
  });
};
