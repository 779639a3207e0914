import { describe, expect, it } from 'vitest';
import { seedDatabase } from '../seed/seed.js';
import { derivePeriods } from '../src/modules/periods/deadlines.js';
import { bearer } from './helpers/tokens.js';
import { useTestApp } from './helpers/test-app.js';

const ctx = useTestApp();

/**
 * Default deadlines, worked out by hand from the State Council's holiday notices for 2017–2019:
 * 17:00 on the 5th working day after the quarter, weekends, holidays and 调休 make-up days counted.
 */
const expectedDeadlines = {
  '2017-targets': '2017-03-31T17:00:00+08:00', // the end of the 部署阶段, a Friday
  '2017Q2': '2017-07-07T17:00:00+08:00',
  '2017Q3': '2017-10-13T17:00:00+08:00', // 国庆 + 中秋 Oct 1–8 off; Sep 30 (Sat) was a working day but is inside the quarter
  '2017Q4': '2018-01-08T17:00:00+08:00', // 元旦 Jan 1 off
  '2018-targets': '2018-03-30T17:00:00+08:00', // Saturday Mar 31 is no working day
  '2018Q1': '2018-04-09T17:00:00+08:00', // 清明 Apr 5–7 off, Sunday Apr 8 worked
  '2018Q2': '2018-07-06T17:00:00+08:00',
  '2018Q3': '2018-10-12T17:00:00+08:00', // 国庆 Oct 1–7 off
  '2018Q4': '2019-01-08T17:00:00+08:00', // 元旦 Dec 30–Jan 1 off
  '2019-targets': '2019-03-29T17:00:00+08:00', // Sunday Mar 31, so Friday Mar 29
  '2019Q1': '2019-04-08T17:00:00+08:00', // 清明 Friday Apr 5 off
  '2019Q2': '2019-07-05T17:00:00+08:00',
  '2019Q3': '2019-10-12T17:00:00+08:00', // 国庆 Oct 1–7 off, Saturday Oct 12 worked
  summary: '2019-11-29T17:00:00+08:00', // last working day of 总结阶段 (2019-11)
};

describe('GET /v1/plans/{plan}/periods', () => {
  it('lists 2017Q2..2019Q3, the summary and each year’s targets in deadline order, with deadlines from the official holiday calendar', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/periods', headers: await bearer(ctx.app, 'office') });
    expect(response.statusCode).toBe(200);
    const { items } = response.json();
    expect(Object.fromEntries(items.map((period: { id: string; dueAt: string }) => [period.id, period.dueAt]))).toEqual(expectedDeadlines);
    expect(items.map((period: { id: string }) => period.id)).toEqual(Object.keys(expectedDeadlines));
  });

  it('places each period in its phase and stage', async () => {
    const { items } = (await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/periods', headers: await bearer(ctx.app, 'office') })).json();
    const byId = Object.fromEntries(items.map((period: { id: string }) => [period.id, period]));
    expect(byId['2017Q2']).toMatchObject({ kind: 'quarterly', startsOn: '2017-04-01', endsOn: '2017-06-30', phase: { name: '整治阶段' }, stage: { name: '深入整治' } });
    expect(byId['2018Q1']).toMatchObject({ stage: { name: '深入整治' } });
    expect(byId['2018Q2']).toMatchObject({ stage: { name: '深化提升' } });
    expect(byId['summary']).toMatchObject({ kind: 'summary', startsOn: '2019-11-01', endsOn: '2019-11-30', phase: { name: '总结阶段' }, stage: null });
  });

  it('opens each year’s targets on January 1 (2017: the plan’s first day) and ends them on their due day', async () => {
    const { items } = (await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/periods', headers: await bearer(ctx.app, 'office') })).json();
    const byId = Object.fromEntries(items.map((period: { id: string }) => [period.id, period]));
    expect(byId['2017-targets']).toMatchObject({ kind: 'targets', startsOn: '2017-03-01', endsOn: '2017-03-31', phase: { name: '整治阶段' } });
    expect(byId['2018-targets']).toMatchObject({ kind: 'targets', startsOn: '2018-01-01', endsOn: '2018-03-30' });
    expect(byId['2019-targets']).toMatchObject({ kind: 'targets', startsOn: '2019-01-01', endsOn: '2019-03-29' });
  });

  it('a department may read the calendar too', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/periods', headers: await bearer(ctx.app, 'department', 'education') });
    expect(response.statusCode).toBe(200);
  });
});

describe('PATCH /v1/plans/{plan}/periods/{period}', () => {
  it('when the office moves a deadline, serves the new one, keeps the default, and audits the change', async () => {
    const office = await bearer(ctx.app, 'office');
    const response = await ctx.app.inject({
      method: 'PATCH',
      url: '/v1/plans/hazchem-2017/periods/2017Q3',
      headers: office,
      payload: { dueAt: '2017-10-20T09:00:00Z' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ dueAt: '2017-10-20T17:00:00+08:00', defaultDueAt: '2017-10-13T17:00:00+08:00', deadlineMoved: true });

    const audit = (await ctx.app.inject({ method: 'GET', url: '/v1/audit?action=period.deadline', headers: office })).json();
    expect(audit.items[0]).toMatchObject({
      entityId: 'hazchem-2017/2017Q3',
      before: { dueAt: '2017-10-13T09:00:00.000Z' },
      after: { dueAt: '2017-10-20T09:00:00.000Z' },
      actor: { role: 'office' },
    });
  });

  it('when the seed runs again, the moved deadline stays moved', async () => {
    await seedDatabase(ctx.app.db);
    const { items } = (await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/periods', headers: await bearer(ctx.app, 'office') })).json();
    expect(items.find((period: { id: string }) => period.id === '2017Q3')).toMatchObject({ dueAt: '2017-10-20T17:00:00+08:00', deadlineMoved: true });
  });

  it('with dueAt null, puts the default back', async () => {
    const response = await ctx.app.inject({
      method: 'PATCH',
      url: '/v1/plans/hazchem-2017/periods/2017Q3',
      headers: await bearer(ctx.app, 'office'),
      payload: { dueAt: null },
    });
    expect(response.json()).toMatchObject({ dueAt: '2017-10-13T17:00:00+08:00', deadlineMoved: false });
  });

  it('when the new deadline falls before the end of the period, answers 422 with the field path and keeps the deadline', async () => {
    const office = await bearer(ctx.app, 'office');
    const response = await ctx.app.inject({ method: 'PATCH', url: '/v1/plans/hazchem-2017/periods/2017Q3', headers: office, payload: { dueAt: '2017-09-30T23:59:59+08:00' } });
    expect(response.statusCode, response.body).toBe(422);
    expect(response.json().errors).toEqual([{ path: 'body.dueAt', message: expect.stringContaining('2017-10-01T00:00:00+08:00') }]);
    const { items } = (await ctx.app.inject({ method: 'GET', url: '/v1/plans/hazchem-2017/periods', headers: office })).json();
    expect(items.find((period: { id: string }) => period.id === '2017Q3')).toMatchObject({ dueAt: '2017-10-13T17:00:00+08:00' });
    const atTheEnd = await ctx.app.inject({ method: 'PATCH', url: '/v1/plans/hazchem-2017/periods/2017Q3', headers: office, payload: { dueAt: '2017-10-01T00:00:00+08:00' } });
    expect(atTheEnd.json()).toMatchObject({ dueAt: '2017-10-01T00:00:00+08:00' });
    await ctx.app.inject({ method: 'PATCH', url: '/v1/plans/hazchem-2017/periods/2017Q3', headers: office, payload: { dueAt: null } });
  });

  it('moves a targets deadline within its year, and refuses one outside it with 422 on body.dueAt', async () => {
    const office = await bearer(ctx.app, 'office');
    const moved = await ctx.app.inject({ method: 'PATCH', url: '/v1/plans/hazchem-2017/periods/2018-targets', headers: office, payload: { dueAt: '2018-03-20T17:00:00+08:00' } });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ id: '2018-targets', dueAt: '2018-03-20T17:00:00+08:00', defaultDueAt: '2018-03-30T17:00:00+08:00', deadlineMoved: true });
    for (const dueAt of ['2017-12-31T23:59:59+08:00', '2019-01-01T00:00:00+08:00']) {
      const refused = await ctx.app.inject({ method: 'PATCH', url: '/v1/plans/hazchem-2017/periods/2018-targets', headers: office, payload: { dueAt } });
      expect(refused.statusCode, dueAt).toBe(422);
      expect(refused.json().errors).toEqual([{ path: 'body.dueAt', message: expect.stringContaining('2018-01-01T00:00:00+08:00') }]);
    }
    await ctx.app.inject({ method: 'PATCH', url: '/v1/plans/hazchem-2017/periods/2018-targets', headers: office, payload: { dueAt: null } });
  });

  it('for an unknown period, answers 404', async () => {
    const response = await ctx.app.inject({
      method: 'PATCH',
      url: '/v1/plans/hazchem-2017/periods/2016Q1',
      headers: await bearer(ctx.app, 'office'),
      payload: { dueAt: null },
    });
    expect(response.statusCode).toBe(404);
  });
});

describe('derivePeriods', () => {
  it('follows the rule it is given: 3 working days, 09:30, another time zone', () => {
    const periods = derivePeriods(
      { timeZone: 'Asia/Tokyo', quarterly: { first: '2019Q3', last: '2019Q4', dueWorkingDaysAfterEnd: 3, dueTime: '09:30' }, summary: { phase: 'wrap-up', dueTime: '12:00' } },
      [{ code: 'wrap-up', name: '总结阶段', parentCode: null, startsOn: '2020-02-01', endsOn: '2020-02-29' }],
    );
    expect(periods.map((period) => [period.id, period.defaultDueAt.toISOString()])).toEqual([
      // No targets rule (a rule stored before targets existed): the quarterly time. The plan's first
      // day is in 2020, so 2019's targets open on Jan 1 and are due at the end of 2019Q1.
      ['2019-targets', '2019-03-29T00:30:00.000Z'],
      ['2019Q3', '2019-10-10T00:30:00.000Z'], // Oct 8, 9, 10 after 国庆
      ['2019Q4', '2020-01-06T00:30:00.000Z'], // Jan 2, 3, 6 after 元旦
      ['summary', '2020-02-28T03:00:00.000Z'], // Feb 29 is a Saturday
    ]);
  });
});
