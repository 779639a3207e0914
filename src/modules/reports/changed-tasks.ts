import type { ReportEntry } from '../../db/schema/index.js';
import { taskKey } from './carried-tasks.js';

/**
 * JSON with every object's keys sorted: the entries before a save come from jsonb (which orders
 * keys its own way), those after it as the request sent them.
 */
const isPlainObject = (value: unknown): value is Record<string, unknown> => Object.prototype.toString.call(value) === '[object Object]';
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item: unknown) => (isPlainObject(item) ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, item[key]])) : item));

/** Task keys whose entry was added, changed or removed between two versions: what an audit row records of a save. */
export function changedTasks(before: ReportEntry[], after: ReportEntry[]): string[] {
  const old = new Map(before.map((entry) => [taskKey(entry), canonicalJson(entry)]));
  const now = new Map(after.map((entry) => [taskKey(entry), canonicalJson(entry)]));
  return [...new Set([...old.keys(), ...now.keys()])].filter((key) => old.get(key) !== now.get(key));
}
