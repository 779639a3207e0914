import type { Paragraph } from 'docx';
import type { UnitNarrative } from '../consolidated/narratives.js';
import { COUNTED } from '../consolidated/rollup.js';
import { chineseNumber } from '../consolidated/labels.js';
import { NARRATIVE_SECTIONS } from '../reports/narrative-rules.js';
import { heading1, heading2, leadLine, text } from './gbt9704.js';
import { xmlSafe } from './period-figures.js';

/*
 * 四 of the 总结报告: what the units wrote in their 总结报告正文, compiled by section (工作开展情况,
 * 主要成效, 存在问题, 下步打算), each unit under its name in official order. Unlike the rows'
 * texts in 二, a narrative is printed whole: it is what the summary is for. Only reports that
 * count (submitted or accepted, as in the roll-ups) are compiled.
 */

/** A unit's section as paragraphs: every line break starts one, blank lines and indentation the writer typed are dropped (the style indents). */
export const paragraphsOf = (value: string) =>
  xmlSafe(value)
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

export function narrativeSection(narratives: readonly UnitNarrative[]): Paragraph[] {
  const counted = narratives.filter((unit) => COUNTED.has(unit.reportStatus));
  const paragraphs: Paragraph[] = [heading1('四、各单位总结情况')];
  if (counted.length === 0) return [...paragraphs, text('暂无单位报送总结报告正文。')];
  NARRATIVE_SECTIONS.forEach(({ key, title }, sectionIndex) => {
    paragraphs.push(heading2(`（${chineseNumber(sectionIndex + 1)}）${title}`));
    const written = counted.map((unit) => ({ name: unit.department.name, lines: paragraphsOf(unit.narrative[key]) })).filter((unit) => unit.lines.length > 0);
    if (written.length === 0) paragraphs.push(text('暂无。'));
    written.forEach((unit, index) => {
      paragraphs.push(leadLine([{ text: `${index + 1}.${unit.name}`, bold: true }]));
      paragraphs.push(...unit.lines.map((line) => text(line)));
    });
  });
  return paragraphs;
}
