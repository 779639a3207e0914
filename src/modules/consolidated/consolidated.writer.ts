import type { z } from 'zod';
import type { ReportEntry } from '../../db/schema/index.js';
import type { DepartmentRef } from '../plans/plans.service.js';
import { entrySchema } from '../reports/reports.schemas.js';
import { consolidatedSchema } from './consolidated.schemas.js';
import type { ConsolidatedReport } from './consolidated.service.js';
import type { ReportStatus, UnitLine } from './rollup.js';

/*
 * The consolidated report's JSON, written piece by piece as UTF-8: byte for byte what
 * JSON.stringify(consolidatedSchema.parse(report)) gives (tests/consolidated-json.test.ts), but the
 * units' lines, the bulk of it (a line and its entry per unit and row), are written from their
 * parts, not validated object by object (they come from the database, validated when written).
 * The small parts still go through their schemas.
 *
 * The parts of a line that outlive a read are printed once and kept as bytes: an entry (kept
 * between reads with its report, kept-contents.ts) and a unit's reference with its role on a row
 * (one object per unit while the 分工表 and the directory stay: official-order.ts). A read then
 * joins kept buffers (Buffer.concat) rather than building and encoding a string of every line.
 * (Having Postgres print the entries cost it more than JSON.parse and these parts cost the service.)
 */

const shape = consolidatedSchema.shape;
const measureSchema = shape.measures.element;
const taskSchema = measureSchema.shape.tasks.element;
// The keys left out are the last ones of each object, so the head is the object without its closing brace.
const measureHead = measureSchema.omit({ tasks: true });
const taskHead = taskSchema.omit({ units: true, leadOpinions: true });
const leadOpinions = taskSchema.shape.leadOpinions;

const bytes = (text: string) => Buffer.from(text, 'utf8');
const json = <S extends z.ZodType>(schema: S, value: unknown) => JSON.stringify(schema.parse(value));
const head = <S extends z.ZodType>(schema: S, value: unknown) => json(schema, value).slice(0, -1);
const ref = (unit: DepartmentRef) => `{"code":${JSON.stringify(unit.code)},"name":${JSON.stringify(unit.name)}}`;

const COMMA = bytes(',');
const NULL_ENTRY = bytes('null}');
const REPORT_STATUSES: readonly ReportStatus[] = ['not_started', 'draft', 'submitted', 'accepted', 'returned'];
/** `<reportStatus>","late":<late>,"entry":` for every status and lateness, after the prefix's `"reportStatus":"`. */
const statusParts = new Map(
  REPORT_STATUSES.flatMap((status) => [true, false, null].map((late) => [`${status}|${late}`, bytes(`${status}","late":${late},"entry":`)] as const)),
);

/** An entry as `entrySchema` prints it, keys in its order; one with metrics (whose keys jsonb reordered) through the schema itself. */
function printEntry(entry: ReportEntry): string {
  if (entry.metrics !== undefined) return json(entrySchema, entry);
  const problems = entry.problems === undefined ? '' : `,"problems":${JSON.stringify(entry.problems)}`;
  const nextSteps = entry.nextSteps === undefined ? '' : `,"nextSteps":${JSON.stringify(entry.nextSteps)}`;
  return `{"measureNo":${entry.measureNo},"taskSeq":${entry.taskSeq},"status":${JSON.stringify(entry.status)},"progress":${entry.progress},"summary":${JSON.stringify(entry.summary)}${problems}${nextSteps}}`;
}

const printedEntries = new WeakMap<ReportEntry, Buffer>();
/** An entry and the line's closing brace. */
function entryPart(entry: ReportEntry): Buffer {
  let part = printedEntries.get(entry);
  if (part === undefined) printedEntries.set(entry, (part = bytes(`${printEntry(entry)}}`)));
  return part;
}

const printedPrefixes = new WeakMap<DepartmentRef, Map<string, Buffer>>();
/** `{"department":…,"role":…,"via":…,"required":…,"reportStatus":"`, kept per unit reference and role on a row. */
function prefixPart(line: UnitLine): Buffer {
  let byRole = printedPrefixes.get(line.department);
  if (byRole === undefined) printedPrefixes.set(line.department, (byRole = new Map()));
  const key = `${line.role}|${line.required}|${line.via === null ? '' : `${line.via.code}|${line.via.name}`}`;
  let part = byRole.get(key);
  if (part === undefined) {
    const via = line.via === null ? 'null' : ref(line.via);
    byRole.set(key, (part = bytes(`{"department":${ref(line.department)},"role":"${line.role}","via":${via},"required":${line.required},"reportStatus":"`)));
  }
  return part;
}

/** The consolidated report as the UTF-8 bytes of its JSON. */
export function writeConsolidatedJson(report: ConsolidatedReport): Buffer {
  const parts: Buffer[] = [
    bytes(`{"plan":${JSON.stringify(shape.plan.parse(report.plan))},"period":${json(shape.period, report.period)},"totals":${json(shape.totals, report.totals)},"measures":[`),
  ];
  report.measures.forEach((measure, measureIndex) => {
    parts.push(bytes(`${measureIndex > 0 ? ',' : ''}${head(measureHead, measure)},"tasks":[`));
    measure.tasks.forEach((task, taskIndex) => {
      parts.push(bytes(`${taskIndex > 0 ? ',' : ''}${head(taskHead, task)},"units":[`));
      task.units.forEach((line, lineIndex) => {
        if (lineIndex > 0) parts.push(COMMA);
        parts.push(prefixPart(line), statusParts.get(`${line.reportStatus}|${line.late}`)!, line.entry ? entryPart(line.entry) : NULL_ENTRY);
      });
      parts.push(bytes(`],"leadOpinions":${json(leadOpinions, task.leadOpinions)}}`));
    });
    parts.push(bytes(']}'));
  });
  parts.push(bytes(`],"unitFlags":${json(shape.unitFlags, report.unitFlags)}`));
  if (report.narratives !== undefined) parts.push(bytes(`,"narratives":${json(shape.narratives, report.narratives)}`));
  parts.push(bytes('}'));
  return Buffer.concat(parts);
}
