import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { openApiPath } from '../../src/openapi-document.js';

type Json = Record<string, any>;

/** Where the committed document's components live for ajv; response schemas' `#/components/...` refs are rewritten to it. */
const DOCUMENT_ID = 'https://hazchem-tracker.invalid/openapi.json';
const PROBLEM_SCHEMA = { $ref: '#/components/schemas/Problem' };

export interface ObservedResponse {
  method: string;
  /** The route pattern (`/v1/plans/:plan`), or undefined when no route matched (404, 405). */
  route: string | undefined;
  url: string;
  statusCode: number;
  headers: Record<string, unknown>;
  body: string | Buffer | null;
}

/**
 * Checks responses against the committed openapi/openapi.json: the status is declared for the
 * operation, the declared headers are present and well-formed, and the body matches the schema
 * of its media type. Responses without an operation (404 for unknown paths, 405) must be problems.
 */
export function createContractChecker(document: Json = JSON.parse(readFileSync(openApiPath, 'utf8'))) {
  const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addFormat('binary', true);
  ajv.addSchema({ $id: DOCUMENT_ID, components: document.components });
  const compiled = new Map<string, ValidateFunction>();
  const validator = (schema: unknown) => {
    const text = JSON.stringify(schema).replaceAll('"#/components/', `"${DOCUMENT_ID}#/components/`);
    let validate = compiled.get(text);
    if (!validate) compiled.set(text, (validate = ajv.compile(JSON.parse(text))));
    return validate;
  };
  const resolve = (node: Json): Json => (typeof node?.$ref === 'string' ? resolve(pointer(document, node.$ref)) : node);

  return function check(response: ObservedResponse): string[] {
    const where = `${response.method} ${response.url} → ${response.statusCode}`;
    const path = response.route?.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const method = response.method === 'HEAD' ? 'get' : response.method.toLowerCase();
    const operation: Json | undefined = path ? document.paths?.[path]?.[method] : undefined;
    if (response.route && !operation) return [`${where}: ${response.method} ${path} is not in the document`];

    const declared: Json | undefined = operation
      ? resolve(operation.responses?.[String(response.statusCode)] ?? operation.responses?.default)
      : response.statusCode === 404 || response.statusCode === 405
        ? { content: { 'application/problem+json': { schema: PROBLEM_SCHEMA } } }
        : undefined;
    if (!declared) return [`${where}: status ${response.statusCode} is not declared`];

    const violations: string[] = [];
    for (const [name, header] of Object.entries<Json>(declared.headers ?? {})) {
      const definition = resolve(header);
      const value = response.headers[name.toLowerCase()];
      if (value === undefined) {
        if (definition.required) violations.push(`${where}: header ${name} is missing`);
        continue;
      }
      const validate = validator(definition.schema ?? {});
      const typed = definition.schema?.type === 'integer' && /^\d+$/.test(String(value)) ? Number(value) : String(value);
      if (!validate(typed)) violations.push(`${where}: header ${name}: ${JSON.stringify(value)} ${ajv.errorsText(validate.errors)}`);
    }

    const body = response.body;
    if (body === null || body.length === 0 || response.method === 'HEAD') {
      if (declared.content && response.statusCode !== 204 && response.statusCode !== 304 && response.method !== 'HEAD') {
        violations.push(`${where}: the body is empty but the document declares ${Object.keys(declared.content).join(', ')}`);
      }
      return violations;
    }
    const mediaType = String(response.headers['content-type'] ?? '').split(';')[0]!.trim();
    // A declared media type may carry parameters (/metrics: `text/plain; version=0.0.4; charset=utf-8`).
    const media = Object.entries<Json>(declared.content ?? {}).find(([key]) => key.split(';')[0]!.trim() === mediaType)?.[1];
    if (!media) return [...violations, `${where}: media type ${mediaType || '(none)'} is not declared (${Object.keys(declared.content ?? {}).join(', ') || 'no body'})`];
    if (Buffer.isBuffer(body) && !mediaType.endsWith('json') && !mediaType.startsWith('text/')) return violations;
    const text = body.toString();
    let value: unknown = text;
    if (mediaType.endsWith('json')) {
      try {
        value = JSON.parse(text);
      } catch {
        return [...violations, `${where}: the body is not JSON`];
      }
    }
    const validate = validator(media.schema ?? {});
    if (!validate(value)) violations.push(`${where}: body ${ajv.errorsText(validate.errors)}`);
    return violations;
  };
}

function pointer(document: Json, ref: string): Json {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node, key) => node?.[key.replaceAll('~1', '/').replaceAll('~0', '~')], document);
}

/**
 * Records every response `app` sends (hidden routes such as /docs excepted) and checks it against
 * the committed document; returns the violations seen so far. Add it before `app.ready()`.
 */
export function watchContract(app: FastifyInstance): () => string[] {
  const check = createContractChecker();
  const violations: string[] = [];
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if (request.routeOptions.schema?.hide || (request.routeOptions.url && !request.routeOptions.schema)) return payload;
    const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : payload == null ? null : undefined;
    // Streams are only sent by routes outside the contract (the docs' static files).
    if (body === undefined) return payload;
    violations.push(
      ...check({ method: request.method, route: request.routeOptions.url, url: request.url, statusCode: reply.statusCode, headers: reply.getHeaders(), body }),
    );
    return payload;
  });
  return () => violations;
}
