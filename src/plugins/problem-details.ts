import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, errorCodes, INTERNAL_ERROR_TITLE, render, titleOf, withRetryAfter, type ErrorCode, type FieldError, type Text } from '../errors.js';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../http/problem.js';
import { createMethodIndex } from '../http/allowed-methods.js';
import { contentLanguage, languageOf } from '../http/language.js';
import { invalid, type LocalizedValidationIssue } from '../http/validation.js';

/**
 * Every 4xx/5xx leaves as application/problem+json (RFC 9457). Validation failures list each
 * field as `location.path`; 5xx details stay in the log, never in the response. Titles, details
 * and field messages are in the language Accept-Language asks for (English or Chinese, see
 * src/http/language.ts); `code`, `type` and the paths are the same in both.
 */
export default fp(
  async (app) => {
    const routes = createMethodIndex();
    app.addHook('onRoute', (route) => routes.add(route.method, route.url));
    // An unknown path is answered before its body is read: 404 (or 405), never the 413/415 that
    // parsing a body no route wants would give.
    app.addHook('onRequest', async (request, reply) => {
      if (request.is404) return unrouted(request, reply);
    });
    app.setNotFoundHandler((request, reply) => unrouted(request, reply));
    function unrouted(request: FastifyRequest, reply: FastifyReply) {
      const path = request.url.split('?')[0]!;
      const allowed = routes.allowed(path);
      if (allowed.length === 0) {
        return sendProblem(request, reply, new AppError('NOT_FOUND', { en: `No route for ${request.method} ${path}`, zh: `没有 ${request.method} ${path} 这一接口` }));
      }
      reply.header('allow', allowed.join(', '));
      return sendProblem(
        request,
        reply,
        new AppError('METHOD_NOT_ALLOWED', {
          en: `${path} does not answer ${request.method}; it answers ${allowed.join(', ')}`,
          zh: `${path} 不支持 ${request.method} 方法，只支持 ${allowed.join('、')}`,
        }),
      );
    }

    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof AppError) return sendProblem(request, reply, error);
      if (hasZodFastifySchemaValidationErrors(error)) {
        const location = locationName(error.validationContext);
        const errors: FieldError[] = error.validation.map((issue) => ({
          path: [location, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
          // src/http/validation.ts's compiler renders both languages.
          message: (issue as Partial<LocalizedValidationIssue>).text ?? { en: issue.message ?? 'is invalid', zh: '无效' },
        }));
        return sendProblem(request, reply, invalid(errors));
      }
      if (isDatabaseUnavailable(error)) {
        request.log.warn({ err: error }, 'database unavailable');
        return sendProblem(request, reply, withRetryAfter(new AppError('SERVICE_UNAVAILABLE', { en: 'The database is unavailable; retry shortly', zh: '数据库暂不可用，请稍后重试' }), 5));
      }
      if (error.statusCode === 503) {
        // @fastify/under-pressure: shedding load, with its Retry-After already set.
        return sendProblem(request, reply, new AppError('SERVICE_UNAVAILABLE', { en: error.message, zh: '服务繁忙，请稍后重试' }));
      }
      if (isResponseSerializationError(error) || !error.statusCode || error.statusCode >= 500) {
        request.log.error({ err: error }, 'request failed');
        return sendProblem(request, reply, new AppError('SERVICE_UNAVAILABLE', { en: 'Internal error', zh: '服务器内部错误' }), 500, INTERNAL_ERROR_TITLE);
      }
      // Fastify's own client errors: malformed JSON, unsupported media type, body too large...
      return sendProblem(request, reply, new AppError(codeForStatus(error.statusCode), { en: error.message, zh: frameworkChinese(error) }), error.statusCode);
    });
  },
  { name: 'problem-details' },
);

/**
 * Fastify's own routing errors (a malformed %-escape, an over-long path parameter) are answered
 * before any plugin runs; `frameworkErrors` hands them here, as 400 problems like any bad input.
 */
export function frameworkErrorProblem(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  // Framework errors skip the app's hooks, so the request id header is set here.
  reply.header('x-request-id', request.id);
  return sendProblem(request, reply, new AppError('BAD_REQUEST', { en: `The request path is invalid (${error.code})`, zh: `请求路径无效（${error.code}）` }));
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError, status = error.statusCode, title: Text = titleOf(error.code)) {
  const language = languageOf(request);
  const problem: Problem = {
    type: `urn:hazchem-tracker:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: render(title, language),
    status,
    detail: render(error.text, language),
    instance: request.url.split('?')[0]!,
    code: status === 500 ? 'INTERNAL_ERROR' : error.code,
    requestId: request.id,
    ...(error.errors ? { errors: error.errors.map((field) => ({ path: field.path, message: render(field.message, language) })) } : {}),
  };
  reply.header('content-language', contentLanguage(language));
  varyOnLanguage(reply);
  // Refused before its body was read (an upload over the limit): close the connection once the
  // answer is out, so a client still sending is not kept waiting and the server can shut down.
  if (request.raw.complete === false && hasBody(request)) reply.header('connection', 'close');
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  // RFC 6750 §3: a 401 names the scheme the client should use.
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="hazchem-tracker"');
  return reply.status(status).type(PROBLEM_CONTENT_TYPE).serializer(JSON.stringify).send(problem);
}

const hasBody = (request: FastifyRequest) => Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;

/** Adds Accept-Language to Vary (RFC 9110 §12.5.5), keeping what is there: caches keep both languages apart. */
function varyOnLanguage(reply: FastifyReply) {
  const vary = reply.getHeader('vary');
  const names = (Array.isArray(vary) ? vary.join(',') : String(vary ?? '')).split(',').map((name) => name.trim()).filter(Boolean);
  if (names.includes('*') || names.some((name) => name.toLowerCase() === 'accept-language')) return;
  reply.header('vary', [...names, 'Accept-Language'].join(', '));
}

/**
 * Fastify's own client errors (body parsing, media type, size) in Chinese, by their code; the
 * English is Fastify's message. Any other stays generic, by status.
 */
const FRAMEWORK_CHINESE: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: '请求体不是有效的 JSON，但 Content-Type 为 application/json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Content-Type 为 application/json 时请求体不能为空',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: '不支持该请求体类型，请以 application/json 发送',
  FST_ERR_CTP_BODY_TOO_LARGE: '请求体过大',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: '请求体大小与 Content-Length 不符',
};
function frameworkChinese(error: FastifyError): string {
  return (error.code && FRAMEWORK_CHINESE[error.code]) || `请求无法处理（HTTP ${error.statusCode}）`;
}

/** Postgres unreachable, restarting, or the pool out of connections: the client should retry. */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300|3D000)/;
function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code))) ||
    /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|connection timeout/i.test(error.message) ||
    // drizzle wraps the driver's error as `cause`
    isDatabaseUnavailable(error.cause)
  );
}

function locationName(context: string | undefined): string {
  return context === 'querystring' ? 'query' : (context ?? 'request');
}

function codeForStatus(status: number): ErrorCode {
  const match = Object.entries(errorCodes).find(([, value]) => value.status === status);
  return (match?.[0] as ErrorCode | undefined) ?? 'BAD_REQUEST';
}
