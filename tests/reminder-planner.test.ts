import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../src/db/client.js';
import { departments, reminders } from '../src/db/schema/index.js';
import type { Actor } from '../src/modules/audit/audit.service.js';
import { systemActor } from '../src/modules/audit/audit.service.js';
import { moveDeadline } from '../src/modules/periods/periods.service.js';
import { requirePlan } from '../src/modules/plans/plans.service.js';
import { loadPolicy, planReminders, type PlanScope } from '../src/modules/reminders/planner.js';
import { removeWebhook, setPolicy, setWebhook } from '../src/modules/reminders/reminders.service.js';
import { getReport, saveDraft, submit } from '../src/modules/reports/reports.service.js';
import { testClock } from './helpers/clock.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

/*
 * The reminder planner (src/modules/reminders/planner.ts) on the seeded plan, called as the
 * scheduler calls it: the whole plan (reconcile), one unit (its webhook was set or removed) or
 * one period (its deadline moved). No queue: these tests read the reminder rows it leaves.
 * One scenario in time order, as reminders.test.ts; the clock only moves forward.
 */

const PLAN = 'hazchem-2017';
const clock = testClock('2017-10-01T08:00:00+08:00');
let database: TestDatabase;
let handle: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = await database.open();
  // A unit the 分工表 names nowhere: it may file the 各有关部门 rows, but is owed no report.
  await handle.db.insert(departments).values({ code: 'archives', name: '市档案局', englishName: 'Municipal Archives Bureau', kind: 'municipal-department' });
});

afterAll(async () => {
  await handle?.close();
  await database?.drop();
});

const plan = (scope: Omit<PlanScope, 'plan'> = {}) => planReminders(handle.db, clock, null, { plan: PLAN, ...scope });

interface Row {
  id: number;
  periodId: string;
  departmentCode: string;
  kind: string;
  channel: string;
  status: string;
  sendAt: Date;
}

async function allRows(): Promise<Row[]> {
  return handle.db
    .select({ id: reminders.id, periodId: reminders.periodId, departmentCode: reminders.departmentCode, kind: reminders.kind, channel: reminders.channel, status: reminders.status, sendAt: reminders.sendAt })
    .from(reminders);
}

/** `kind: status sendAt` of one unit's reminders for one period and channel. */
async function schedule(department: string, period: string, channel = 'email') {
  const rows = (await allRows()).filter((row) => row.departmentCode === department && row.periodId === period && row.channel === channel);
  return Object.fromEntries(rows.sort((a, b) => a.id - b.id).map((row) => [row.kind, `${row.status} ${row.sendAt.toISOString()}`]));
}

/** The planned rows outside `except`, by id: what a scoped re-plan must leave alone. */
const plannedOutside = async (except: (row: Row) => boolean) =>
  (await allRows())
    .filter((row) => row.status === 'planned' && !except(row))
    .map((row) => `${row.id} ${row.sendAt.toISOString()}`)
    .sort();

const ids = (rows: { id: number }[]) => rows.map((row) => row.id).sort((a, b) => a - b);
const DEFAULT_Q3 = {
  'before-7d': 'planned 2017-10-06T01:00:00.000Z',
  'before-3d': 'planned 2017-10-10T01:00:00.000Z',
  'before-1d': 'planned 2017-10-12T01:00:00.000Z',
  'overdue-1': 'planned 2017-10-16T01:00:00.000Z',
  'overdue-2': 'planned 2017-10-23T01:00:00.000Z',
  'overdue-3': 'planned 2017-10-30T01:00:00.000Z',
  'overdue-4': 'planned 2017-11-06T01:00:00.000Z',
};

describe('planReminders', () => {
  it('plans the default schedule for every unit owed a report and every period still ahead, and returns the rows it left planned', async () => {
    const returned = await plan();
    const rows = await allRows();
    expect(ids(returned)).toEqual(ids(rows));
    expect(rows.every((row) => row.status === 'planned' && row.channel === 'email')).toBe(true);
    expect(await schedule('work-safety', '2017Q3')).toEqual(DEFAULT_Q3);
    // 2017Q2 was due in July and 2017's targets in March: nothing is planned into the past.
    expect([...new Set(rows.map((row) => row.periodId))].sort()).toEqual(
      ['2017Q3', '2017Q4', '2018-targets', '2018Q1', '2018Q2', '2018Q3', '2018Q4', '2019-targets', '2019Q1', '2019Q2', '2019Q3', 'summary'].sort(),
    );
  });

  it('plans nothing for the collectives (their members report) nor for a unit the 分工表 gives no required row', async () => {
    const planned = new Set((await allRows()).map((row) => row.departmentCode));
    for (const code of ['all-district-governments', 'all-relevant-departments', 'pipeline-leading-group-members', 'archives']) expect(planned.has(code), code).toBe(false);
    // The other 50 units of the directory carry at least one row each.
    expect(planned.size).toBe(50);
    expect(planned.has('jinshan-district')).toBe(true);
  });

  it('when nothing changed, re-planning keeps every row as it was', async () => {
    const snapshot = async () => (await allRows()).map((row) => `${row.id} ${row.status} ${row.sendAt.toISOString()}`).sort();
    const before = await snapshot();
    await plan();
    expect(await snapshot()).toEqual(before);
  });

  it('when a unit has submitted, re-planning cancels its reminders for that period and plans none again; other periods and units keep theirs', async () => {
    const actor: Actor = { tokenId: null, role: 'department', departmentCode: 'work-safety', requestId: null };
    const address = { plan: PLAN, period: '2017Q3', department: 'work-safety' };
    const { tasks } = await getReport(handle.db, address);
    const entries = tasks.filter((task) => task.required).map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress' as const, progress: 50, summary: '推进中。' }));
    await saveDraft(handle.db, actor, clock.now(), address, { entries: entries });
    await submit(handle.db, actor, clock.now(), address);

    const returned = await plan();
    expect(returned.some((row) => row.departmentCode === 'work-safety' && row.periodId === '2017Q3')).toBe(false);
    expect(Object.values(await schedule('work-safety', '2017Q3')).every((value) => value.startsWith('cancelled '))).toBe(true);
    expect(Object.keys(await schedule('work-safety', '2017Q3'))).toHaveLength(7);
    expect(await schedule('work-safety', '2017Q4')).toMatchObject({ 'before-7d': 'planned 2018-01-01T01:00:00.000Z' });
    expect(await schedule('public-security', '2017Q3')).toEqual(DEFAULT_Q3);
  });

  it('when a webhook is set after planning, re-planning that unit adds its webhook reminders still ahead and touches nothing else', async () => {
    // Exactly when the before-7d reminders of 2017Q3 are due: one due now is not planned anew.
    clock.set('2017-10-06T09:00:00+08:00');
    const others = await plannedOutside((row) => row.departmentCode === 'jinshan-district');
    const email = await schedule('jinshan-district', '2017Q3');
    await setWebhook(handle.db, systemActor, clock.now(), 'jinshan-district', 'http://127.0.0.1:9/hook', undefined, ['127.0.0.1/32']);

    const returned = await plan({ departmentCode: 'jinshan-district' });
    expect(new Set(returned.map((row) => row.departmentCode))).toEqual(new Set(['jinshan-district']));
    expect(returned.filter((row) => row.periodId === '2017Q4')).toHaveLength(14);
    // The e-mail reminder due now stays planned, for the worker to send.
    expect(await schedule('jinshan-district', '2017Q3')).toEqual(email);
    expect(await schedule('jinshan-district', '2017Q3', 'webhook')).toEqual({
      'before-3d': 'planned 2017-10-10T01:00:00.000Z',
      'before-1d': 'planned 2017-10-12T01:00:00.000Z',
      'overdue-1': 'planned 2017-10-16T01:00:00.000Z',
      'overdue-2': 'planned 2017-10-23T01:00:00.000Z',
      'overdue-3': 'planned 2017-10-30T01:00:00.000Z',
      'overdue-4': 'planned 2017-11-06T01:00:00.000Z',
    });
    expect(await plannedOutside((row) => row.departmentCode === 'jinshan-district')).toEqual(others);
  });

  it('when the webhook is removed, re-planning that unit cancels its webhook reminders and keeps its e-mails', async () => {
    const email = await schedule('jinshan-district', '2017Q4');
    await removeWebhook(handle.db, systemActor, clock.now(), 'jinshan-district');
    const returned = await plan({ departmentCode: 'jinshan-district' });
    expect(returned.every((row) => row.channel === 'email' && row.departmentCode === 'jinshan-district')).toBe(true);
    expect(Object.values(await schedule('jinshan-district', '2017Q4', 'webhook')).every((value) => value.startsWith('cancelled '))).toBe(true);
    expect(await schedule('jinshan-district', '2017Q4')).toEqual(email);
  });

  it('when a deadline moves earlier, re-planning that period cancels what would move into the past, keeps what was already due and moves the rest', async () => {
    clock.set('2017-10-11T08:00:00+08:00');
    const others = await plannedOutside((row) => row.periodId === '2017Q3');
    await moveDeadline(handle.db, systemActor, clock.now(), PLAN, '2017Q3', new Date('2017-10-11T17:00:00+08:00'));
    const returned = await plan({ periodId: '2017Q3' });
    expect(new Set(returned.map((row) => row.periodId))).toEqual(new Set(['2017Q3']));
    expect(await schedule('public-security', '2017Q3')).toEqual({
      // Due before the move and not sent yet: left for the worker.
      'before-7d': 'planned 2017-10-06T01:00:00.000Z',
      'before-3d': 'planned 2017-10-10T01:00:00.000Z',
      // Would now be 2017-10-10, already past: cancelled rather than sent late.
      'before-1d': 'cancelled 2017-10-12T01:00:00.000Z',
      // From the first working day after the new deadline (Thursday 12th), weekly.
      'overdue-1': 'planned 2017-10-12T01:00:00.000Z',
      'overdue-2': 'planned 2017-10-19T01:00:00.000Z',
      'overdue-3': 'planned 2017-10-26T01:00:00.000Z',
      'overdue-4': 'planned 2017-11-02T01:00:00.000Z',
    });
    expect(await plannedOutside((row) => row.periodId === '2017Q3')).toEqual(others);
  });

  it('reads the plan’s stored policy, or the default with the configured office address', async () => {
    const plan2017 = await requirePlan(handle.db, PLAN);
    expect(await loadPolicy(handle.db, plan2017, 'anwei@example.gov.cn')).toEqual({
      offsetsDays: [7, 3, 1],
      sendTime: '09:00',
      escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 4 },
      officeEmail: 'anwei@example.gov.cn',
    });
    const policy = { offsetsDays: [2], sendTime: '10:30', escalation: { afterWorkingDays: 2, everyDays: 3, maxCount: 1 }, officeEmail: 'office@example.gov.cn' };
    await setPolicy(handle.db, systemActor, clock.now(), PLAN, policy, null);
    expect(await loadPolicy(handle.db, plan2017, 'anwei@example.gov.cn')).toEqual(policy);
  });

  it('when the policy changed, re-planning one period gives it the new schedule and leaves the other periods as planned', async () => {
    const others = await plannedOutside((row) => row.periodId === '2017Q4');
    const returned = await plan({ periodId: '2017Q4' });
    expect(new Set(returned.map((row) => row.periodId))).toEqual(new Set(['2017Q4']));
    // Due Monday 2018-01-08: 2 days ahead is Saturday the 6th; the 2nd working day after is Wednesday the 10th. 10:30 Shanghai is 02:30Z.
    expect(await schedule('public-security', '2017Q4')).toEqual({
      'before-7d': 'cancelled 2018-01-01T01:00:00.000Z',
      'before-3d': 'cancelled 2018-01-05T01:00:00.000Z',
      'before-1d': 'cancelled 2018-01-07T01:00:00.000Z',
      'overdue-1': 'planned 2018-01-10T02:30:00.000Z',
      'overdue-2': 'cancelled 2018-01-16T01:00:00.000Z',
      'overdue-3': 'cancelled 2018-01-23T01:00:00.000Z',
      'overdue-4': 'cancelled 2018-01-30T01:00:00.000Z',
      'before-2d': 'planned 2018-01-06T02:30:00.000Z',
    });
    expect(await plannedOutside((row) => row.periodId === '2017Q4')).toEqual(others);
  });
});
