import { DrizzleQueryError } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';

/**
 * What the API, the embedded worker and `npm run start:worker` log with: secrets and personal data
 * stay out. A failed statement carries its parameters (drizzle's message ends in "params: ...")
 * and Postgres's `detail` quotes the row ("Failing row contains (...)"), so database errors are
 * logged by SQLSTATE code and constraint only; calendar feeds carry their token in the query.
 */

const REDACTED = '[redacted]';

/** Query parameters that carry a secret (the iCalendar feed's `token`). */
const SECRET_QUERY_PARAMETER = /([?&](?:token|access_token)=)[^&#]*/gi;

export const redactUrl = (url: string) => url.replace(SECRET_QUERY_PARAMETER, `$1${REDACTED}`);

/** Fastify's request shape, minus headers (Authorization, Cookie) and with secret parameters redacted. */
function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** A Postgres error (node-postgres and PGlite alike) has a five-character SQLSTATE and a severity. */
const isPostgresError = (error: object): error is { code: string; constraint?: string } =>
  typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code) && 'severity' in error;

function causeChain(error: unknown): object[] {
  const chain: object[] = [];
  for (let link = error; link instanceof Object && chain.length < 10; link = (link as { cause?: unknown }).cause) chain.push(link);
  return chain;
}

/** Errors go through pino's serializer, except those of a database statement: only their code and constraint. */
export function serializeError(error: unknown) {
  const chain = causeChain(error);
  if (!chain.some((link) => link instanceof DrizzleQueryError || isPostgresError(link))) return pino.stdSerializers.err(error as Error);
  const codes = chain.map((link) => (link as { code?: unknown }).code).filter((code): code is string => typeof code === 'string');
  const code = codes.at(-1) ?? 'unknown';
  const constraint = chain.map((link) => (link as { constraint?: unknown }).constraint).find((value): value is string => typeof value === 'string');
  const stack = (error as { stack?: unknown }).stack;
  return {
    type: 'DatabaseError',
    message: `database statement failed: ${code}${constraint ? ` (constraint ${constraint})` : ''}`,
    code,
    ...(constraint ? { constraint } : {}),
    // The frames say where; the first line of a stack repeats the message, with the parameters.
    stack: typeof stack === 'string' ? stack.split('\n').filter((line) => line.startsWith('    at ')).join('\n') : undefined,
  };
}

export const logSerializers = { req: serializeRequest, err: serializeError };

/** Anything logged with its headers (never by this service's serializers) is censored too. */
const redact = {
  paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie'],
  censor: REDACTED,
};

/** Options for Fastify's `logger` (the API) and for pino itself (the worker). */
export function loggerOptions(level: string, stream?: DestinationStream): LoggerOptions & { stream?: DestinationStream } {
  return { level, serializers: logSerializers, redact, ...(stream ? { stream } : {}) };
}

/** The worker's logger, with the API's serializers. */
export const createLogger = (level: string, stream?: DestinationStream) =>
  stream ? pino(loggerOptions(level), stream) : pino(loggerOptions(level));
