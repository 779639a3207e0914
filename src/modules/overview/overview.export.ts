import type { Sheet } from '../../http/exports.js';
import { REPORT_STATUS_LABEL } from '../consolidated/labels.js';
import { periodLabel } from '../periods/period-label.js';
import { notSubmitted, type Overview, type OverviewUnit } from './overview.service.js';


const subtitleOf = (overview: Overview) =>
  `${periodLabel(overview.period)} · 截止 ${overview.dueAt.slice(0, 16).replace('T', ' ')} · 应报 ${overview.totals.expected} 家,已报 ${overview.totals.submitted} 家,未报 ${overview.totals.notSubmitted} 家`;
const instant = (value: string | null) => (value === null ? null : new Date(value));

/** The 催报 list as the office prints it: units that have not submitted, in official order, with whom to call. */
export function chaseSheet(overview: Overview): Sheet<OverviewUnit & { index: number }> {
  return {
    name: '催报名单',
    title: '催报名单',
    subtitle: subtitleOf(overview),
    rows: notSubmitted(overview).map((unit, index) => ({ ...unit, index: index + 1 })),
    columns: [
      { header: '序号', width: 6, value: (unit) => unit.index },
      { header: '单位', width: 24, value: (unit) => unit.name },
      { header: '单位代码', width: 28, value: (unit) => unit.code },
      { header: '填报状态', width: 12, value: (unit) => REPORT_STATUS_LABEL[unit.status] },
      { header: '处级联络员', value: (unit) => unit.liaisons?.officer.name ?? '未登记' },
      { header: '职务', value: (unit) => unit.liaisons?.officer.position },
      { header: '联络员电话', value: (unit) => unit.liaisons?.officer.phone },
      { header: '工作人员', value: (unit) => unit.liaisons?.staff.name ?? '未登记' },
      { header: '工作人员电话', value: (unit) => unit.liaisons?.staff.phone },
    ],
  };
}

/** Every expected unit in official order with its report's state and times (the workbook's second sheet). */
export function statusSheet(overview: Overview): Sheet<OverviewUnit & { index: number }> {
  return {
    name: '报送情况',
    title: '各单位报送情况',
    subtitle: subtitleOf(overview),
    rows: overview.units.map((unit, index) => ({ ...unit, index: index + 1 })),
    columns: [
      { header: '序号', width: 6, value: (unit) => unit.index },
      { header: '单位', width: 24, value: (unit) => unit.name },
      { header: '单位代码', width: 28, value: (unit) => unit.code },
      { header: '填报状态', width: 12, value: (unit) => REPORT_STATUS_LABEL[unit.status] },
      { header: '是否逾期', width: 8, value: (unit) => (unit.late === null ? '' : unit.late ? '逾期' : '按时') },
      { header: '报送时间', width: 18, value: (unit) => instant(unit.submittedAt) },
      { header: '审核时间', width: 18, value: (unit) => instant(unit.reviewedAt) },
      { header: '代为填报', width: 8, value: (unit) => (unit.enteredByOffice ? '是' : '') },
    ],
  };
}
