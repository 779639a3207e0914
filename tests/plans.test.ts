import { describe, expect, it } from 'vitest';
import { useTestApp } from './helpers/test-app.js';

const ctx = useTestApp();
const get = (url: string) => ctx.app.inject({ method: 'GET', url });

describe('GET /v1/plans', () => {
  it('lists the seeded plan with its document number and issue date', async () => {
    const response = await get('/v1/plans');
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual([
      {
        code: 'hazchem-2017',
        title: '上海市危险化学品安全综合治理实施方案',
        documentNo: '沪府办发〔2017〕25号',
        issuer: '上海市人民政府办公厅',
        issuedOn: '2017-04-05',
      },
    ]);
  });
});

describe('GET /v1/plans/{plan}', () => {
  it('returns the five categories and the three phases with the two stages of 整治阶段', async () => {
    const response = await get('/v1/plans/hazchem-2017');
    expect(response.statusCode).toBe(200);
    const plan = response.json();
    expect(plan.categories.map((category: { ordinal: number }) => category.ordinal)).toEqual([1, 2, 3, 4, 5]);
    expect(plan.phases).toEqual([
      { code: 'deployment', name: '部署阶段', startsOn: '2017-03-01', endsOn: '2017-03-31', stages: [] },
      {
        code: 'rectification',
        name: '整治阶段',
        startsOn: '2017-03-01',
        endsOn: '2019-10-31',
        stages: [
          { code: 'in-depth-rectification', name: '深入整治', startsOn: '2017-03-01', endsOn: '2018-03-31' },
          { code: 'deepening-improvement', name: '深化提升', startsOn: '2018-04-01', endsOn: '2019-10-31' },
        ],
      },
      { code: 'summary', name: '总结阶段', startsOn: '2019-11-01', endsOn: '2019-11-30', stages: [] },
    ]);
  });

  it('when the plan does not exist, answers 404 problem+json', async () => {
    const response = await get('/v1/plans/hazchem-2099');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 404, code: 'NOT_FOUND', instance: '/v1/plans/hazchem-2099' });
  });

  it('when the plan code is not a code, answers 400 naming params.plan', async () => {
    const response = await get('/v1/plans/HAZCHEM%202017');
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ path: 'params.plan' })]);
  });
});

describe('GET /v1/plans/{plan}/measures', () => {
  it('returns the 31 measures in order with 39 task rows', async () => {
    const response = await get('/v1/plans/hazchem-2017/measures');
    expect(response.statusCode).toBe(200);
    const { items } = response.json();
    expect(items.map((measure: { no: number }) => measure.no)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect(items.flatMap((measure: { tasks: unknown[] }) => measure.tasks)).toHaveLength(39);
  });

  it('serves only the documented fields (no database ids)', async () => {
    const { items } = (await get('/v1/plans/hazchem-2017/measures')).json();
    expect(Object.keys(items[0]).sort()).toEqual(['category', 'no', 'tasks', 'title']);
    expect(Object.keys(items[0].tasks[0]).sort()).toEqual(['content', 'lead', 'leadOpenEnded', 'note', 'responsible', 'responsibleOpenEnded', 'seq']);
  });

  it('sends an ETag and answers a matching If-None-Match with 304 and no body', async () => {
    const first = await get('/v1/plans/hazchem-2017/measures');
    expect(first.headers.etag).toMatch(/^"[\w-]+"$/);
    const again = await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/measures', headers: { 'if-none-match': first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const filtered = await get('/v1/plans/hazchem-2017/measures?category=2');
    expect(filtered.headers.etag).not.toBe(first.headers.etag);
  });

  it('with ?category=3, returns measures 14 to 18 only', async () => {
    const { items } = (await get('/v1/plans/hazchem-2017/measures?category=3')).json();
    expect(items.map((measure: { no: number }) => measure.no)).toEqual([14, 15, 16, 17, 18]);
  });

  it('with ?department=jinshan-district, returns measure 7 (through 各区政府) and measure 9 (named directly)', async () => {
    const { items } = (await get('/v1/plans/hazchem-2017/measures?department=jinshan-district')).json();
    expect(items.map((measure: { no: number }) => measure.no)).toEqual([7, 9]);
  });

  it('with ?department=shanghai-msa, returns measure 12 only, with all three of its rows', async () => {
    const { items } = (await get('/v1/plans/hazchem-2017/measures?department=shanghai-msa')).json();
    expect(items.map((measure: { no: number }) => measure.no)).toEqual([12]);
    expect(items[0].tasks).toHaveLength(3);
  });

  it('combines the category and department filters', async () => {
    const { items } = (await get('/v1/plans/hazchem-2017/measures?category=5&department=finance')).json();
    expect(items.map((measure: { no: number }) => measure.no)).toEqual([28]);
  });

  it.each([
    ['category=abc', 'query.category'],
    ['category=0', 'query.category'],
    ['category=9', 'query.category'],
    ['department=Not_A_Code', 'query.department'],
    ['department=no-such-unit', 'query.department'],
  ])('with ?%s, answers 400 naming %s', async (query, path) => {
    const response = await get(`/v1/plans/hazchem-2017/measures?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json().errors.map((error: { path: string }) => error.path)).toEqual([path]);
  });
});

describe('GET /v1/plans/{plan}/measures/{no}', () => {
  it('returns one measure with its category', async () => {
    const response = await get('/v1/plans/hazchem-2017/measures/12');
    expect(response.statusCode).toBe(200);
    const measure = response.json();
    expect(measure).toMatchObject({ no: 12, title: '加强危险化学品运输安全管控', category: { ordinal: 2 } });
    expect(measure.tasks[2]).toMatchObject({
      seq: 3,
      lead: [{ code: 'shanghai-customs', name: '上海海关' }],
      responsible: [{ code: 'all-relevant-departments', name: '各有关部门' }],
    });
  });

  it('for 32, answers 404', async () => {
    const response = await get('/v1/plans/hazchem-2017/measures/32');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'Plan hazchem-2017 has no measure 32' });
  });

  it.each(['abc', '0', '1.5', '-1'])('for %s, answers 400 naming params.no', async (no) => {
    const response = await get(`/v1/plans/hazchem-2017/measures/${no}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ path: 'params.no' }] });
  });
});

describe('unknown routes', () => {
  it('answer 404 problem+json with the request id', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: { 'x-request-id': 'trace-42' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('trace-42');
    expect(response.json()).toMatchObject({ status: 404, requestId: 'trace-42' });
  });
});
