import type { Paragraph } from 'docx';
import type { FlaggedPeriod } from '../consolidated/consolidated.service.js';
import type { RowFlag } from '../consolidated/flags.js';
import type { UnitLine } from '../consolidated/rollup.js';
import { periodLabel } from '../periods/period-label.js';
import { behindText, type BehindTarget } from './behind-targets.js';
import { heading1, heading2, leadLine, text } from './gbt9704.js';
import { chineseNumber, NO_REPORT_LABEL, TASK_STATUS_LABEL } from '../consolidated/labels.js';
import { isCounted } from '../consolidated/rollup.js';
import { opinionText } from '../lead/opinion-lines.js';
import { nameList, percent, shorten, type Measure } from './period-figures.js';

/*
 * Sections 二 (分类推进情况) and 三 (需关注事项) of the summary report. The report must stay readable
 * (and small) when a row has thousands of units: each row names at most UNITS_PER_ROW units and
 * cuts what each wrote to TEXT_PER_UNIT characters; lists of units stop at NAMES_PER_LIST names.
 */
export const UNITS_PER_ROW = 6;
export const TEXT_PER_UNIT = 60;
export const NAMES_PER_LIST = 100;
/** A lead department's opinion on a row is its own assessment of the whole row: longer than a unit's line, still bounded. */
export const OPINION_TEXT = 300;

type Task = Measure['tasks'][number];
type Field = 'summary' | 'problems' | 'nextSteps';

/** Only what units sent and the office has not returned counts, as in the roll-ups. */

/** "市安全监管局：…；浦东新区政府：…", at most UNITS_PER_ROW units, then how many more wrote something. */
function condensed(lines: readonly UnitLine[], field: Field): string | null {
  const written: { name: string; value: string }[] = [];
  let more = 0;
  for (const line of lines) {
    const value = isCounted(line) ? line.entry[field] : undefined;
    if (!value) continue;
    if (written.length < UNITS_PER_ROW) written.push({ name: line.department.name, value: shorten(value, TEXT_PER_UNIT).replace(/[。；;]+$/, '') });
    else more += 1;
  }
  if (written.length === 0) return null;
  const named = written.map(({ name, value }) => `${name}：${value}`).join('；');
  return more > 0 ? `${named}；另有${more}个单位报送，详见汇总表。` : `${named}。`;
}

function rowStatus(task: Task): string {
  const { status, progress } = task.rollup;
  const state = status === null ? NO_REPORT_LABEL : `${TASK_STATUS_LABEL[status]}，平均进度${percent(progress)}`;
  return `${state}（应报送单位${task.expected}个，已报送${task.reported}个）。`;
}

function rowParagraphs(measure: Measure, task: Task): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  // A measure with several rows names each row by its number and the start of its text.
  if (measure.tasks.length > 1) paragraphs.push(leadLine([{ text: `（${task.seq}）`, bold: true }, { text: shorten(task.content, 40) }]));
  paragraphs.push(text([{ text: '推进情况：', bold: true }, { text: rowStatus(task) }]));
  const parts: [string, Field][] = [
    ['工作进展：', 'summary'],
    ['存在问题：', 'problems'],
    ['下步计划：', 'nextSteps'],
  ];
  for (const [label, field] of parts) {
    const content = condensed(task.units, field);
    if (content) paragraphs.push(text([{ text: label, bold: true }, { text: content }]));
    // The lead departments' opinions on the row come after what the units report, before their problems.
    if (field === 'summary' && task.leadOpinions.length > 0) paragraphs.push(text([{ text: '牵头部门意见：', bold: true }, { text: leadOpinions(task) }]));
  }
  return paragraphs;
}

/** "市安全监管局：推进中，70%，…；市交通委：…。", each lead's assessment cut to OPINION_TEXT characters. */
function leadOpinions(task: Task): string {
  const shortened = (value: string) => shorten(value, OPINION_TEXT).replace(/[。；;]+$/, '');
  return `${task.leadOpinions.map((line) => opinionText(line, shortened)).join('；')}。`;
}

/** 二、分类推进情况: per category （一）…, per measure "1. title", per row its status and what units wrote. */
export function progressSection(period: FlaggedPeriod): Paragraph[] {
  const paragraphs: Paragraph[] = [heading1('二、分类推进情况')];
  let category: number | null = null;
  for (const measure of period.measures) {
    if (measure.category.ordinal !== category) {
      category = measure.category.ordinal;
      paragraphs.push(heading2(`（${chineseNumber(category)}）${measure.category.title}`));
    }
    paragraphs.push(leadLine([{ text: `${measure.no}.${measure.title}`, bold: true }]));
    for (const task of measure.tasks) paragraphs.push(...rowParagraphs(measure, task));
  }
  return paragraphs;
}

const FLAG_KINDS: { code: RowFlag['code']; title: string; always: boolean }[] = [
  { code: 'blocked', title: '受阻任务', always: true },
  { code: 'stalled', title: '进度停滞任务', always: true },
  { code: 'regressed', title: '进度倒退任务', always: true },
  // Only once the 整治阶段 is over can a row be overdue; before that the heading would read oddly.
  { code: 'overdue', title: '整治阶段结束后仍未完成的任务', always: false },
];

function flagText(flag: RowFlag): string {
  // A blocked flag's detail names every unit; thousands of them would swamp the page.
  if (flag.code === 'blocked') return `${nameList(flag.units.map((unit) => unit.name), UNITS_PER_ROW)}报告受阻`;
  return flag.detail;
}

/** 三、需关注事项: the row flags of the period by kind, the units missing twice in a row, then the rows behind their yearly targets. */
export function attentionSection(period: FlaggedPeriod, behind: readonly BehindTarget[] = []): Paragraph[] {
  const paragraphs: Paragraph[] = [heading1('三、需关注事项'), heading2('（一）任务推进预警')];
  const flagged = period.measures.flatMap((measure) =>
    measure.tasks.flatMap((task) => task.flags.map((flag) => ({ measure, task, flag }))),
  );
  let kindNo = 0;
  for (const kind of FLAG_KINDS) {
    const ofKind = flagged.filter(({ flag }) => flag.code === kind.code);
    if (ofKind.length === 0 && !kind.always) continue;
    kindNo += 1;
    paragraphs.push(leadLine([{ text: `${kindNo}.${kind.title}`, bold: true }]));
    if (ofKind.length === 0) paragraphs.push(text('本期无。'));
    for (const { measure, task, flag } of ofKind) {
      const row = measure.tasks.length > 1 ? `措施${measure.no}第${task.seq}项` : `措施${measure.no}`;
      paragraphs.push(text(`${row}（${measure.title}）：${flagText(flag)}。`));
    }
  }

  paragraphs.push(heading2('（二）连续两期未报送的单位'));
  const units = period.unitFlags;
  if (units.length === 0) {
    paragraphs.push(text('本期无。'));
  } else {
    const periods = units[0]!.periods.map(periodLabel).join('、');
    paragraphs.push(text(`${nameList(units.map((unit) => unit.department.name), NAMES_PER_LIST)}，${periods}连续两期未报送。`));
  }

  // Against the units' accepted targets of the year, pro rata (behind-targets.ts); at most NAMES_PER_LIST rows.
  paragraphs.push(heading2('（三）未达年度工作目标进度的任务'));
  if (behind.length === 0) paragraphs.push(text('本期无。'));
  for (const item of behind.slice(0, NAMES_PER_LIST)) paragraphs.push(text(behindText(item, (value) => shorten(value, TEXT_PER_UNIT))));
  if (behind.length > NAMES_PER_LIST) paragraphs.push(text(`另有${behind.length - NAMES_PER_LIST}项，详见各单位报送。`));
  return paragraphs;
}
