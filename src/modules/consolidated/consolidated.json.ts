import type { Queryable } from '../../db/client.js';
import { memoEpoch } from '../../db/memo.js';
import { loadDirectory, type Directory } from '../departments/departments.service.js';
import { listSubmittedOpinions, opinionSetsVersion } from '../lead/lead.repository.js';
import { expectedUnitsInOrder } from '../overview/official-order.js';
import { periodView } from '../periods/periods.service.js';
import { listPhases } from '../plans/plans.repository.js';
import { loadPlanStructure, type PlanStructure } from '../plans/plans.service.js';
import { taskKey } from '../reports/carried-tasks.js';
import { periodVersions } from '../reports/reports.repository.js';
import { loadEarlierPeriods, type EarlierPeriod, type RowFigures } from './consolidated.reader.js';
import { loadLightReports, readReportHeads } from './period-reports.js';
import type { ContentsKeeper } from './kept-contents.js';
import { flagPeriod, rectificationEndsOn, selectPeriods } from './consolidated.service.js';
import { writeConsolidatedJson } from './consolidated.writer.js';
import { flagsOf, type FlagInput, type PeriodResult } from './flags.js';
import { consolidatePeriod, type Rollup } from './rollup.js';

/** A read of the consolidated JSON: the key naming everything it is computed from, read first, and how to build it on a miss. */
export interface ConsolidatedRead {
  key: string;
  build(): Promise<Buffer>;
}

/**
 * `consolidated` (consolidated.service.ts) as the JSON the route sends (its UTF-8 bytes). The key
 * is read in one round of small queries: the period's reports version (with the report heads in
 * the same statement when the version is not the one the last build read: period-reports.ts), the
 * two periods before it, which only the flags read, by their reports versions, and the lead
 * opinion sets' version. A hit ships no rows. On a miss the build goes on from those heads,
 * fetching the contents of the reports the office sees only for those written since the last read
 * (kept between reads: kept-contents.ts), and takes the earlier periods' figures as each row's sums
 * by GROUP BY (consolidated.reader.ts), kept per period and version. The rules stay those of
 * `consolidatePeriod`, `flagsOf` and `rollup`.
 */
export async function openConsolidatedRead(db: Queryable, planCode: string, periodId: string, kept: KeptInputs = {}): Promise<ConsolidatedRead> {
  const { figures: figuresCache = (_key, compute) => compute(), contents } = kept;
  // The period's version needs only the plan (memoised) and the period's id, so it is read while the periods are listed.
  const current = loadPlanStructure(db, planCode).then(({ plan }) => readReportHeads(db, plan.id, periodId, contents?.(plan.id, periodId).headsVersion));
  current.catch(() => undefined);
  const [{ structure, read }, directory] = await Promise.all([selectPeriods(db, planCode, { upTo: periodId, window: 1 }), loadDirectory(db)]);
  const { plan } = structure;
  const period = read.at(-1)!;
  const earlier = read.slice(0, -1);
  const [versions, opinionSets, { version, heads: readHeads }] = await Promise.all([
    periodVersions(db, plan.id, earlier.map((before) => before.id)),
    opinionSetsVersion(db, plan.id, read.map((each) => each.id)),
    current,
  ]);
  // Any report, lead opinion set or deadline of the periods read changes the key.
  const deadlines = read.map((each) => `${each.id}:${each.dueAt.getTime()}`).join(',');
  const key = `${plan.code}|${deadlines}|${version}|${earlier.map((before) => versions.get(before.id)).join(',')}|${opinionSets}`;

  const build = async () => {
    const kept = contents?.(plan.id, period.id);
    // Heads not read with the version (it was the one kept) are read now: something else changed the key.
    const heads = readHeads ?? (await readReportHeads(db, plan.id, period.id)).heads!;
    if (kept) kept.headsVersion = version;
    const [phases, light, figures, opinions] = await Promise.all([
      listPhases(db, plan.id),
      loadLightReports(db, plan.id, period.id, heads, kept),
      Promise.all(
        earlier.map((before, index) => {
          const withMissing = index === earlier.length - 1;
          const key = `${memoEpoch(db)}|${plan.id}|${before.id}|${versions.get(before.id)}|${withMissing}`;
          return figuresCache(key, async () => earlierResult(structure, directory, (await loadEarlierPeriods(db, plan.id, [before.id])).get(before.id)!, withMissing));
        }),
      ),
      listSubmittedOpinions(db, plan.id, [period.id]),
    ]);
    const result = consolidatePeriod(structure, directory, light, kept?.consolidation);
    const history: PeriodResult[] = earlier.map((before, index) => ({ period: before, result: figures[index]! }));
    const flags = flagsOf([...history, { period, result }], rectificationEndsOn(plan, phases));
    const { period: _row, ...rest } = flagPeriod(structure, directory, period, result, flags, opinions, light);
    return writeConsolidatedJson({ plan: plan.code, period: periodView(period, phases, plan.reportingRule.timeZone), ...rest });
  };
  return { key, build };
}

/** What the route keeps between reads: the earlier periods' figures and the reports' contents (kept-contents.ts). */
export interface KeptInputs {
  figures?: FiguresCache;
  contents?: ContentsKeeper;
}

/**
 * Keeps what the flags read of an earlier period by a key naming everything it is computed from
 * (src/http/keyed-cache.ts): the period's own reports version, since a write to the period read
 * leaves the two before it as they were, and the memos' epoch (src/db/memo.ts: it moves whenever
 * they may have changed), since which entries count and who is expected depend on the 分工表
 * and the directory.
 */
export type FiguresCache = (key: string, compute: () => Promise<FlagInput>) => Promise<FlagInput>;

/** `rollup` of a row from its figures: blocked wins, else the common status, else in progress; the mean progress to 0.1. */
const rollupOf = (figures: RowFigures | undefined): Rollup =>
  figures ? { status: figures.blocked ? 'blocked' : (figures.common ?? 'in_progress'), progress: Math.round((figures.total / figures.count) * 10) / 10 } : { status: null, progress: null };

/** What the flags read of an earlier period: the rows' roll-ups and, for the period just before, the units missing. */
function earlierResult(structure: PlanStructure, directory: Directory, figures: EarlierPeriod, withMissing: boolean): FlagInput {
  return {
    measures: structure.measures.map((measure) => ({
      no: measure.no,
      tasks: measure.tasks.map((task) => ({ seq: task.seq, rollup: rollupOf(figures.rows.get(taskKey({ measureNo: measure.no, taskSeq: task.seq }))), units: [] })),
    })),
    totals: {
      missingDepartments: withMissing
        ? expectedUnitsInOrder(structure, directory)
            .filter((unit) => !figures.submitted.has(unit.code))
            .map((unit) => ({ code: unit.code, name: unit.name }))
        : [],
    },
  };
}
