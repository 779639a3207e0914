import { errorCodes } from '../errors.js';
import { PROBLEM_CONTENT_TYPE, problemDescriptions } from './problem.js';

/** Response headers a route declares beyond the ones this module infers (see `completeContract`). */
export type DeclaredHeader = 'ETag' | 'Location' | 'Set-Cookie' | 'Cache-Control' | 'Content-Disposition' | 'Content-Length' | 'X-Content-Type-Options';

declare module 'fastify' {
  interface FastifySchema {
    /** Extra response headers per status, e.g. `{ 201: ['Location'] }`; rendered as shared header components. */
    'x-response-headers'?: Partial<Record<number, readonly DeclaredHeader[]>>;
  }
}

type Json = Record<string, any>;
interface Operation {
  security?: unknown[];
  parameters?: Json[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: { anyOf?: Json[] } }> };
  responses: Record<string, Json>;
  'x-response-headers'?: Record<string, readonly string[]>;
}

/** Every response header the service sends on purpose, declared once under components.headers. */
const responseHeaders: Record<string, Json> = {
  'X-Request-Id': {
    description: 'The request id (the caller’s `x-request-id`, or a generated UUID); problems repeat it as `requestId`.',
    required: true,
    schema: { type: 'string', minLength: 1 },
  },
  'Content-Language': {
    description: 'The language of the problem’s `title`, `detail` and messages: `zh-CN` when Accept-Language prefers Chinese, `en` otherwise.',
    required: true,
    schema: { type: 'string', enum: ['en', 'zh-CN'] },
  },
  Vary: {
    description: 'Names Accept-Language: the problem’s text depends on it.',
    required: true,
    schema: { type: 'string', examples: ['Accept-Language'] },
  },
  'Retry-After': { description: 'Seconds to wait before retrying (RFC 9110 §10.2.3).', required: true, schema: { type: 'integer', minimum: 0 } },
  'WWW-Authenticate': { description: 'The scheme to authenticate with (RFC 6750 §3).', required: true, schema: { type: 'string', examples: ['Bearer realm="hazchem-tracker"'] } },
  ETag: {
    description: 'The representation’s validator: send it back as If-None-Match (reads) or If-Match (writes).',
    required: true,
    schema: { type: 'string', pattern: '^(W/)?"[^"]*"$', examples: ['"v3"'] },
  },
  'Idempotent-Replayed': {
    description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
  Location: { description: 'The path of the created resource.', required: true, schema: { type: 'string', format: 'uri-reference' } },
  'Cache-Control': {
    description: 'How caches may keep the response (RFC 9111 §5.2): office documents are `private, no-cache`, kept by the browser only and revalidated on each use.',
    required: true,
    schema: { type: 'string', examples: ['private, no-cache'] },
  },
  'Content-Disposition': {
    description: 'A download, with its file name: an ASCII fallback in filename and the exact (Chinese) name in filename* (RFC 6266, RFC 8187).',
    required: true,
    schema: { type: 'string', pattern: '^attachment; ', examples: ["attachment; filename=\"_________.pdf\"; filename*=UTF-8''%E7%9B%91%E7%AE%A1%E4%BA%BA%E5%91%98%E9%85%8D%E5%A4%87%E6%83%85%E5%86%B5.pdf"] },
  },
  'Content-Length': { description: 'The size of the body in bytes.', required: true, schema: { type: 'integer', minimum: 0 } },
  'X-Content-Type-Options': { description: '`nosniff`: browsers take the Content-Type as given, never guess from the bytes.', required: true, schema: { type: 'string', enum: ['nosniff'] } },
  'Set-Cookie': {
    description: 'The session cookie `hazchem_session` (HttpOnly; SameSite=Lax; Path=/; Secure over https), or its removal on sign-out.',
    required: true,
    schema: { type: 'string', pattern: '^hazchem_session=', examples: ['hazchem_session=Qk1…; Path=/; HttpOnly; SameSite=Lax'] },
  },
};

/** Request headers that make a request conditional or idempotent, declared once under components.parameters. */
const requestHeaders: Record<string, Json> = {
  'If-Match': { description: 'The ETag last read, quoted (e.g. `"v2"`); a stale one gets 412.', schema: { type: 'string', maxLength: 100 } },
  'If-None-Match': { description: 'ETags already held; when one still matches, the answer is 304 without a body.', schema: { type: 'string', maxLength: 1000 } },
  'Idempotency-Key': { description: 'Retry-safe action: the same key from the same token gets the stored answer again.', schema: { type: 'string', maxLength: 200 } },
  'X-CSRF-Token': {
    description: 'Required on writes made with the session cookie (not with a bearer token): `csrfToken` of GET /v1/auth/session; without it, 403.',
    schema: { type: 'string', maxLength: 200 },
  },
};

/** Methods that change state: made with the session cookie, they need X-CSRF-Token. */
const UNSAFE_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const acceptsCookie = (operation: Operation) => operation.security?.some((scheme) => Object.hasOwn(scheme as object, 'cookieAuth')) ?? false;
const onlyCookie = (operation: Operation) =>
  (operation.security?.length ?? 0) > 0 && operation.security!.every((scheme) => Object.keys(scheme as object).join() === 'cookieAuth');
/** Where the session cookie is the only way in (signing out), the header is always needed. */
const requiredCsrfToken = {
  ...requestHeaders['X-CSRF-Token'],
  name: 'X-CSRF-Token',
  in: 'header',
  required: true,
  schema: { type: 'string', maxLength: 200, examples: ['k2Zb3x-Qm1hY2sN4yV0'] },
};

/** Methods whose body Fastify parses: these can answer 400 (malformed JSON), 413 and 415 before any route code runs. */
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

const problemTitle = (status: number) =>
  status === 500 ? 'Internal Server Error' : (Object.values(errorCodes).find((code) => code.status === status)?.title ?? `Status ${status}`);
export const problemComponentName = (status: number) => problemTitle(status).replace(/[^A-Za-z]/g, '');

/**
 * Completes the generated document with what holds for every route rather than one: the errors
 * that infrastructure can answer with (body parsing, authentication and its lock-out, rate limits,
 * load shedding, a database outage), the headers every response or every conditional/idempotent
 * operation carries, and `security: []` on public operations. Problem responses become shared
 * components, so a status means the same thing everywhere.
 */
/**
 * A body schema that admits null is an optional body (Fastify validates a request without one as
 * null, e.g. a submission without the save's body): `required: false` with the body's schema.
 */
function optionalBody(operation: Operation) {
  const body = operation.requestBody;
  for (const media of Object.values(body?.content ?? {})) {
    const branches = media.schema?.anyOf;
    const nullable = branches?.some((branch) => branch.type === 'null');
    if (!body || !branches || !nullable) continue;
    const rest = branches.filter((branch) => branch.type !== 'null');
    if (rest.length === 1) media.schema = rest[0] as { anyOf?: Json[] };
    body.required = false;
  }
}

export function completeContract<D extends object>(document: D, options: { serverUrl: string }): D {
  const doc = document as D & { paths?: Record<string, Record<string, Operation>>; components?: Json; servers?: unknown };
  const usedResponses = new Set<number>();
  const usedHeaders = new Set<string>();
  const usedParameters = new Set<string>();
  const headerRef = (name: string) => (usedHeaders.add(name), { $ref: `#/components/headers/${name}` });

  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods)) {
      const where = `${method.toUpperCase()} ${path}`;
      operation.security ??= [];
      const problems = new Set<number>([500, 503]);
      if (operation.parameters?.length || BODY_METHODS.has(method)) problems.add(400);
      if (BODY_METHODS.has(method)) [413, 415].forEach((status) => problems.add(status));
      if (operation.security.length > 0) [401, 429].forEach((status) => problems.add(status));
      // Roles belong to API tokens and sessions; a secret of its own (METRICS_TOKEN) is all or nothing.
      if (operation.security.some((scheme) => 'bearerAuth' in (scheme as object) || 'cookieAuth' in (scheme as object))) problems.add(403);

      const conditional = new Set<string>();
      operation.parameters = operation.parameters?.map((parameter) => {
        const name = Object.keys(requestHeaders).find((known) => parameter.in === 'header' && known.toLowerCase() === String(parameter.name).toLowerCase());
        if (!name) return parameter;
        conditional.add(name);
        usedParameters.add(name);
        return { $ref: `#/components/parameters/${name}` };
      });
      if (UNSAFE_METHODS.has(method) && onlyCookie(operation)) {
        operation.parameters = [...(operation.parameters ?? []), requiredCsrfToken];
      } else if (UNSAFE_METHODS.has(method) && acceptsCookie(operation)) {
        usedParameters.add('X-CSRF-Token');
        operation.parameters = [...(operation.parameters ?? []), { $ref: '#/components/parameters/X-CSRF-Token' }];
      }
      if (operation.responses['304']) {
        conditional.add('If-None-Match');
        usedParameters.add('If-None-Match');
        operation.parameters = [...(operation.parameters ?? []), { $ref: '#/components/parameters/If-None-Match' }];
      }
      if (operation.parameters?.length === 0) delete operation.parameters;
      optionalBody(operation);

      const declared = operation['x-response-headers'] ?? {};
      delete operation['x-response-headers'];
      for (const [status, response] of Object.entries(operation.responses)) {
        if (response.content?.[PROBLEM_CONTENT_TYPE]) {
          problems.add(Number(status));
          delete operation.responses[status];
          continue;
        }
        const names = ['X-Request-Id', ...(declared[status] ?? [])];
        const success = /^(2\d\d|304)$/.test(status);
        if (success && (conditional.has('If-Match') || conditional.has('If-None-Match'))) names.push('ETag');
        if (success && conditional.has('Idempotency-Key')) names.push('Idempotent-Replayed');
        for (const name of names) {
          if (!responseHeaders[name]) throw new Error(`${where}: unknown response header ${name}`);
          response.headers = { ...response.headers, [name]: headerRef(name) };
        }
      }
      for (const status of problems) {
        usedResponses.add(status);
        operation.responses[status] = { $ref: `#/components/responses/${problemComponentName(status)}` };
      }
      operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }

  const problemResponse = (status: number) => {
    const headers: Json = { 'X-Request-Id': headerRef('X-Request-Id'), 'Content-Language': headerRef('Content-Language'), Vary: headerRef('Vary') };
    if (status === 401) headers['WWW-Authenticate'] = headerRef('WWW-Authenticate');
    if (status === 429 || status === 503) headers['Retry-After'] = headerRef('Retry-After');
    return { description: problemDescriptions[status] ?? problemTitle(status), headers, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: '#/components/schemas/Problem' } } } };
  };
  const responses = Object.fromEntries([...usedResponses].sort().map((status) => [problemComponentName(status), problemResponse(status)]));
  const pick = (from: Record<string, Json>, used: Set<string>, extra: (name: string) => Json = () => ({})) =>
    Object.fromEntries(Object.keys(from).filter((name) => used.has(name)).map((name) => [name, { ...extra(name), ...from[name] }]));

  return {
    ...doc,
    servers: [{ url: options.serverUrl, description: 'This service' }],
    components: {
      ...doc.components,
      responses,
      headers: pick(responseHeaders, usedHeaders),
      parameters: pick(requestHeaders, usedParameters, (name) => ({ name, in: 'header', required: false })),
    },
  };
}
