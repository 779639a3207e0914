import type { Queryable } from './client.js';

/**
 * Memoizes a loader per database handle and key, for data that does not change while the service
 * runs (a plan's 分工表 once seeded or copied, the directory of units). Keyed on the handle, so
 * each app (and each test) has its own; a failed load is forgotten so the next call retries.
 */
export function memoizePerDatabase<T>(load: (db: Queryable, key: string) => Promise<T>) {
  const caches = new WeakMap<Queryable, Map<string, Promise<T>>>();
  return (db: Queryable, key: string): Promise<T> => {
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new Map()));
    let value = cache.get(key);
    if (!value) {
      value = load(db, key);
      cache.set(key, value);
      value.catch(() => cache.delete(key));
    }
    return value;
  };
}
