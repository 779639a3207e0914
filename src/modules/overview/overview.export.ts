import type { Sheet } from '../../http/exports.js';
import { notSubmitted, type Overview, type OverviewUnit } from './overview.service.js';

const statusNames: Record<OverviewUnit['status'], string> = {
  not_started: '未填报',
  draft: '草稿未报送',
  submitted: '已报送',
  accepted: '审核通过',
  returned: '退回',
};

/** The 催报 list as the office prints it: units that have not submitted, in official order, with whom to call. */
export function chaseSheet(overview: Overview): Sheet<OverviewUnit & { index: number }> {
  return {
    name: '催报名单',
    rows: notSubmitted(overview).map((unit, index) => ({ ...unit, index: index + 1 })),
    columns: [
      { header: '序号', width: 6, value: (unit) => unit.index },
      { header: '单位', width: 24, value: (unit) => unit.name },
      { header: '单位代码', width: 28, value: (unit) => unit.code },
      { header: '填报状态', width: 12, value: (unit) => statusNames[unit.status] },
      { header: '处级联络员', value: (unit) => unit.liaisons?.officer.name ?? '未登记' },
      { header: '职务', value: (unit) => unit.liaisons?.officer.position },
      { header: '联络员电话', value: (unit) => unit.liaisons?.officer.phone },
      { header: '工作人员', value: (unit) => unit.liaisons?.staff.name ?? '未登记' },
      { header: '工作人员电话', value: (unit) => unit.liaisons?.staff.phone },
    ],
  };
}
