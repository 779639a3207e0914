import { sql } from 'drizzle-orm';
import { selectRows, type Queryable } from '../../db/client.js';
import type { ReportEntry, SummaryNarrative } from '../../db/schema/index.js';
import type { KeptPeriod, ReportContents } from './kept-contents.js';
import type { ConsolidatedReportRow, ReportStatus } from './rollup.js';

/** A report as the consolidated JSON reads it: its entries only when the office sees them. */
export type LightReport = ConsolidatedReportRow & { narrative: SummaryNarrative | null };

/** A report of the period read, without its contents: what the cache key and the totals need. */
export interface ReportHead {
  id: number;
  department_code: string;
  status: Exclude<ReportStatus, 'not_started'>;
  version: number;
  late: boolean | null;
  submitted: boolean;
  /** `updated_at` in microseconds since the epoch, as text (exact, and the same string from either driver). */
  updated: string;
  /** Whether the office sees the report's contents (as `consolidatePeriod` decides: VISIBLE, version > 0). */
  visible: boolean;
}

type ReportWithContents = ReportHead & { entries: ReportEntry[] | null; narrative: SummaryNarrative | null };

const HEAD = sql`id, department_code, status, version, late, first_submitted_at is not null as submitted,
  ((date_part('epoch', updated_at) * 1000000)::int8)::text as updated, version > 0 and status in ('submitted', 'accepted', 'returned') as visible`;
// The contents of reports the office does not see (drafts) stay in the database.
const CONTENTS = sql`case when version > 0 and status in ('submitted', 'accepted', 'returned') then entries end as entries,
  case when version > 0 and status in ('submitted', 'accepted', 'returned') then narrative end as narrative`;

/** Every report of the period, without contents. */
export function loadReportHeads(db: Queryable, planId: number, periodId: string): Promise<ReportHead[]> {
  return selectRows<ReportHead>(db, sql`select ${HEAD} from reports where plan_id = ${planId} and period_id = ${periodId}`);
}

/**
 * The period's reports version from its heads, as `periodReportsVersion` (reports.repository.ts)
 * counts it: how many reports, the sum of their versions and the latest update. Every write moves
 * a report's version and `updated_at`.
 */
export function headsVersion(heads: readonly ReportHead[]): string {
  let versions = 0;
  let latest = '';
  for (const head of heads) {
    versions += head.version;
    if (head.updated.length > latest.length || (head.updated.length === latest.length && head.updated > latest)) latest = head.updated;
  }
  return `${heads.length}.${versions}.${latest}`;
}

const sameVersion = (kept: ReportContents | undefined, head: ReportHead) => kept !== undefined && kept.id === head.id && kept.version === head.version && kept.updated === head.updated;

/**
 * The period's reports with only what a consolidation reads, from their heads: the contents of
 * those the office sees come from `keep` (kept-contents.ts) while a report stays at the version
 * kept, the others' from the database (all of the period's in one query when most are missing).
 * A report the database has moved on since its head was read is taken as it is now, whole.
 */
export async function loadLightReports(db: Queryable, planId: number, periodId: string, heads: readonly ReportHead[], keep?: KeptPeriod): Promise<LightReport[]> {
  const kept = keep?.contents;
  const stale = heads.filter((head) => head.visible && !sameVersion(kept?.get(head.department_code), head));
  const where = sql`where plan_id = ${planId} and period_id = ${periodId}`;
  let rows: readonly (ReportHead | ReportWithContents)[] = heads;
  if (stale.length > heads.length / 2) {
    rows = await selectRows<ReportWithContents>(db, sql`select ${HEAD}, ${CONTENTS} from reports ${where}`);
  } else if (stale.length > 0) {
    const ids = sql.join(stale.map((head) => sql`${head.id}`), sql`, `);
    const fresh = new Map((await selectRows<ReportWithContents>(db, sql`select ${HEAD}, ${CONTENTS} from reports ${where} and id in (${ids})`)).map((row) => [row.id, row]));
    const staleIds = new Set(stale.map((head) => head.id));
    // A stale report missing here was deleted meanwhile.
    rows = heads.flatMap((head) => {
      const row = fresh.get(head.id);
      return row ? [row] : staleIds.has(head.id) ? [] : [head];
    });
  }
  const contents = new Map<string, ReportContents>();
  const reports = rows.map((row): LightReport => {
    let held: ReportContents | undefined;
    if (row.visible) {
      held = 'entries' in row ? { id: row.id, version: row.version, updated: row.updated, entries: row.entries ?? [], narrative: row.narrative } : kept!.get(row.department_code)!;
      contents.set(row.department_code, held);
    }
    return {
      departmentCode: row.department_code,
      status: row.status,
      version: row.version,
      late: row.late,
      // Only its presence counts (consolidatePeriod: submitted at least once).
      firstSubmittedAt: row.submitted ? SUBMITTED : null,
      entries: held?.entries ?? [],
      narrative: held?.narrative ?? null,
    };
  });
  if (keep) keep.contents = contents;
  return reports;
}

const SUBMITTED = new Date(0);
