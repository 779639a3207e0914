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
 * The parts that outlive a read are printed once and kept as bytes: a unit's reference with its
 * role on a row (one object per unit while the 分工表 and the directory stay: official-order.ts)
 * and a row's lines (while the row keeps its array of lines, which no write to the units on it
 * replaced since: rollup.ts, kept-contents.ts). A read then joins kept buffers
 * (Buffer.concat) rather than building and encoding a string of every line.
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
const lateIndex = (late: boolean | null) => (late === null ? 2 : late ? 1 : 0);
/** `<reportStatus>","late":<late>,"entry":` for every status and lateness (`lateIndex`), after the prefix's `"reportStatus":"`. */
const statusParts = new Map(REPORT_STATUSES.map((status) => [status, [false, true, null].map((late) => bytes(`${status}","late":${late},"entry":`))]));

/** An entry as `entrySchema` prints it, keys in its order; one with metrics (whose keys jsonb reordered) through the schema itself. */
function printEntry(entry: ReportEntry): string {
  if (entry.metrics !== undefined) return json(entrySchema, entry);
  const problems = entry.problems === undefined ? '' : `,"problems":${JSON.stringify(entry.problems)}`;
  const nextSteps = entry.nextSteps === undefined ? '' : `,"nextSteps":${JSON.stringify(entry.nextSteps)}`;
  return `{"measureNo":${entry.measureNo},"taskSeq":${entry.taskSeq},"status":${JSON.stringify(entry.status)},"progress":${entry.progress},"summary":${JSON.stringify(entry.summary)}${problems}${nextSteps}}`;
}

/** An entry and the line's closing brace (printed when its row is: rows are kept printed, entries are not, to keep memory to one copy). */
const entryPart = (entry: ReportEntry) => bytes(`${printEntry(entry)}}`);

const printedPrefixes = new WeakMap<DepartmentRef, Map<DepartmentRef | null, Buffer[]>>();
/**
 * `{"department":…,"role":…,"via":…,"required":…,"reportStatus":"`, kept per unit reference, the
 * collective the row comes through (one object per 分工表 cell) and the role and requirement.
 */
function prefixPart(line: UnitLine): Buffer {
  let byVia = printedPrefixes.get(line.department);
  if (byVia === undefined) printedPrefixes.set(line.department, (byVia = new Map()));
  let parts = byVia.get(line.via);
  if (parts === undefined) byVia.set(line.via, (parts = []));
  const index = (line.role === 'lead' ? 2 : 0) + (line.required ? 1 : 0);
  return (parts[index] ??= bytes(`{"department":${ref(line.department)},"role":"${line.role}","via":${line.via === null ? 'null' : ref(line.via)},"required":${line.required},"reportStatus":"`));
}

const printedRows = new WeakMap<readonly UnitLine[], Buffer>();
/** A row's lines, kept per array: a row none of whose units wrote since the last read keeps its array (rollup.ts). */
function unitsPart(lines: readonly UnitLine[]): Buffer {
  let part = printedRows.get(lines);
  if (part === undefined) {
    const pieces: Buffer[] = [];
    lines.forEach((line, index) => {
      if (index > 0) pieces.push(COMMA);
      pieces.push(prefixPart(line), statusParts.get(line.reportStatus)![lateIndex(line.late)]!, line.entry ? entryPart(line.entry) : NULL_ENTRY);
    });
    printedRows.set(lines, (part = Buffer.concat(pieces)));
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
      parts.push(bytes(`${taskIndex > 0 ? ',' : ''}${head(taskHead, task)},"units":[`), unitsPart(task.units));
      parts.push(bytes(`],"leadOpinions":${json(leadOpinions, task.leadOpinions)}}`));
    });
    parts.push(bytes(']}'));
  });
  parts.push(bytes(`],"unitFlags":${json(shape.unitFlags, report.unitFlags)}`));
  if (report.narratives !== undefined) parts.push(bytes(`,"narratives":${json(shape.narratives, report.narratives)}`));
  parts.push(bytes('}'));
  return Buffer.concat(parts);
}
