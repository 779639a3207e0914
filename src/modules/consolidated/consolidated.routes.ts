import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { registerDownloads } from '../../http/exports.js';
import { createSerialisedCache } from '../../http/json-cache.js';
import { createKeyedCache } from '../../http/keyed-cache.js';
import { notModifiedResponse, problemResponses } from '../../http/problem.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { planParamsSchema } from '../plans/plans.schemas.js';
import { consolidatedSchema, periodParamsSchema, progressSchema } from './consolidated.schemas.js';
import { consolidatedCsvSheet, consolidatedWorkbook } from './consolidated.export.js';
import { progressCsvSheet, progressWorkbook } from './progress.export.js';
import * as service from './consolidated.service.js';
import { openConsolidatedRead } from './consolidated.json.js';
import type { FlagInput } from './flags.js';
import { createContentsKeeper } from './kept-contents.js';

const tags = ['consolidated'];
const errors = problemResponses(400, 401, 403, 404);
const fileName = (report: service.ConsolidatedReport, extension: string) => `${report.plan}-${report.period.id}-汇总.${extension}`;

export const consolidatedRoutes: FastifyPluginAsyncZod = async (app) => {
  const office = app.authorize(['office']);
  const sendCached = createSerialisedCache(50);
  // What the flags read of the periods before the one read (they look back two periods), per period and version.
  const figures = createKeyedCache<FlagInput>(100);
  const contents = createContentsKeeper();
  const common = { tags, security: bearerSecurity, params: periodParamsSchema };
  const path = '/v1/plans/:plan/periods/:period/consolidated';

  app.get(
    path,
    {
      onRequest: office,
      schema: {
        ...common,
        operationId: 'getConsolidatedReport',
        summary: 'Consolidated report of a period (office)',
        description:
          'Every measure and task row with each carrying unit’s report, a roll-up per row and per measure (counting submitted and accepted reports), and the submission totals with the missing units; for the summary period also each unit’s 总结报告正文 (`narratives`). Also as .csv and .xlsx.',
        response: { 200: consolidatedSchema, ...notModifiedResponse, ...errors },
      },
    },
    // The office re-reads a period far more often than it changes: the serialised report is
    // kept per version of the period's reports, so a read costs one round of small queries until
    // a write; the first read after one builds the JSON from what changed (consolidated.json.ts).
    async (request, reply) => {
      const { plan, period } = request.params;
      const read = await openConsolidatedRead(app.db, plan, period, { figures, contents });
      return sendCached(reply, read.key, read.build);
    },
  );

  registerDownloads(app, {
    path,
    onRequest: office,
    schema: common,
    errors,
    csv: {
      operationId: 'getConsolidatedReportCsv',
      summary: 'Consolidated report as CSV, one row per unit and task row (office)',
      description: 'The consolidated report as UTF-8 CSV with a byte-order mark, one row per unit and task row, metrics included.',
    },
    xlsx: {
      operationId: 'getConsolidatedReportXlsx',
      summary: 'Consolidated report as an Excel workbook laid out like the 分工表 (office)',
      description:
        'Print-ready (A4 landscape, titled with the period and deadline, header repeated on every page). Sheets: 分工表进展汇总 (the table with progress columns and 标记, the row’s behind-plan flags), 未报送单位, 需关注事项 (row flags and units missing twice), for the summary period 总结报告正文 (each unit’s narrative, in official order), and one sheet per category.',
    },
    load: (request) => service.consolidated(app.db, request.params.plan, request.params.period),
    fileName,
    csvSheet: consolidatedCsvSheet,
    workbook: consolidatedWorkbook,
  });

  app.get(
    '/v1/plans/:plan/progress',
    {
      onRequest: office,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'getProgressMatrix',
        summary: 'Measures × periods roll-up across the whole timeline (office)',
        description: 'For every measure, its roll-up in each period of the timeline (status and mean progress of submitted and accepted reports).',
        params: planParamsSchema,
        response: { 200: progressSchema, ...errors },
      },
    },
    async (request) => service.progressMatrix(app.db, request.params.plan),
  );

  registerDownloads(app, {
    path: '/v1/plans/:plan/progress',
    onRequest: office,
    schema: { tags, security: bearerSecurity, params: planParamsSchema },
    errors,
    csv: {
      operationId: 'getProgressMatrixCsv',
      summary: 'Progress of every task row in every period as CSV (office)',
      description: 'UTF-8 CSV with a byte-order mark: one line per task row and period, with the row’s status, mean progress and flags, and the measure’s mean progress.',
    },
    xlsx: {
      operationId: 'getProgressMatrixXlsx',
      summary: 'Measures × periods progress as a print-ready Excel workbook (office)',
      description:
        'Sheets: 措施进度矩阵 (mean progress per measure and period under a red–yellow–green colour scale), 任务进展 (each row’s status and progress per period, flagged cells filled, flags listed), 报送情况 (submission figures per period).',
    },
    load: (request) => service.progressMatrix(app.db, request.params.plan),
    fileName: (matrix, extension) => `${matrix.plan}-进度矩阵.${extension}`,
    csvSheet: progressCsvSheet,
    workbook: progressWorkbook,
  });
};
