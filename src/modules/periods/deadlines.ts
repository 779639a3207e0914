import { TZDate, tzOffset } from '@date-fns/tz';
import chineseDays from 'chinese-days';
import { formatISO, lastDayOfMonth } from 'date-fns';
import type { ReportingRule } from './reporting-rule.js';

export interface PhaseSpan {
  code: string;
  name: string;
  parentCode: string | null;
  startsOn: string;
  endsOn: string;
}

export interface PeriodDefinition {
  id: string;
  kind: 'quarterly' | 'summary' | 'targets';
  startsOn: string;
  endsOn: string;
  defaultDueAt: Date;
}

const isoDay = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;

function quarterBounds(id: string) {
  const year = Number(id.slice(0, 4));
  const quarter = Number(id.slice(5));
  const lastMonth = quarter * 3;
  return {
    startsOn: isoDay(year, lastMonth - 2, 1),
    endsOn: isoDay(year, lastMonth, lastDayOfMonth(new Date(year, lastMonth - 1, 1)).getDate()),
  };
}

function* quartersBetween(first: string, last: string) {
  let year = Number(first.slice(0, 4));
  let quarter = Number(first.slice(5));
  for (;;) {
    const id = `${year}Q${quarter}`;
    yield id;
    if (id === last) return;
    [year, quarter] = quarter === 4 ? [year + 1, 1] : [year, quarter + 1];
  }
}

/** The instant `day` at `time` (HH:mm) on the wall clock of `timeZone`. */
export function localInstant(day: string, time: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return new Date(new TZDate(year, month - 1, date, hours, minutes, timeZone).getTime());
}

/** The calendar day (YYYY-MM-DD) an instant falls on in `timeZone`. */
export const dayInZone = (instant: Date, timeZone: string) => formatISO(new TZDate(instant.getTime(), timeZone), { representation: 'date' });

/** A calendar day plus `days` (negative goes back), independent of the process time zone. */
export function addDaysToDay(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** ISO 8601 with the offset of `timeZone`, e.g. 2017-10-13T17:00:00+08:00. */
export const formatInZone = (instant: Date, timeZone: string) => {
  const minutes = offsetMinutes(timeZone, instant.getTime());
  if (minutes === 0) return formatISO(new TZDate(instant.getTime(), timeZone));
  const local = new Date(instant.getTime() + minutes * 60_000).toISOString().slice(0, 19);
  const hours = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
  return `${local}${minutes < 0 ? '-' : '+'}${hours}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
};

/**
 * A zone's UTC offset at an instant, kept per quarter of an hour: every instant the service
 * formats (2017 onwards) lies in a zone whose offsets and transitions fall on quarter hours, and
 * asking Intl (what tzOffset does) for each of the instants a response lists costs more than the
 * rest of formatting them.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const offsets = new Map<string, number>();
function offsetMinutes(timeZone: string, at: number): number {
  const quarter = Math.floor(at / QUARTER_HOUR_MS);
  const key = `${timeZone} ${quarter}`;
  let minutes = offsets.get(key);
  if (minutes === undefined) {
    if (offsets.size >= 10_000) offsets.clear();
    minutes = tzOffset(timeZone, new Date(quarter * QUARTER_HOUR_MS));
    offsets.set(key, minutes);
  }
  return minutes;
}

/** The Nth working day after `day`, on China's official calendar (holidays and 调休 make-up days). */
export const workingDayAfter = (day: string, n: number) => chineseDays.findWorkday(n, day);

/** The last working day on or before `day`. */
export const lastWorkingDayOnOrBefore = (day: string) =>
  chineseDays.isWorkday(day) ? day : chineseDays.findWorkday(-1, day);

/**
 * The reporting periods a rule gives: every quarter from `first` to `last`, due on the Nth
 * working day after it ends; the 总结报告, due on the last working day of its phase; and for
 * every year the quarters touch, that year's targets (`<year>-targets`, see targetsPeriods).
 * In order of their default deadlines, which is their ordinal.
 */
export function derivePeriods(rule: ReportingRule, phases: readonly PhaseSpan[]): PeriodDefinition[] {
  const quarterly = [...quartersBetween(rule.quarterly.first, rule.quarterly.last)].map((id): PeriodDefinition => {
    const bounds = quarterBounds(id);
    const dueDay = workingDayAfter(bounds.endsOn, rule.quarterly.dueWorkingDaysAfterEnd);
    return { id, kind: 'quarterly', ...bounds, defaultDueAt: localInstant(dueDay, rule.quarterly.dueTime, rule.timeZone) };
  });
  const summaryPhase = phases.find((phase) => phase.code === rule.summary.phase);
  if (!summaryPhase) throw new Error(`Reporting rule names phase ${rule.summary.phase}, which the plan does not have`);
  const summaryDueDay = lastWorkingDayOnOrBefore(summaryPhase.endsOn);
  const summary: PeriodDefinition = {
    id: 'summary',
    kind: 'summary',
    startsOn: summaryPhase.startsOn,
    endsOn: summaryPhase.endsOn,
    defaultDueAt: localInstant(summaryDueDay, rule.summary.dueTime, rule.timeZone),
  };
  // A stable sort: equal deadlines keep targets, quarters, summary in that order.
  return [...targetsPeriods(rule, phases, quarterly), ...quarterly, summary].sort((a, b) => a.defaultDueAt.getTime() - b.defaultDueAt.getTime());
}

/**
 * One targets period per calendar year of the quarterly periods (2017, 2018, 2019 for the seeded
 * plan; a year holding only the 总结阶段 has none). It opens on January 1, or on the plan's first
 * day in its first year (2017-03-01), and is due at the end of the plan's first quarter in that
 * year: the last working day of the quarter holding its first day (2017-03-31, the end of the
 * 部署阶段; 2018-03-30, a Friday), at `rule.targets.dueTime`, or the quarterly dueTime for rules
 * stored before targets existed. Its last day is its due day.
 */
function targetsPeriods(rule: ReportingRule, phases: readonly PhaseSpan[], quarterly: readonly PeriodDefinition[]): PeriodDefinition[] {
  const planStart = phases.map((phase) => phase.startsOn).sort()[0];
  const years = [...new Set(quarterly.map((period) => Number(period.startsOn.slice(0, 4))))];
  const dueTime = rule.targets?.dueTime ?? rule.quarterly.dueTime;
  return years.map((year) => {
    const startsOn = planStart !== undefined && Number(planStart.slice(0, 4)) === year ? planStart : isoDay(year, 1, 1);
    const month = Number(startsOn.slice(5, 7));
    const quarterEnd = quarterBounds(`${year}Q${Math.ceil(month / 3)}`).endsOn;
    const dueDay = lastWorkingDayOnOrBefore(quarterEnd);
    return { id: `${year}-targets`, kind: 'targets', startsOn, endsOn: dueDay, defaultDueAt: localInstant(dueDay, dueTime, rule.timeZone) };
  });
}

/** The phase and, inside it, the stage that a period's last day falls in. */
export function phaseOf(period: { endsOn: string }, phases: readonly PhaseSpan[]) {
  const contains = (span: PhaseSpan) => span.startsOn <= period.endsOn && period.endsOn <= span.endsOn;
  const phase = phases.filter((span) => span.parentCode === null && contains(span)).at(-1) ?? null;
  const stage = phase ? (phases.find((span) => span.parentCode === phase.code && contains(span)) ?? null) : null;
  return { phase, stage };
}
