import chineseDays from 'chinese-days';
import { z } from 'zod';
import { dayInZone } from './deadlines.js';

/*
 * chinese-days knows the official holidays and 调休 make-up days only for the years the State
 * Council has published (and the library has shipped); for any other year findWorkday and
 * isWorkday silently fall back to Monday–Friday. A deadline counted in such a year may land on a
 * public holiday, so the API says so instead of presenting it as exact.
 */

/** Years the service checks; copies of a plan are limited to 2000–2100 (plans.schemas.ts). */
const PROBED_YEARS = { first: 2000, last: 2100 } as const;

let covered: ReadonlySet<number> | undefined;

/**
 * The years chinese-days has data for. The library does not export its range, so it is found
 * once by asking it: every published year has holidays on weekdays (春节, 国庆节), an unknown
 * year has none.
 */
export function coveredYears(): ReadonlySet<number> {
  covered ??= new Set(
    Array.from({ length: PROBED_YEARS.last - PROBED_YEARS.first + 1 }, (_, index) => PROBED_YEARS.first + index).filter(
      (year) => chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0,
    ),
  );
  return covered;
}

export const calendarWarningSchema = z
  .object({
    code: z.literal('CALENDAR_NOT_COVERED'),
    years: z.array(z.number().int()).describe('Years in which deadlines were counted on weekends only'),
    message: z.string(),
  })
  .meta({
    id: 'CalendarWarning',
    examples: [
      {
        code: 'CALENDAR_NOT_COVERED',
        years: [2027, 2028, 2029],
        message:
          "China's official holiday calendar is known for 2004–2026 only: deadlines counted in 2027, 2028, 2029 skip weekends but not public holidays or 调休 make-up days. Check them and move any that need it.",
      },
    ],
  });

export type CalendarWarning = z.infer<typeof calendarWarningSchema>;

const yearOf = (day: string) => Number(day.slice(0, 4));

/**
 * The warning for periods whose default deadline was counted in a year the calendar does not
 * cover: the working days are counted between the period's last day and its default deadline.
 */
export function calendarWarnings(periods: readonly { endsOn: string; defaultDueAt: Date }[], timeZone: string): CalendarWarning[] {
  const known = coveredYears();
  const counted = new Set<number>();
  for (const period of periods) {
    // Quarterly deadlines are counted forward from the last day, the 总结报告's backward.
    const [from, to] = [yearOf(period.endsOn), yearOf(dayInZone(period.defaultDueAt, timeZone))].sort((a, b) => a - b) as [number, number];
    for (let year = from; year <= to; year += 1) counted.add(year);
  }
  const years = [...counted].filter((year) => !known.has(year)).sort((a, b) => a - b);
  if (years.length === 0) return [];
  const range = [...known].sort((a, b) => a - b);
  const knownText = range.length > 0 ? `${range[0]}–${range.at(-1)}` : 'no year';
  return [
    {
      code: 'CALENDAR_NOT_COVERED',
      years,
      message: `China's official holiday calendar is known for ${knownText} only: deadlines counted in ${years.join(', ')} skip weekends but not public holidays or 调休 make-up days. Check them and move any that need it.`,
    },
  ];
}
