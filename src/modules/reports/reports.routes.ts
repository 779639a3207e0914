import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idempotent } from '../../http/idempotency.js';
import { problemResponses } from '../../http/problem.js';
import { actorOf, bearerSecurity } from '../../plugins/auth.js';
import {
  actionHeadersSchema,
  reportParamsSchema,
  reportSchema,
  returnBodySchema,
  saveReportBodySchema,
  submitBodySchema,
  versionSchema,
  writeHeadersSchema,
} from './reports.schemas.js';
import { composeReviewNotice, mailReviewNotice, recordReviewNotice, type ReviewNotice } from './review-notice.js';
import * as service from './reports.service.js';

const readErrors = problemResponses(400, 401, 403, 404, 422);
const writeErrors = problemResponses(400, 401, 403, 404, 409, 412, 422);
const withEtag = (report: service.ReportView) => ({ etag: service.etagOf(report.version) });

/**
 * One report resource, as it is addressed: `base` with its params schema, and how the params name
 * the report (plan, period, unit). A year's targets (src/modules/targets) are the same workflow
 * under another address, so they are these very handlers with another mapping.
 */
export interface ReportResource<P extends z.ZodType> {
  base: string;
  tags: string[];
  params: P;
  address(params: z.infer<P>): service.ReportAddress;
  /** operationId of each operation: getReport, submitReport, … */
  operationId(verb: 'get' | 'save' | 'submit' | 'accept' | 'return' | 'history'): string;
  /** One-line summary of each operation. */
  summary(verb: 'get' | 'save' | 'submit' | 'accept' | 'return' | 'history'): string;
  /** Put before every operation's description (what the resource is). */
  preface: string;
}

export type ReportVerb = Parameters<ReportResource<z.ZodType>['summary']>[0];

const reportResource: ReportResource<typeof reportParamsSchema> = {
  base: '/v1/plans/:plan/periods/:period/reports/:department',
  tags: ['reports'],
  params: reportParamsSchema,
  address: (params) => params,
  operationId: (verb) => ({ get: 'getReport', save: 'saveReportDraft', submit: 'submitReport', accept: 'acceptReport', return: 'returnReport', history: 'getReportHistory' })[verb],
  summary: (verb) =>
    ({
      get: "Get a unit's report for a period",
      save: 'Save the report as a draft',
      submit: 'Submit the report to the office',
      accept: 'Accept a submitted report (office)',
      return: 'Return a submitted report with a reason (office)',
      history: 'Every saved version of a report',
    })[verb],
  preface: '',
};

export const reportRoutes: FastifyPluginAsyncZod<{ publicBaseUrl: string }> = async (app, options) => registerReportOperations(app, reportResource, options);

type ZodApp = Parameters<FastifyPluginAsyncZod>[0];

export function registerReportOperations<P extends z.ZodType>(app: ZodApp, resource: ReportResource<P>, options: { publicBaseUrl: string }) {
  const { base, tags } = resource;
  const addressOf = (request: { params: unknown }) => resource.address(request.params as z.infer<P>);
  const scope = { departmentParam: 'department' };
  const ownOrOffice = app.authorize(['department', 'office'], scope);
  const office = app.authorize(['office']);

  app.get(
    base,
    {
      onRequest: ownOrOffice,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: resource.operationId('get'),
        'x-response-headers': { 200: ['ETag'] },
        summary: resource.summary('get'),
        description: resource.preface + 'A report not started yet reads as status not_started, version 0, with the rows to report on.',
        params: resource.params,
        response: { 200: reportSchema, ...readErrors },
      },
    },
    async (request, reply) => {
      const report = await service.getReport(app.db, addressOf(request));
      return reply.headers(withEtag(report)).send(report);
    },
  );

  app.put(
    base,
    {
      onRequest: ownOrOffice,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: resource.operationId('save'),
        summary: resource.summary('save'),
        description:
          resource.preface +
          'Replaces the entries. Allowed while the report is not started, a draft or returned. Send If-Match to avoid overwriting a newer version. Saved by the office, it is entered on the unit’s behalf (a report sent on paper) and marked enteredByOffice. ' +
          'The summary period also takes `narrative`, the 总结报告正文 (four sections; left out, the stored one is kept); any other period refuses it (422 on body.narrative).',
        params: resource.params,
        headers: writeHeadersSchema,
        body: saveReportBodySchema,
        response: { 200: reportSchema, ...writeErrors },
      },
    },
    async (request, reply) => {
      const report = await service.saveDraft(app.db, actorOf(request), app.clock.now(), addressOf(request), request.body, request.headers['if-match']);
      return reply.headers(withEtag(report)).send(report);
    },
  );

  const action = (
    name: 'submit' | 'accept' | 'return',
    options: { description: string; office: boolean; body?: typeof returnBodySchema | typeof submitBodySchema },
    run: (
      request: { params: service.ReportAddress; headers: { 'if-match'?: string | undefined }; body: unknown },
      actor: ReturnType<typeof actorOf>,
      at: Date,
      remember: { inTransaction: service.InTransaction; rows: NonNullable<service.StepWrites['rows']> },
    ) => Promise<service.ReportView>,
  ) =>
    app.post(
      `${base}/${name}`,
      {
        onRequest: options.office ? office : ownOrOffice,
        schema: {
          tags,
          security: bearerSecurity,
          operationId: resource.operationId(name),
          summary: resource.summary(name),
          description: resource.preface + options.description,
          params: resource.params,
          headers: actionHeadersSchema,
          ...(options.body ? { body: options.body } : {}),
          response: { 200: reportSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const outcome = (report: service.ReportView) => ({ statusCode: 200, body: report, headers: withEtag(report) });
        const addressed = { params: addressOf(request), headers: request.headers, body: request.body };
        return idempotent(app.db, request, reply, async (remember) =>
          outcome(
            await run(addressed, actorOf(request), app.clock.now(), {
              inTransaction: (tx, report) => remember(tx, outcome(report)),
              rows: (report) => remember.rows(outcome(report)),
            }),
          ),
        );
      },
    );

  action(
    'submit',
    {
      description:
        'From draft or returned. Every required row needs an entry (422 on report.entries), and on the summary period every section of the narrative (422 on report.narrative.work, …). A submission after dueAt is accepted and marked late. Submitted by the office, it is entered on the unit’s behalf and marked enteredByOffice. ' +
        'With a body (what the save takes: entries, and on the summary period the narrative), the report is saved and submitted in one step: the save’s rules apply first (so also from not_started), then the submission’s; one version and one audit row (report.submit with saved: true and the changed rows); If-Match is the version before the save.',
      office: false,
      body: submitBodySchema,
    },
    async (request, actor, at, { rows }) => {
      const draft = (request.body as z.infer<typeof submitBodySchema>) ?? undefined;
      // The unit's reminders of the period are cancelled in the submission's own statement; their
      // jobs find them cancelled and do nothing, and the next reconcile removes them.
      return service.submit(app.db, actor, at, request.params, request.headers['if-match'], { draft, rows });
    },
  );

  /**
   * A review tells the unit: an in-app notice written in the review's transaction, and, with SMTP,
   * an e-mail to its liaisons once the review has committed. The e-mail is not awaited: the review
   * stands and answers whatever the mail server does.
   */
  const reviewed = async (at: Date, inTransaction: service.InTransaction, review: (inTransaction: service.InTransaction) => Promise<service.ReportView>) => {
    let notice: ReviewNotice | undefined;
    const report = await review(async (tx, written) => {
      notice = composeReviewNotice(written, options.publicBaseUrl);
      await recordReviewNotice(tx, written, notice, at);
      await inTransaction(tx, written);
    });
    const onFailure = (code: string) => app.log.warn({ code, department: report.department.code }, 'review notice e-mail not sent');
    void mailReviewNotice({ db: app.db, mailer: app.mailer, onFailure }, report, notice!);
    return report;
  };

  const noticeText = 'The unit gets an in-app notice (GET /v1/departments/{code}/notifications) and, with SMTP, an e-mail to its liaisons.';
  action(
    'accept',
    { description: `From submitted (审核通过). ${noticeText}`, office: true },
    (request, actor, at, remember) =>
      reviewed(at, remember.inTransaction, (withNotice) => service.accept(app.db, actor, at, request.params, request.headers['if-match'], withNotice)),
  );
  action(
    'return',
    {
      description: `From submitted; the unit edits and resubmits (退回). ${noticeText} The notice carries the reason.`,
      office: true,
      body: returnBodySchema,
    },
    (request, actor, at, remember) =>
      reviewed(at, remember.inTransaction, (withNotice) =>
        service.returnReport(app.db, actor, at, request.params, (request.body as z.infer<typeof returnBodySchema>).reason, request.headers['if-match'], withNotice),
      ),
  );

  app.get(
    `${base}/history`,
    {
      onRequest: ownOrOffice,
      schema: {
        tags,
        security: bearerSecurity,
        operationId: resource.operationId('history'),
        summary: resource.summary('history'),
        description: resource.preface + 'Every saved version of the report, oldest first, each with its action, status, late flag, reason and entries.',
        params: resource.params,
        response: { 200: z.object({ report: reportSchema, items: z.array(versionSchema) }), ...readErrors },
      },
    },
    async (request) => service.history(app.db, addressOf(request)),
  );
}
