import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { memoEpoch } from '../db/memo.js';
import { ifNoneMatchHolds } from './entity-tags.js';
import { createKeyedCache } from './keyed-cache.js';

interface CachedBody {
  json: string | Buffer;
  etag: string;
}

/**
 * Serialises a response once per key and sends the same bytes, with their ETag, afterwards: for
 * data that rarely changes (the 分工表), or is keyed by its version. Every body here is built on
 * memoised data too (the 分工表, the directory), so the key includes the memos' epoch: a change
 * announced by the database (src/db/change-feed.ts) makes the next read recompute. The ETag is
 * the body's digest, so processes agree on it whatever their epochs. The value goes through the
 * route's response schema first (which drops internal fields such as database ids). A matching
 * If-None-Match (RFC 9110 §13.1.2, weak comparison) gets 304 and no body.
 */
export function createJsonCache(max = 500) {
  const send = createSerialisedCache(max);
  return <S extends z.ZodType>(reply: FastifyReply, key: string, schema: S, compute: () => Promise<z.input<S>>) =>
    send(reply, key, () => compute().then((value) => JSON.stringify(schema.parse(value))));
}

/**
 * The same for a route that writes its JSON itself (the consolidated report, a line per unit and
 * row): `serialise` must give what the route's response schema would, byte for byte (as a
 * string, or as its UTF-8 bytes).
 */
export function createSerialisedCache(max = 500) {
  const cache = createKeyedCache<CachedBody>(max);
  return async (reply: FastifyReply, key: string, serialise: () => Promise<string | Buffer>) => {
    const { json, etag } = await cache(`${memoEpoch(reply.server.db)}|${key}`, () =>
      serialise().then((json) => ({ json, etag: `"${createHash('sha1').update(json).digest('base64url')}"` })),
    );
    reply.header('etag', etag);
    if (ifNoneMatchHolds(reply.request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(json);
  };
}
