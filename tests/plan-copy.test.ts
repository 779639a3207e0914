import chineseDays from 'chinese-days';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../src/db/client.js';
import { monthsBetween, quarterOf, shiftDay, shiftReportingRule } from '../src/modules/plans/plan-copy.js';
import { drivers, useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

describe('date shifting (pure)', () => {
  it('counts whole months and keeps month ends month ends', () => {
    expect(monthsBetween('2017-03-01', '2027-03-01')).toBe(120);
    expect(monthsBetween('2017-03-01', '2016-12-01')).toBe(-3);
    expect(shiftDay('2019-10-31', 120)).toBe('2029-10-31');
    expect(shiftDay('2018-03-31', 119)).toBe('2028-02-29');
    expect(shiftDay('2017-04-30', 1)).toBe('2017-05-31');
    expect(shiftDay('2017-01-30', 1)).toBe('2017-02-28');
    expect(shiftDay('2017-04-05', -4)).toBe('2016-12-05');
    expect(quarterOf('2027-01-01')).toBe('2027Q1');
  });

  it('moves the quarters of the reporting rule to calendar quarters', () => {
    const rule = {
      timeZone: 'Asia/Shanghai',
      quarterly: { first: '2017Q2', last: '2019Q3', dueWorkingDaysAfterEnd: 5, dueTime: '17:00' },
      summary: { phase: 'summary', dueTime: '17:00' },
    };
    expect(shiftReportingRule(rule, 120).quarterly).toEqual({ ...rule.quarterly, first: '2027Q2', last: '2029Q3' });
    expect(shiftReportingRule(rule, 117).quarterly).toMatchObject({ first: '2027Q1', last: '2029Q2' });
    expect(shiftReportingRule(rule, -1).quarterly).toMatchObject({ first: '2017Q1', last: '2019Q3' });
  });
});

/* Every flow runs on Postgres and on the embedded PGlite that `npm start` uses without DATABASE_URL. */
describe.each(drivers)('on %s', (driver) => {
  const ctx = useTestApp({ driver });
  let office: { authorization: string };

  beforeAll(async () => {
    office = await bearer(ctx.app, 'office');
  });

  const copy = (payload: unknown, headers: Record<string, string> = office) =>
    ctx.app.inject({ method: 'POST', url: '/v1/plans', headers, payload: payload as Record<string, unknown> });

  const getJson = async (url: string, headers: Record<string, string> = {}) => {
    const response = await ctx.app.inject({ method: 'GET', url, headers });
    expect(response.statusCode, `GET ${url}: ${response.body}`).toBe(200);
    return response.json();
  };

  /** What the office expects: 17:00 Beijing time on a day worked out with chinese-days itself. */
  const at1700 = (day: string) => `${day}T17:00:00+08:00`;

  /** Row counts of every table a copy writes, and the audit log. */
  async function snapshot() {
    const [row] = await selectRows(
      ctx.app.db,
      sql`select
        (select count(*) from plans)::int as plans,
        (select count(*) from plan_phases)::int as phases,
        (select count(*) from categories)::int as categories,
        (select count(*) from measures)::int as measures,
        (select count(*) from tasks)::int as tasks,
        (select count(*) from task_assignments)::int as assignments,
        (select count(*) from reporting_periods)::int as periods,
        (select count(*) from audit_log)::int as audit`,
    );
    return row;
  }


  describe('POST /v1/plans rejects, and stores nothing', () => {
    const valid = { code: 'hazchem-2027', copyFrom: 'hazchem-2017', startsOn: '2027-03-01' };
    let before: Awaited<ReturnType<typeof snapshot>>;
    let department: { authorization: string };
    beforeAll(async () => {
      // Issuing a token is itself audited, so it happens before the snapshot.
      department = await bearer(ctx.app, 'department', 'work-safety');
      before = await snapshot();
    });

    it('a code that exists is 409', async () => {
      const response = await copy({ ...valid, code: 'hazchem-2017' });
      expect(response.statusCode, response.body).toBe(409);
      expect(response.json()).toMatchObject({ code: 'CONFLICT' });
    });

    it('an unknown copyFrom is 404', async () => {
      const response = await copy({ ...valid, copyFrom: 'hazchem-1999' });
      expect(response.statusCode, response.body).toBe(404);
      expect(response.json()).toMatchObject({ code: 'NOT_FOUND' });
    });

    it.each([
      ['startsOn not the first of a month', { startsOn: '2027-03-15' }, 'body.startsOn'],
      ['startsOn not a date', { startsOn: '2027-02-30' }, 'body.startsOn'],
      ['startsOn far outside any campaign', { startsOn: '0050-03-01' }, 'body.startsOn'],
      ['a code that is not lower-kebab', { code: 'Hazchem 2027' }, 'body.code'],
      ['an empty title', { title: ' ' }, 'body.title'],
      ['a NUL in the issuer', { issuer: 'a\u0000b' }, 'body.issuer'],
      ['an unknown property', { endsOn: '2029-11-30' }, 'body'],
    ])('%s is 400', async (_name, change, path) => {
      const response = await copy({ ...valid, ...change });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().errors.map((error: { path: string }) => error.path)).toContain(path);
    });

    it('a department token is 403, no token 401', async () => {
      expect((await copy(valid, department)).statusCode).toBe(403);
      const response = await copy(valid, {});
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
    });

    it('after all of the above, nothing changed: GET /v1/plans lists only hazchem-2017', async () => {
      expect(await snapshot()).toEqual(before);
      const { items } = await getJson('/v1/plans');
      expect(items.map((plan: { code: string }) => plan.code)).toEqual(['hazchem-2017']);
    });
  });

  describe('POST /v1/plans copies hazchem-2017 to hazchem-2027 starting 2027-03-01', () => {
    let response: Awaited<ReturnType<typeof copy>>;
    beforeAll(async () => {
      response = await copy({ code: 'hazchem-2027', copyFrom: 'hazchem-2017', startsOn: '2027-03-01' });
    });

    it('answers 201 with the new plan, as GET /v1/plans/{code} serves it, and its location', async () => {
      expect(response.statusCode, response.body).toBe(201);
      expect(response.headers.location).toBe('/v1/plans/hazchem-2027');
      expect(response.json()).toEqual(await getJson('/v1/plans/hazchem-2027'));
      const source = await getJson('/v1/plans/hazchem-2017');
      expect(response.json()).toMatchObject({
        code: 'hazchem-2027',
        title: source.title,
        documentNo: source.documentNo,
        issuer: source.issuer,
        issuedOn: '2027-04-05',
        categories: source.categories,
      });
    });

    it('moves every phase and stage by exactly 120 months', async () => {
      const { phases } = await getJson('/v1/plans/hazchem-2027');
      expect(phases).toEqual([
        { code: 'deployment', name: '部署阶段', startsOn: '2027-03-01', endsOn: '2027-03-31', stages: [] },
        {
          code: 'rectification',
          name: '整治阶段',
          startsOn: '2027-03-01',
          endsOn: '2029-10-31',
          stages: [
            { code: 'in-depth-rectification', name: '深入整治', startsOn: '2027-03-01', endsOn: '2028-03-31' },
            { code: 'deepening-improvement', name: '深化提升', startsOn: '2028-04-01', endsOn: '2029-10-31' },
          ],
        },
        { code: 'summary', name: '总结阶段', startsOn: '2029-11-01', endsOn: '2029-11-30', stages: [] },
      ]);
    });

    it('copies the 分工表 unchanged: 31 measures, 39 rows, units, 等 flags and notes', async () => {
      const copied = (await getJson('/v1/plans/hazchem-2027/measures')).items;
      expect(copied).toHaveLength(31);
      expect(copied.flatMap((measure: { tasks: unknown[] }) => measure.tasks)).toHaveLength(39);
      expect(copied).toEqual((await getJson('/v1/plans/hazchem-2017/measures')).items);
    });

    it('gives a unit the same assignments in the new plan', async () => {
      const rows = async (plan: string) =>
        (await getJson(`/v1/departments/jinshan-district/assignments?plan=${plan}`)).items.map(
          // Task ids are database ids of the copied rows; everything the unit reads is the same.
          ({ taskId: _taskId, ...row }: { taskId: number }) => row,
        );
      const original = await rows('hazchem-2017');
      expect(original.length).toBeGreaterThan(0);
      expect(await rows('hazchem-2027')).toEqual(original);
    });

    it('derives 2027Q2..2029Q3 and the summary, due on the 5th working day after each quarter, and each year’s targets', async () => {
      const { items } = await getJson('/v1/plans/hazchem-2027/periods', office);
      expect(items).toHaveLength(14);
      expect(items.map((period: { id: string }) => period.id)).toEqual([
        ...['2027-targets', '2027Q2', '2027Q3', '2027Q4', '2028-targets', '2028Q1', '2028Q2', '2028Q3', '2028Q4', '2029-targets', '2029Q1', '2029Q2', '2029Q3'],
        'summary',
      ]);
      const byId = Object.fromEntries(items.map((period: { id: string }) => [period.id, period]));
      for (const [id, quarterEnd] of [
        ['2027Q2', '2027-06-30'],
        ['2027Q3', '2027-09-30'],
        ['2028Q4', '2028-12-31'],
      ] as const) {
        expect(byId[id]).toMatchObject({ dueAt: at1700(chineseDays.findWorkday(5, quarterEnd)), deadlineMoved: false });
      }
      const lastDay = chineseDays.isWorkday('2029-11-30') ? '2029-11-30' : chineseDays.findWorkday(-1, '2029-11-30');
      expect(byId.summary).toMatchObject({ startsOn: '2029-11-01', endsOn: '2029-11-30', dueAt: at1700(lastDay), phase: { name: '总结阶段' } });
      expect(byId['2028Q1']).toMatchObject({ startsOn: '2028-01-01', endsOn: '2028-03-31', stage: { name: '深入整治' } });
      expect(byId['2028Q2']).toMatchObject({ stage: { name: '深化提升' } });
      // The moved plan starts on 2027-03-01: its first targets open then, due at the end of 2027Q1.
      const lastOfMarch = (year: number) => (chineseDays.isWorkday(`${year}-03-31`) ? `${year}-03-31` : chineseDays.findWorkday(-1, `${year}-03-31`));
      expect(byId['2027-targets']).toMatchObject({ kind: 'targets', startsOn: '2027-03-01', dueAt: at1700(lastOfMarch(2027)) });
      expect(byId['2028-targets']).toMatchObject({ kind: 'targets', startsOn: '2028-01-01', dueAt: at1700(lastOfMarch(2028)) });
      for (const period of items) expect(period.dueAt).toMatch(/T17:00:00\+08:00$/);
    });

    it('keeps the rule and moves its quarters', async () => {
      const { reportingRule } = await getJson('/v1/plans/hazchem-2027');
      expect(reportingRule).toEqual({
        timeZone: 'Asia/Shanghai',
        quarterly: { first: '2027Q2', last: '2029Q3', dueWorkingDaysAfterEnd: 5, dueTime: '17:00' },
        summary: { phase: 'summary', dueTime: '17:00' },
        targets: { dueTime: '17:00' },
      });
    });

    it('warns, in its answer and in /periods, that deadlines in years the holiday calendar does not cover count weekends only', async () => {
      // chinese-days 1.5.7 knows 2004–2026; the years it does not know yet are the ones to warn about.
      const unknownYears = [2027, 2028, 2029].filter((year) => chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length === 0);
      expect(unknownYears).not.toEqual([]);
      const warning = { code: 'CALENDAR_NOT_COVERED', years: unknownYears, message: expect.stringMatching(/weekends/) };
      expect(response.json().warnings).toEqual([warning]);
      expect((await getJson('/v1/plans/hazchem-2027/periods', office)).warnings).toEqual([warning]);
      expect(response.json().warnings[0].message).toContain(unknownYears.join(', '));
    });

    it('gives no warning for the seeded plan, whose years the calendar covers', async () => {
      expect((await getJson('/v1/plans/hazchem-2017')).warnings).toEqual([]);
      expect((await getJson('/v1/plans/hazchem-2017/periods', office)).warnings).toEqual([]);
    });

    it('leaves the source plan as it was', async () => {
      expect((await getJson('/v1/plans/hazchem-2017')).phases[0]).toMatchObject({ startsOn: '2017-03-01', endsOn: '2017-03-31' });
      expect((await getJson('/v1/plans/hazchem-2017/periods', office)).items.slice(0, 2)).toMatchObject([{ id: '2017-targets' }, { id: '2017Q2' }]);
    });

    it('is audited as plan.copy by the office token', async () => {
      const { items } = await getJson('/v1/audit?action=plan.copy', office);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({
        entityType: 'plan',
        entityId: 'hazchem-2027',
        before: null,
        after: { copyFrom: 'hazchem-2017', shiftMonths: 120, copied: { measures: 31, tasks: 39 } },
        actor: { role: 'office' },
      });
    });

    it('a second copy to the same code is 409 and changes nothing', async () => {
      const before = await snapshot();
      const again = await copy({ code: 'hazchem-2027', copyFrom: 'hazchem-2017', startsOn: '2030-03-01' });
      expect(again.statusCode, again.body).toBe(409);
      expect(await snapshot()).toEqual(before);
      expect((await getJson('/v1/plans/hazchem-2027')).phases[0].startsOn).toBe('2027-03-01');
    });
  });

  describe('a move that is not a multiple of 3 months (start 2026-12-01, 117 months)', () => {
    let response: Awaited<ReturnType<typeof copy>>;
    beforeAll(async () => {
      response = await copy({ code: 'hazchem-2026-12', copyFrom: 'hazchem-2017', startsOn: '2026-12-01', title: '试点方案' });
    });

    it('moves the phases by whole months, month ends staying month ends', async () => {
      expect(response.statusCode, response.body).toBe(201);
      const plan = response.json();
      expect(plan).toMatchObject({ title: '试点方案', issuedOn: '2027-01-05' });
      expect(plan.phases.map((phase: { startsOn: string; endsOn: string }) => [phase.startsOn, phase.endsOn])).toEqual([
        ['2026-12-01', '2026-12-31'],
        ['2026-12-01', '2029-07-31'],
        ['2029-08-01', '2029-08-31'],
      ]);
      expect(plan.phases[1].stages.map((stage: { startsOn: string; endsOn: string }) => [stage.startsOn, stage.endsOn])).toEqual([
        ['2026-12-01', '2027-12-31'],
        ['2028-01-01', '2029-07-31'],
      ]);
    });

    it('reports on calendar quarters 2027Q1..2029Q2', async () => {
      expect(response.json().reportingRule.quarterly).toMatchObject({ first: '2027Q1', last: '2029Q2' });
      const { items } = await getJson('/v1/plans/hazchem-2026-12/periods', office);
      const quarters = items.filter((period: { kind: string }) => period.kind === 'quarterly');
      expect(quarters).toHaveLength(10);
      expect(quarters[0]).toMatchObject({ id: '2027Q1', startsOn: '2027-01-01', endsOn: '2027-03-31' });
      expect(quarters.at(-1)).toMatchObject({ id: '2029Q2', startsOn: '2029-04-01', endsOn: '2029-06-30' });
      for (const quarter of quarters) {
        const [year, q] = quarter.id.split('Q').map(Number);
        const firstMonth = String((q - 1) * 3 + 1).padStart(2, '0');
        expect(quarter.startsOn).toBe(`${year}-${firstMonth}-01`);
        expect(quarter.dueAt).toBe(at1700(chineseDays.findWorkday(5, quarter.endsOn)));
      }
      expect(items.at(-1)).toMatchObject({ id: 'summary', startsOn: '2029-08-01', endsOn: '2029-08-31' });
    });

    it('GET /v1/plans lists the three plans', async () => {
      const { items } = await getJson('/v1/plans');
      expect(items.map((plan: { code: string }) => plan.code).sort()).toEqual(['hazchem-2017', 'hazchem-2026-12', 'hazchem-2027']);
    });
  });
});
