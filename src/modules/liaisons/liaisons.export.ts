import type { Sheet } from '../../http/exports.js';
import type { Roster } from './liaisons.service.js';

type Entry = Roster['items'][number];

/** The liaison roster as the office's spreadsheet: one row per unit. */
export function rosterSheet(roster: Roster): Sheet<Entry> {
  return {
    name: '联络员名单',
    title: '各单位联络员名单',
    subtitle: `共 ${roster.total} 个单位,已登记 ${roster.registered} 个,未登记 ${roster.total - roster.registered} 个`,
    rows: roster.items,
    columns: [
      { header: '单位代码', width: 28, value: (entry) => entry.department.code },
      { header: '单位', width: 24, value: (entry) => entry.department.name },
      { header: '已登记联络员', width: 12, value: (entry) => (entry.registered ? '是' : '否') },
      { header: '处级联络员', value: (entry) => entry.officer?.name },
      { header: '职务', value: (entry) => entry.officer?.position },
      { header: '联络员电话', value: (entry) => entry.officer?.phone },
      { header: '联络员邮箱', width: 28, value: (entry) => entry.officer?.email },
      { header: '工作人员', value: (entry) => entry.staff?.name },
      { header: '工作人员电话', value: (entry) => entry.staff?.phone },
      { header: '工作人员邮箱', width: 28, value: (entry) => entry.staff?.email },
      { header: '更新时间', width: 18, value: (entry) => (entry.updatedAt === null ? null : new Date(entry.updatedAt)) },
    ],
  };
}
