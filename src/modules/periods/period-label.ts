const quarterNames = ['一', '二', '三', '四'];

/** 2017Q3 -> { year: 2017, quarter: 3 }; null for the 总结报告 and a year's targets. */
export function quarterOf(periodId: string): { year: number; quarter: number } | null {
  const match = /^(\d{4})Q([1-4])$/.exec(periodId);
  return match ? { year: Number(match[1]), quarter: Number(match[2]) } : null;
}

/** 2017Q3 -> 2017年第三季度; 2018-targets -> 2018年度工作目标; summary -> 总结报告. */
export function periodLabel(periodId: string): string {
  const quarter = quarterOf(periodId);
  if (quarter) return `${quarter.year}年第${quarterNames[quarter.quarter - 1]}季度`;
  const targets = targetsYear(periodId);
  return targets === null ? '总结报告' : `${targets}年度工作目标`;
}

/** The year of a targets period (2018-targets -> 2018), null for any other period. */
export function targetsYear(periodId: string): number | null {
  const match = /^(\d{4})-targets$/.exec(periodId);
  return match ? Number(match[1]) : null;
}

/** The id of a year's targets period. */
export const targetsPeriodId = (year: number) => `${year}-targets`;

/**
 * What a unit sends for the period, as a message names it: 2017年第三季度工作进展,
 * 总结报告工作进展 as before, or 2018年度工作目标 for targets.
 */
export const reportSubject = (periodId: string) => (targetsYear(periodId) === null ? `${periodLabel(periodId)}工作进展` : periodLabel(periodId));

/** The web app's page for a unit's report of a period; a year's targets have their own page. */
export function reportPagePath(plan: string, periodId: string, unit: string): string {
  const year = targetsYear(periodId);
  return year === null ? `/reports/${plan}/${periodId}/${unit}` : `/targets/${plan}/${year}/${unit}`;
}

/** The API address of a unit's report of a period (the targets route for a year's targets). */
export function reportApiPath(plan: string, periodId: string, unit: string): string {
  const year = targetsYear(periodId);
  return year === null ? `/v1/plans/${plan}/periods/${periodId}/reports/${unit}` : `/v1/plans/${plan}/years/${year}/targets/${unit}`;
}
