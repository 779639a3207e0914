import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { registerDownloads } from '../../http/exports.js';
import { problemResponses } from '../../http/problem.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { periodParamsSchema } from '../consolidated/consolidated.schemas.js';
import { chaseSheet, statusSheet } from './overview.export.js';
import { overviewSchema } from './overview.schemas.js';
import * as service from './overview.service.js';

const tags = ['consolidated'];
const errors = problemResponses(400, 401, 403, 404);
const fileName = (overview: service.Overview, extension: string) => `${overview.plan}-${overview.period}-催报名单.${extension}`;

export const overviewRoutes: FastifyPluginAsyncZod = async (app) => {
  const office = app.authorize(['office']);
  const common = { tags, security: bearerSecurity, params: periodParamsSchema };
  const path = '/v1/plans/:plan/periods/:period/overview';

  app.get(
    path,
    {
      onRequest: office,
      schema: {
        ...common,
        operationId: 'getPeriodOverview',
        summary: '总览 of a period: counts and every expected unit in official order (office)',
        description:
          'Expected, submitted, accepted, returned, draft, not yet submitted and late units, and each expected unit in official order (市级部门 and the other bodies as they first appear in the 分工表, then the 16 districts 黄浦 … 崇明) with its report’s status and its liaisons. The 催报 list (units not yet submitted) is also available as .csv and .xlsx.',
        response: { 200: overviewSchema, ...errors },
      },
    },
    async (request) => service.overview(app.db, request.params.plan, request.params.period),
  );

  registerDownloads(app, {
    path,
    onRequest: office,
    schema: common,
    errors,
    csv: {
      operationId: 'getPeriodOverviewCsv',
      summary: 'The 催报 list of a period as CSV (office)',
      description: 'Units that have not submitted yet, in official order, with their 处级联络员 and 工作人员 names and phones; UTF-8 CSV with a byte-order mark.',
    },
    xlsx: {
      operationId: 'getPeriodOverviewXlsx',
      summary: 'The 催报 list of a period as an Excel workbook (office)',
      description:
        'Print-ready (A4 landscape, titled, header repeated on every page). Sheet 催报名单: units that have not submitted yet, in official order, with their 处级联络员 and 工作人员 names and phones; sheet 报送情况: every expected unit with its status, lateness, submission and review times (date cells, Asia/Shanghai).',
    },
    load: (request) => service.overview(app.db, request.params.plan, request.params.period),
    fileName,
    csvSheet: chaseSheet,
    workbook: (overview) => [chaseSheet(overview), statusSheet(overview)],
  });
};
