import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, errorCodes, render, withRetryAfter, type ErrorCode, type FieldError } from '../errors.js';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../http/problem.js';
import { createMethodIndex } from '../http/allowed-methods.js';
import { invalid } from '../http/validation.js';

/**
 * Every 4xx/5xx leaves as application/problem+json (RFC 9457). Validation failures list each
 * field as `location.path`; 5xx details stay in the log, never in the response.
 */
export default fp(
  async (app) => {
    const routes = createMethodIndex();
    app.addHook('onRoute', (route) => routes.add(route.method, route.url));
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!;
      const allowed = routes.allowed(path);
      if (allowed.length === 0) return sendProblem(request, reply, new AppError('NOT_FOUND', `No route for ${request.method} ${path}`));
      reply.header('allow', allowed.join(', '));
      return sendProblem(request, reply, new AppError('METHOD_NOT_ALLOWED', `${path} does not answer ${request.method}; it answers ${allowed.join(', ')}`));
    });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof AppError) return sendProblem(request, reply, error);
      if (hasZodFastifySchemaValidationErrors(error)) {
        const location = locationName(error.validationContext);
        const errors: FieldError[] = error.validation.map((issue) => ({
          path: [location, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
          message: issue.message ?? 'is invalid',
        }));
        return sendProblem(request, reply, invalid(errors));
      }
      if (isDatabaseUnavailable(error)) {
        request.log.warn({ err: error }, 'database unavailable');
        return sendProblem(request, reply, withRetryAfter(new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly'), 5));
      }
      if (error.statusCode === 503) {
        // @fastify/under-pressure: shedding load, with its Retry-After already set.
        return sendProblem(request, reply, new AppError('SERVICE_UNAVAILABLE', error.message));
      }
      if (isResponseSerializationError(error) || !error.statusCode || error.statusCode >= 500) {
        request.log.error({ err: error }, 'request failed');
        return sendProblem(request, reply, new AppError('SERVICE_UNAVAILABLE', 'Internal error'), 500, 'Internal Server Error');
      }
      // Fastify's own client errors: malformed JSON, unsupported media type, body too large...
      return sendProblem(request, reply, new AppError(codeForStatus(error.statusCode), error.message), error.statusCode);
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
  return sendProblem(request, reply, new AppError('BAD_REQUEST', `The request path is invalid (${error.code})`));
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError, status = error.statusCode, title = error.title) {
  const problem: Problem = {
    type: `urn:hazchem-tracker:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail: error.detail,
    instance: request.url.split('?')[0]!,
    code: status === 500 ? 'INTERNAL_ERROR' : error.code,
    requestId: request.id,
    // Localised by Accept-Language in the work on issue 9; English until then.
    ...(error.errors ? { errors: error.errors.map((field) => ({ path: field.path, message: render(field.message, 'en') })) } : {}),
  };
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  // RFC 6750 §3: a 401 names the scheme the client should use.
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="hazchem-tracker"');
  return reply.status(status).type(PROBLEM_CONTENT_TYPE).serializer(JSON.stringify).send(problem);
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
