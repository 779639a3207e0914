import type { components } from '../../../api/schema';

export type Rubric = components['schemas']['AssessmentRubric'];
export type ComponentKey = keyof Rubric['weights'];

/** The components in the API's order, with the names the office uses. */
export const COMPONENTS: { key: ComponentKey; label: string; help: string }[] = [
  { key: 'submission', label: '报送率', help: '已报送的期数占应报期数' },
  { key: 'timeliness', label: '及时率', help: '按时报送的期数占应报期数' },
  { key: 'review', label: '审核', help: '已报送且未被退回的占已报送' },
  { key: 'progress', label: '进展', help: '本年度最近一期报告的平均进度' },
  { key: 'targets', label: '目标', help: '审核通过的年度目标中年底达标的任务占比;未设定或未通过审核的为 0' },
];

export type FieldName = (string | number)[];

/**
 * Sorts the server's validation errors (problem+json `errors[].path`, e.g. `body.grades.2.min`)
 * onto the form: a field's own error goes under the field, an error about the weights or grades
 * as a whole under that group, anything else in the alert.
 */
export function rubricFieldErrors(errors: readonly { path: string; message: string }[]) {
  const fields: { name: FieldName; errors: string[] }[] = [];
  const groups: { weights: string[]; grades: string[] } = { weights: [], grades: [] };
  const other: { path: string; message: string }[] = [];
  for (const error of errors) {
    const weight = /^body\.weights\.(\w+)$/.exec(error.path);
    const band = /^body\.grades\.(\d+)\.(name|min)$/.exec(error.path);
    if (weight && COMPONENTS.some((component) => component.key === weight[1])) fields.push({ name: ['weights', weight[1]!], errors: [error.message] });
    else if (band) fields.push({ name: ['grades', Number(band[1]), band[2]!], errors: [error.message] });
    else if (error.path === 'body.weights') groups.weights.push(error.message);
    else if (error.path === 'body.grades' || /^body\.grades\.\d+$/.test(error.path)) groups.grades.push(error.message);
    else other.push(error);
  }
  return { fields, groups, other };
}

/** "报送率 25、及时率 25…;优秀 ≥90、良好 ≥75…": the rubric in one line, above the table. */
export function rubricSummary(rubric: Rubric): string {
  const weights = COMPONENTS.map((component) => `${component.label} ${rubric.weights[component.key]}`).join('、');
  const grades = rubric.grades.map((band) => `${band.name} ≥${band.min}`).join('、');
  return `权重:${weights};等级:${grades}`;
}
