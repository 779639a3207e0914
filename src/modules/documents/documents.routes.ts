import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { fileResponse, sendFile } from '../../http/exports.js';
import { notModifiedResponse, problemResponses } from '../../http/problem.js';
import { bearerSecurity } from '../../plugins/auth.js';
import { periodParamsSchema } from '../periods/periods.schemas.js';
import { chartDescription, chartParamsSchema, chartQuerySchema, DOCX_TYPE, PNG_TYPE, SVG_TYPE } from './documents.schemas.js';
import * as service from './documents.service.js';
import { ifNoneMatchHolds } from '../../http/entity-tags.js';
import { memoEpoch } from '../../db/memo.js';
import { createKeyedCache } from '../../http/keyed-cache.js';

const tags = ['documents'];
const errors = problemResponses(400, 401, 403, 404);
/** Office documents change with every report: the browser keeps them but asks each time (ETag where there is one). */
const CACHE_CONTROL = 'private, no-cache';

/** Sends the body with its ETag, or 304 when If-None-Match holds it (RFC 9110 §13.1.2, weak comparison); the body is made only when needed. */
async function sendConditional(reply: FastifyReply, etag: string, type: string, body: () => Promise<string | Buffer>) {
  reply.header('etag', etag).header('cache-control', CACHE_CONTROL);
  if (ifNoneMatchHolds(reply.request.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.type(type).send(await body());
}

export const documentRoutes: FastifyPluginAsyncZod = async (app) => {
  const office = app.authorize(['office']);
  const charts = createKeyedCache<string | Buffer>(100);
  const reports = createKeyedCache<{ fileName: string; body: Buffer }>(20);

  const formats = [
    { format: 'svg', type: SVG_TYPE, operationId: 'getChartSvg', summary: 'A chart as SVG (office)' },
    { format: 'png', type: PNG_TYPE, operationId: 'getChartPng', summary: 'A chart as PNG (office)' },
  ] as const;
  for (const { format, type, operationId, summary } of formats) {
    app.get(
      `/v1/plans/:plan/charts/:chart.${format}`,
      {
        onRequest: office,
        schema: {
          tags,
          security: bearerSecurity,
          operationId,
          summary,
          description: chartDescription,
          params: chartParamsSchema,
          querystring: chartQuerySchema,
          'x-response-headers': { 200: ['Cache-Control'], 304: ['Cache-Control'] },
          response: { 200: fileResponse(type, `The chart as ${format.toUpperCase()}`), ...notModifiedResponse, ...errors },
        },
      },
      async (request, reply) => {
        const chartRequest = { ...request.params, period: request.query.period, format };
        const etag = await service.chartEtag(app.db, chartRequest);
        return sendConditional(reply, etag, type, () => charts(`${memoEpoch(app.db)}|${etag}`, () => service.chart(app.db, chartRequest)));
      },
    );
  }

  app.get(
    '/v1/plans/:plan/periods/:period/summary-report.docx',
    {
      onRequest: office,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: 'getSummaryReportDocx',
        summary: 'The summary report of a period as a Word document (office)',
        description:
          '《上海市危险化学品安全综合治理工作 2018年第二季度进展情况汇总报告》, or for `summary` the 总结报告 of the whole campaign, laid out after GB/T 9704-2012 ' +
          '(A4, 仿宋_GB2312 text, 黑体 and 楷体_GB2312 headings, page numbers "— 1 —"), with tables and charts; fonts are named, not embedded. Dated today in Asia/Shanghai.',
        params: periodParamsSchema,
        'x-response-headers': { 200: ['Cache-Control'] },
        response: { 200: fileResponse(DOCX_TYPE, 'Word document (.docx)'), ...errors },
      },
    },
    async (request, reply) => {
      const { plan, period } = request.params;
      const now = app.clock.now();
      const key = await service.summaryReportKey(app.db, plan, period, now);
      const { fileName, body } = await reports(`${memoEpoch(app.db)}|${key}`, () => service.summaryReportFile(app.db, plan, period, now));
      reply.header('cache-control', CACHE_CONTROL);
      return sendFile(reply, DOCX_TYPE, fileName, body);
    },
  );
};
