import { LRUCache } from 'lru-cache';
import type { ReportEntry, SummaryNarrative } from '../../db/schema/index.js';
import { createConsolidationMemo, type ConsolidationMemo } from './rollup.js';

/** What a report holds beyond its status: parsed once, then kept while the report stays at the same version. */
export interface ReportContents {
  /** The report's id, version and last update (microseconds): any write moves the version and `updated_at` (reports.service.ts). */
  id: number;
  version: number;
  updated: string;
  entries: ReportEntry[];
  narrative: SummaryNarrative | null;
}

/** What is kept of one period between reads. */
export interface KeptPeriod {
  /** The contents of the reports the office sees, by unit; replaced whole on each read, so removed reports do not linger. */
  contents: ReadonlyMap<string, ReportContents>;
  /** The last consolidation's lines and row figures (rollup.ts). */
  consolidation: ConsolidationMemo;
  /** The reports version the last build read the heads at: a read at the same version does not fetch them (period-reports.ts). */
  headsVersion?: string;
}

export type ContentsKeeper = (planId: number, periodId: string) => KeptPeriod;

/**
 * Keeps what the last few periods read were built from. The first read after a write then
 * fetches every report's status (small rows) and the contents only of the reports whose id,
 * version or update moved, instead of printing and parsing every report's jsonb again, and
 * builds the lines of those reports' units only. Kept values are immutable (nothing mutates an
 * entry or a line), so they are shared between reads.
 */
export function createContentsKeeper(periods = 3): ContentsKeeper {
  const cache = new LRUCache<string, KeptPeriod>({ max: periods });
  return (planId, periodId) => {
    const key = `${planId}|${periodId}`;
    let kept = cache.get(key);
    if (kept === undefined) cache.set(key, (kept = { contents: new Map(), consolidation: createConsolidationMemo() }));
    return kept;
  };
}
