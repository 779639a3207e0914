import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { XLSX_HEADER_ROW } from '../src/http/print-sheet.js';
import type { Directory } from '../src/modules/departments/departments.service.js';
import { officialOrder } from '../src/modules/overview/official-order.js';
import type { PlanStructure } from '../src/modules/plans/plans.service.js';
import { testClock } from './helpers/clock.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

const PLAN = 'hazchem-2017';
const PERIOD = '2017Q3';
const overviewUrl = `/v1/plans/${PLAN}/periods/${PERIOD}/overview`;
const reportUrl = (code: string) => `/v1/plans/${PLAN}/periods/${PERIOD}/reports/${code}`;

/** The 16 districts in the official order. */
const DISTRICTS = ['黄浦区政府', '徐汇区政府', '长宁区政府', '静安区政府', '普陀区政府', '虹口区政府', '杨浦区政府', '闵行区政府', '宝山区政府', '嘉定区政府', '浦东新区政府', '金山区政府', '松江区政府', '青浦区政府', '奉贤区政府', '崇明区政府'];

interface Unit {
  code: string;
  name: string;
  kind: string;
  status: string;
  late: boolean | null;
  submittedAt: string | null;
  reviewedAt: string | null;
  enteredByOffice: boolean;
  liaisons: { officer: { name: string; phone: string }; staff: { name: string; phone: string } } | null;
}
interface Overview {
  plan: string;
  period: string;
  dueAt: string;
  totals: Record<'expected' | 'submitted' | 'accepted' | 'returned' | 'draft' | 'notSubmitted' | 'late', number>;
  units: Unit[];
}

// 2017Q3 is due 2017-10-13 17:00 (after the National Day holiday).
const clock = testClock('2017-10-09T10:00:00+08:00');
const ctx = useTestApp({ clock });
const headers = {} as Record<string, { authorization: string }>;

async function overview(): Promise<Overview> {
  const response = await ctx.app.inject({ method: 'GET', url: overviewUrl, headers: headers.office });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Overview;
}

async function as(code: string) {
  headers[code] ??= await bearer(ctx.app, 'department', code);
  return headers[code]!;
}

/** An entry for every required row of the unit. */
async function save(code: string, by?: { authorization: string }) {
  const report = await ctx.app.inject({ method: 'GET', url: reportUrl(code), headers: headers.office });
  const tasks = (report.json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] }).tasks;
  const entries = tasks
    .filter((task) => task.required)
    .map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 50, summary: '按计划推进。' }));
  const response = await ctx.app.inject({ method: 'PUT', url: reportUrl(code), headers: by ?? (await as(code)), payload: { entries } });
  expect(response.statusCode, response.body).toBe(200);
}

async function act(code: string, action: 'submit' | 'accept' | 'return', by?: { authorization: string }) {
  const response = await ctx.app.inject({
    method: 'POST',
    url: `${reportUrl(code)}/${action}`,
    headers: by ?? (action === 'submit' ? await as(code) : headers.office),
    ...(action === 'return' ? { payload: { reason: '请补充数据。' } } : {}),
  });
  expect(response.statusCode, response.body).toBe(200);
}

async function setLiaisons(code: string, officer: string, phone: string) {
  const response = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/departments/${code}/liaisons`,
    headers: headers.office,
    payload: {
      officer: { name: officer, position: '处长', phone, email: `${code}.officer@example.gov.cn` },
      staff: { name: `${officer}助理`, phone: '13800000000', email: `${code}.staff@example.gov.cn` },
    },
  });
  expect(response.statusCode, response.body).toBe(200);
}

beforeAll(async () => {
  headers.office = await bearer(ctx.app, 'office');
});

describe('the 总览 of a period', () => {
  let initial: Overview;
  let consolidatedExpected: number;

  beforeAll(async () => {
    initial = await overview();
    const consolidated = await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/${PERIOD}/consolidated`, headers: headers.office });
    consolidatedExpected = (consolidated.json() as { totals: { expected: number } }).totals.expected;
  });

  it('when nothing was reported yet, every expected unit is listed as not started and counted as not submitted', () => {
    expect(initial).toMatchObject({ plan: PLAN, period: PERIOD, dueAt: '2017-10-13T17:00:00+08:00' });
    // Every unit the table names but the collectives: 25 municipal departments, 7 central agencies,
    // 2 management bodies and the 16 districts; the consolidated report expects the same units.
    expect(initial.totals).toEqual({ expected: 50, submitted: 0, accepted: 0, returned: 0, draft: 0, notSubmitted: 50, late: 0 });
    expect(initial.units.filter((unit) => unit.kind === 'municipal-department')).toHaveLength(25);
    expect(initial.units.filter((unit) => unit.kind === 'central-agency')).toHaveLength(7);
    expect(initial.units.filter((unit) => unit.kind === 'management-body')).toHaveLength(2);
    expect(initial.units).toHaveLength(consolidatedExpected);
    expect(initial.units.every((unit) => unit.status === 'not_started' && unit.late === null && unit.submittedAt === null && !unit.enteredByOffice)).toBe(true);
  });

  it('when it lists the units, it puts the districts last, in the official order 黄浦 … 崇明', () => {
    expect(initial.units.slice(-16).map((unit) => unit.name)).toEqual(DISTRICTS);
    expect(initial.units.slice(0, -16).some((unit) => unit.kind === 'district-government')).toBe(false);
    expect(initial.units.some((unit) => unit.kind === 'collective')).toBe(false);
  });

  it('when it lists the other units, they follow their first appearance in the 分工表, 牵头部门 before 负责部门', async () => {
    const measures = (await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/measures` })).json() as {
      items: { tasks: { lead: { code: string }[]; responsible: { code: string }[] }[] }[];
    };
    const seen: string[] = [];
    for (const measure of measures.items) for (const task of measure.tasks) for (const unit of [...task.lead, ...task.responsible]) if (!seen.includes(unit.code)) seen.push(unit.code);
    const listed = initial.units.slice(0, -16).map((unit) => unit.code);
    expect(listed).toEqual(seen.filter((code) => listed.includes(code)));
    // The table's first rows: measure 1 is led by 市安全监管局.
    expect(listed[0]).toBe(seen[0]);
  });

  it('when a district government is named directly in the table, it is still listed with the districts', () => {
    const codes = initial.units.map((unit) => unit.code);
    expect(codes.indexOf('jinshan-district')).toBe(initial.units.length - 16 + 11);
    expect(codes.indexOf('fengxian-district')).toBe(initial.units.length - 16 + 14);
  });

  describe('with units in every state', () => {
    let result: Overview;
    const byCode = (code: string) => result.units.find((unit) => unit.code === code)!;

    beforeAll(async () => {
      await setLiaisons('work-safety', '张伟', '021-23111111'); // not started, with liaisons
      await save('public-security'); // a first draft
      await save('transport'); // submitted, awaiting review
      await act('transport', 'submit');
      await save('jinshan-district'); // accepted
      await act('jinshan-district', 'submit');
      await act('jinshan-district', 'accept');
      await save('huangpu-district'); // returned
      await act('huangpu-district', 'submit');
      await act('huangpu-district', 'return');
      await save('xuhui-district'); // returned, then revised: a draft again, but submitted once
      await act('xuhui-district', 'submit');
      await act('xuhui-district', 'return');
      await save('xuhui-district');
      await save('commerce', headers.office); // entered by the office from paper, on time
      await act('commerce', 'submit', headers.office);
      clock.set('2017-10-16T09:00:00+08:00'); // after the deadline
      await save('chongming-district'); // late
      await act('chongming-district', 'submit');
      result = await overview();
    });

    it('when units are in every state, each total counts exactly its units', () => {
      expect(result.totals).toEqual({
        expected: 50,
        submitted: 6, // transport, jinshan, huangpu, xuhui, commerce, chongming
        accepted: 1, // jinshan
        returned: 1, // huangpu
        draft: 2, // public-security (first draft), xuhui (revising after a return)
        notSubmitted: 44, // 50 - 6: the 催报 list, public-security's draft included
        late: 1, // chongming
      });
    });

    it('when a unit is in a state, its line says so', () => {
      expect(byCode('work-safety')).toMatchObject({ status: 'not_started', late: null, submittedAt: null, liaisons: { officer: { name: '张伟', phone: '021-23111111' } } });
      expect(byCode('public-security')).toMatchObject({ status: 'draft', submittedAt: null, liaisons: null });
      expect(byCode('transport')).toMatchObject({ status: 'submitted', late: false, submittedAt: '2017-10-09T10:00:00+08:00', reviewedAt: null });
      expect(byCode('jinshan-district')).toMatchObject({ status: 'accepted', late: false, reviewedAt: '2017-10-09T10:00:00+08:00' });
      expect(byCode('huangpu-district')).toMatchObject({ status: 'returned', late: false });
      expect(byCode('xuhui-district')).toMatchObject({ status: 'draft', late: false, submittedAt: '2017-10-09T10:00:00+08:00' });
      expect(byCode('commerce')).toMatchObject({ status: 'submitted', enteredByOffice: true });
      expect(byCode('chongming-district')).toMatchObject({ status: 'submitted', late: true, submittedAt: '2017-10-16T09:00:00+08:00', enteredByOffice: false });
    });

    it('when the counts are checked against the list, each is the number of units the list shows in that state', () => {
      const count = (predicate: (unit: Unit) => boolean) => result.units.filter(predicate).length;
      expect(result.totals.expected).toBe(result.units.length);
      expect(result.totals.submitted).toBe(count((unit) => unit.submittedAt !== null));
      expect(result.totals.notSubmitted).toBe(count((unit) => unit.submittedAt === null));
      expect(result.totals.draft).toBe(count((unit) => unit.status === 'draft'));
      expect(result.totals.late).toBe(count((unit) => unit.late === true));
    });

    it('when another period is asked for, this period’s reports do not count there', async () => {
      const response = await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/2017Q4/overview`, headers: headers.office });
      expect(response.json().totals).toEqual({ expected: 50, submitted: 0, accepted: 0, returned: 0, draft: 0, notSubmitted: 50, late: 0 });
    });

    it('when the office downloads the 催报 list as CSV, it lists the units not submitted, in official order, with their liaisons', async () => {
      const response = await ctx.app.inject({ method: 'GET', url: `${overviewUrl}.csv`, headers: headers.office });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toContain(encodeURIComponent(`${PLAN}-${PERIOD}-催报名单.csv`));
      const rows = parse(response.rawPayload.toString('utf8').replace(/^\uFEFF/, '')) as string[][];
      expect(rows[0]).toEqual(['序号', '单位', '单位代码', '填报状态', '处级联络员', '职务', '联络员电话', '工作人员', '工作人员电话']);
      const body = rows.slice(1);
      expect(body).toHaveLength(44);
      expect(body.map((row) => row[2])).toEqual(result.units.filter((unit) => unit.submittedAt === null).map((unit) => unit.code));
      expect(body.map((row) => row[0])).toEqual(body.map((_row, index) => String(index + 1)));
      expect(body.find((row) => row[2] === 'work-safety')?.slice(1)).toEqual(['市安全监管局', 'work-safety', '未填报', '张伟', '处长', '021-23111111', '张伟助理', '13800000000']);
      expect(body.find((row) => row[2] === 'public-security')?.slice(3)).toEqual(['草稿未报送', '未登记', '', '', '未登记', '']);
      // Submitted once, so not chased, although it is a draft again; the districts that reported are not listed.
      expect(body.map((row) => row[2])).not.toContain('xuhui-district');
      const reportedDistricts = ['黄浦区政府', '徐汇区政府', '金山区政府', '崇明区政府'];
      expect(body.slice(-12).map((row) => row[1])).toEqual(DISTRICTS.filter((name) => !reportedDistricts.includes(name)));
    });

    it('when the office downloads the 催报 list as a workbook, it has the same rows', async () => {
      const response = await ctx.app.inject({ method: 'GET', url: `${overviewUrl}.xlsx`, headers: headers.office });
      expect(response.statusCode).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.getWorksheet('催报名单')!;
      expect(sheet.rowCount).toBe(XLSX_HEADER_ROW + 44);
      const codes: string[] = [];
      sheet.eachRow((row, number) => {
        if (number > XLSX_HEADER_ROW) codes.push(String(row.getCell(3).value));
      });
      expect(codes).toEqual(result.units.filter((unit) => unit.submittedAt === null).map((unit) => unit.code));
    });
  });
});

describe('who may read the 总览', () => {
  it('when a department asks for the 总览, it is 403', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: overviewUrl, headers: await as('work-safety') });
    expect(response.statusCode).toBe(403);
  });

  it('when the period does not exist, it is 404', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: `/v1/plans/${PLAN}/periods/2030Q1/overview`, headers: headers.office });
    expect(response.statusCode).toBe(404);
  });
});

describe('the official order, from the data', () => {
  it('when a district government is not in the official list, it follows the listed districts', () => {
    const ref = (code: string) => ({ code, name: code });
    const unit = (code: string, kind: string) => ({ code, name: code, englishName: code, kind, members: [], memberOf: [] }) as unknown as Directory['departments'][number];
    const departments = [unit('zeta-district', 'district-government'), unit('chongming-district', 'district-government'), unit('huangpu-district', 'district-government'), unit('b-bureau', 'municipal-department'), unit('a-bureau', 'municipal-department')];
    const directory: Directory = { departments, get: (code) => departments.find((department) => department.code === code) };
    const structure = {
      plan: {},
      measures: [{ tasks: [{ lead: [ref('b-bureau')], responsible: [ref('zeta-district'), ref('chongming-district')] }, { lead: [ref('a-bureau')], responsible: [] }] }],
    } as unknown as PlanStructure;
    expect(officialOrder(structure, directory).map((department) => department.code)).toEqual(['b-bureau', 'a-bureau', 'huangpu-district', 'chongming-district', 'zeta-district']);
  });
});
