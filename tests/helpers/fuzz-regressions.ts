/**
 * src/ defects the fuzz suite found, now fixed. Each keeps a reproduction and a matcher that
 * recognises the defect; tests/fuzz.test.ts replays them so they stay fixed.
 */
import type { LightMyRequestResponse } from 'fastify';

export interface KnownDefect {
  id: string;
  description: string;
  /** A request that reproduces it (the caller authenticates as admin). */
  reproduction: { method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE'; url: string; headers?: Record<string, string>; payload?: string };
  matches(response: LightMyRequestResponse, request: SentRequest): boolean;
}

export interface SentRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | undefined;
}

/** How deeply the JSON text nests arrays and objects (brackets inside strings count too; good enough here). */
const nesting = (text: string) => {
  let depth = 0;
  let max = 0;
  for (const char of text) {
    if (char === '[' || char === '{') max = Math.max(max, ++depth);
    else if (char === ']' || char === '}') depth -= 1;
  }
  return max;
};

/** Decoded values of a query parameter of a request URL. */
const queryValues = (url: string, name: string) => new URLSearchParams(url.split('?')[1] ?? '').getAll(name);
const isAudit = (request: SentRequest) => request.method === 'GET' && /^\/v1\/audit(\?|$)/.test(request.url);
/** `new Date(x).toISOString()` writes years 0 and below as 0000/-00000N and above 9999 as +01000N, which Postgres rejects. */
const outsideFourDigitYears = (value: string) => {
  const year = new Date(value).getUTCFullYear();
  return year < 1 || year > 9999;
};

const frameworkCode = (response: LightMyRequestResponse): string | undefined => {
  try {
    return (response.json() as { code?: string }).code;
  } catch {
    return undefined;
  }
};

export const FIXED_DEFECTS: KnownDefect[] = [
  {
    id: 'bad-url-not-problem-json',
    description:
      'A path with a malformed percent-escape (e.g. a lone "%") is answered by Fastify\'s default frameworkErrors handler: ' +
      '400 application/json {"error","code":"FST_ERR_BAD_URL","message","statusCode"} instead of application/problem+json with instance and requestId.',
    reproduction: { method: 'GET', url: '/v1/plans/%' },
    matches: (response) => response.statusCode === 400 && frameworkCode(response) === 'FST_ERR_BAD_URL',
  },
  {
    id: 'long-path-param-414',
    description:
      'A path parameter longer than find-my-way\'s maxParamLength (100) is answered 414 application/json {"error":"Bad Request","code":"FST_ERR_MAX_PARAM_LENGTH"}: ' +
      'not application/problem+json, and 414 is documented by no operation (the schemas would answer 400, or 404 for an unknown code).',
    reproduction: { method: 'GET', url: `/v1/departments/${'a'.repeat(101)}` },
    matches: (response) => response.statusCode === 414 && frameworkCode(response) === 'FST_ERR_MAX_PARAM_LENGTH',
  },
  {
    id: 'audit-nul-filter-500',
    description:
      'GET /v1/audit with a NUL (U+0000) in entityId, action or actorDepartment answers 500: the filter goes to Postgres as a text parameter ' +
      'and fails with SQLSTATE 22021 "invalid byte sequence for encoding UTF8: 0x00". Expected 400 naming query.<field> (as the write routes do with src/http/text.ts).',
    reproduction: { method: 'GET', url: '/v1/audit?action=report.submit%00' },
    matches: (response, request) =>
      response.statusCode === 500 && isAudit(request) && ['entityId', 'action', 'actorDepartment'].some((name) => queryValues(request.url, name).some((value) => value.includes('\u0000'))),
  },
  {
    id: 'audit-date-out-of-range-500',
    description:
      'GET /v1/audit with from/to that pass the date-time pattern but fall before 0001-01-01Z or after 9999-12-31Z once the offset is applied ' +
      '(e.g. 0000-01-01T00:00:00Z, 0001-01-01T00:00:00+00:01, 9999-12-31T23:59:59-00:01) answers 500: toISOString() gives "0000-…" or "+010000-…", ' +
      'which Postgres rejects (SQLSTATE 22008). Expected 400 on query.from/query.to (or a bounded range, as PATCH periods does with 2000..2099).',
    reproduction: { method: 'GET', url: '/v1/audit?from=0000-01-01T00:00:00Z' },
    matches: (response, request) =>
      response.statusCode === 500 && isAudit(request) && ['from', 'to'].some((name) => queryValues(request.url, name).some(outsideFourDigitYears)),
  },
  {
    id: 'idempotency-deep-body-500',
    description:
      'POST …/reports/{department}/submit or /accept with an Idempotency-Key and a deeply nested JSON body (e.g. 5000 nested arrays, 10 KB) answers 500: ' +
      'these actions declare no body schema, so Fastify hands any parsed JSON to idempotent() (src/http/idempotency.ts), whose ' +
      'JSON.stringify([method, url, body]) overflows the stack (RangeError: Maximum call stack size exceeded). Expected 400 (a body is not allowed) or a hash that does not recurse.',
    reproduction: {
      method: 'POST',
      url: '/v1/plans/hazchem-2017/periods/2017Q3/reports/work-safety/submit',
      headers: { 'idempotency-key': 'deep-1', 'content-type': 'application/json' },
      payload: '['.repeat(5000) + ']'.repeat(5000),
    },
    matches: (response, request) =>
      response.statusCode === 500 &&
      request.method === 'POST' &&
      /\/reports\/[^/]+\/(submit|accept)(\?|$)/.test(request.url) &&
      request.headers?.['idempotency-key'] !== undefined &&
      nesting(request.payload ?? '') >= 1000,
  },
  {
    id: 'undocumented-304',
    description:
      'A GET answered 304 Not Modified to a matching If-None-Match on operations that did not document 304.',
    reproduction: { method: 'GET', url: '/healthz', headers: { 'if-none-match': 'W/"1oulx5f"' } },
    matches: (response) => response.statusCode === 304,
  },
];
