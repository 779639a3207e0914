import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { registerDownloads } from '../../http/exports.js';
import { problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import { planParamsSchema } from '../plans/plans.schemas.js';
import { writeHeadersSchema } from '../reports/reports.schemas.js';
import { assessmentSheet, rubricSheet } from './assessment.export.js';
import { assessmentSchema, rubricSchema, yearQuerySchema } from './assessment.schemas.js';
import * as service from './assessment.service.js';

const tags = ['assessment'];
const errors = problemResponses(400, 401, 403, 404);
const rubricPath = '/v1/plans/:plan/assessment-rubric';
const rubricText =
  'Weights of the five components (报送率 submission, 及时率 timeliness, 审核 review, 进展 progress, 目标 targets; relative, 0–1000, adding up to more than 0) and the grade bands from the highest down (strictly descending `min`, the last 0, names distinct). Until the office sets one, the defaults: 25 each (a rubric stored before the targets component gets 25 for it), 优秀 ≥ 90, 良好 ≥ 75, 一般 ≥ 60, 较差 ≥ 0.';

export const assessmentRoutes: FastifyPluginAsyncZod = async (app) => {
  const office = app.authorize(['office']);
  const secured = { tags, security: bearerSecurity, params: planParamsSchema };

  app.get(
    rubricPath,
    {
      onRequest: office,
      schema: {
        ...secured,
        operationId: 'getAssessmentRubric',
        'x-response-headers': { 200: ['ETag'] },
        summary: 'The rubric of the 年度考核 (office)',
        description: `${rubricText} The ETag is for If-Match on PUT.`,
        response: { 200: rubricSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { rubric, etag } = await service.getRubric(app.db, request.params.plan);
      return reply.header('etag', etag).send(rubric);
    },
  );

  app.put(
    rubricPath,
    {
      onRequest: office,
      schema: {
        ...secured,
        operationId: 'setAssessmentRubric',
        summary: 'Replace the rubric of the 年度考核 (office)',
        description: `${rubricText} Send If-Match with the ETag read, so a rubric changed meanwhile is not overwritten (412). Audited as assessment-rubric.set.`,
        headers: writeHeadersSchema,
        body: rubricSchema,
        response: { 200: rubricSchema, ...errors, ...problemResponses(412) },
      },
    },
    async (request, reply) => {
      const { rubric, etag } = await service.setRubric(app.db, actorOf(request), app.clock.now(), request.params.plan, request.body, request.headers['if-match']);
      return reply.header('etag', etag).send(rubric);
    },
  );

  const path = '/v1/plans/:plan/assessment';
  const common = { ...secured, querystring: yearQuerySchema };
  const figures =
    'One line per unit expected to report, in official order, over the periods whose last day falls in `year`: expected, on time, late, missing, returned and accepted reports, the progress of the latest counted report, the five components (0–100), the rows of the accepted yearly targets beside their year-end results, the score, its grade and the rank (ties share a rank). README: Annual assessment (年度考核).';
  app.get(
    path,
    {
      onRequest: office,
      schema: {
        ...common,
        operationId: 'getAnnualAssessment',
        summary: 'The 年度考核 of a year (office)',
        description: `${figures} Echoes the rubric used and the year's periods. A year without periods of the plan is 400 on query.year. Also as .csv and .xlsx.`,
        response: { 200: assessmentSchema, ...errors },
      },
    },
    async (request) => service.annualAssessment(app.db, request.params.plan, request.query.year),
  );

  registerDownloads(app, {
    path,
    onRequest: office,
    schema: common,
    errors,
    csv: {
      operationId: 'getAnnualAssessmentCsv',
      summary: 'The 年度考核 of a year as CSV (office)',
      description: `${figures} UTF-8 CSV with a byte-order mark.`,
    },
    xlsx: {
      operationId: 'getAnnualAssessmentXlsx',
      summary: 'The 年度考核 of a year as an Excel workbook (office)',
      description: `${figures} Sheets: 年度考核 (the lines) and 评分规则 (the weights and grade bands used).`,
    },
    load: (request) => service.annualAssessment(app.db, request.params.plan, request.query.year),
    fileName: (result, extension) => `${result.plan}-${result.year}-年度考核.${extension}`,
    csvSheet: assessmentSheet,
    workbook: (result) => [assessmentSheet(result), rubricSheet(result)],
  });
};
