import { LRUCache } from 'lru-cache';

/**
 * The one cache of the service: keeps recently computed values by a key that names everything they
 * are computed from (a period's reports version, the deadlines, the day), so a read costs one small
 * query for the key until a write. Concurrent misses share one computation; a failed one is not kept.
 */
export function createKeyedCache<T extends {}>(max: number) {
  const cache = new LRUCache<string, Promise<T>>({ max });
  return (key: string, compute: () => Promise<T>): Promise<T> => {
    let value = cache.get(key);
    if (!value) {
      value = compute();
      cache.set(key, value);
      value.catch(() => cache.delete(key));
    }
    return value;
  };
}
