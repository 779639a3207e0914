import type { Text } from '../../errors.js';

/*
 * The 年度考核 (方案 五(二): each unit's work counts in the annual work-safety assessment): how a
 * unit's year of reporting becomes a score and a grade. Pure functions only, so the boundaries can
 * be pinned by tests (and mutation testing) without a database. README: "Annual assessment (年度考核)".
 */

/**
 * The scored components, in the order they are listed everywhere. The rubric's `weights` is an
 * object keyed by these names so that a component can be added without changing the shape: add
 * its key here, its default weight and its figure in `componentsOf` (as `targets` was).
 */
export const COMPONENT_KEYS = ['submission', 'timeliness', 'review', 'progress', 'targets'] as const;
export type ComponentKey = (typeof COMPONENT_KEYS)[number];

export type Weights = Record<ComponentKey, number>;
export type Components = Record<ComponentKey, number>;
export type GradeBand = { name: string; min: number };
/** A type alias, not an interface: the audit log takes it as a plain record. */
export type AssessmentRubric = { weights: Weights; grades: GradeBand[] };

export const DEFAULT_RUBRIC: AssessmentRubric = Object.freeze({
  weights: Object.freeze({ submission: 25, timeliness: 25, review: 25, progress: 25, targets: 25 }),
  grades: Object.freeze([
    Object.freeze({ name: '优秀', min: 90 }),
    Object.freeze({ name: '良好', min: 75 }),
    Object.freeze({ name: '一般', min: 60 }),
    Object.freeze({ name: '较差', min: 0 }),
  ]) as GradeBand[],
}) as AssessmentRubric;

/**
 * The rubric in force: the defaults when none is stored; a stored rubric saved before a component
 * existed gets that component's default weight. Always a fresh object in COMPONENT_KEYS order.
 */
export function effectiveRubric(stored: AssessmentRubric | null | undefined): AssessmentRubric {
  const source = stored ?? DEFAULT_RUBRIC;
  const weights = Object.fromEntries(COMPONENT_KEYS.map((key) => [key, source.weights[key] ?? DEFAULT_RUBRIC.weights[key]])) as Weights;
  return { weights, grades: source.grades.map(({ name, min }) => ({ name, min })) };
}

export interface RubricIssue {
  /** Relative to the rubric, e.g. ['grades', 2, 'min']. */
  path: (string | number)[];
  /** Constant texts (never the values sent): validation messages are registered once per text. */
  message: Text;
}

/**
 * What the field-by-field schema cannot check: the weights add up to more than 0, the bands'
 * minimums strictly descend and end at 0 (so every score from 0 to 100 has exactly one grade),
 * and the band names are distinct. Expects non-negative weights and a non-empty list of bands.
 */
export function rubricIssues(rubric: AssessmentRubric): RubricIssue[] {
  const issues: RubricIssue[] = [];
  const total = COMPONENT_KEYS.reduce((sum, key) => sum + (rubric.weights[key] ?? 0), 0);
  if (!(total > 0)) {
    issues.push({ path: ['weights'], message: { en: 'the weights must add up to more than 0', zh: '各项权重之和必须大于 0' } });
  }
  const { grades } = rubric;
  grades.forEach((band, index) => {
    if (index > 0 && !(band.min < grades[index - 1]!.min)) {
      issues.push({
        path: ['grades', index, 'min'],
        message: { en: 'must be lower than the min of the band before it (bands go from the highest grade down)', zh: '必须低于上一档的最低分（等级须按分数从高到低排列）' },
      });
    }
    if (grades.findIndex((other) => other.name === band.name) !== index) {
      issues.push({ path: ['grades', index, 'name'], message: { en: 'names a grade already named above', zh: '等级名称与前面的重复' } });
    }
  });
  const last = grades.length - 1;
  if (last >= 0 && grades[last]!.min !== 0) {
    issues.push({ path: ['grades', last, 'min'], message: { en: 'the last band must start at 0, so every score has a grade', zh: '最后一档的最低分必须为 0，使每个分数都有等级' } });
  }
  return issues;
}

/**
 * Half-up rounding to one decimal. The product is first cut to 6 decimals so that binary noise
 * does not decide the half: 89.95 is stored as 89.9499999…, and ×10 must still round up to 900.
 */
export const roundTenth = (value: number) => Math.round(Number((value * 10).toFixed(6))) / 10;

/** `part` of `whole` in percent, rounded to 0.1; 0 when `whole` is 0. */
export const percent = (part: number, whole: number) => (whole === 0 ? 0 : roundTenth((part / whole) * 100));

/** A unit's year of reporting, counted over the year's periods (see assessment-figures.ts). */
export interface UnitCounts {
  /** Periods of the year in which the unit must report. */
  expected: number;
  /** Reports submitted at least once whose first submission met the deadline in force. */
  onTime: number;
  /** Reports submitted at least once whose first submission came after it. */
  late: number;
  /** Periods without any submission. */
  missing: number;
  /** Submitted reports the office has sent back and that are not resubmitted (returned, or a draft again). */
  returned: number;
  /** Mean progress of the unit's latest counted report of the year; null without one. */
  meanProgress: number | null;
  /**
   * The rows of the unit's accepted targets for the year and how many its year-end entries meet
   * (assessment-figures.ts); null without accepted targets, which scores 0, not as if met.
   */
  targets: { rows: number; met: number } | null;
}

/**
 * The five components, each 0–100 and rounded to 0.1 (the figures as published):
 * - submission: periods with a submission, of those expected;
 * - timeliness: periods submitted on time, of those expected;
 * - review: submitted reports that stand (not returned), of those submitted; 0 with none submitted;
 * - progress: the mean progress of the latest counted report; 0 without one;
 * - targets: rows of the accepted yearly targets met at year end, of the targets' rows; 0 without accepted targets.
 */
export function componentsOf(counts: UnitCounts): Components {
  const submitted = counts.onTime + counts.late;
  return {
    submission: percent(counts.expected - counts.missing, counts.expected),
    timeliness: percent(counts.onTime, counts.expected),
    review: percent(submitted - counts.returned, submitted),
    progress: roundTenth(counts.meanProgress ?? 0),
    targets: counts.targets === null ? 0 : percent(counts.targets.met, counts.targets.rows),
  };
}

/**
 * Σ weight × component / Σ weights over the published (rounded) components, rounded to 0.1: anyone
 * can recompute a score from the sheet. Weights are relative: 1/1/1/1/1 scores like 25/25/25/25/25.
 */
export function scoreOf(components: Components, weights: Weights): number {
  let weighted = 0;
  let total = 0;
  for (const key of COMPONENT_KEYS) {
    weighted += weights[key] * components[key];
    total += weights[key];
  }
  return total === 0 ? 0 : roundTenth(weighted / total);
}

/** The first band (highest first) whose min the score reaches; the published, rounded score decides. */
export function gradeOf(score: number, grades: readonly GradeBand[]): string {
  const band = grades.find((candidate) => score >= candidate.min) ?? grades.at(-1);
  return band?.name ?? '';
}

/** Competition ranking by score, highest first: equal scores share a rank and the next rank skips (1, 2, 2, 4). */
export function ranksOf(scores: readonly number[]): number[] {
  const sorted = [...scores].sort((a, b) => b - a);
  const firstIndex = new Map<number, number>();
  sorted.forEach((score, index) => {
    if (!firstIndex.has(score)) firstIndex.set(score, index);
  });
  return scores.map((score) => firstIndex.get(score)! + 1);
}

export interface Assessed {
  components: Components;
  score: number;
  grade: string;
  rank: number;
}

/** Scores, grades and ranks units (in the order given, which the result keeps). */
export function assess(units: readonly UnitCounts[], rubric: AssessmentRubric): Assessed[] {
  const scored = units.map((counts) => {
    const components = componentsOf(counts);
    const score = scoreOf(components, rubric.weights);
    return { components, score, grade: gradeOf(score, rubric.grades) };
  });
  const ranks = ranksOf(scored.map((unit) => unit.score));
  return scored.map((unit, index) => ({ ...unit, rank: ranks[index]! }));
}
