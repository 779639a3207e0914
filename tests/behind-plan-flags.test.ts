import { beforeAll, describe, expect, it } from 'vitest';
import { flagsOf, type PeriodResult } from '../src/modules/consolidated/flags.js';
import type { Consolidated, Rollup } from '../src/modules/consolidated/rollup.js';
import { testClock } from './helpers/clock.js';
import { narrative } from './helpers/fixtures.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

const PLAN = 'hazchem-2017';
const A = 'public-security'; // 市公安局: carries row 1.1
const B = 'environmental-protection'; // 市环保局: carries row 1.1 too

/** A period's consolidation reduced to what the flags read: one row 1.1 and the missing units. */
function period(id: string, endsOn: string, rollup: Rollup, options: { blockedBy?: string[]; returnedBlocked?: string[]; missing?: string[] } = {}): PeriodResult {
  const line = (code: string, reportStatus: string) => ({
    department: { code, name: code },
    role: 'responsible',
    via: null,
    required: true,
    reportStatus,
    late: false,
    entry: { measureNo: 1, taskSeq: 1, status: 'blocked', progress: 10, summary: 'x' },
  });
  const units = [...(options.blockedBy ?? []).map((code) => line(code, 'submitted')), ...(options.returnedBlocked ?? []).map((code) => line(code, 'returned'))];
  const result = {
    measures: [{ no: 1, title: 'm', category: { ordinal: 1, title: 'c' }, rollup, tasks: [{ seq: 1, rollup, units }] }],
    totals: { missingDepartments: (options.missing ?? []).map((code) => ({ code, name: code })) },
  } as unknown as Consolidated;
  return { period: { id, endsOn }, result };
}

const flagCodes = (history: PeriodResult[], rectificationEnd: string | null = '2019-10-31') =>
  (flagsOf(history, rectificationEnd).rows.get('1-1') ?? []).map((flag) => flag.code);

describe('flags of a row, computed from consecutive periods', () => {
  const q = (id: string, progress: number | null, status: Rollup['status'] = 'in_progress') => period(id, '2018-03-31', { status: progress === null ? null : status, progress });

  it('when the mean progress is equal in this period and the two before it, the row is stalled, with the figures', () => {
    const { rows } = flagsOf([q('2017Q3', 40), q('2017Q4', 40), q('2018Q1', 40)], '2019-10-31');
    expect(rows.get('1-1')).toEqual([{ code: 'stalled', detail: expect.stringContaining('40%'), periods: ['2017Q3', '2017Q4', '2018Q1'], progress: [40, 40, 40] }]);
  });

  it('when only two periods agree, or the oldest differs, or data is missing, it is not stalled', () => {
    expect(flagCodes([q('2017Q4', 40), q('2018Q1', 40)])).toEqual([]);
    expect(flagCodes([q('2017Q3', 30), q('2017Q4', 40), q('2018Q1', 40)])).toEqual([]);
    expect(flagCodes([q('2017Q3', null), q('2017Q4', 40), q('2018Q1', 40)])).toEqual([]);
  });

  it('when the row is completed, an unchanged 100% is not stalled', () => {
    expect(flagCodes([q('2017Q3', 100, 'completed'), q('2017Q4', 100, 'completed'), q('2018Q1', 100, 'completed')])).toEqual([]);
  });

  it('when the mean progress falls, the row regressed, with both figures; equal or rising is not', () => {
    const { rows } = flagsOf([q('2017Q4', 60), q('2018Q1', 59.5)], null);
    expect(rows.get('1-1')).toEqual([{ code: 'regressed', detail: '平均进度由 60% 降至 59.5%', periods: ['2017Q4', '2018Q1'], progress: [60, 59.5] }]);
    expect(flagCodes([q('2017Q4', 60), q('2018Q1', 61)])).toEqual([]);
    expect(flagCodes([q('2017Q4', null), q('2018Q1', 10)])).toEqual([]);
  });

  it('when a unit with a counted report says blocked, the row is blocked and names it; a returned report does not count', () => {
    const flags = flagsOf([period('2018Q1', '2018-03-31', { status: 'blocked', progress: 10 }, { blockedBy: ['u1'], returnedBlocked: ['u2'] })], null).rows.get('1-1');
    expect(flags).toEqual([{ code: 'blocked', detail: 'u1报告受阻', units: [{ code: 'u1', name: 'u1' }] }]);
    expect(flagCodes([period('2018Q1', '2018-03-31', { status: 'in_progress', progress: 10 }, { returnedBlocked: ['u2'] })], null)).toEqual([]);
  });

  it('when the period ends after the 整治阶段, a row not completed is overdue, reading the latest roll-up of the last three periods', () => {
    const summary = (rollup: Rollup) => period('summary', '2019-11-30', rollup);
    const history = [period('2019Q2', '2019-06-30', { status: 'in_progress', progress: 70 }), period('2019Q3', '2019-09-30', { status: 'in_progress', progress: 80 }), summary({ status: null, progress: null })];
    expect(flagsOf(history, '2019-10-31').rows.get('1-1')).toEqual([
      { code: 'overdue', detail: '整治阶段已于 2019-10-31 结束,截至2019年第三季度为推进中(80%)', rectificationEndedOn: '2019-10-31', latestPeriod: '2019Q3', status: 'in_progress', progress: 80 },
    ]);
    expect(flagCodes([summary({ status: 'completed', progress: 100 })])).toEqual([]);
    // Nobody reported on the row in the last three periods: nothing is known, nothing is flagged.
    expect(flagCodes([summary({ status: null, progress: null })])).toEqual([]);
    // The last quarter of the 整治阶段 ends before it does: not overdue.
    expect(flagCodes([period('2019Q3', '2019-09-30', { status: 'in_progress', progress: 80 })])).toEqual([]);
    // Ending on the last day of the 整治阶段 is not after it.
    expect(flagCodes([period('x', '2019-10-31', { status: 'in_progress', progress: 80 })])).toEqual([]);
    expect(flagCodes([summary({ status: 'in_progress', progress: 90 })], null)).toEqual([]);
  });

  it('when a unit is missing in this period and the previous one, it is flagged missing-twice; once is not enough', () => {
    const before = period('2017Q4', '2017-12-31', { status: null, progress: null }, { missing: ['u1', 'u2'] });
    const now = period('2018Q1', '2018-03-31', { status: null, progress: null }, { missing: ['u2', 'u3'] });
    expect(flagsOf([before, now], null).units).toEqual([{ code: 'missing-twice', detail: '2017年第四季度、2018年第一季度连续两期未报送', department: { code: 'u2', name: 'u2' }, periods: ['2017Q4', '2018Q1'] }]);
    expect(flagsOf([now], null).units).toEqual([]);
  });
});

describe('flags over HTTP, in the consolidated report and the progress matrix', () => {
  const clock = testClock('2018-05-02T10:00:00+08:00');
  const ctx = useTestApp({ clock });
  const headers: Record<string, { authorization: string }> = {};
  const reportUrl = (periodId: string, code: string) => `/v1/plans/${PLAN}/periods/${periodId}/reports/${code}`;

  /** Files and submits an entry for every required row: row 1.1 as given, the others rising each period. */
  async function submit(periodId: string, code: string, row11: { status: string; progress: number }, others = 10) {
    const report = await ctx.app.inject({ method: 'GET', url: reportUrl(periodId, code), headers: headers.office });
    const tasks = (report.json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] }).tasks;
    const entries = tasks
      .filter((task) => task.required)
      .map((task) =>
        task.measureNo === 1 && task.taskSeq === 1
          ? { measureNo: 1, taskSeq: 1, ...row11, summary: '推进中。' }
          : { measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: others, summary: '按计划推进。' },
      );
    const put = await ctx.app.inject({ method: 'PUT', url: reportUrl(periodId, code), headers: headers[code], payload: { entries, ...(periodId === 'summary' ? { narrative: narrative() } : {}) } });
    expect(put.statusCode, put.body).toBe(200);
    const post = await ctx.app.inject({ method: 'POST', url: `${reportUrl(periodId, code)}/submit`, headers: headers[code] });
    expect(post.statusCode, post.body).toBe(200);
  }

  interface Task {
    seq: number;
    rollup: Rollup;
    flags: { code: string; periods?: string[]; progress?: number[]; units?: { code: string }[] }[];
  }
  const consolidated = async (periodId: string) => {
    const response = await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/${periodId}/consolidated`, headers: headers.office });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      measures: { no: number; tasks: Task[] }[];
      unitFlags: { code: string; department: { code: string }; periods: string[] }[];
      totals: { missingDepartments: { code: string }[] };
    };
  };
  const row11 = async (periodId: string) => (await consolidated(periodId)).measures[0]!.tasks[0]!;

  beforeAll(async () => {
    headers.office = await bearer(ctx.app, 'office');
    headers[A] = await bearer(ctx.app, 'department', A);
    headers[B] = await bearer(ctx.app, 'department', B);
    await submit('2017Q2', A, { status: 'in_progress', progress: 40 }, 10);
    await submit('2017Q2', B, { status: 'blocked', progress: 40 }, 10);
    await submit('2017Q3', A, { status: 'in_progress', progress: 40 }, 20);
    await submit('2017Q4', A, { status: 'in_progress', progress: 40 }, 30);
    await submit('2018Q1', A, { status: 'in_progress', progress: 30 }, 40);
  });

  it('when a unit reports a row blocked, the period flags the row blocked and names the unit', async () => {
    const task = await row11('2017Q2');
    expect(task.flags).toEqual([{ code: 'blocked', detail: '市环保局报告受阻', units: [{ code: B, name: '市环保局' }] }]);
  });

  it('when row 1.1 stays at 40% over 2017Q2–Q4, 2017Q4 flags it stalled, and 2017Q3 does not', async () => {
    expect((await row11('2017Q3')).flags).toEqual([]);
    expect((await row11('2017Q4')).flags).toMatchObject([{ code: 'stalled', periods: ['2017Q2', '2017Q3', '2017Q4'], progress: [40, 40, 40] }]);
  });

  it('when row 1.1 falls to 30% in 2018Q1, it regressed; rows that rose carry no flag', async () => {
    const result = await consolidated('2018Q1');
    expect(result.measures[0]!.tasks[0]!.flags).toMatchObject([{ code: 'regressed', periods: ['2017Q4', '2018Q1'], progress: [40, 30] }]);
    const carried = result.measures.flatMap((measure) => measure.tasks).filter((task) => task.rollup.progress !== null);
    expect(carried.length).toBeGreaterThan(1);
    expect(carried.filter((task) => task.flags.length > 0)).toHaveLength(1);
  });

  it('when 市环保局 has not submitted 2017Q3 nor 2017Q4, 2017Q4 flags it missing-twice, in the official order of the missing units', async () => {
    const q3 = await consolidated('2017Q3');
    expect(q3.unitFlags.map((flag) => flag.department.code)).not.toContain(B);
    const q4 = await consolidated('2017Q4');
    const flagged = q4.unitFlags.map((flag) => flag.department.code);
    expect(flagged).toContain(B);
    expect(flagged).not.toContain(A);
    // Everyone else missed both periods as well; the flags follow the missing list's (official) order.
    expect(flagged).toEqual(q4.totals.missingDepartments.map((unit) => unit.code).filter((code) => code !== A));
    expect(q4.unitFlags.find((flag) => flag.department.code === B)).toMatchObject({ code: 'missing-twice', periods: ['2017Q3', '2017Q4'] });
  });

  it('when a later submission changes an earlier period, the cached consolidated report of the next periods follows', async () => {
    expect((await row11('2017Q4')).flags.map((flag) => flag.code)).toEqual(['stalled']);
    await submit('2017Q3', B, { status: 'in_progress', progress: 60 }, 20);
    // 2017Q3's mean is now 50: 2017Q4 (40) no longer equals it, and it is lower, so it regressed.
    expect((await row11('2017Q4')).flags.map((flag) => flag.code)).toEqual(['regressed']);
  });

  it('when the progress matrix is read, every row carries the same flags per period as the consolidated report', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/progress`, headers: headers.office });
    expect(response.statusCode, response.body).toBe(200);
    const matrix = response.json() as { periods: string[]; measures: { no: number; tasks: { seq: number; cells: { period: string; progress: number | null; flags: { code: string }[] }[] }[] }[] };
    const cells = matrix.measures[0]!.tasks[0]!.cells;
    expect(cells.map((cell) => cell.period)).toEqual(matrix.periods);
    expect(cells.slice(0, 4).map((cell) => [cell.period, cell.progress, cell.flags.map((flag) => flag.code)])).toEqual([
      ['2017Q2', 40, ['blocked']],
      ['2017Q3', 50, []],
      ['2017Q4', 40, ['regressed']],
      ['2018Q1', 30, ['regressed']],
    ]);
  });

  it('when the 总结报告 says row 1.1 is still in progress after the 整治阶段, the summary period flags it overdue; a completed row is not', async () => {
    clock.set('2019-12-10T10:00:00+08:00');
    await submit('summary', A, { status: 'in_progress', progress: 90 }, 100);
    const result = await consolidated('summary');
    expect(result.measures[0]!.tasks[0]!.flags).toMatchObject([{ code: 'overdue', rectificationEndedOn: '2019-10-31', latestPeriod: 'summary', status: 'in_progress', progress: 90 }]);
    const others = result.measures.flatMap((measure) => measure.tasks).filter((task) => task.rollup.status === 'in_progress' && task.rollup.progress === 100);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((task) => task.flags.some((flag) => flag.code === 'overdue'))).toBe(true);
  });

  it('when the liaison roster is read, the districts come last, in the official order', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/v1/liaisons', headers: headers.office });
    expect(response.statusCode, response.body).toBe(200);
    const codes = (response.json() as { items: { department: { code: string } }[] }).items.map((item) => item.department.code);
    expect(codes.slice(-16)).toEqual(['huangpu-district', 'xuhui-district', 'changning-district', 'jingan-district', 'putuo-district', 'hongkou-district', 'yangpu-district', 'minhang-district', 'baoshan-district', 'jiading-district', 'pudong-district', 'jinshan-district', 'songjiang-district', 'qingpu-district', 'fengxian-district', 'chongming-district']);
  });
});
