import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { z } from 'zod';

interface CachedBody {
  json: string;
  etag: string;
}

/**
 * Serialises a response once per key and sends the same bytes, with their ETag, afterwards: for
 * data that does not change while the service runs (the 分工表), or is keyed by its version. The value goes through the
 * route's response schema first (which drops internal fields such as database ids). A matching
 * If-None-Match (RFC 9110 §13.1.2, weak comparison) gets 304 and no body.
 * Failed computations are not kept.
 */
export function createJsonCache(max = 500) {
  const cache = new LRUCache<string, Promise<CachedBody>>({ max });
  return async <S extends z.ZodType>(reply: FastifyReply, key: string, schema: S, compute: () => Promise<z.input<S>>) => {
    let body = cache.get(key);
    if (!body) {
      body = compute().then((value) => {
        const json = JSON.stringify(schema.parse(value));
        return { json, etag: `"${createHash('sha1').update(json).digest('base64url')}"` };
      });
      cache.set(key, body);
      body.catch(() => cache.delete(key));
    }
    const { json, etag } = await body;
    reply.header('etag', etag);
    const ifNoneMatch = reply.request.headers['if-none-match'];
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(json);
  };
}
