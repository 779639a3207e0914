import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import { LRUCache } from 'lru-cache';

interface CachedBody {
  json: string;
  etag: string;
}

/**
 * Serialises a response once per key and sends the same bytes, with their ETag, afterwards: for
 * data that does not change while the service runs (the 分工表). @fastify/etag answers a matching
 * If-None-Match with 304 and, the ETag being set, does not hash the body again.
 * Failed computations are not kept.
 */
export function createJsonCache(max = 500) {
  const cache = new LRUCache<string, Promise<CachedBody>>({ max });
  return async (reply: FastifyReply, key: string, compute: () => Promise<unknown>) => {
    let body = cache.get(key);
    if (!body) {
      body = compute().then((value) => {
        const json = JSON.stringify(value);
        return { json, etag: `"${createHash('sha1').update(json).digest('base64url')}"` };
      });
      cache.set(key, body);
      body.catch(() => cache.delete(key));
    }
    const { json, etag } = await body;
    return reply.type('application/json; charset=utf-8').header('etag', etag).send(json);
  };
}
