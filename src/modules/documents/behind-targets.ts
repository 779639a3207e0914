import type { ReportEntry } from '../../db/schema/index.js';
import type { FlaggedPeriod } from '../consolidated/consolidated.service.js';
import { isCounted } from '../consolidated/rollup.js';
import { quarterOf } from '../periods/period-label.js';
import { taskKey } from '../reports/carried-tasks.js';

/*
 * 三、需关注事项 names the rows falling behind their yearly targets (分年度工作任务目标). A quarter n
 * of year Y expects n/4 of each accepted target of Y (pro rata over the year); the 总结报告 expects
 * the final year's targets in full. A unit's counted entry (submitted or accepted) is behind when
 * its progress is below the target's progress × n/4, or a metric it reports under the target's
 * indicator name is below the target value × n/4. A metric the entry does not report is not named:
 * quarters need not report every figure (the 年度考核 counts it as not met at year end).
 */

export interface BehindTarget {
  unit: string;
  measureNo: number;
  measureTitle: string;
  taskSeq: number;
  /** The measure has several rows, so the row is named by its number. */
  several: boolean;
  progress: { reported: number; expected: number } | null;
  metrics: { name: string; unit: string; reported: number; expected: number }[];
}

/** The year whose targets a period is measured against, and the share of them due by its end. */
export function targetsDue(period: Pick<FlaggedPeriod['period'], 'id' | 'kind' | 'endsOn'>): { year: number; share: number } | null {
  const quarter = quarterOf(period.id);
  if (quarter) return { year: quarter.year, share: quarter.quarter / 4 };
  if (period.kind === 'summary') return { year: Number(period.endsOn.slice(0, 4)), share: 1 };
  return null;
}

/** Figures are shown to one decimal: 45 × 3/4 = 33.75 reads 33.8. */
const tenth = (value: number) => Math.round(value * 10) / 10;

/** Every counted entry of the period behind its unit's accepted target, in the table's order and each row's official unit order. */
export function behindTargets(period: FlaggedPeriod, targets: ReadonlyMap<string, readonly ReportEntry[]>, share: number): BehindTarget[] {
  const targetOf = new Map<string, ReportEntry>();
  for (const [unit, entries] of targets) for (const entry of entries) targetOf.set(`${unit}|${taskKey(entry)}`, entry);
  const behind: BehindTarget[] = [];
  for (const measure of period.measures) {
    for (const task of measure.tasks) {
      for (const line of task.units) {
        if (!isCounted(line)) continue;
        const target = targetOf.get(`${line.department.code}|${taskKey({ measureNo: measure.no, taskSeq: task.seq })}`);
        if (!target) continue;
        const expected = target.progress * share;
        const progress = line.entry.progress < expected ? { reported: line.entry.progress, expected: tenth(expected) } : null;
        const reported = new Map((line.entry.metrics ?? []).map((metric) => [metric.name, metric.value]));
        const metrics = (target.metrics ?? []).flatMap((metric) => {
          const value = reported.get(metric.name);
          return value !== undefined && value < metric.value * share ? [{ name: metric.name, unit: metric.unit, reported: value, expected: tenth(metric.value * share) }] : [];
        });
        if (progress || metrics.length > 0) {
          behind.push({ unit: line.department.name, measureNo: measure.no, measureTitle: measure.title, taskSeq: task.seq, several: measure.tasks.length > 1, progress, metrics });
        }
      }
    }
  }
  return behind;
}

/** 浦东新区政府 措施2第1项（…）：进度30%，低于年度目标按期应达的45%；完成风险评估 40家，低于应达的 90家 */
export function behindText(item: BehindTarget, shorten: (value: string) => string): string {
  const row = item.several ? `措施${item.measureNo}第${item.taskSeq}项` : `措施${item.measureNo}`;
  const parts = [
    ...(item.progress ? [`进度${item.progress.reported}%，低于年度目标按期应达的${item.progress.expected}%`] : []),
    ...item.metrics.map((metric) => `${shorten(metric.name)}${metric.reported}${metric.unit}，低于按期应达的${metric.expected}${metric.unit}`),
  ];
  return `${item.unit}${row}（${item.measureTitle}）：${parts.join('；')}。`;
}
