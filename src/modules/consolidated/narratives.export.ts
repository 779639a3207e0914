import type { Sheet } from '../../http/exports.js';
import { periodLabel } from '../periods/period-label.js';
import { NARRATIVE_SECTIONS } from '../reports/narrative-rules.js';
import type { ConsolidatedReport } from './consolidated.service.js';
import { REPORT_STATUS_LABEL } from './labels.js';
import type { UnitNarrative } from './narratives.js';


/**
 * 总结报告正文: the summary period's workbook adds one line per unit whose narrative the office
 * sees, in official order, a column per section (a section is at most 20,000 characters, within
 * a cell's 32,767).
 */
export function narrativesSheet(report: ConsolidatedReport & { narratives: UnitNarrative[] }): Sheet<UnitNarrative> {
  return {
    name: '总结报告正文',
    title: '各单位总结报告正文',
    subtitle: `${periodLabel(report.period.id)} · ${report.narratives.length} 个单位`,
    rows: report.narratives,
    columns: [
      { header: '单位代码', width: 16, value: (row) => row.department.code },
      { header: '单位', width: 14, value: (row) => row.department.name },
      { header: '报送状态', width: 8, value: (row) => REPORT_STATUS_LABEL[row.reportStatus] },
      ...NARRATIVE_SECTIONS.map(({ key, title }) => ({ header: title, width: 40, value: (row: UnitNarrative) => row.narrative[key] })),
    ],
  };
}
