import { createHash } from 'node:crypto';
import type { Queryable } from './client.js';

/**
 * Memoizes a loader per database handle and key, for data that changes rarely and never on the
 * hot path (a plan's 分工表, the directory of units). Keyed on the handle, so each app (and each
 * test) has its own; a failed load is forgotten so the next call retries.
 *
 * What is kept is valid for the handle's epoch (see memoEpoch): the change feed
 * (src/db/change-feed.ts) moves the epoch when another process, the CLI or plain SQL changes a
 * table the memos read, so a loaded value is never served after such a change was announced.
 */
export function memoizePerDatabase<T>(load: (db: Queryable, key: string) => Promise<T>) {
  const caches = new WeakMap<Queryable, { epoch: string; values: Map<string, Promise<T>> }>();
  return (db: Queryable, key: string): Promise<T> => {
    const epoch = memoEpoch(db);
    let cache = caches.get(db);
    if (cache?.epoch !== epoch) caches.set(db, (cache = { epoch, values: new Map() }));
    const values = cache.values;
    let value = values.get(key);
    if (!value) {
      value = load(db, key);
      values.set(key, value);
      value.catch(() => values.delete(key));
    }
    return value;
  };
}

/** While the change feed is not listening, memoised values live this long at most. */
export const UNTRUSTED_MEMO_MS = 1_000;

interface Freshness {
  generation: number;
  /** Whether changes are being announced to this process (its LISTEN connection is up). */
  trusted: boolean;
}

const freshness = new WeakMap<Queryable, Freshness>();

/**
 * A string that changes whenever what the memos of `db` hold may have changed: after each
 * announced change, and every UNTRUSTED_MEMO_MS while changes are not being announced. Caches
 * built on memoised data (the serialised 分工表, the consolidated report) put it in their keys.
 * A handle no change feed watches (the CLI, a transaction) is trusted: it lives briefly.
 */
export function memoEpoch(db: Queryable): string {
  const state = freshness.get(db);
  if (!state) return 'g0';
  return state.trusted ? `g${state.generation}` : `g${state.generation}t${Math.floor(Date.now() / UNTRUSTED_MEMO_MS)}`;
}

/** Drops every memoised value of `db` (a table they read changed, or changes may have been missed). */
export function invalidateMemos(db: Queryable): void {
  const state = freshness.get(db) ?? { generation: 0, trusted: true };
  state.generation += 1;
  freshness.set(db, state);
}

/** Whether changes to `db` are being announced; when they are not, memoised values expire quickly. */
export function trustMemos(db: Queryable, trusted: boolean): void {
  const state = freshness.get(db) ?? { generation: 0, trusted };
  state.trusted = trusted;
  state.generation += 1;
  freshness.set(db, state);
}

const digests = new WeakMap<object, string>();

/**
 * A digest of a memoised value, computed once per value: the same data gives the same digest in
 * every process, so an ETag built on it agrees across processes (an epoch would not).
 */
export function contentDigest(value: object): string {
  let digest = digests.get(value);
  if (!digest) {
    digest = createHash('sha1').update(JSON.stringify(value)).digest('base64url');
    digests.set(value, digest);
  }
  return digest;
}
