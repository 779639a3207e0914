/**
 * Seed fidelity: compares what the API serves for the 工作措施和部门分工表 against an independent,
 * hand-checked transcription of the gazette (tests/fixtures/fenguobiao-expected.ts), so that a
 * slip in the seed data shows up as a failing row here rather than as a wrong assignment later.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedCategories, expectedMeasures, type ExpectedMeasure, type ExpectedTask } from './fixtures/fenguobiao-expected.js';
import { useTestApp } from './helpers/test-app.js';

interface DepartmentRef {
  code: string;
  name: string;
}

interface ApiTask {
  seq: number;
  content: string;
  lead: DepartmentRef[];
  responsible: DepartmentRef[];
  leadOpenEnded: boolean;
  responsibleOpenEnded: boolean;
  note: string | null;
}

interface ApiMeasure {
  no: number;
  title: string;
  category: { ordinal: number; title: string };
  tasks: ApiTask[];
}

interface ApiDepartment {
  code: string;
  name: string;
  englishName: string;
  kind: string;
  members: DepartmentRef[];
  memberOf: DepartmentRef[];
}

const SHANGHAI_DISTRICT_GOVERNMENTS = [
  '黄浦区政府',
  '徐汇区政府',
  '长宁区政府',
  '静安区政府',
  '普陀区政府',
  '虹口区政府',
  '杨浦区政府',
  '闵行区政府',
  '宝山区政府',
  '嘉定区政府',
  '浦东新区政府',
  '金山区政府',
  '松江区政府',
  '青浦区政府',
  '奉贤区政府',
  '崇明区政府',
];

const KEBAB_CODE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const expectedTaskRows: Array<{ measure: ExpectedMeasure; task: ExpectedTask; label: string }> = expectedMeasures.flatMap(
  (measure) =>
    measure.tasks.map((task) => ({
      measure,
      task,
      label: `measure ${measure.no} task ${task.seq} (gazette line ${task.line})`,
    })),
);

/** Every unit name printed in a lead or responsible cell, in first-appearance order. */
const namesInTable = [
  ...new Set(expectedMeasures.flatMap((m) => m.tasks.flatMap((t) => [...t.lead, ...t.responsible]))),
];

const ctx = useTestApp();
let measures: ApiMeasure[] = [];
let departments: ApiDepartment[] = [];

beforeAll(async () => {
  const measuresResponse = await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/measures' });
  expect(measuresResponse.statusCode, measuresResponse.body).toBe(200);
  measures = measuresResponse.json<{ items: ApiMeasure[] }>().items;

  const departmentsResponse = await ctx.app.inject({ method: 'GET', url: '/v1/departments' });
  expect(departmentsResponse.statusCode, departmentsResponse.body).toBe(200);
  departments = departmentsResponse.json<{ items: ApiDepartment[] }>().items;
});

function measureNo(no: number): ApiMeasure {
  const measure = measures.find((m) => m.no === no);
  if (!measure) throw new Error(`the API has no measure ${no}`);
  return measure;
}

function taskOf(no: number, seq: number): ApiTask {
  const task = measureNo(no).tasks.find((t) => t.seq === seq);
  if (!task) throw new Error(`the API has no task ${seq} in measure ${no}`);
  return task;
}

describe('the 分工表 as served by GET /v1/plans/hazchem-2017/measures', () => {
  it('has the transcription 31 measures and 39 task rows', () => {
    expect(expectedMeasures).toHaveLength(31);
    expect(expectedTaskRows).toHaveLength(39);
  });

  it('lists 31 measures numbered 1..31 in order', () => {
    expect(measures.map((m) => m.no)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
  });

  it('has 39 task rows in all', () => {
    expect(measures.reduce((sum, m) => sum + m.tasks.length, 0)).toBe(39);
  });

  it.each(expectedMeasures.map((m) => [m.no, m] as const))(
    'measure %i has the printed number of task rows, numbered from 1',
    (no, expected) => {
      const actual = measureNo(no);
      expect(actual.tasks.map((t) => t.seq), `measure ${no} task seqs`).toEqual(expected.tasks.map((t) => t.seq));
    },
  );

  it.each(expectedMeasures.map((m) => [m.no, m] as const))('measure %i has the printed title and category', (no, expected) => {
    const actual = measureNo(no);
    expect(actual.title, `measure ${no} title (gazette line ${expected.line})`).toBe(expected.title);
    expect(actual.category.ordinal, `measure ${no} category ordinal`).toBe(expected.category);
    expect(actual.category.title, `measure ${no} category title`).toBe(expectedCategories[expected.category]);
  });

  it('uses exactly the five printed category titles', () => {
    const served = new Map(measures.map((m) => [m.category.ordinal, m.category.title]));
    expect(Object.fromEntries(served)).toEqual(expectedCategories);
  });

  it('when the plan is fetched, it lists the same five categories in order', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017' });
    expect(response.statusCode, response.body).toBe(200);
    const { categories } = response.json<{ categories: Array<{ ordinal: number; title: string }> }>();
    expect(categories).toEqual(
      Object.entries(expectedCategories).map(([ordinal, title]) => ({ ordinal: Number(ordinal), title })),
    );
  });

  it.each(expectedTaskRows.map((row) => [row.label, row] as const))('%s matches the gazette', (label, { measure, task }) => {
    const actual = taskOf(measure.no, task.seq);
    expect(actual.content, `${label} content`).toBe(task.content);
    expect(
      actual.lead.map((d) => d.name),
      `${label} lead`,
    ).toEqual(task.lead);
    expect(actual.leadOpenEnded, `${label} leadOpenEnded`).toBe(task.leadOpenEnded);
    expect(
      actual.responsible.map((d) => d.name),
      `${label} responsible`,
    ).toEqual(task.responsible);
    expect(actual.responsibleOpenEnded, `${label} responsibleOpenEnded`).toBe(task.responsibleOpenEnded);
    expect(actual.note, `${label} note`).toBe(task.note);
  });
});

describe('the unit directory served by GET /v1/departments', () => {
  it('gives every unit a unique lower-kebab ASCII code', () => {
    const codes = departments.map((d) => d.code);
    const badCodes = codes.filter((code) => !KEBAB_CODE.test(code));
    expect(badCodes, 'codes that are not lower-kebab ASCII').toEqual([]);
    const duplicates = codes.filter((code, i) => codes.indexOf(code) !== i);
    expect(duplicates, 'duplicate codes').toEqual([]);
  });

  it.each(namesInTable)('resolves %s, as printed in the table, to exactly one unit', (name) => {
    const matches = departments.filter((d) => d.name === name);
    expect(
      matches.map((d) => d.code),
      `units named ${name}`,
    ).toHaveLength(1);
  });

  it('refers to units in the measures by the codes the directory gives them', () => {
    const codeByName = new Map(departments.map((d) => [d.name, d.code]));
    for (const measure of measures) {
      for (const task of measure.tasks) {
        for (const ref of [...task.lead, ...task.responsible]) {
          expect(ref.code, `measure ${measure.no} task ${task.seq}: code of ${ref.name}`).toBe(codeByName.get(ref.name));
        }
      }
    }
  });

  it('has 各区政府 as a collective whose members are exactly the 16 Shanghai district governments', () => {
    const all = departments.filter((d) => d.name === '各区政府');
    expect(all).toHaveLength(1);
    const [collective] = all;
    expect(collective?.kind).toBe('collective');
    const members = collective?.members.map((m) => m.name) ?? [];
    expect([...members].sort()).toEqual([...SHANGHAI_DISTRICT_GOVERNMENTS].sort());
    expect(members).toContain('金山区政府');
    expect(members).toContain('奉贤区政府');
  });

  it.each(SHANGHAI_DISTRICT_GOVERNMENTS)('lists %s as a district government that belongs to 各区政府', (name) => {
    const unit = departments.find((d) => d.name === name);
    expect(unit, `unit ${name}`).toBeDefined();
    expect(unit?.kind, `${name} kind`).toBe('district-government');
    expect(
      unit?.memberOf.map((m) => m.name),
      `${name} memberOf`,
    ).toContain('各区政府');
  });

  it.each(['各有关部门', '上海市油气管道保护和安全隐患整改工作领导小组各成员单位'])(
    'has %s as a collective with no listed members',
    (name) => {
      const unit = departments.find((d) => d.name === name);
      expect(unit, `unit ${name}`).toBeDefined();
      expect(unit?.kind, `${name} kind`).toBe('collective');
      expect(unit?.members, `${name} members`).toEqual([]);
    },
  );
});
