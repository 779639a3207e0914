import ICAL from 'ical.js';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../src/modules/reminders/webhook.js';
import { testClock } from './helpers/clock.js';
import { OFFICE_EMAIL, PUBLIC_BASE_URL, advanceTo as advanceToShared, until, useReminderApp } from './helpers/reminder-harness.js';
import { drivers } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

/* The whole flow runs on Postgres and on the embedded PGlite that `npm start` uses without DATABASE_URL. */
describe.each(drivers)('on %s', (driver) => {
  const clock = testClock('2017-10-01T08:00:00+08:00');
  const ctx = useReminderApp(clock, { driver });
  const headers = {} as Record<'office' | 'workSafety' | 'jinshan' | 'education' | 'huangpu', { authorization: string }>;
  let webhookSecret = '';

  const liaisons = (slug: string) => ({
    officer: { name: `${slug}处长`, position: '处长', phone: '021-23111111', email: `${slug}.officer@example.gov.cn` },
    staff: { name: `${slug}干事`, phone: '021-23111112', email: `${slug}.staff@example.gov.cn` },
  });

  const inject = (method: 'GET' | 'PUT' | 'POST' | 'PATCH', url: string, auth: { authorization: string }, payload?: object) =>
    ctx.app.inject({ method, url, headers: auth, ...(payload === undefined ? {} : { payload }) } as InjectOptions);

  interface ReminderView {
    id: number;
    kind: string;
    channel: string;
    status: string;
    sendAt: string;
    reachable: boolean;
  }

  async function remindersOf(department: string, period = '2017Q3'): Promise<ReminderView[]> {
    const response = await inject('GET', `/v1/reminders?plan=hazchem-2017&period=${period}&department=${department}&limit=1000`, headers.office);
    expect(response.statusCode).toBe(200);
    return response.json().items;
  }

  const schedule = (items: ReminderView[], channel = 'email') =>
    Object.fromEntries(items.filter((item) => item.channel === channel).map((item) => [item.kind, `${item.status} ${item.sendAt}`]));

  const advanceTo = (instant: string) => advanceToShared(ctx, clock, instant);

  beforeAll(async () => {
    headers.office = await bearer(ctx.app, 'office');
    headers.workSafety = await bearer(ctx.app, 'department', 'work-safety');
    headers.jinshan = await bearer(ctx.app, 'department', 'jinshan-district');
    headers.education = await bearer(ctx.app, 'department', 'education');
    headers.huangpu = await bearer(ctx.app, 'department', 'huangpu-district');
    await inject('PUT', '/v1/departments/work-safety/liaisons', headers.workSafety, liaisons('worksafety'));
    await inject('PUT', '/v1/departments/jinshan-district/liaisons', headers.jinshan, liaisons('jinshan'));
    const webhook = await inject('PUT', '/v1/departments/jinshan-district/webhook', headers.jinshan, { url: ctx.receiver.url });
    expect(webhook.statusCode).toBe(200);
    webhookSecret = webhook.json().secret;
    await ctx.app.reminders.reconcile();
    ctx.startWorker();
  });

  describe('reminders before and after a deadline', () => {
    it('plans 7, 3 and 1 days ahead at 09:00 Shanghai, then escalates from the working day after the deadline, weekly, 4 times', async () => {
      expect(schedule(await remindersOf('work-safety'))).toEqual({
        'before-7d': 'planned 2017-10-06T01:00:00.000Z',
        'before-3d': 'planned 2017-10-10T01:00:00.000Z',
        'before-1d': 'planned 2017-10-12T01:00:00.000Z',
        'overdue-1': 'planned 2017-10-16T01:00:00.000Z',
        'overdue-2': 'planned 2017-10-23T01:00:00.000Z',
        'overdue-3': 'planned 2017-10-30T01:00:00.000Z',
        'overdue-4': 'planned 2017-11-06T01:00:00.000Z',
      });
      const jinshan = await remindersOf('jinshan-district');
      expect(schedule(jinshan, 'webhook')).toEqual(schedule(jinshan, 'email'));
    });

    it('never plans reminders whose time has passed (2017Q2 was due in July)', async () => {
      expect(await remindersOf('work-safety', '2017Q2')).toEqual([]);
    });

    it('lists a unit without liaisons as unreachable in the office view', async () => {
      const { unreachableDepartments } = (await inject('GET', '/v1/reminders?plan=hazchem-2017&period=2017Q3', headers.office)).json();
      const codes = unreachableDepartments.map((unit: { code: string }) => unit.code);
      expect(codes).toContain('education');
      expect(codes).not.toContain('work-safety');
      expect((await remindersOf('education'))[0]).toMatchObject({ reachable: false });
    });

    it('7 days ahead, e-mails each registered officer (staff in cc) in Chinese, and posts the signed webhook', async () => {
      await advanceTo('2017-10-06T09:00:05+08:00');
      const mails = await ctx.sink.waitFor(2);
      expect(mails).toHaveLength(2);
      const mail = mails.find((candidate) => candidate.to[0] === 'worksafety.officer@example.gov.cn')!;
      expect(mail.cc).toEqual(['worksafety.staff@example.gov.cn']);
      expect(mail.subject).toBe('【报送提醒】市安全监管局2017年第三季度工作进展请于2017年10月13日 17:00前报送(还有7天)');
      expect(mail.text).toContain('worksafety处长同志:');
      expect(mail.text).toContain('根据《上海市危险化学品安全综合治理实施方案》(沪府办发〔2017〕25号)要求');
      expect(mail.text).toContain('措施1 第1项 强化危险化学品安全监管能力建设');
      expect(mail.text).toContain(`在线填报:${PUBLIC_BASE_URL}/reports/hazchem-2017/2017Q3/work-safety`);

      const [hook] = await ctx.receiver.waitFor(1);
      const timestamp = hook!.headers['x-hazchem-timestamp'] as string;
      expect(verify(webhookSecret, timestamp, hook!.body, hook!.headers['x-hazchem-signature'] as string)).toBe(true);
      expect(JSON.parse(hook!.body)).toMatchObject({
        event: 'reminder',
        kind: 'before-7d',
        period: '2017Q3',
        department: { code: 'jinshan-district' },
        overdue: false,
        reportUrl: `${PUBLIC_BASE_URL}/reports/hazchem-2017/2017Q3/jinshan-district`,
        apiUrl: `${PUBLIC_BASE_URL}/v1/plans/hazchem-2017/periods/2017Q3/reports/jinshan-district`,
      });
      expect(timestamp).toBe(String(Date.parse('2017-10-06T09:00:05+08:00') / 1000));

      const education = await remindersOf('education');
      expect(education.find((item) => item.kind === 'before-7d')).toMatchObject({ status: 'unreachable' });
      const notes = (await inject('GET', '/v1/departments/education/notifications', headers.education)).json();
      expect(notes.items[0].subject).toBe('【报送提醒】市教委2017年第三季度工作进展请于2017年10月13日 17:00前报送(还有7天)');
    });

    it('a unit that registers its liaisons late still gets the reminders that are ahead', async () => {
      await inject('PUT', '/v1/departments/education/liaisons', headers.education, liaisons('education'));
      await advanceTo('2017-10-10T09:00:05+08:00');
      const mails = await ctx.sink.waitFor(5);
      expect(mails.filter((mail) => mail.to[0] === 'education.officer@example.gov.cn').map((mail) => mail.subject)).toEqual([
        '【报送提醒】市教委2017年第三季度工作进展请于2017年10月13日 17:00前报送(还有3天)',
      ]);
    });

    it('submitting cancels that unit’s pending reminders for the period, and only those', async () => {
      const report = (await inject('GET', '/v1/plans/hazchem-2017/periods/2017Q3/reports/work-safety', headers.workSafety)).json();
      const entries = report.tasks
        .filter((task: { required: boolean }) => task.required)
        .map((task: { measureNo: number; taskSeq: number }) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 50, summary: '推进中。' }));
      expect((await inject('PUT', '/v1/plans/hazchem-2017/periods/2017Q3/reports/work-safety', headers.workSafety, { entries })).statusCode).toBe(200);
      expect((await inject('POST', '/v1/plans/hazchem-2017/periods/2017Q3/reports/work-safety/submit', headers.workSafety)).statusCode).toBe(200);
      expect(schedule(await remindersOf('work-safety'))).toMatchObject({
        'before-7d': 'sent 2017-10-06T01:00:00.000Z',
        'before-3d': 'sent 2017-10-10T01:00:00.000Z',
        'before-1d': 'cancelled 2017-10-12T01:00:00.000Z',
        'overdue-4': 'cancelled 2017-11-06T01:00:00.000Z',
      });
      expect(schedule(await remindersOf('work-safety', '2017Q4'))['before-7d']).toMatch(/^planned /);
    });

    it('moving the deadline moves the reminders still ahead', async () => {
      const moved = await inject('PATCH', '/v1/plans/hazchem-2017/periods/2017Q3', headers.office, { dueAt: '2017-10-20T17:00:00+08:00' });
      expect(moved.statusCode).toBe(200);
      expect(schedule(await remindersOf('jinshan-district'))).toEqual({
        'before-7d': 'sent 2017-10-06T01:00:00.000Z',
        'before-3d': 'sent 2017-10-10T01:00:00.000Z',
        'before-1d': 'planned 2017-10-19T01:00:00.000Z',
        'overdue-1': 'planned 2017-10-23T01:00:00.000Z',
        'overdue-2': 'planned 2017-10-30T01:00:00.000Z',
        'overdue-3': 'planned 2017-11-06T01:00:00.000Z',
        'overdue-4': 'planned 2017-11-13T01:00:00.000Z',
      });
    });

    it('editing the policy re-plans: a removed offset is cancelled, a new one planned', async () => {
      const policy = { offsetsDays: [7, 3, 2], sendTime: '09:00', escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 2 }, officeEmail: OFFICE_EMAIL };
      expect((await inject('PUT', '/v1/plans/hazchem-2017/reminder-policy', headers.office, policy)).statusCode).toBe(200);
      expect((await inject('GET', '/v1/plans/hazchem-2017/reminder-policy', headers.office)).json()).toEqual(policy);
      expect(schedule(await remindersOf('jinshan-district'))).toEqual({
        'before-7d': 'sent 2017-10-06T01:00:00.000Z',
        'before-3d': 'sent 2017-10-10T01:00:00.000Z',
        'before-2d': 'planned 2017-10-18T01:00:00.000Z',
        'before-1d': 'cancelled 2017-10-19T01:00:00.000Z',
        'overdue-1': 'planned 2017-10-23T01:00:00.000Z',
        'overdue-2': 'planned 2017-10-30T01:00:00.000Z',
        'overdue-3': 'cancelled 2017-11-06T01:00:00.000Z',
        'overdue-4': 'cancelled 2017-11-13T01:00:00.000Z',
      });
    });

    it('after the deadline, escalates with the office in cc; nobody ever gets the same reminder twice', async () => {
      await advanceTo('2017-10-18T09:00:05+08:00');
      await advanceTo('2017-10-23T09:00:05+08:00');
      const mails = ctx.sink.messages;
      const overdue = mails.find((mail) => mail.to[0] === 'jinshan.officer@example.gov.cn' && mail.subject.startsWith('【逾期提醒】'))!;
      expect(overdue.subject).toBe('【逾期提醒】金山区政府2017年第三季度工作进展已超过报送时限(2017年10月20日 17:00),第1次催报');
      expect(overdue.cc).toEqual(['jinshan.staff@example.gov.cn', OFFICE_EMAIL]);
      expect(overdue.text).toContain('措施7 第1项 建立完善危险化学品安全风险分布档案');

      const received = mails.map((mail) => `${mail.to[0]} ${mail.subject}`);
      expect(new Set(received).size).toBe(received.length);
      expect(mails.filter((mail) => mail.to[0] === 'jinshan.officer@example.gov.cn')).toHaveLength(4); // 7d, 3d, 2d, overdue-1
      expect(mails.filter((mail) => mail.to[0] === 'worksafety.officer@example.gov.cn')).toHaveLength(2);
      expect(ctx.receiver.requests.map((hook) => JSON.parse(hook.body).kind)).toEqual(['before-7d', 'before-3d', 'before-2d', 'overdue-1']);
    });

    it('the in-app feed lists what the unit was sent, newest first', async () => {
      const { items } = (await inject('GET', '/v1/departments/jinshan-district/notifications', headers.jinshan)).json();
      expect(items.map((item: { subject: string }) => item.subject.slice(0, 6))).toEqual(['【逾期提醒】', '【报送提醒】', '【报送提醒】', '【报送提醒】']);
    });

    it('the office retries an unreachable reminder once the unit has registered', async () => {
      const [unreachable] = (await remindersOf('huangpu-district')).filter((item) => item.status === 'unreachable');
      await inject('PUT', '/v1/departments/huangpu-district/liaisons', headers.huangpu, liaisons('huangpu'));
      const before = ctx.sink.messages.length;
      const retried = await inject('POST', `/v1/reminders/${unreachable!.id}/retry`, headers.office);
      expect(retried.json()).toMatchObject({ id: unreachable!.id, status: 'planned' });
      const mails = await ctx.sink.waitFor(before + 1);
      expect(mails.at(-1)).toMatchObject({ to: ['huangpu.officer@example.gov.cn'] });
      await until(async () => (await remindersOf('huangpu-district')).find((item) => item.id === unreachable!.id)?.status === 'sent');
      expect((await inject('POST', `/v1/reminders/${unreachable!.id}/retry`, headers.office)).statusCode).toBe(409);
    });
  });

  describe('the iCalendar feed', () => {
    let url = '';

    it('holds every deadline of the unit with alarms at the reminder offsets', async () => {
      const issued = await inject('POST', '/v1/departments/jinshan-district/calendar-token', headers.jinshan);
      expect(issued.statusCode).toBe(201);
      url = issued.json().url.replace(PUBLIC_BASE_URL, '');
      const response = await ctx.app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/calendar/);
      const calendar = new ICAL.Component(ICAL.parse(response.body));
      const events = calendar.getAllSubcomponents('vevent').map((event) => new ICAL.Event(event));
      const periods = (await inject('GET', '/v1/plans/hazchem-2017/periods', headers.jinshan)).json().items as { id: string; dueAt: string }[];
      expect(events).toHaveLength(periods.length);
      expect(events.map((event) => event.startDate.toJSDate().toISOString())).toEqual(periods.map((period) => new Date(period.dueAt).toISOString()));
      const q3 = periods.findIndex((period) => period.id === '2017Q3');
      expect(events[q3]!.summary).toBe('【报送截止】上海市危险化学品安全综合治理实施方案 2017年第三季度');
      // A year's targets are a deadline too, worded as targets, not progress.
      const targets = periods.findIndex((period) => period.id === '2018-targets');
      expect(events[targets]!.summary).toBe('【报送截止】上海市危险化学品安全综合治理实施方案 2018年度工作目标');
      expect(events[targets]!.description).toBe('金山区政府:请于截止时间前向市安委会办公室报送2018年度工作目标。');
      const triggers = calendar.getAllSubcomponents('vevent')[q3]!.getAllSubcomponents('valarm').map((alarm) => alarm.getFirstPropertyValue('trigger')!.toString());
      expect(triggers).toEqual(['-P7D', '-P3D', '-P2D']);
      // As written, not as lenient ical.js reads it: RFC 5545 §3.3.6 has no bare "T" (ics 3.12 writes -P7DT).
      const written = new Set(response.body.split('\r\n').filter((line) => line.startsWith('TRIGGER')));
      expect(written).toEqual(new Set(['TRIGGER:-P7D', 'TRIGGER:-P3D', 'TRIGGER:-P2D']));
    });

    it('without the right token, or after it is revoked, the feed is not found', async () => {
      expect((await ctx.app.inject({ method: 'GET', url: url.replace(/token=.*/, 'token=guess') })).statusCode).toBe(404);
      expect((await ctx.app.inject({ method: 'DELETE', url: '/v1/departments/jinshan-district/calendar-token', headers: headers.jinshan })).statusCode).toBe(204);
      expect((await ctx.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    });
  });
});
