import { LRUCache } from 'lru-cache';

/**
 * Keeps recently drawn documents by a key that names everything they are drawn from (the reports'
 * version, the deadlines, the day): drawing a chart or a report takes up to a second, reading the
 * key one small query. As with the consolidated report's cache, a failed drawing is not kept.
 */
export function createRenderCache<T extends {}>(max: number) {
  const cache = new LRUCache<string, Promise<T>>({ max });
  return (key: string, draw: () => Promise<T>): Promise<T> => {
    let value = cache.get(key);
    if (!value) {
      value = draw();
      cache.set(key, value);
      value.catch(() => cache.delete(key));
    }
    return value;
  };
}
