import { TZDate } from '@date-fns/tz';
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
  kind: 'quarterly' | 'summary';
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
export const formatInZone = (instant: Date, timeZone: string) => formatISO(new TZDate(instant.getTime(), timeZone));

/** The Nth working day after `day`, on China's official calendar (holidays and 调休 make-up days). */
export const workingDayAfter = (day: string, n: number) => chineseDays.findWorkday(n, day);

/** The last working day on or before `day`. */
export const lastWorkingDayOnOrBefore = (day: string) =>
  chineseDays.isWorkday(day) ? day : chineseDays.findWorkday(-1, day);

/**
 * The reporting periods a rule gives: every quarter from `first` to `last`, due on the Nth
 * working day after it ends, then the 总结报告, due on the last working day of its phase.
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
  return [
    ...quarterly,
    {
      id: 'summary',
      kind: 'summary',
      startsOn: summaryPhase.startsOn,
      endsOn: summaryPhase.endsOn,
      defaultDueAt: localInstant(summaryDueDay, rule.summary.dueTime, rule.timeZone),
    },
  ];
}

/** The phase and, inside it, the stage that a period's last day falls in. */
export function phaseOf(period: { endsOn: string }, phases: readonly PhaseSpan[]) {
  const contains = (span: PhaseSpan) => span.startsOn <= period.endsOn && period.endsOn <= span.endsOn;
  const phase = phases.filter((span) => span.parentCode === null && contains(span)).at(-1) ?? null;
  const stage = phase ? (phases.find((span) => span.parentCode === phase.code && contains(span)) ?? null) : null;
  return { phase, stage };
}
