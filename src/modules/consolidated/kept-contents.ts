import { LRUCache } from 'lru-cache';
import type { ReportEntry, SummaryNarrative } from '../../db/schema/index.js';

/** What a report holds beyond its status: parsed once, then kept while the report stays at the same version. */
export interface ReportContents {
  /** The report's id, version and last update (microseconds): any write moves the version and `updated_at` (reports.service.ts). */
  id: number;
  version: number;
  updated: number;
  entries: ReportEntry[];
  narrative: SummaryNarrative | null;
}

/** The contents of one period's reports, by unit; a new map replaces the old one on each read, so units' removed reports do not linger. */
export type PeriodContents = ReadonlyMap<string, ReportContents>;

export interface ContentsKeeper {
  get(planId: number, periodId: string): PeriodContents | undefined;
  set(planId: number, periodId: string, contents: PeriodContents): void;
}

/**
 * Keeps the reports' contents of the last few periods read. The first read after a write then
 * fetches every report's status (small rows) and the contents only of the reports whose stamp
 * moved (their id, version or update), instead of printing and parsing every report's jsonb again: at 2,000 units that is most
 * of the work of a consolidation. Values are immutable once kept (nothing mutates an entry), so
 * they are shared between reads.
 */
export function createContentsKeeper(periods = 4): ContentsKeeper {
  const cache = new LRUCache<string, PeriodContents>({ max: periods });
  return {
    get: (planId, periodId) => cache.get(`${planId}|${periodId}`),
    set: (planId, periodId, contents) => void cache.set(`${planId}|${periodId}`, contents),
  };
}
