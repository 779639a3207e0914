import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, withRetryAfter } from '../errors.js';

export interface HardeningOptions {
  /** Failed authentications allowed per client address and minute before it is locked out. */
  authFailuresPerMinute: number;
  /** Event-loop delay (ms) beyond which requests get 503 with Retry-After instead of queueing. */
  maxEventLoopDelayMs: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Throws 429 while a client is locked out after too many failed authentications. */
    assertNotLockedOut(request: FastifyRequest): void;
    /** Counts a failed authentication; throws 429 once the client has failed too often. */
    recordAuthFailure(request: FastifyRequest): Promise<void>;
  }
}

const RETRY_AFTER_OVERLOAD_SECONDS = 10;

/** Security headers, overload shedding, and a brake on guessing tokens. */
export default fp<HardeningOptions>(
  async (app, options) => {
    await app.register(helmet, { global: true });
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelayMs,
      retryAfter: RETRY_AFTER_OVERLOAD_SECONDS,
    });

    // The library counts; the lock-out map only remembers who is over the limit until when.
    await app.register(rateLimit, { global: false, max: options.authFailuresPerMinute, timeWindow: 60_000 });
    const countFailure = app.createRateLimit();
    const lockedUntil = new Map<string, number>();

    const tooMany = (retryAfterMs: number) =>
      withRetryAfter(new AppError('TOO_MANY_REQUESTS', 'Too many failed authentications from this address; retry later'), Math.max(1, Math.ceil(retryAfterMs / 1000)));

    app.decorate('assertNotLockedOut', (request: FastifyRequest) => {
      const until = lockedUntil.get(request.ip);
      if (until === undefined) return;
      if (until <= Date.now()) lockedUntil.delete(request.ip);
      else throw tooMany(until - Date.now());
    });

    app.decorate('recordAuthFailure', async (request: FastifyRequest) => {
      const limit = await countFailure(request);
      if (!limit.isAllowed && limit.isExceeded) {
        lockedUntil.set(request.ip, Date.now() + limit.ttl);
        throw tooMany(limit.ttl);
      }
    });
  },
  { name: 'hardening' },
);
