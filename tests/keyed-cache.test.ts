import { describe, expect, it } from 'vitest';
import { createKeyedCache } from '../src/http/keyed-cache.js';

// The one cache of the service (src/http/keyed-cache.ts), by key and, for /metrics, by age.

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function counting() {
  let calls = 0;
  return {
    compute: () => Promise.resolve(++calls),
    get calls() {
      return calls;
    },
  };
}

describe('createKeyedCache', () => {
  it('when no ttl is given, a value is reused by its key until evicted, and concurrent misses share one computation', async () => {
    const cache = createKeyedCache<number>(1);
    const source = counting();
    const [a, b] = await Promise.all([cache('a', source.compute), cache('a', source.compute)]);
    expect([a, b, await cache('a', source.compute)]).toEqual([1, 1, 1]);
    expect(await cache('b', source.compute)).toBe(2);
    expect(await cache('a', source.compute)).toBe(3);
  });

  it('when ttlMs is 0, concurrent calls share one computation, and a call after it arrived computes again', async () => {
    const cache = createKeyedCache<number>(1, { ttlMs: 0 });
    const source = counting();
    expect(await Promise.all([cache('k', source.compute), cache('k', source.compute)])).toEqual([1, 1]);
    await settle();
    expect(await cache('k', source.compute)).toBe(2);
  });

  it('when ttlMs is set, a value is reused for that long after it arrived, then computed again', async () => {
    const cache = createKeyedCache<number>(1, { ttlMs: 200 });
    const source = counting();
    expect(await cache('k', source.compute)).toBe(1);
    expect(await cache('k', source.compute)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await cache('k', source.compute)).toBe(2);
  });

  it('when a computation fails, the failure is not kept', async () => {
    const cache = createKeyedCache<number>(1, { ttlMs: 60_000 });
    await expect(cache('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await settle();
    expect(await cache('k', () => Promise.resolve(7))).toBe(7);
  });
});
