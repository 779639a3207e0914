import { createHash } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { AppError, withRetryAfter, type Text } from '../errors.js';

export interface HardeningOptions {
  /** Failed authentications allowed per client address, credential and minute before 429. */
  authFailuresPerMinute: number;
  /** Write requests (POST, PUT, PATCH, DELETE) allowed per token (or web session) and minute before 429. */
  writesPerMinute: number;
  /** Event-loop delay (ms) beyond which requests get 503 with Retry-After instead of queueing. */
  maxEventLoopDelayMs: number;
  /** Keeps the counters in Redis, shared by every API process; without it they are per process. */
  redis?: Redis | undefined;
  redisKeyPrefix: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Counts a failed authentication; throws 429 once this client has failed too often with this
     * credential (the Authorization header, or the one given: a session cookie, a sign-in link, a pasted token).
     */
    recordAuthFailure(request: FastifyRequest, credential?: string): Promise<void>;
  }
}

const RETRY_AFTER_OVERLOAD_SECONDS = 10;
const WINDOW_MS = 60_000;
/** Failed authentications one address may make with any credentials, as a multiple of the per-credential limit. */
const ADDRESS_FAILURE_FACTOR = 10;
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const tooMany = (detail: Text, retryAfterMs: number) =>
  withRetryAfter(new AppError('TOO_MANY_REQUESTS', detail), Math.max(1, Math.ceil(retryAfterMs / 1000)));

/**
 * The presented credential, hashed and shortened: clients behind one proxy (one address) that
 * fail with different tokens are counted apart, and no token text reaches Redis.
 */
const credentialOf = (request: FastifyRequest, credential?: string) =>
  createHash('sha256').update(credential ?? request.headers.authorization ?? '').digest('hex').slice(0, 16);

/**
 * under-pressure reads the event-loop delay as the mean of a histogram sampled every second and
 * takes an interval without samples as an infinite delay (`NaN -> Infinity` in its
 * updateEventLoopDelay). That happens right after one long synchronous stretch, e.g. a big query
 * on the embedded PGlite, whose WASM engine runs on the event loop: the loop is free again, yet
 * every request in the next second would be refused. An unmeasured interval lets requests
 * through; a measured delay over the limit sheds them (503 with Retry-After, as the library does).
 */
export async function shedUnlessUnmeasured(_request: FastifyRequest, reply: FastifyReply, type: string, value: number | undefined): Promise<void> {
  if (type === 'eventLoopDelay' && value === Infinity) return;
  reply.header('retry-after', RETRY_AFTER_OVERLOAD_SECONDS);
  throw Object.assign(new Error('Service Unavailable'), { statusCode: 503 });
}

/** Security headers, overload shedding, a brake on guessing tokens and one on writing too fast. */
export default fp<HardeningOptions>(
  async (app, options) => {
    await app.register(helmet, { global: true });
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      retryAfter: RETRY_AFTER_OVERLOAD_SECONDS,
      pressureHandler: shedUnlessUnmeasured,
    });

    // The library counts (in Redis when there is one); a Redis that does not answer counts
    // nothing rather than failing requests.
    await app.register(rateLimit, {
      global: false,
      timeWindow: WINDOW_MS,
      skipOnError: true,
      ...(options.redis ? { redis: options.redis, nameSpace: options.redisKeyPrefix } : {}),
    });

    // Only failures are counted, and only after the token was checked: a valid token is never
    // refused because others (at the same address) failed.
    const countFailure = app.createRateLimit({
      max: options.authFailuresPerMinute,
      keyGenerator: (request) => `auth:${request.ip}:${credentialOf(request, failedCredentials.get(request))}`,
    });
    // A ceiling per address whatever the credential, so guessing with a new token each time is
    // braked too; it only ever refuses failed attempts, so valid tokens at that address go on.
    const countAddressFailure = app.createRateLimit({
      max: options.authFailuresPerMinute * ADDRESS_FAILURE_FACTOR,
      keyGenerator: (request) => `auth-address:${request.ip}`,
    });
    // The credential of a failure that is not the Authorization header, handed to the key generator.
    const failedCredentials = new WeakMap<FastifyRequest, string>();
    app.decorate('recordAuthFailure', async (request: FastifyRequest, credential?: string) => {
      if (credential !== undefined) failedCredentials.set(request, credential);
      const [perCredential, perAddress] = [await countFailure(request), await countAddressFailure(request)];
      if (!perCredential.isAllowed && perCredential.isExceeded) {
        throw tooMany(
          {
            en: 'Too many failed authentications with this credential from this address; retry later',
            zh: '此地址使用该凭据认证失败次数过多，请稍后再试',
          },
          perCredential.ttl,
        );
      }
      if (!perAddress.isAllowed && perAddress.isExceeded) {
        throw tooMany({ en: 'Too many failed authentications from this address; retry later', zh: '此地址认证失败次数过多，请稍后再试' }, perAddress.ttl);
      }
    });

    // One hook for every write route: it runs after the route's authorization (onRequest) and
    // before the body is read, so a limited client costs no parsing.
    const countWrite = app.createRateLimit({
      max: options.writesPerMinute,
      keyGenerator: (request) => `write:${request.principal?.credentialId}`,
    });
    app.addHook('preParsing', async (request, _reply, payload) => {
      if (WRITE_METHODS.has(request.method) && request.principal) {
        const limit = await countWrite(request);
        if (!limit.isAllowed && limit.isExceeded) {
          throw tooMany(
            {
              en: `This token may make ${options.writesPerMinute} write requests a minute; retry later`,
              zh: `该令牌每分钟最多可提交 ${options.writesPerMinute} 次写入请求，请稍后再试`,
            },
            limit.ttl,
          );
        }
      }
      return payload;
    });
  },
  { name: 'hardening' },
);
