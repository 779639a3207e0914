import { describe, expect, it } from 'vitest';
import { useTestApp } from './helpers/test-app.js';

const ctx = useTestApp();
const get = (url: string) => ctx.app.inject({ method: 'GET', url });

interface Assignment {
  measureNo: number;
  taskSeq: number;
  role: string;
  via: { code: string } | null;
}

describe('GET /v1/departments', () => {
  it('lists 39 units named in the table plus the 14 district governments named only through 各区政府', async () => {
    const { items } = (await get('/v1/departments')).json();
    expect(items).toHaveLength(53);
    const ofKind = (kind: string) => items.filter((unit: { kind: string }) => unit.kind === kind);
    expect(ofKind('district-government')).toHaveLength(16);
    expect(ofKind('collective')).toHaveLength(3);
  });
});

describe('GET /v1/departments/{code}', () => {
  it('returns a district government with the collective it belongs to', async () => {
    const response = await get('/v1/departments/fengxian-district');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      code: 'fengxian-district',
      name: '奉贤区政府',
      englishName: 'Fengxian District Government',
      kind: 'district-government',
      members: [],
      memberOf: [{ code: 'all-district-governments', name: '各区政府' }],
    });
  });

  it('returns 各有关部门 as a collective without a fixed member list', async () => {
    const unit = (await get('/v1/departments/all-relevant-departments')).json();
    expect(unit).toMatchObject({ name: '各有关部门', kind: 'collective', members: [] });
  });

  it('when the code is unknown, answers 404; when malformed, 400', async () => {
    expect((await get('/v1/departments/no-such-unit')).statusCode).toBe(404);
    const malformed = await get('/v1/departments/%E5%B8%82');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].path).toBe('params.code');
  });
});

describe('GET /v1/departments/{code}/assignments', () => {
  it('lists what 金山区政府 carries: measure 7 through 各区政府 and measure 9 row 2 directly', async () => {
    const response = await get('/v1/departments/jinshan-district/assignments?plan=hazchem-2017');
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.department).toEqual({ code: 'jinshan-district', name: '金山区政府' });
    expect(body.items.map(({ measureNo, taskSeq, role, via }: Assignment) => ({ measureNo, taskSeq, role, via: via?.code ?? null }))).toEqual([
      { measureNo: 7, taskSeq: 1, role: 'responsible', via: 'all-district-governments' },
      { measureNo: 9, taskSeq: 2, role: 'responsible', via: null },
    ]);
  });

  it('lists both roles of a unit that leads and is responsible (市经济信息化委 in measure 4)', async () => {
    const { items } = (await get('/v1/departments/economy-informatization/assignments')).json();
    const measure4 = items.filter((item: Assignment) => item.measureNo === 4).map((item: Assignment) => item.role);
    expect(measure4).toEqual(['lead', 'responsible']);
  });

  it('counts every row that names 市安全监管局: 33 cells, 9 of them as lead', async () => {
    const { items } = (await get('/v1/departments/work-safety/assignments')).json();
    expect(items).toHaveLength(33);
    const leads = items.filter((item: Assignment) => item.role === 'lead').map((item: Assignment) => item.measureNo);
    expect(leads).toEqual([2, 6, 8, 10, 24, 26, 27, 28, 30]);
  });

  it('when the plan is unknown, answers 404; when the department is unknown, 404', async () => {
    expect((await get('/v1/departments/work-safety/assignments?plan=nope')).statusCode).toBe(404);
    expect((await get('/v1/departments/nope/assignments')).statusCode).toBe(404);
  });
});
