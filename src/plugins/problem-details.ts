import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, errorCodes, type ErrorCode, type FieldError } from '../errors.js';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../http/problem.js';
import { invalid } from '../http/validation.js';

/**
 * Every 4xx/5xx leaves as application/problem+json (RFC 9457). Validation failures list each
 * field as `location.path`; 5xx details stay in the log, never in the response.
 */
export default fp(
  async (app) => {
    app.setNotFoundHandler((request, reply) =>
      sendProblem(request, reply, new AppError('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`)),
    );

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

function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError, status = error.statusCode, title = error.title) {
  const problem: Problem = {
    type: `urn:hazchem-tracker:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
    title,
    status,
    detail: error.detail,
    instance: request.url.split('?')[0]!,
    code: status === 500 ? 'INTERNAL_ERROR' : error.code,
    requestId: request.id,
    ...(error.errors ? { errors: error.errors } : {}),
  };
  // RFC 6750 §3: a 401 names the scheme the client should use.
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="hazchem-tracker"');
  return reply.status(status).type(PROBLEM_CONTENT_TYPE).serializer(JSON.stringify).send(problem);
}

function locationName(context: string | undefined): string {
  return context === 'querystring' ? 'query' : (context ?? 'request');
}

function codeForStatus(status: number): ErrorCode {
  const match = Object.entries(errorCodes).find(([, value]) => value.status === status);
  return (match?.[0] as ErrorCode | undefined) ?? 'BAD_REQUEST';
}
