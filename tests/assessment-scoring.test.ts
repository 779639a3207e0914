import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meetsTarget, targetFigures, unitFigures, yearOfPeriod, type ReportFacts } from '../src/modules/assessment/assessment-figures.js';
import { rubricSchema } from '../src/modules/assessment/assessment.schemas.js';
import {
  assess,
  componentsOf,
  DEFAULT_RUBRIC,
  effectiveRubric,
  gradeOf,
  percent,
  ranksOf,
  roundTenth,
  rubricIssues,
  scoreOf,
  type AssessmentRubric,
  type UnitCounts,
} from '../src/modules/assessment/rubric.js';

/* The 年度考核's arithmetic without a database: the boundaries a change must not move. */

const equal = DEFAULT_RUBRIC.weights;
const bands = DEFAULT_RUBRIC.grades;
const counts = (overrides: Partial<UnitCounts>): UnitCounts => ({ expected: 4, onTime: 0, late: 0, missing: 4, returned: 0, meanProgress: null, targets: null, ...overrides });

describe('rounding to one decimal, half up', () => {
  it.each([
    [89.95, 90],
    [89.94999, 89.9],
    [36.25, 36.3],
    [57.925, 57.9],
    [0.05, 0.1],
    [0.04, 0],
    [100, 100],
    [0, 0],
    [200 / 3, 66.7],
    [100 / 3, 33.3],
  ])('rounds %d to %d', (value, rounded) => {
    expect(roundTenth(value)).toBe(rounded);
  });

  it('rounds a half that binary arithmetic lands just below, (80.1 + 99.8) / 2 = 89.94999…, up to 90', () => {
    expect((80.1 + 99.8) / 2).toBeLessThan(89.95);
    expect(roundTenth((80.1 + 99.8) / 2)).toBe(90);
  });

  it('gives 0 percent of nothing, not NaN', () => {
    expect(percent(0, 0)).toBe(0);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(3, 3)).toBe(100);
  });
});

describe('components', () => {
  it('when every period was submitted on time and stands, they are 100, 100, 100, the progress and the share of targets met', () => {
    expect(componentsOf(counts({ onTime: 4, missing: 0, meanProgress: 80, targets: { rows: 4, met: 3 } }))).toEqual({ submission: 100, timeliness: 100, review: 100, progress: 80, targets: 75 });
  });

  it('when the unit has no accepted targets, targets is 0, not as if met; 2 of 3 met is 66.7; all met is 100', () => {
    expect(componentsOf(counts({ onTime: 4, missing: 0, meanProgress: 100, targets: null })).targets).toBe(0);
    expect(componentsOf(counts({ targets: { rows: 3, met: 2 } })).targets).toBe(66.7);
    expect(componentsOf(counts({ targets: { rows: 3, met: 3 } })).targets).toBe(100);
    expect(componentsOf(counts({ targets: { rows: 0, met: 0 } })).targets).toBe(0);
  });

  it('when one of three submitted reports is returned, review is 66.7; late reports count as submitted, not timely', () => {
    expect(componentsOf(counts({ onTime: 2, late: 1, missing: 1, returned: 1, meanProgress: 40 }))).toEqual({ submission: 75, timeliness: 50, review: 66.7, progress: 40, targets: 0 });
  });

  it('when nothing was submitted, every component is 0 (review too: nothing stands)', () => {
    expect(componentsOf(counts({}))).toEqual({ submission: 0, timeliness: 0, review: 0, progress: 0, targets: 0 });
  });

  it('when every submitted report was returned, review is 0', () => {
    expect(componentsOf(counts({ onTime: 2, missing: 2, returned: 2 })).review).toBe(0);
  });

  it('when no period is expected, every component is 0', () => {
    expect(componentsOf(counts({ expected: 0, missing: 0 }))).toEqual({ submission: 0, timeliness: 0, review: 0, progress: 0, targets: 0 });
  });
});

describe('score', () => {
  it('is the weighted mean of the components, rounded to 0.1', () => {
    // (75 + 50 + 66.7 + 40 + 57.8) / 5 = 57.9; (25 + 0 + 100 + 20 + 36.5) / 5 = 36.3; (75 + 50 + 66.7 + 40 + 100) / 5 = 66.34
    expect(scoreOf({ submission: 75, timeliness: 50, review: 66.7, progress: 40, targets: 57.8 }, equal)).toBe(57.9);
    expect(scoreOf({ submission: 25, timeliness: 0, review: 100, progress: 20, targets: 36.5 }, equal)).toBe(36.3);
    expect(scoreOf({ submission: 75, timeliness: 50, review: 66.7, progress: 40, targets: 100 }, equal)).toBe(66.3);
  });

  it('takes weights as relative: 1/1/1/1/1 scores like 25 each, 3/1/0/0/0 like 75/25/0/0/0', () => {
    const components = { submission: 80, timeliness: 40, review: 100, progress: 10, targets: 30 };
    expect(scoreOf(components, { submission: 1, timeliness: 1, review: 1, progress: 1, targets: 1 })).toBe(scoreOf(components, equal));
    expect(scoreOf(components, equal)).toBe(52);
    expect(scoreOf(components, { submission: 3, timeliness: 1, review: 0, progress: 0, targets: 0 })).toBe(70);
    expect(scoreOf(components, { submission: 75, timeliness: 25, review: 0, progress: 0, targets: 0 })).toBe(70);
  });

  it('ignores a component weighted 0', () => {
    expect(scoreOf({ submission: 100, timeliness: 0, review: 0, progress: 0, targets: 0 }, { submission: 0, timeliness: 1, review: 1, progress: 1, targets: 1 })).toBe(0);
    expect(scoreOf({ submission: 0, timeliness: 0, review: 0, progress: 0, targets: 100 }, { submission: 1, timeliness: 0, review: 0, progress: 0, targets: 0 })).toBe(0);
  });

  it('is 0 when every weight is 0 (a rubric the schema refuses)', () => {
    expect(scoreOf({ submission: 100, timeliness: 100, review: 100, progress: 100, targets: 100 }, { submission: 0, timeliness: 0, review: 0, progress: 0, targets: 0 })).toBe(0);
  });

  it('rounds 89.95 up to 90, which is 优秀; 89.925 down to 89.9, which is 良好', () => {
    const two = { submission: 1, timeliness: 1, review: 0, progress: 0, targets: 0 };
    expect(scoreOf({ submission: 89.9, timeliness: 90, review: 0, progress: 0, targets: 0 }, two)).toBe(90);
    expect(scoreOf({ submission: 80.1, timeliness: 99.8, review: 0, progress: 0, targets: 0 }, two)).toBe(90);
    expect(gradeOf(90, bands)).toBe('优秀');
    // (89.9 × 4 + 90) / 5 = 89.92
    expect(scoreOf({ submission: 89.9, timeliness: 89.9, review: 90, progress: 89.9, targets: 89.9 }, equal)).toBe(89.9);
    expect(gradeOf(89.9, bands)).toBe('良好');
  });
});

describe('grade', () => {
  it.each([
    [100, '优秀'],
    [90, '优秀'],
    [89.9, '良好'],
    [75, '良好'],
    [74.9, '一般'],
    [60, '一般'],
    [59.9, '较差'],
    [0, '较差'],
  ])('a score of %d is %s', (score, grade) => {
    expect(gradeOf(score, bands)).toBe(grade);
  });

  it('follows the rubric’s own bands', () => {
    const custom = [{ name: '合格', min: 50.5 }, { name: '不合格', min: 0 }];
    expect(gradeOf(50.5, custom)).toBe('合格');
    expect(gradeOf(50.4, custom)).toBe('不合格');
  });
});

describe('rank', () => {
  it('shares a rank between equal scores and skips the next (1, 2, 2, 4)', () => {
    expect(ranksOf([90, 80, 80, 70])).toEqual([1, 2, 2, 4]);
  });

  it('keeps the input order and ranks by score, highest first', () => {
    expect(ranksOf([50, 80, 80, 10, 80])).toEqual([4, 1, 1, 5, 1]);
    expect(ranksOf([0, 0, 0])).toEqual([1, 1, 1]);
    expect(ranksOf([])).toEqual([]);
  });

  it('tells 89.9 from 90 (ranks compare the published scores)', () => {
    expect(ranksOf([89.9, 90])).toEqual([2, 1]);
  });
});

describe('assess', () => {
  it('scores, grades and ranks each unit in the order given', () => {
    const result = assess(
      [counts({}), counts({ onTime: 4, missing: 0, meanProgress: 80, targets: { rows: 4, met: 3 } }), counts({ late: 1, missing: 3, meanProgress: 20 }), counts({ onTime: 4, missing: 0, meanProgress: 80 })],
      DEFAULT_RUBRIC,
    );
    // (100 + 100 + 100 + 80 + 75) / 5 = 91; (25 + 0 + 100 + 20 + 0) / 5 = 29; the same year without accepted targets: 380 / 5 = 76
    expect(result.map(({ score, grade, rank }) => [score, grade, rank])).toEqual([
      [0, '较差', 4],
      [91, '优秀', 1],
      [29, '较差', 3],
      [76, '良好', 2],
    ]);
  });
});

describe('the rubric', () => {
  it('defaults to equal weights and the four bands 优秀 90, 良好 75, 一般 60, 较差 0', () => {
    expect(effectiveRubric(null)).toEqual({
      weights: { submission: 25, timeliness: 25, review: 25, progress: 25, targets: 25 },
      grades: [{ name: '优秀', min: 90 }, { name: '良好', min: 75 }, { name: '一般', min: 60 }, { name: '较差', min: 0 }],
    });
    expect(effectiveRubric(null)).not.toBe(DEFAULT_RUBRIC);
  });

  it('gives a stored rubric without a component that component’s default weight', () => {
    const stored = { weights: { submission: 1, timeliness: 2, review: 3 }, grades: [{ name: '合格', min: 0 }] } as unknown as AssessmentRubric;
    expect(effectiveRubric(stored).weights).toEqual({ submission: 1, timeliness: 2, review: 3, progress: 25, targets: 25 });
  });

  it('gives a rubric stored before the targets component existed the weight 25 for it', () => {
    const stored = { weights: { submission: 10, timeliness: 20, review: 30, progress: 40 }, grades: [{ name: '合格', min: 0 }] } as unknown as AssessmentRubric;
    expect(effectiveRubric(stored).weights).toEqual({ submission: 10, timeliness: 20, review: 30, progress: 40, targets: 25 });
  });

  it('finds nothing wrong with the defaults', () => {
    expect(rubricIssues(effectiveRubric(null))).toEqual([]);
  });

  it.each([
    ['weights adding up to 0', { weights: { submission: 0, timeliness: 0, review: 0, progress: 0, targets: 0 }, grades: bands }, ['weights']],
    ['bands out of order', { weights: equal, grades: [{ name: 'A', min: 60 }, { name: 'B', min: 90 }, { name: 'C', min: 0 }] }, ['grades', 1, 'min']],
    ['equal mins', { weights: equal, grades: [{ name: 'A', min: 60 }, { name: 'B', min: 60 }, { name: 'C', min: 0 }] }, ['grades', 1, 'min']],
    ['a last band above 0', { weights: equal, grades: [{ name: 'A', min: 60 }, { name: 'B', min: 0.1 }] }, ['grades', 1, 'min']],
    ['a repeated name', { weights: equal, grades: [{ name: 'A', min: 60 }, { name: 'A', min: 0 }] }, ['grades', 1, 'name']],
  ])('flags %s', (_name, rubric, path) => {
    expect(rubricIssues(rubric as AssessmentRubric).map((issue) => issue.path)).toEqual([path]);
  });

  it('accepts one band from 0 and a single weighted component', () => {
    expect(rubricIssues({ weights: { submission: 0, timeliness: 0, review: 0, progress: 0, targets: 0.5 }, grades: [{ name: '合格', min: 0 }] })).toEqual([]);
  });

  it('refuses through the schema what rubricIssues flags, and a negative weight, with their paths', () => {
    const result = rubricSchema.safeParse({ weights: { ...equal, timeliness: -0.5 }, grades: bands });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path)).toEqual([['weights', 'timeliness']]);
  });
});

describe('a unit’s figures over the year', () => {
  const report = (periodId: string, overrides: Partial<ReportFacts> = {}): ReportFacts => ({
    periodId,
    status: 'submitted',
    firstSubmittedAt: new Date('2018-04-01T00:00:00Z'),
    late: false,
    entries: [],
    ...overrides,
  });
  const entry = (progress: number, status: 'in_progress' | 'completed' = 'in_progress') => ({ measureNo: 1, taskSeq: 1, status, progress, summary: '…' });
  const periods = ['2018Q1', '2018Q2', '2018Q3', '2018Q4'];

  it('counts a period the unit never submitted, or only drafted, as missing', () => {
    const figures = unitFigures(periods, [report('2018Q1', { status: 'draft', firstSubmittedAt: null, late: null })]);
    expect(figures).toMatchObject({ expected: 4, submitted: 0, missing: 4, latestPeriod: null, meanProgress: null, rowsCompleted: null, rowsCarried: null });
  });

  it('counts returned and redrafted reports as returned, and takes progress from the latest report that stands', () => {
    const figures = unitFigures(periods, [
      report('2018Q1', { status: 'accepted', entries: [entry(100, 'completed'), entry(50)] }),
      report('2018Q2', { status: 'returned', late: true, entries: [entry(90)] }),
      report('2018Q3', { status: 'draft', entries: [entry(95)] }),
    ]);
    expect(figures).toEqual({
      expected: 4,
      submitted: 3,
      onTime: 2,
      late: 1,
      missing: 1,
      returned: 2,
      accepted: 1,
      latestPeriod: '2018Q1',
      meanProgress: 75,
      rowsCompleted: 1,
      rowsCarried: 2,
      yearEnd: [entry(100, 'completed'), entry(50)],
    });
  });

  it('ignores reports of periods outside the year', () => {
    expect(unitFigures(['2018Q1'], [report('2017Q4', { entries: [entry(10)] })])).toMatchObject({ expected: 1, missing: 1, latestPeriod: null });
  });

  it('counts the year of a period by its last day', () => {
    expect(yearOfPeriod({ endsOn: '2017-12-31' })).toBe(2017);
    expect(yearOfPeriod({ endsOn: '2019-11-30' })).toBe(2019);
  });
});

describe('a row’s target against its year-end entry', () => {
  const target = { status: 'in_progress' as const, progress: 60, metrics: [{ name: '完成危险化学品企业安全风险评估', value: 120, unit: '家' }] };
  const result = (overrides: Record<string, unknown> = {}) => ({ status: 'in_progress' as const, progress: 60, metrics: [{ name: '完成危险化学品企业安全风险评估', value: 120, unit: '家' }], ...overrides });

  it('is met exactly at the target: the same status, progress and metric value', () => {
    expect(meetsTarget(target, result())).toBe(true);
  });

  it('is met by a status further on (completed for in_progress), not by one behind it or blocked', () => {
    expect(meetsTarget(target, result({ status: 'completed', progress: 100 }))).toBe(true);
    expect(meetsTarget(target, result({ status: 'not_started' }))).toBe(false);
    expect(meetsTarget(target, result({ status: 'blocked', progress: 90 }))).toBe(false);
    expect(meetsTarget({ ...target, status: 'not_started', progress: 0, metrics: [] }, result({ status: 'blocked', progress: 0, metrics: [] }))).toBe(false);
  });

  it('is not met one point of progress short (59 for 60), nor one unit of a metric short (119 for 120)', () => {
    expect(meetsTarget(target, result({ progress: 59 }))).toBe(false);
    expect(meetsTarget(target, result({ metrics: [{ name: '完成危险化学品企业安全风险评估', value: 119, unit: '家' }] }))).toBe(false);
    expect(meetsTarget(target, result({ metrics: [{ name: '完成危险化学品企业安全风险评估', value: 119.5, unit: '家' }] }))).toBe(false);
  });

  it('matches metrics by name: one missing, or under another name, is not met; extra metrics do not matter', () => {
    expect(meetsTarget(target, result({ metrics: [] }))).toBe(false);
    expect(meetsTarget(target, result({ metrics: [{ name: '风险评估', value: 500, unit: '家' }] }))).toBe(false);
    expect(meetsTarget(target, result({ metrics: [{ name: '完成危险化学品企业安全风险评估', value: 130, unit: '家' }, { name: '其他', value: 0, unit: '' }] }))).toBe(true);
    expect(meetsTarget({ ...target, metrics: [] }, result({ metrics: undefined }))).toBe(true);
  });

  it('is not met without a year-end entry', () => {
    expect(meetsTarget(target, null)).toBe(false);
  });

  it('counts the rows met and shows each target beside its result; without targets, nothing to count', () => {
    const targets = [
      { measureNo: 1, taskSeq: 1, summary: '…', ...target },
      { measureNo: 2, taskSeq: 1, summary: '…', status: 'completed' as const, progress: 100 },
    ];
    const yearEnd = [{ measureNo: 1, taskSeq: 1, summary: '…', ...result({ progress: 70 }) }];
    const { rows, counts: figures } = targetFigures(targets, yearEnd);
    expect(figures).toEqual({ rows: 2, met: 1 });
    expect(rows).toEqual([
      { measureNo: 1, taskSeq: 1, target: { status: 'in_progress', progress: 60, metrics: target.metrics }, result: { status: 'in_progress', progress: 70, metrics: target.metrics }, met: true },
      { measureNo: 2, taskSeq: 1, target: { status: 'completed', progress: 100, metrics: [] }, result: null, met: false },
    ]);
    expect(targetFigures(null, yearEnd)).toEqual({ rows: [], counts: null });
    expect(targetFigures(targets, null).counts).toEqual({ rows: 2, met: 0 });
  });
});

describe('any rubric the schema accepts, any year of reporting', () => {
  const rubricArbitrary = fc.record({
    weights: fc.record({
      submission: fc.double({ min: 0, max: 1000, noNaN: true }),
      timeliness: fc.double({ min: 0, max: 1000, noNaN: true }),
      review: fc.double({ min: 0, max: 1000, noNaN: true }),
      progress: fc.double({ min: 0, max: 1000, noNaN: true }),
      targets: fc.double({ min: 0, max: 1000, noNaN: true }),
    }),
    grades: fc
      .uniqueArray(fc.double({ min: 0, max: 100, noNaN: true, minExcluded: true }), { maxLength: 9 })
      .map((mins) => [...mins.sort((a, b) => b - a), 0].map((min, index) => ({ name: `第${index + 1}档`, min }))),
  }).filter((rubric) => Object.values(rubric.weights).reduce((sum, weight) => sum + weight, 0) > 0);
  const countsArbitrary = fc
    .record({ expected: fc.integer({ min: 0, max: 5 }), onTime: fc.nat(5), late: fc.nat(5), returned: fc.nat(5), meanProgress: fc.option(fc.integer({ min: 0, max: 1000 }).map((tenths) => tenths / 10)) })
    .filter((c) => c.onTime + c.late <= c.expected && c.returned <= c.onTime + c.late)
    .map((c) => ({ ...c, missing: c.expected - c.onTime - c.late }))
    .chain((c) => fc.option(fc.nat(40).chain((rows) => fc.record({ rows: fc.constant(rows), met: fc.nat(rows) }))).map((targets) => ({ ...c, targets })));

  it('scores 0–100 to one decimal, grades with one of its bands, ranks from 1', () => {
    fc.assert(
      fc.property(rubricArbitrary, fc.array(countsArbitrary, { maxLength: 8 }), (candidate, units) => {
        const parsed = rubricSchema.safeParse(candidate);
        expect(parsed.error?.issues ?? []).toEqual([]);
        const rubric = parsed.data!;
        const result = assess(units, rubric);
        for (const line of result) {
          expect(line.score).toBeGreaterThanOrEqual(0);
          expect(line.score).toBeLessThanOrEqual(100);
          expect(Math.round(line.score * 10) / 10).toBe(line.score);
          expect(rubric.grades.map((band) => band.name)).toContain(line.grade);
          expect(line.rank).toBeGreaterThanOrEqual(1);
          expect(line.rank).toBeLessThanOrEqual(units.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
