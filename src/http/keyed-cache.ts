import { LRUCache } from 'lru-cache';

export interface KeyedCacheOptions {
  /**
   * How long a value is reused after it arrived. 0: only while it is being computed (the callers
   * meanwhile share it, as the gauges of one scrape do), never once it has arrived. Unset: until
   * evicted, for keys that name everything the value is computed from.
   */
  ttlMs?: number;
}

/**
 * The one cache of the service: keeps recently computed values by a key that names everything they
 * are computed from (a period's reports version, the deadlines, the day), so a read costs one small
 * query for the key until a write; or, with `ttlMs`, for a while after they arrived (the /metrics
 * figures, METRICS_CACHE_SECONDS). Concurrent misses share one computation; a failed one is not kept.
 */
export function createKeyedCache<T extends {}>(max: number, options: KeyedCacheOptions = {}) {
  const cache = new LRUCache<string, { value: Promise<T>; freshUntil: number }>({ max });
  return (key: string, compute: () => Promise<T>): Promise<T> => {
    const cached = cache.get(key);
    if (cached && performance.now() < cached.freshUntil) return cached.value;
    const entry = { value: compute(), freshUntil: Number.POSITIVE_INFINITY };
    cache.set(key, entry);
    entry.value.then(
      () => {
        if (options.ttlMs !== undefined) entry.freshUntil = performance.now() + options.ttlMs;
      },
      () => {
        if (cache.peek(key) === entry) cache.delete(key);
      },
    );
    return entry.value;
  };
}
