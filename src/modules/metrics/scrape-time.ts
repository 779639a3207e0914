/** Rejects once `ms` have passed, so a scrape answers even when a source (Redis, Postgres) does not. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `load`, shared: every caller until it settles gets the same promise (the gauges of one scrape
 * share one query), and a result is reused for `ttlMs` after it arrived (scrapes from several
 * Prometheus servers, or a storm of them, cost one query per period). A failure is not reused.
 */
export function sharedFor<T>(ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let current: { promise: Promise<T>; freshUntil: number } | undefined;
  return () => {
    if (current && performance.now() < current.freshUntil) return current.promise;
    const entry = { promise: load(), freshUntil: Number.POSITIVE_INFINITY };
    current = entry;
    entry.promise.then(
      () => (entry.freshUntil = performance.now() + ttlMs),
      () => (entry.freshUntil = 0),
    );
    return entry.promise;
  };
}
