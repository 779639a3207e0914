import type { Sheet } from '../../http/exports.js';
import type { AnnualAssessment } from './assessment.service.js';
import { COMPONENT_KEYS, type ComponentKey } from './rubric.js';

type Line = AnnualAssessment['units'][number];

/** The components as the office names them, with the definition printed in 评分规则. */
export const componentLabels: Record<ComponentKey, { name: string; definition: string }> = {
  submission: { name: '报送率', definition: '已报送期数 ÷ 应报期数 × 100（报送过一次即计为已报送）' },
  timeliness: { name: '及时率', definition: '按时报送期数 ÷ 应报期数 × 100（以首次报送时间对照当期截止时间）' },
  review: { name: '审核得分', definition: '已报送且未被退回的期数 ÷ 已报送期数 × 100（被退回尚未重新报送的计为退回；未报送任何一期的为 0）' },
  progress: { name: '进展得分', definition: '本年度最新一期已报送或审核通过报告中各项任务进度的平均值（无此报告的为 0）' },
  targets: { name: '目标得分', definition: '审核通过的年度工作目标中，年底（本年度最新一期计入的报告）达到目标的任务数 ÷ 目标任务数 × 100：状态达到、进度不低于目标、各量化指标（按指标名称对应）不低于目标值；未设定或目标未通过审核的为 0' },
};

/** 3/4 达标, or why there is nothing to measure against. */
const targetsText = (line: Line) => (line.targets ? `${line.targets.met}/${line.targets.rows} 达标` : (line.targetsNote ?? ''));

const weightsText = (result: AnnualAssessment) =>
  COMPONENT_KEYS.map((key) => `${componentLabels[key].name} ${result.rubric.weights[key]}`).join('、');

/** One line per expected unit in official order: figures, components, score, grade and rank. */
export function assessmentSheet(result: AnnualAssessment): Sheet<Line & { index: number }> {
  return {
    name: '年度考核',
    title: `${result.planTitle} ${result.year}年度考核`,
    subtitle: `考核期：${result.periods.map((period) => period.id).join('、')} · 权重：${weightsText(result)}`,
    rows: result.units.map((line, index) => ({ ...line, index: index + 1 })),
    columns: [
      { header: '序号', width: 6, value: (line) => line.index },
      { header: '单位', width: 24, value: (line) => line.name },
      { header: '单位代码', width: 24, value: (line) => line.code },
      { header: '应报期数', width: 10, value: (line) => line.expected },
      { header: '按时报送', width: 10, value: (line) => line.onTime },
      { header: '逾期报送', width: 10, value: (line) => line.late },
      { header: '未报送', width: 8, value: (line) => line.missing },
      { header: '被退回', width: 8, value: (line) => line.returned },
      { header: '审核通过', width: 10, value: (line) => line.accepted },
      { header: '进展取自', width: 10, value: (line) => line.latestPeriod ?? '无' },
      { header: '平均进度(%)', width: 10, value: (line) => line.meanProgress },
      { header: '已完成任务', width: 12, value: (line) => line.rowsCompleted },
      { header: '报送任务', width: 10, value: (line) => line.rowsCarried },
      { header: '年度目标', width: 14, value: targetsText },
      ...COMPONENT_KEYS.map((key) => ({ header: componentLabels[key].name, width: 10, value: (line: Line) => line.components[key] })),
      { header: '得分', width: 8, value: (line) => line.score },
      { header: '等级', width: 8, value: (line) => line.grade },
      { header: '排名', width: 6, value: (line) => line.rank },
    ],
  };
}

interface RuleRow {
  item: string;
  value: number;
  note: string;
}

/** The weights and grade bands the scores were computed with, and how a score is made. */
export function rubricSheet(result: AnnualAssessment): Sheet<RuleRow> {
  const { weights, grades } = result.rubric;
  const total = COMPONENT_KEYS.reduce((sum, key) => sum + weights[key], 0);
  return {
    name: '评分规则',
    title: `${result.year}年度考核评分规则`,
    subtitle: '得分 = Σ(权重 × 分项得分) ÷ Σ权重，分项与得分均四舍五入保留一位小数；等级按得分从高到低取第一个达到的档次',
    rows: [
      ...COMPONENT_KEYS.map((key) => ({ item: `权重：${componentLabels[key].name}`, value: weights[key], note: `占 ${Math.round((weights[key] / total) * 1000) / 10}%；${componentLabels[key].definition}` })),
      ...grades.map((band, index) => ({
        item: `等级：${band.name}`,
        value: band.min,
        note: index === 0 ? `得分 ≥ ${band.min}` : `${band.min} ≤ 得分 < ${grades[index - 1]!.min}`,
      })),
    ],
    columns: [
      { header: '项目', width: 16, value: (row) => row.item },
      { header: '权重 / 最低分', width: 14, value: (row) => row.value },
      { header: '说明', width: 70, value: (row) => row.note },
    ],
  };
}
