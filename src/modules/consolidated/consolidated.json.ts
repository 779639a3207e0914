import { z } from 'zod';
import type { Queryable } from '../../db/client.js';
import { memoEpoch } from '../../db/memo.js';
import type { ReportEntry } from '../../db/schema/index.js';
import { loadDirectory, type Directory } from '../departments/departments.service.js';
import { listSubmittedOpinions } from '../lead/lead.repository.js';
import { expectedUnitsInOrder } from '../overview/official-order.js';
import { periodView } from '../periods/periods.service.js';
import { listPhases } from '../plans/plans.repository.js';
import type { PlanStructure } from '../plans/plans.service.js';
import { taskKey } from '../reports/carried-tasks.js';
import { entrySchema } from '../reports/reports.schemas.js';
import { loadEarlierPeriods, loadLightReports, periodVersions, type EarlierPeriod, type RowFigures } from './consolidated.reader.js';
import { consolidatedSchema } from './consolidated.schemas.js';
import type { ContentsKeeper } from './kept-contents.js';
import { flagPeriod, rectificationEndsOn, selectPeriods, type ConsolidatedReport } from './consolidated.service.js';
import { flagsOf, type FlagInput, type PeriodResult } from './flags.js';
import { consolidatePeriod, type Rollup, type UnitLine } from './rollup.js';

/**
 * `consolidated` (consolidated.service.ts) as the JSON the route sends, for the first read after a
 * write: the period's reports in one query, with the entries only of those the office sees; the two
 * periods before it, which only the flags read, as each row's figures summed up by GROUP BY
 * (consolidated.reader.ts) and kept per period and version. The rules stay those of
 * `consolidatePeriod`, `flagsOf` and `rollup`.
 */
export async function consolidatedJson(db: Queryable, planCode: string, periodId: string, kept: KeptInputs = {}): Promise<string> {
  const { figures: figuresCache = (_key, compute) => compute(), contents } = kept;
  const [{ structure, read }, directory] = await Promise.all([selectPeriods(db, planCode, { upTo: periodId, window: 1 }), loadDirectory(db)]);
  const { plan } = structure;
  const period = read.at(-1)!;
  const earlier = read.slice(0, -1);
  const [phases, light, figures, opinions] = await Promise.all([
    listPhases(db, plan.id),
    loadLightReports(db, plan.id, period.id, contents),
    earlierFigures(db, structure, earlier.map((before) => before.id), figuresCache),
    listSubmittedOpinions(db, plan.id, [period.id]),
  ]);
  const result = consolidatePeriod(structure, directory, light);
  const history: PeriodResult[] = earlier.map((before, index) => ({
    period: before,
    result: earlierResult(structure, directory, figures[index]!, index === earlier.length - 1),
  }));
  const flags = flagsOf([...history, { period, result }], rectificationEndsOn(plan, phases));
  const { period: _row, ...rest } = flagPeriod(structure, directory, period, result, flags, opinions, light);
  return writeConsolidatedJson({ plan: plan.code, period: periodView(period, phases, plan.reportingRule.timeZone), ...rest });
}

/** What the route keeps between reads: the earlier periods' figures and the reports' contents (kept-contents.ts). */
export interface KeptInputs {
  figures?: FiguresCache;
  contents?: ContentsKeeper;
}

/** Keeps an earlier period's figures by a key naming everything they are computed from (src/http/keyed-cache.ts). */
export type FiguresCache = (key: string, compute: () => Promise<EarlierPeriod>) => Promise<EarlierPeriod>;

/**
 * The earlier periods' figures, each kept by its own reports version: a write to the period read
 * leaves the two before it as they were, so their figures are not summed up again. Which entries
 * count depends on the 分工表 and the directory, so the memos' epoch (src/db/memo.ts: it moves
 * whenever they may have changed) is in the key too.
 */
async function earlierFigures(db: Queryable, structure: PlanStructure, ids: readonly string[], cache: FiguresCache): Promise<EarlierPeriod[]> {
  const versions = await periodVersions(db, structure.plan.id, ids);
  return Promise.all(
    ids.map((id) =>
      cache(`${memoEpoch(db)}|${structure.plan.id}|${id}|${versions.get(id)}`, async () => (await loadEarlierPeriods(db, structure.plan.id, [id])).get(id)!),
    ),
  );
}

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

/*
 * The consolidated report's JSON, written piece by piece: byte for byte what
 * JSON.stringify(consolidatedSchema.parse(report)) gives (tests/consolidated-json.test.ts), but the
 * units' lines, the bulk of it (a line and its entry per unit and row), are written from their
 * parts, not validated object by object (they come from the database, validated when written).
 * The small parts still go through their schemas. (Having Postgres print the entries cost it more
 * than JSON.parse and these templates cost the service.)
 */

const shape = consolidatedSchema.shape;
const measureSchema = shape.measures.element;
const taskSchema = measureSchema.shape.tasks.element;
// The keys left out are the last ones of each object, so the head is the object without its closing brace.
const measureHead = measureSchema.omit({ tasks: true });
const taskHead = taskSchema.omit({ units: true, leadOpinions: true });
const leadOpinions = taskSchema.shape.leadOpinions;

const head = <S extends z.ZodType>(schema: S, value: unknown) => JSON.stringify(schema.parse(value)).slice(0, -1);
const ref = (unit: { code: string; name: string }) => `{"code":${JSON.stringify(unit.code)},"name":${JSON.stringify(unit.name)}}`;

/** An entry as `entrySchema` prints it, keys in its order; one with metrics (whose keys jsonb reordered) through the schema itself. */
function entryJson(entry: ReportEntry): string {
  let text = printed.get(entry);
  if (text === undefined) printed.set(entry, (text = printEntry(entry)));
  return text;
}

/** Entries kept between reads (kept-contents.ts) are printed once. */
const printed = new WeakMap<ReportEntry, string>();

function printEntry(entry: ReportEntry): string {
  if (entry.metrics !== undefined) return JSON.stringify(entrySchema.parse(entry));
  const problems = entry.problems === undefined ? '' : `,"problems":${JSON.stringify(entry.problems)}`;
  const nextSteps = entry.nextSteps === undefined ? '' : `,"nextSteps":${JSON.stringify(entry.nextSteps)}`;
  return `{"measureNo":${entry.measureNo},"taskSeq":${entry.taskSeq},"status":${JSON.stringify(entry.status)},"progress":${entry.progress},"summary":${JSON.stringify(entry.summary)}${problems}${nextSteps}}`;
}

/** Writes the units' lines; a unit's reference is written once, not once per row it carries. */
function lineWriter() {
  const refs = new Map<string, string>();
  const refOf = (unit: { code: string; name: string }) => {
    let text = refs.get(unit.code);
    if (text === undefined) refs.set(unit.code, (text = ref(unit)));
    return text;
  };
  return (line: UnitLine) =>
    `{"department":${refOf(line.department)},"role":"${line.role}","via":${line.via ? refOf(line.via) : 'null'},` +
    `"required":${line.required},"reportStatus":"${line.reportStatus}","late":${line.late},"entry":${line.entry ? entryJson(line.entry) : 'null'}}`;
}

export function writeConsolidatedJson(report: ConsolidatedReport): string {
  const lineJson = lineWriter();
  const parts: string[] = [
    `{"plan":${JSON.stringify(shape.plan.parse(report.plan))},"period":${JSON.stringify(shape.period.parse(report.period))},"totals":${JSON.stringify(shape.totals.parse(report.totals))},"measures":[`,
  ];
  report.measures.forEach((measure, measureIndex) => {
    parts.push(`${measureIndex > 0 ? ',' : ''}${head(measureHead, measure)},"tasks":[`);
    measure.tasks.forEach((task, taskIndex) => {
      parts.push(`${taskIndex > 0 ? ',' : ''}${head(taskHead, task)},"units":[`);
      parts.push(task.units.map(lineJson).join(','));
      parts.push(`],"leadOpinions":${JSON.stringify(leadOpinions.parse(task.leadOpinions))}}`);
    });
    parts.push(']}');
  });
  parts.push(`],"unitFlags":${JSON.stringify(shape.unitFlags.parse(report.unitFlags))}`);
  if (report.narratives !== undefined) parts.push(`,"narratives":${JSON.stringify(shape.narratives.parse(report.narratives))}`);
  parts.push('}');
  return parts.join('');
}
