import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import type { TestClock } from './clock.js';
import { narrative } from './fixtures.js';
import { bearer } from './tokens.js';

/*
 * A realistic campaign, written over HTTP, for the documents and charts. More units report each
 * quarter from 2017Q3 to 2018Q3 (in 2018Q3 all but five); 金山区政府 is late in 2018Q3, 黄浦区政府 is
 * accepted and 浦东新区政府 returned; five units never report, so they are missing twice in a row;
 * one row of 市安全监管局 stays at 40% over 2018Q1–Q3 (stalled), one falls from 60% to 45%
 * (regressed), one is blocked in 2018Q3; 市公安局 writes markup and a control character. Some
 * units send the 总结报告.
 */

export const PLAN = 'hazchem-2017';
export const HOSTILE_TEXT = '<script>alert("x")</script> & 检查\u0007完毕';
export const NEVER_REPORT = ['supervision', 'ocean', 'circ-shanghai', 'xuhui-district', 'chongming-district'];

interface Task {
  measureNo: number;
  taskSeq: number;
  required: boolean;
}
interface Entry {
  status?: string;
  progress: number;
  summary?: string;
  problems?: string;
  nextSteps?: string;
}
type Period = '2017Q3' | '2017Q4' | '2018Q1' | '2018Q2' | '2018Q3' | 'summary';

export interface Scenario {
  office: { authorization: string };
  /** The rows of 市安全监管局 that carry the flags, as "measure-seq". */
  rows: { stalled: string; regressed: string; blocked: string };
}

const key = (task: { measureNo: number; taskSeq: number }) => `${task.measureNo}-${task.taskSeq}`;
const BASE: Record<Period, number> = { '2017Q3': 10, '2017Q4': 20, '2018Q1': 35, '2018Q2': 50, '2018Q3': 65, summary: 90 };

export async function seedCampaign(app: App, clock: TestClock): Promise<Scenario> {
  const office = await bearer(app, 'office');
  const tokens = new Map<string, { authorization: string }>();
  const as = async (unit: string) => tokens.get(unit) ?? tokens.set(unit, await bearer(app, 'department', unit)).get(unit)!;
  const url = (period: string, unit: string) => `/v1/plans/${PLAN}/periods/${period}/reports/${unit}`;

  // Expected units in official order, and the rows with who carries them, from an empty quarter.
  const empty = (await app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/2017Q2/consolidated`, headers: office })).json() as {
    totals: { missingDepartments: { code: string; name: string }[] };
    measures: { no: number; tasks: { seq: number; expected: number; units: { department: { code: string }; required: boolean }[] }[] }[];
  };
  const units = empty.totals.missingDepartments;
  const reporting = units.filter((unit) => !NEVER_REPORT.includes(unit.code)).map((unit) => unit.code);

  // Flagged rows: 市安全监管局's rows with the fewest units, so what it writes is named in the report.
  const ownRows = empty.measures
    .flatMap((measure) => measure.tasks.map((task) => ({ row: `${measure.no}-${task.seq}`, task })))
    .filter(({ task }) => task.units.some((line) => line.department.code === 'work-safety' && line.required))
    .sort((a, b) => a.task.expected - b.task.expected)
    .map(({ row }) => row);
  const rows = { stalled: ownRows[0]!, regressed: ownRows[1]!, blocked: ownRows[2]! };

  const tasks = new Map<string, Task[]>();
  const tasksOf = async (unit: string) => {
    if (!tasks.has(unit)) {
      const response = await app.inject({ method: 'GET', url: url('2017Q2', unit), headers: office });
      expect(response.statusCode, response.body).toBe(200);
      tasks.set(unit, (response.json() as { tasks: Task[] }).tasks.filter((task) => task.required));
    }
    return tasks.get(unit)!;
  };

  function entryFor(period: Period, unit: string, unitIndex: number, task: Task, taskIndex: number): Entry {
    const row = key(task);
    const quarter = period !== 'summary' && period >= '2018Q1';
    if (row === rows.stalled && quarter) return { progress: 40, problems: '专业监管人员招录尚未完成。', nextSteps: '下季度完成招录。' };
    if (row === rows.regressed && period === '2018Q2') return { progress: 60 };
    if (row === rows.regressed && period === '2018Q3') return { progress: 45, problems: '部分整改项目复查未通过，重新整改。' };
    if (row === rows.blocked && period === '2018Q3' && unit === 'work-safety') return { status: 'blocked', progress: 20, problems: '相关标准尚未出台，工作无法推进。' };
    if (unit === 'public-security' && period === '2018Q3' && taskIndex === 0) return { progress: 60, summary: HOSTILE_TEXT };
    const progress = Math.min(100, BASE[period] + ((unitIndex * 7 + taskIndex * 3) % 15));
    const district = unit.endsWith('-district');
    return {
      progress,
      summary: district
        ? `组织区内危险化学品企业开展自查自改，督查重点企业${8 + ((unitIndex + taskIndex) % 20)}家，整改隐患${20 + ((unitIndex * 3 + taskIndex) % 40)}项。`
        : `会同相关部门开展专项检查${2 + (taskIndex % 5)}次，检查企业${10 + ((unitIndex + taskIndex) % 30)}家，督促整改问题${15 + ((unitIndex * 5 + taskIndex) % 50)}项。`,
      ...(unitIndex % 3 === 0 ? { problems: district ? '部分企业整改资金不足，进度偏慢。' : '基层监管力量不足。' } : {}),
      nextSteps: '加强督办，按期完成整改闭环。',
    };
  }

  async function report(period: Period, unit: string) {
    const unitIndex = units.findIndex((candidate) => candidate.code === unit);
    const entries = (await tasksOf(unit)).map((task, taskIndex) => {
      const entry = entryFor(period, unit, unitIndex, task, taskIndex);
      const status = entry.status ?? (entry.progress === 100 ? 'completed' : 'in_progress');
      return { measureNo: task.measureNo, taskSeq: task.taskSeq, summary: `按计划推进措施${task.measureNo}。`, ...entry, status };
    });
    // The 总结报告 also carries its 正文, each unit's marked with its code.
    const payload = { entries, ...(period === 'summary' ? { narrative: narrative(`【${unit}】`) } : {}) };
    const saved = await app.inject({ method: 'PUT', url: url(period, unit), headers: await as(unit), payload });
    expect(saved.statusCode, saved.body).toBe(200);
    const submitted = await app.inject({ method: 'POST', url: `${url(period, unit)}/submit`, headers: await as(unit) });
    expect(submitted.statusCode, submitted.body).toBe(200);
  }
  async function review(period: Period, unit: string, action: 'accept' | 'return') {
    const response = await app.inject({ method: 'POST', url: `${url(period, unit)}/${action}`, headers: office, ...(action === 'return' ? { payload: { reason: '请补充检查数据。' } } : {}) });
    expect(response.statusCode, response.body).toBe(200);
  }
  const each = async (period: Period, codes: readonly string[]) => {
    for (const unit of codes) await report(period, unit);
  };

  clock.set('2017-10-10T10:00:00+08:00');
  await each('2017Q3', ['work-safety', 'public-security', 'environmental-protection', 'transport', 'jinshan-district']);
  clock.set('2018-01-03T10:00:00+08:00');
  await each('2017Q4', reporting.filter((unit, index) => index % 2 === 0 || unit === 'work-safety' || unit === 'jinshan-district'));
  clock.set('2018-04-03T10:00:00+08:00');
  await each('2018Q1', reporting.filter((_, index) => index % 6 !== 5));
  clock.set('2018-07-03T10:00:00+08:00');
  await each('2018Q2', reporting.filter((unit) => unit !== 'pudong-district'));
  clock.set('2018-10-09T10:00:00+08:00');
  await each('2018Q3', reporting.filter((unit) => unit !== 'jinshan-district'));
  clock.set('2018-10-22T10:00:00+08:00');
  await report('2018Q3', 'jinshan-district');
  await review('2018Q3', 'huangpu-district', 'accept');
  await review('2018Q3', 'pudong-district', 'return');
  clock.set('2019-11-20T10:00:00+08:00');
  await each('summary', reporting.filter((unit, index) => index % 4 === 0 || unit === 'work-safety' || unit === 'huangpu-district'));
  clock.set('2018-10-25T09:30:00+08:00');
  return { office, rows };
}
