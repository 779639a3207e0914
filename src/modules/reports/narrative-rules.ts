import type { SummaryNarrative } from '../../db/schema/index.js';
import { AppError, type FieldError, type Text } from '../../errors.js';

/*
 * The 总结报告正文: only the summary period's report carries it (方案 三(三): the 总结阶段 ends in a
 * 总结报告). Four sections, in the order a 总结 is written.
 */
export const NARRATIVE_SECTIONS: readonly { key: keyof SummaryNarrative; title: string; en: string }[] = [
  { key: 'work', title: '工作开展情况', en: 'work done' },
  { key: 'results', title: '主要成效', en: 'main results' },
  { key: 'problems', title: '存在问题', en: 'problems' },
  { key: 'nextSteps', title: '下步打算', en: 'next steps' },
];

/** A narrative sent for any period but the summary one is refused (422 on body.narrative), as are targets' and quarters'. */
export function assertNarrativeAllowed(period: { id: string; kind: string }, narrative: SummaryNarrative | undefined) {
  if (narrative === undefined || period.kind === 'summary') return;
  throw new AppError(
    'UNPROCESSABLE',
    { en: `Only the summary period's report has a narrative; ${period.id} has none`, zh: `只有总结报告有正文，${period.id} 不能填写总结报告正文` },
    [{ path: 'body.narrative', message: { en: 'only the summary period takes a narrative', zh: '只有总结报告可以填写正文' } }],
  );
}

/** The sections a summary report still lacks before it can be submitted: one field error each, and a sentence naming them. */
export function missingSections(narrative: SummaryNarrative | null): { errors: FieldError[]; text: Text } | null {
  const missing = NARRATIVE_SECTIONS.filter(({ key }) => !narrative?.[key]?.trim());
  if (missing.length === 0) return null;
  return {
    errors: missing.map(({ key, title, en }) => ({ path: `report.narrative.${key}`, message: { en: `the section ${en} is empty`, zh: `总结报告正文“${title}”尚未填写` } })),
    text: {
      en: `the narrative's sections ${missing.map(({ en }) => en).join(', ')} are empty`,
      zh: `总结报告正文的${missing.map(({ title }) => `“${title}”`).join('、')}尚未填写`,
    },
  };
}

export const sameNarrative = (a: SummaryNarrative | null, b: SummaryNarrative | null) =>
  NARRATIVE_SECTIONS.every(({ key }) => (a?.[key] ?? '') === (b?.[key] ?? '')) && (a === null) === (b === null);
