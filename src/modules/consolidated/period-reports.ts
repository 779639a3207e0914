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

/** The period's reports version and, when it is not the one the caller knows, its report heads. */
export interface HeadsRead {
  /** As `periodVersions` (reports.repository.ts) counts it: how many reports, the sum of their versions, the latest update. */
  version: string;
  heads?: ReportHead[];
}

/**
 * The period's reports version, and its report heads unless the version is `known`: in one
 * statement, so a read whose version has not moved (a cache hit) ships no rows, and one whose
 * version has moved (a miss) gets its heads in the same round trip. The heads come as one JSON
 * array of arrays (cheaper to print and parse than a row each).
 */
export async function readReportHeads(db: Queryable, planId: number, periodId: string, known?: string): Promise<HeadsRead> {
  const [row] = await selectRows<{ version: string; heads: HeadTuple[] | null }>(
    db,
    sql`with h as materialized (
        select id, department_code, status, version, late, first_submitted_at is not null as submitted,
          (date_part('epoch', updated_at) * 1000000)::int8 as updated, version > 0 and status in ('submitted', 'accepted', 'returned') as visible
        from reports where plan_id = ${planId} and period_id = ${periodId}
      ), v as (
        select count(*) || '.' || coalesce(sum(version), 0) || '.' || coalesce(max(updated)::text, '') as version from h
      )
      select v.version, case when v.version is distinct from ${known ?? null} then
          (select coalesce(json_agg(json_build_array(id, department_code, status, version, late, submitted, updated::text, visible)), '[]') from h)
        end as heads
      from v`,
  );
  const heads = row!.heads?.map(([id, code, status, version, late, submitted, updated, visible]): ReportHead => ({ id, department_code: code, status, version, late, submitted, updated, visible }));
  return heads === undefined ? { version: row!.version } : { version: row!.version, heads };
}

type HeadTuple = [number, string, ReportHead['status'], number, boolean | null, boolean, string, boolean];

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
