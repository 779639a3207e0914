import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { registerDownloads } from '../../http/exports.js';
import { problemResponses } from '../../http/problem.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { chaseSheet } from '../overview/overview.export.js';
import { registerReportOperations, type ReportResource } from '../reports/reports.routes.js';
import { targetsSheet } from './targets.export.js';
import { targetsParamsSchema, yearParamsSchema, yearTargetsSchema } from './targets.schemas.js';
import * as service from './targets.service.js';

const tags = ['targets'];
const errors = problemResponses(400, 401, 403, 404);

/** /years/{year}/targets/{department} is the report of period `<year>-targets`: the report handlers, mapped. */
const targetsResource: ReportResource<typeof targetsParamsSchema> = {
  base: '/v1/plans/:plan/years/:year/targets/:department',
  tags,
  params: targetsParamsSchema,
  address: service.targetsAddress,
  operationId: (verb) =>
    ({ get: 'getTargets', save: 'saveTargetsDraft', submit: 'submitTargets', accept: 'acceptTargets', return: 'returnTargets', history: 'getTargetsHistory' })[verb],
  summary: (verb) =>
    ({
      get: "Get a unit's targets for a year",
      save: 'Save the targets as a draft',
      submit: 'Submit the targets to the office',
      accept: 'Accept submitted targets (office)',
      return: 'Return submitted targets with a reason (office)',
      history: 'Every saved version of the targets',
    })[verb],
  preface:
    "A unit's 分年度工作任务目标 for the year: its report of the period `<year>-targets` (the same resource as /periods/<year>-targets/reports/{department}). " +
    'Each entry is a row’s target: status and progress expected at year end (status blocked is refused, 422 on body.entries.<n>.status), metrics the quantified targets (name = indicator, value, unit), summary the description. A year the plan has no targets for is 404. ',
};

export const targetsRoutes: FastifyPluginAsyncZod<{ publicBaseUrl: string }> = async (app, options) => {
  registerReportOperations(app, targetsResource, options);

  const office = app.authorize(['office']);
  const common = { tags, security: bearerSecurity, params: yearParamsSchema };
  const path = '/v1/plans/:plan/years/:year/targets';
  const load = (params: { plan: string; year: string }) => service.yearTargets(app.db, params.plan, Number(params.year));
  const listText =
    'Every unit expected to report, in official order, with the status of its targets (not_started, draft, submitted, accepted, returned), when it submitted, whether late, how many rows it set, and its targets as submitted; `missing` lists the units that have not submitted theirs.';

  app.get(
    path,
    {
      onRequest: office,
      schema: {
        ...common,
        operationId: 'getYearTargets',
        summary: "Every unit's targets for a year (office)",
        description: `${listText} Also as .csv and .xlsx.`,
        response: { 200: yearTargetsSchema, ...errors },
      },
    },
    async (request) => {
      const { overview: _overview, ...targets } = await load(request.params);
      return targets;
    },
  );

  registerDownloads(app, {
    path,
    onRequest: office,
    schema: common,
    errors,
    csv: {
      operationId: 'getYearTargetsCsv',
      summary: "Every unit's targets for a year as CSV (office)",
      description: 'One line per unit and row (单位, 措施/任务, 目标状态, 目标进度, 量化指标, 目标说明), units in official order; a unit without submitted targets has one line 未设定. UTF-8 CSV with a byte-order mark.',
    },
    xlsx: {
      operationId: 'getYearTargetsXlsx',
      summary: "Every unit's targets for a year as an Excel workbook (office)",
      description: 'Sheet 年度工作目标: as the CSV, print-ready. Sheet 催报名单: the units that have not submitted their targets, in official order, with their liaisons.',
    },
    load: (request) => load(request.params),
    fileName: (targets, extension) => `${targets.plan}-${targets.year}-年度工作目标.${extension}`,
    csvSheet: targetsSheet,
    workbook: (targets) => [targetsSheet(targets), chaseSheet(targets.overview)],
  });
};
