import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { completeContract } from '../http/contract.js';

export const apiVersion = '1.0.0';

type OpenApiDocument = ReturnType<typeof jsonSchemaTransformObject>;
type WithComponents = { components?: { schemas?: Record<string, unknown>; responses?: unknown }; paths?: unknown };

/**
 * The zod registry emits an input and an output variant of every named schema; keep only the
 * ones an operation reaches, so integrators see each model once.
 */
function withoutUnusedSchemas(document: OpenApiDocument): OpenApiDocument {
  const { components, paths } = document as WithComponents;
  const schemas = components?.schemas ?? {};
  const reachable = new Set<string>();
  let frontier = JSON.stringify([paths ?? {}, components?.responses ?? {}]);
  for (;;) {
    const found = [...frontier.matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!).filter((name) => !reachable.has(name));
    if (found.length === 0) break;
    found.forEach((name) => reachable.add(name));
    frontier = JSON.stringify(found.map((name) => schemas[name]));
  }
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => reachable.has(name)));
  return { ...document, components: { ...components, schemas: kept } } as OpenApiDocument;
}

export interface OpenApiOptions {
  /** PUBLIC_BASE_URL; without it the document's server is relative (`/`), i.e. wherever it was fetched from. */
  publicBaseUrl?: string | undefined;
}

/** The OpenAPI document is generated from the route schemas; `/openapi.json` serves it, `/docs` browses it. */
export default fp<OpenApiOptions>(
  async (app, options) => {
    const serverUrl = options.publicBaseUrl?.replace(/\/+$/, '') || '/';
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'hazchem-tracker',
          version: apiVersion,
          description:
            'Tracks 《上海市危险化学品安全综合治理实施方案》(沪府办发〔2017〕25号): its 工作措施和部门分工表, the units that carry each task, and their quarterly progress. Errors are application/problem+json (RFC 9457).',
          license: { name: 'MIT', identifier: 'MIT' },
          contact: { name: 'hazchem-tracker maintainers' },
        },
        tags: [
          { name: 'plans', description: 'The plan, its phases and the 分工表 (public).' },
          { name: 'departments', description: 'Units named in the 分工表 and what each carries (public).' },
          { name: 'periods', description: 'Reporting periods and deadlines.' },
          { name: 'liaisons', description: '处级联络员 and 工作人员 of every unit.' },
          { name: 'reports', description: 'Quarterly progress reports: draft, submit, review.' },
          { name: 'attachments', description: 'Evidence (佐证材料): files attached to a report or to lead opinions, downloaded by the unit, the office and the rows’ lead departments.' },
          { name: 'targets', description: 'Yearly targets (分年度工作任务目标): each unit’s targets per row for a year, reviewed by the office like a report.' },
          { name: 'consolidated', description: 'The office’s consolidated reports (JSON, CSV, Excel).' },
          { name: 'lead', description: 'Lead departments (牵头部门汇总): the rows a unit leads with its responsible units’ reports, and its opinions (牵头汇总意见) for the office.' },
          { name: 'documents', description: 'Office documents: the summary report in Word (GB/T 9704 layout) and charts as SVG or PNG; the 台账 ZIP (dossier) of reports, opinions, files and audit trail.' },
          { name: 'assessment', description: 'The 年度考核: each unit’s year of reporting scored and graded by the plan’s rubric (office).' },
          { name: 'tokens', description: 'Bearer tokens (admin).' },
          { name: 'auth', description: 'Web app sign-in: one-time links, session cookie, accounts of the office.' },
          { name: 'audit', description: 'Who changed what, when.' },
          { name: 'reminders', description: 'Reminders before and after deadlines: policy, e-mail, webhooks, in-app feed, iCalendar.' },
          { name: 'health', description: 'Liveness and readiness probes.' },
          { name: 'operations', description: 'Vital signs for the operators’ monitoring: Prometheus metrics, behind METRICS_TOKEN.' },
          { name: 'openapi', description: 'This document.' },
        ],
        components: {
          securitySchemes: {
            bearerAuth: {
              type: 'http',
              scheme: 'bearer',
              description: 'A token from `npm run cli -- token create` or POST /v1/tokens. Roles: department (bound to one unit), office, admin.',
            },
            cookieAuth: {
              type: 'apiKey',
              in: 'cookie',
              name: 'hazchem_session',
              description: 'The web app’s session (POST /v1/auth/session). Writes made with it need the `x-csrf-token` header (Me.csrfToken).',
            },
            metricsToken: {
              type: 'http',
              scheme: 'bearer',
              description: 'METRICS_TOKEN, the secret the operator gives Prometheus (not an API token); GET /metrics only.',
            },
          },
        },
      },
      transform: jsonSchemaTransform,
      transformObject: (document) => withoutUnusedSchemas(completeContract(jsonSchemaTransformObject(document), { serverUrl })),
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
    app.get(
      '/openapi.json',
      {
        schema: {
          tags: ['openapi'],
          operationId: 'getOpenApiDocument',
          summary: 'This OpenAPI 3.1 document',
          description: 'The contract of every operation, generated from the route schemas; `/docs` browses it.',
          response: {
            200: z
              .object({ openapi: z.string() })
              .loose()
              .describe('An OpenAPI 3.1 document')
              .meta({ examples: [{ openapi: '3.1.0', info: { title: 'hazchem-tracker', version: apiVersion } }] }),
          },
        },
      },
      async () => app.swagger(),
    );
  },
  { name: 'openapi' },
);
