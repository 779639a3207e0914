import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeReminder, type ReminderMessageInput } from '../src/modules/reminders/message.js';
import { testClock } from './helpers/clock.js';
import { advanceTo as advanceToShared, useReminderApp } from './helpers/reminder-harness.js';
import { drivers } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

describe('the time left in a reminder', () => {
  const input = (kind: string, now: string): ReminderMessageInput => ({
    plan: { title: '上海市危险化学品安全综合治理实施方案', documentNo: '沪府办发〔2017〕25号', timeZone: 'Asia/Shanghai' },
    period: { id: '2026Q4', dueAt: new Date('2027-01-01T17:00:00+08:00') },
    department: { code: 'work-safety', name: '市安全监管局' },
    officerName: null,
    openTasks: [],
    reportUrl: 'https://hazchem.example.gov.cn/r',
    kind,
    now: new Date(now),
  });

  it('when a before-7d reminder goes out two days ahead, it says 还有2天, counted against the deadline in force', () => {
    expect(composeReminder(input('before-7d', '2026-12-30T09:00:00+08:00')).subject).toBe('【报送提醒】市安全监管局2026年第四季度工作进展请于2027年1月1日 17:00前报送(还有2天)');
  });

  it('when it goes out on the deadline day, it says 今天截止; after the deadline, it reads as overdue', () => {
    expect(composeReminder(input('before-1d', '2027-01-01T09:00:00+08:00')).subject).toBe('【报送提醒】市安全监管局2026年第四季度工作进展请于2027年1月1日 17:00前报送(今天截止)');
    expect(composeReminder(input('before-3d', '2027-01-01T17:00:01+08:00')).subject).toBe('【逾期提醒】市安全监管局2026年第四季度工作进展已超过报送时限(2027年1月1日 17:00)');
    expect(composeReminder(input('overdue-2', '2027-01-11T09:00:00+08:00')).subject).toMatch(/,第2次催报$/);
  });
});

/* A copied plan's 2026Q4 (default deadline 2027-01-07 17:00) moved to the next day, on both drivers. */
describe.each(drivers)('moving a deadline earlier, on %s', (driver) => {
  const clock = testClock('2026-12-31T08:00:00+08:00');
  const ctx = useReminderApp(clock, { driver });
  let office: { authorization: string };

  const inject = (method: 'GET' | 'PUT' | 'POST' | 'PATCH', url: string, auth: { authorization: string }, payload?: object) =>
    ctx.app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload }) } as InjectOptions);

  async function schedule(period: string) {
    const response = await inject('GET', `/v1/reminders?plan=hazchem-2026&period=${period}&department=work-safety&limit=100`, office);
    expect(response.statusCode, response.body).toBe(200);
    return Object.fromEntries(response.json().items.filter((item: { kind: string }) => item.kind.startsWith('before')).map((item: { kind: string; status: string; sendAt: string }) => [item.kind, `${item.status} ${item.sendAt}`]));
  }

  const advanceTo = (instant: string) => advanceToShared(ctx, clock, instant);

  const mailsAbout = (label: string) => ctx.sink.messages.filter((mail) => mail.subject.includes(label)).map((mail) => mail.subject);

  beforeAll(async () => {
    office = await bearer(ctx.app, 'office');
    const workSafety = await bearer(ctx.app, 'department', 'work-safety');
    const copied = await inject('POST', '/v1/plans', office, { code: 'hazchem-2026', copyFrom: 'hazchem-2017', startsOn: '2026-03-01' });
    expect(copied.statusCode, copied.body).toBe(201);
    const registered = await inject('PUT', '/v1/departments/work-safety/liaisons', workSafety, {
      officer: { name: '张伟', position: '处长', phone: '021-23111111', email: 'zhang.wei@example.gov.cn' },
      staff: { name: '李娜', phone: '021-23111112', email: 'li.na@example.gov.cn' },
    });
    expect(registered.statusCode, registered.body).toBe(200);
    await ctx.app.reminders.reconcile();
    ctx.startWorker();
  });

  it('when the deadline moves to tomorrow 17:00, the before-7d and before-3d reminders are cancelled, before-1d stays planned', async () => {
    expect(await schedule('2026Q4')).toEqual({
      'before-7d': 'planned 2026-12-31T01:00:00.000Z',
      'before-3d': 'planned 2027-01-04T01:00:00.000Z',
      'before-1d': 'planned 2027-01-06T01:00:00.000Z',
    });
    const moved = await inject('PATCH', '/v1/plans/hazchem-2026/periods/2026Q4', office, { dueAt: '2027-01-01T17:00:00+08:00' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await schedule('2026Q4')).toEqual({
      'before-7d': 'cancelled 2026-12-31T01:00:00.000Z',
      'before-3d': 'cancelled 2027-01-04T01:00:00.000Z',
      'before-1d': 'planned 2026-12-31T01:00:00.000Z',
    });
  });

  it('then only the before-1d reminder is sent, and it says 还有1天 with the new deadline', async () => {
    await advanceTo('2026-12-31T09:00:05+08:00');
    const mails = await ctx.sink.waitFor(1);
    expect(mails.map((mail) => mail.subject)).toEqual(['【报送提醒】市安全监管局2026年第四季度工作进展请于2027年1月1日 17:00前报送(还有1天)']);
  });

  it('when a reminder was already due before the deadline moved, it stays planned and its message counts the days left from the new deadline', async () => {
    // 2027Q1 (default deadline in April): its before-7d is due at 09:00 on 2027-03-31, and not sent yet at 09:30.
    clock.set('2027-03-31T09:30:00+08:00');
    const moved = await inject('PATCH', '/v1/plans/hazchem-2026/periods/2027Q1', office, { dueAt: '2027-04-02T17:00:00+08:00' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(await schedule('2027Q1')).toEqual({
      'before-7d': 'planned 2027-03-31T01:00:00.000Z',
      'before-3d': expect.stringMatching(/^cancelled /),
      'before-1d': 'planned 2027-04-01T01:00:00.000Z',
    });
    await advanceTo('2027-03-31T09:30:05+08:00');
    expect(mailsAbout('2027年第一季度')).toEqual(['【报送提醒】市安全监管局2027年第一季度工作进展请于2027年4月2日 17:00前报送(还有2天)']);
  });
});
