import type { Sheet } from '../../http/exports.js';
import type { ReportEntry } from '../../db/schema/index.js';
import { TASK_STATUS_LABEL } from '../consolidated/labels.js';
import { periodLabel } from '../periods/period-label.js';
import type { YearTargets } from './targets.service.js';

type Unit = YearTargets['units'][number];
interface Line {
  index: number;
  unit: Unit;
  entry: ReportEntry | null;
}

const reportStatusNames: Record<Unit['status'], string> = { not_started: '未填报', draft: '草稿未报送', submitted: '已报送待审核', accepted: '审核通过', returned: '退回' };

/** 完成危险化学品企业安全风险评估 120家; 专业监管人员占比 80% (name, value, unit; several joined by "; "). */
export const metricsText = (metrics: ReportEntry['metrics']) => (metrics ?? []).map((metric) => `${metric.name} ${metric.value}${metric.unit}`).join('; ');

/**
 * One line per unit and row of its submitted targets, units in official order; a unit that has
 * not submitted gets one line saying 未设定, so the sheet lists who is missing where they belong.
 */
export function targetsSheet(targets: YearTargets): Sheet<Line> {
  let index = 0;
  const rows = targets.units.flatMap((unit): Line[] =>
    unit.entries.length > 0 ? unit.entries.map((entry) => ({ index: ++index, unit, entry })) : [{ index: ++index, unit, entry: null }],
  );
  const { totals } = targets;
  return {
    name: '年度工作目标',
    title: `${periodLabel(targets.period.id)}`,
    subtitle: `截止 ${targets.period.dueAt.slice(0, 16).replace('T', ' ')} · 应报 ${totals.expected} 家,已报 ${totals.submitted} 家,审核通过 ${totals.accepted} 家,未设定 ${totals.notSubmitted} 家`,
    rows,
    columns: [
      { header: '序号', width: 6, value: (line) => line.index },
      { header: '单位', width: 24, value: (line) => line.unit.name },
      { header: '单位代码', width: 24, value: (line) => line.unit.code },
      { header: '审核状态', width: 12, value: (line) => reportStatusNames[line.unit.status] },
      { header: '措施/任务', width: 14, value: (line) => (line.entry ? `措施${line.entry.measureNo} 第${line.entry.taskSeq}项` : '未设定') },
      { header: '目标状态', width: 10, value: (line) => (line.entry ? TASK_STATUS_LABEL[line.entry.status] : null) },
      { header: '目标进度(%)', width: 10, value: (line) => line.entry?.progress },
      { header: '量化指标', width: 36, value: (line) => (line.entry ? metricsText(line.entry.metrics) : null) },
      { header: '目标说明', width: 48, value: (line) => line.entry?.summary },
    ],
  };
}
