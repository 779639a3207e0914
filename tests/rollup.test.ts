import { describe, expect, it } from 'vitest';
import type { ReportEntry } from '../src/db/schema/index.js';
import { COUNTED, VISIBLE, consolidatePeriod, createConsolidationMemo, rollup, type UnitLine } from '../src/modules/consolidated/rollup.js';
import type { Department, Directory } from '../src/modules/departments/departments.service.js';
import type { Plan, PlanStructure, TaskView } from '../src/modules/plans/plans.service.js';
import type { ReportRow } from '../src/modules/reports/reports.repository.js';

/*
 * The office's figures (src/modules/consolidated/rollup.ts) on a small hand-made 分工表 whose
 * counts all differ: 4 units on time and 2 late, 3 accepted, 2 awaiting review and 1 returned,
 * a row where every unit completed, a returned report, a draft, a unit filing on an optional row
 * (一个各有关部门 row) and the collective 各区政府 in the directory, with a report of its own.
 */

type Kind = Department['kind'];
const units: [string, string, Kind][] = [
  ['work-safety', '市安全监管局', 'municipal-department'],
  ['public-security', '市公安局', 'municipal-department'],
  ['transport', '市交通委', 'municipal-department'],
  ['shanghai-customs', '上海海关', 'central-agency'],
  ['shanghai-maritime', '上海海事局', 'central-agency'],
  ['huangpu-district', '黄浦区政府', 'district-government'],
  ['pudong-district', '浦东新区政府', 'district-government'],
  ['jinshan-district', '金山区政府', 'district-government'],
  ['fengxian-district', '奉贤区政府', 'district-government'],
  // Named in no cell: it carries only the 各有关部门 row, which is optional for every unit.
  ['archives', '市档案局', 'municipal-department'],
  ['all-districts', '各区政府', 'collective'],
  ['all-relevant-departments', '各有关部门', 'collective'],
];
const districtCodes = ['huangpu-district', 'pudong-district', 'jinshan-district', 'fengxian-district'];
const ref = (code: string) => ({ code, name: units.find((unit) => unit[0] === code)![1] });

function directory(): Directory {
  const departments: Department[] = units.map(([code, name, kind]) => ({
    code,
    name,
    englishName: code,
    kind,
    members: code === 'all-districts' ? districtCodes.map(ref) : [],
    memberOf: districtCodes.includes(code) ? [ref('all-districts')] : [],
  }));
  return { departments, get: (code) => departments.find((department) => department.code === code) };
}

let taskId = 0;
const task = (seq: number, lead: string[], responsible: string[]): TaskView => ({
  id: ++taskId,
  seq,
  content: `任务${seq}`,
  lead: lead.map(ref),
  responsible: responsible.map(ref),
  leadOpenEnded: false,
  responsibleOpenEnded: false,
  note: null,
});

function structure(): PlanStructure {
  return {
    plan: { id: 1, code: 'test-plan' } as Plan,
    measures: [
      {
        no: 1,
        title: '措施一',
        category: { ordinal: 1, title: '类别一' },
        tasks: [task(1, ['work-safety'], ['public-security', 'transport']), task(2, [], ['all-districts'])],
      },
      {
        no: 2,
        title: '措施二',
        category: { ordinal: 2, title: '类别二' },
        tasks: [task(1, ['public-security'], ['all-relevant-departments']), task(2, ['shanghai-customs'], ['work-safety', 'shanghai-maritime'])],
      },
      // Row 2 is given to 各有关部门 alone: optional for every unit, and nobody filed it.
      { no: 3, title: '措施三', category: { ordinal: 2, title: '类别二' }, tasks: [task(1, [], ['shanghai-maritime']), task(2, [], ['all-relevant-departments'])] },
    ],
  };
}

const DUE = new Date('2017-10-13T09:00:00Z');
const entry = (key: string, status: ReportEntry['status'], progress: number): ReportEntry => {
  const [measureNo, taskSeq] = key.split('-').map(Number) as [number, number];
  return { measureNo, taskSeq, status, progress, summary: `${key} 进展` };
};

let reportId = 0;
function report(departmentCode: string, status: ReportRow['status'], entries: ReportEntry[], options: { version?: number; late?: boolean } = {}): ReportRow {
  const submitted = status !== 'draft';
  return {
    id: ++reportId,
    planId: 1,
    periodId: '2017Q3',
    departmentCode,
    status,
    version: options.version ?? 3,
    entries,
    narrative: null,
    firstSubmittedAt: submitted ? DUE : null,
    submittedAt: submitted ? DUE : null,
    late: submitted ? (options.late ?? false) : null,
    reviewedAt: null,
    returnReason: status === 'returned' ? '请补充。' : null,
    enteredByOffice: false,
    updatedAt: DUE,
  };
}

const reports = (): ReportRow[] => [
  report('work-safety', 'accepted', [entry('1-1', 'completed', 100), entry('2-2', 'completed', 100)]),
  report('public-security', 'submitted', [entry('1-1', 'completed', 100), entry('2-1', 'in_progress', 40)], { late: true }),
  report('transport', 'returned', [entry('1-1', 'not_started', 0)]),
  report('shanghai-customs', 'draft', [entry('2-2', 'blocked', 10)], { version: 1 }),
  // Version 0: the row exists (a write was attempted) but nothing was ever saved.
  report('shanghai-maritime', 'draft', [], { version: 0 }),
  report('huangpu-district', 'accepted', [entry('1-2', 'completed', 100)]),
  report('jinshan-district', 'submitted', [entry('1-2', 'in_progress', 30)]),
  report('fengxian-district', 'accepted', [entry('1-2', 'blocked', 20)], { late: true }),
  // pudong-district has no report at all.
  report('archives', 'submitted', [entry('2-1', 'in_progress', 70)]),
  // A collective never reports (the service refuses it); a row for one must count nowhere.
  report('all-districts', 'submitted', [entry('1-2', 'completed', 100)]),
];

const consolidated = () => consolidatePeriod(structure(), directory(), reports());
const taskOf = (key: string) => {
  const [measureNo, taskSeq] = key.split('-').map(Number);
  return consolidated().measures.find((measure) => measure.no === measureNo)!.tasks.find((row) => row.seq === taskSeq)!;
};
const brief = (lines: UnitLine[]) =>
  lines.map((line) => [line.department.code, line.role, line.via?.code ?? null, line.required, line.reportStatus, line.late, line.entry && `${line.entry.status} ${line.entry.progress}`]);

describe('rollup', () => {
  it('of no entries is no status and no progress', () => {
    expect(rollup([])).toEqual({ status: null, progress: null });
  });

  it('when every entry is completed, is completed; all not started, not started; all in progress, in progress', () => {
    expect(rollup([{ status: 'completed', progress: 100 }, { status: 'completed', progress: 100 }])).toEqual({ status: 'completed', progress: 100 });
    expect(rollup([{ status: 'not_started', progress: 0 }, { status: 'not_started', progress: 0 }])).toEqual({ status: 'not_started', progress: 0 });
    expect(rollup([{ status: 'in_progress', progress: 20 }])).toEqual({ status: 'in_progress', progress: 20 });
  });

  it('when statuses are mixed, is in progress, and blocked wins over everything', () => {
    expect(rollup([{ status: 'completed', progress: 100 }, { status: 'not_started', progress: 0 }])).toEqual({ status: 'in_progress', progress: 50 });
    expect(rollup([{ status: 'completed', progress: 100 }, { status: 'blocked', progress: 30 }, { status: 'in_progress', progress: 50 }])).toEqual({ status: 'blocked', progress: 60 });
    expect(rollup([{ status: 'blocked', progress: 30 }])).toEqual({ status: 'blocked', progress: 30 });
  });

  it('averages the progress to one decimal, rounding half up', () => {
    const progress = (...values: number[]) => rollup(values.map((value) => ({ status: 'in_progress' as const, progress: value }))).progress;
    expect(progress(10, 20, 25)).toBe(18.3);
    expect(progress(10, 20, 26)).toBe(18.7);
    expect(progress(0, 0, 1)).toBe(0.3);
    expect(progress(0, 1)).toBe(0.5);
  });
});

describe('which reports count', () => {
  it('the office sees submitted, accepted and returned reports; only submitted and accepted ones count', () => {
    expect([...VISIBLE].sort()).toEqual(['accepted', 'returned', 'submitted']);
    expect([...COUNTED].sort()).toEqual(['accepted', 'submitted']);
  });
});

describe('consolidatePeriod', () => {
  it('counts each status once per expected unit: 4 on time, 2 late, 3 accepted, 2 awaiting review, 1 returned, 3 missing', () => {
    const { totals } = consolidated();
    expect(totals).toEqual({
      expected: 9,
      submitted: 6,
      onTime: 4,
      late: 2,
      missing: 3,
      accepted: 3,
      returned: 1,
      awaitingReview: 2,
      // A draft, a report never saved and no report at all are missing, units first, then districts in official order.
      missingDepartments: [ref('shanghai-customs'), ref('shanghai-maritime'), ref('pudong-district')],
    });
  });

  it('when every counted unit completed a row, the row is completed, and a returned report’s entry is shown but not counted', () => {
    const row = taskOf('1-1');
    expect(row).toMatchObject({ expected: 3, reported: 2, rollup: { status: 'completed', progress: 100 } });
    expect(brief(row.units)).toEqual([
      ['work-safety', 'lead', null, true, 'accepted', false, 'completed 100'],
      ['public-security', 'responsible', null, true, 'submitted', true, 'completed 100'],
      ['transport', 'responsible', null, true, 'returned', false, 'not_started 0'],
    ]);
  });

  it('lists the districts of 各区政府 (not the collective) in official order, and blocked wins the row', () => {
    const row = taskOf('1-2');
    expect(row).toMatchObject({ expected: 4, reported: 3, rollup: { status: 'blocked', progress: 50 } });
    expect(brief(row.units)).toEqual([
      ['huangpu-district', 'responsible', 'all-districts', true, 'accepted', false, 'completed 100'],
      ['pudong-district', 'responsible', 'all-districts', true, 'not_started', null, null],
      ['jinshan-district', 'responsible', 'all-districts', true, 'submitted', false, 'in_progress 30'],
      ['fengxian-district', 'responsible', 'all-districts', true, 'accepted', true, 'blocked 20'],
    ]);
  });

  it('when a unit files an entry on an optional (各有关部门) row, it is listed and counted there, without making the unit expected', () => {
    const row = taskOf('2-1');
    expect(row).toMatchObject({ expected: 1, reported: 2, rollup: { status: 'in_progress', progress: 55 } });
    expect(brief(row.units)).toEqual([
      ['public-security', 'lead', null, true, 'submitted', true, 'in_progress 40'],
      ['archives', 'responsible', 'all-relevant-departments', false, 'submitted', false, 'in_progress 70'],
    ]);
  });

  it('shows nothing of a draft, and a report never saved reads as not started', () => {
    const row = taskOf('2-2');
    expect(row).toMatchObject({ expected: 3, reported: 1, rollup: { status: 'completed', progress: 100 } });
    expect(brief(row.units)).toEqual([
      ['work-safety', 'responsible', null, true, 'accepted', false, 'completed 100'],
      ['shanghai-customs', 'lead', null, true, 'draft', null, null],
      ['shanghai-maritime', 'responsible', null, true, 'not_started', null, null],
    ]);
  });

  it('rolls each measure up from its rows with data, and a measure without any has no status', () => {
    const { measures } = consolidated();
    expect(measures.map((measure) => [measure.no, measure.title, measure.category.ordinal, measure.rollup])).toEqual([
      [1, '措施一', 1, { status: 'blocked', progress: 75 }],
      [2, '措施二', 2, { status: 'in_progress', progress: 77.5 }],
      [3, '措施三', 2, { status: null, progress: null }],
    ]);
    expect(measures[2]!.tasks[0]).toMatchObject({ expected: 1, reported: 0, rollup: { status: null, progress: null } });
  });

  it('when a unit that carries rows of its own also files on an optional (各有关部门) row, it is listed and counted there too', () => {
    const withOptional = reports().map((row) => (row.departmentCode === 'work-safety' ? { ...row, entries: [...row.entries, entry('3-2', 'in_progress', 60)] } : row));
    const row = consolidatePeriod(structure(), directory(), withOptional).measures[2]!.tasks[1]!;
    expect(row).toMatchObject({ expected: 0, reported: 1, rollup: { status: 'in_progress', progress: 60 } });
    expect(brief(row.units)).toEqual([['work-safety', 'responsible', 'all-relevant-departments', false, 'accepted', false, 'in_progress 60']]);
  });

  it('when nobody filed a row that only 各有关部门 carries, the row lists no unit and expects none', () => {
    expect(taskOf('3-2')).toMatchObject({ expected: 0, reported: 0, rollup: { status: null, progress: null }, units: [] });
  });

  it('when a submitted report has no entry for a row the unit carries (the row was given to it later), the row shows the unit without counting it', () => {
    const withoutRow = reports().map((row) => (row.departmentCode === 'public-security' ? { ...row, entries: row.entries.filter((entry) => entry.measureNo !== 2) } : row));
    const row = consolidatePeriod(structure(), directory(), withoutRow).measures[1]!.tasks[0]!;
    expect(row).toMatchObject({ expected: 1, reported: 1, rollup: { status: 'in_progress', progress: 70 } });
    expect(brief(row.units)[0]).toEqual(['public-security', 'lead', null, true, 'submitted', true, null]);
  });

  it('prints each row as the 分工表 does, without its database id', () => {
    const row = taskOf('1-1');
    expect(row).not.toHaveProperty('id');
    expect(row).toMatchObject({ seq: 1, content: '任务1', lead: [ref('work-safety')], responsible: [ref('public-security'), ref('transport')], note: null });
  });

  it('with no reports, every carrying unit is missing and no row has data', () => {
    const { totals, measures } = consolidatePeriod(structure(), directory(), []);
    expect(totals).toMatchObject({ expected: 9, submitted: 0, onTime: 0, late: 0, missing: 9, accepted: 0, returned: 0, awaitingReview: 0 });
    expect(measures.every((measure) => measure.rollup.status === null && measure.tasks.every((row) => row.reported === 0))).toBe(true);
    expect(measures[1]!.tasks[0]!.units.map((line) => line.department.code)).toEqual(['public-security']);
  });
});

describe('a consolidation that keeps what it built for the next one (ConsolidationMemo)', () => {
  const carries = (row: { units: UnitLine[] }, code: string) => row.units.some((line) => line.department.code === code);

  it('when one unit’s report changes, the answer is a fresh consolidation’s; only the rows that unit is on get new lines', () => {
    const [plan, units, memo] = [structure(), directory(), createConsolidationMemo()];
    const before = reports();
    const first = consolidatePeriod(plan, units, before, memo);
    expect(first).toEqual(consolidatePeriod(plan, units, before));
    const after = before.map((row) => (row.departmentCode === 'transport' ? { ...row, status: 'submitted' as const, entries: [entry('1-1', 'completed', 100)] } : row));
    const second = consolidatePeriod(plan, units, after, memo);
    expect(second).toEqual(consolidatePeriod(plan, units, after));
    expect(second.measures[0]!.tasks[0]!.rollup).toEqual({ status: 'completed', progress: 100 });
    const rows = (result: typeof first) => result.measures.flatMap((measure) => measure.tasks);
    rows(second).forEach((row, index) => {
      if (carries(row, 'transport')) expect(row.units).not.toBe(rows(first)[index]!.units);
      else expect(row.units).toBe(rows(first)[index]!.units);
    });
  });

  it('when only a report’s lateness changes (the same entries), its lines say so, as a fresh consolidation does', () => {
    const [plan, units, memo] = [structure(), directory(), createConsolidationMemo()];
    const before = reports();
    consolidatePeriod(plan, units, before, memo);
    const after = before.map((row) => (row.departmentCode === 'public-security' ? { ...row, late: false } : row));
    const second = consolidatePeriod(plan, units, after, memo);
    expect(second).toEqual(consolidatePeriod(plan, units, after));
    expect(second.measures[0]!.tasks[0]!.units.find((line) => line.department.code === 'public-security')!.late).toBe(false);
    expect(second.totals).toMatchObject({ onTime: 5, late: 1 });
  });

  it('when the directory is another, the memo starts over: a unit gone from it is gone from the answer', () => {
    const [plan, memo] = [structure(), createConsolidationMemo()];
    const rows = reports();
    consolidatePeriod(plan, directory(), rows, memo);
    const without = directory();
    const departments = without.departments.filter((department) => department.code !== 'transport');
    const smaller: Directory = { departments, get: (code) => departments.find((department) => department.code === code) };
    const second = consolidatePeriod(plan, smaller, rows, memo);
    expect(second).toEqual(consolidatePeriod(plan, smaller, rows));
    expect(second.measures[0]!.tasks[0]!.units.map((line) => line.department.code)).toEqual(['work-safety', 'public-security']);
  });
});
