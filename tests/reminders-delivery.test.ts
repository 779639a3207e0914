import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailer } from '../src/modules/reminders/mailer.js';
import { DELIVERY_LEASE_MS, deliverReminder, type DeliveryDeps, type DeliverPayload } from '../src/modules/reminders/reminders.jobs.js';
import { claimForDelivery, findReminder } from '../src/modules/reminders/reminders.repository.js';
import { testClock } from './helpers/clock.js';
import { AFTER_BEFORE_7D, PLAN_START, dueReminders, officerEmail, registerLiaisons, type DueReminder } from './helpers/exactly-once.js';
import { startHoldingSmtpSink, type HoldingSmtpSink } from './helpers/holding-smtp-sink.js';
import { OFFICE_EMAIL, PUBLIC_BASE_URL, until, useReminderApp } from './helpers/reminder-harness.js';
import { bearer } from './helpers/tokens.js';

// Delivery tells the truth (`recorded` without SMTP) and holds no lock across a send (issue 8,
// points 14 and 18).

const clock = testClock(PLAN_START);
const ctx = useReminderApp(clock);
const FROM = '市安委会办公室 <noreply@example.gov.cn>';
let holding: HoldingSmtpSink;
let office: { authorization: string };
/** Delivery as a worker runs it, with the SMTP server the test holds. */
let held: DeliveryDeps;
/** Delivery as a worker without SMTP_URL runs it. */
let unsent: DeliveryDeps;

const payloadOf = (row: Pick<DueReminder, 'id' | 'sendAt'>): DeliverPayload => ({ reminderId: row.id, sendAt: row.sendAt.toISOString() });
const dueEmailOf = async (unit: string) => (await dueReminders(ctx.app.db, clock.now())).find((row) => row.departmentCode === unit && row.channel === 'email')!;
const inject = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
  ctx.app.inject({ method, url, headers: office, ...(payload === undefined ? {} : { payload }) } as InjectOptions);
const statusOf = async (id: number) => (await findReminder(ctx.app.db, id))!.status;

beforeAll(async () => {
  holding = await startHoldingSmtpSink();
  held = { db: ctx.app.db, clock, mailer: createMailer(holding.url, FROM), officeEmail: OFFICE_EMAIL, publicBaseUrl: PUBLIC_BASE_URL };
  unsent = { ...held, mailer: createMailer(undefined, FROM) };
  office = await bearer(ctx.app, 'office');
  await registerLiaisons(ctx.app, ['work-safety', 'jinshan-district', 'education']);
  await ctx.app.reminders.reconcile();
  // The before-7d reminders are due; no worker runs, the tests deliver them one by one.
  clock.set(AFTER_BEFORE_7D);
});

afterAll(async () => {
  held?.mailer.close();
  unsent?.mailer.close();
  await holding?.close();
});

describe('a stalled SMTP server stalls nothing else', () => {
  it('when the SMTP server holds a reminder, a re-plan through the API and a reconcile complete before it answers, and the reminder is sent once', async () => {
    const row = await dueEmailOf('work-safety');
    holding.hold();
    const order: string[] = [];
    const delivery = deliverReminder(held, payloadOf(row)).finally(() => order.push('delivered'));
    await holding.waitForHeld(1);

    // The office sees the reminder being sent.
    const listed = (await inject('GET', `/v1/reminders?plan=hazchem-2017&period=2017Q3&department=work-safety&status=sending`)).json();
    expect(listed.items.map((item: { id: number }) => item.id)).toEqual([row.id]);

    // Both re-plan every 2017 reminder, the held one included (an upsert on its natural key).
    const policy = { offsetsDays: [7, 3, 2], sendTime: '09:00', escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 4 }, officeEmail: OFFICE_EMAIL };
    expect((await inject('PUT', '/v1/plans/hazchem-2017/reminder-policy', policy)).statusCode).toBe(200);
    order.push('replanned');
    await ctx.app.reminders.reconcile();
    order.push('reconciled');
    expect(holding.held).toHaveLength(1);
    expect(holding.messages).toHaveLength(0);

    holding.release();
    expect(await delivery).toBe('sent');
    expect(order).toEqual(['replanned', 'reconciled', 'delivered']);
    expect(holding.messages.map((mail) => mail.to[0])).toEqual([officerEmail('work-safety')]);
    expect(await findReminder(ctx.app.db, row.id)).toMatchObject({ status: 'sent', attempts: 1, leaseUntil: null });
    expect(await deliverReminder(held, payloadOf(row))).toBe('stale');
  });
});

describe('without SMTP_URL', () => {
  it('when no SMTP server is configured, a fired e-mail reminder is recorded, not sent, and listed as such', async () => {
    expect(unsent.mailer.delivers).toBe(false);
    expect(held.mailer.delivers).toBe(true);
    const row = await dueEmailOf('education');
    expect(await deliverReminder(unsent, payloadOf(row))).toBe('recorded');
    expect(await findReminder(ctx.app.db, row.id)).toMatchObject({ status: 'recorded', sentAt: null, attempts: 1 });

    const recorded = (await inject('GET', '/v1/reminders?plan=hazchem-2017&period=2017Q3&department=education&status=recorded')).json();
    expect(recorded).toMatchObject({ total: 1, items: [{ id: row.id, status: 'recorded', sentAt: null }] });
    const education = await bearer(ctx.app, 'department', 'education');
    const feed = (await ctx.app.inject({ method: 'GET', url: '/v1/departments/education/notifications', headers: education })).json();
    expect(feed.items.map((item: { reminderId: number }) => item.reminderId)).toEqual([row.id]);
    // Recorded counts as done: neither a repeated job nor the reconcile sends it.
    expect(await deliverReminder(held, payloadOf(row))).toBe('stale');
    await ctx.app.reminders.reconcile();
    expect(await statusOf(row.id)).toBe('recorded');
  });
});

describe('a worker that dies mid-send', () => {
  it('when a worker dies holding a claim, the reminder stays claimed until the lease runs out, then the reconcile has it sent once', async () => {
    const row = await dueEmailOf('jinshan-district');
    // A worker claims the reminder and dies before it sends anything.
    const claim = await claimForDelivery(ctx.app.db, row.id, row.sendAt, clock.now(), new Date(clock.now().getTime() + DELIVERY_LEASE_MS));
    expect(claim).toMatchObject({ status: 'sending', attempts: 1 });

    ctx.startWorker();
    expect(await deliverReminder(held, payloadOf(row))).toBe('busy');
    await ctx.app.reminders.reconcile();
    expect(await statusOf(row.id)).toBe('sending');

    clock.set(new Date(claim!.leaseUntil!.getTime() + 1_000));
    await ctx.app.reminders.reconcile();
    await until(async () => (await statusOf(row.id)) === 'sent', 20_000, 'the released reminder to be sent');
    expect(ctx.sink.messages.filter((mail) => mail.to[0] === officerEmail('jinshan-district'))).toHaveLength(1);
    expect(holding.messages.filter((mail) => mail.to[0] === officerEmail('jinshan-district'))).toHaveLength(0);
    expect(await findReminder(ctx.app.db, row.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('a recorded reminder, once SMTP is configured', () => {
  it('when SMTP is configured afterwards, the office retries a recorded reminder and it is sent once', async () => {
    const row = await dueEmailOf('education');
    const retried = await inject('POST', `/v1/reminders/${row.id}/retry`);
    expect(retried.json()).toMatchObject({ id: row.id, status: 'planned' });
    await until(async () => (await statusOf(row.id)) === 'sent', 20_000, 'the retried reminder to be sent');
    expect(ctx.sink.messages.filter((mail) => mail.to[0] === officerEmail('education'))).toHaveLength(1);
    expect((await inject('POST', `/v1/reminders/${row.id}/retry`)).statusCode).toBe(409);
  });
});

describe('reminders due together', () => {
  interface Listed {
    id: number;
    kind: string;
    channel: string;
    status: string;
    sendAt: string;
    lastError: string | null;
  }
  const emailRemindersOf = async (unit: string, period: string): Promise<Map<string, Listed>> => {
    const { items } = (await inject('GET', `/v1/reminders?plan=hazchem-2017&period=${period}&department=${unit}&limit=100`)).json();
    return new Map((items as Listed[]).filter((item) => item.channel === 'email').map((item) => [item.kind, item]));
  };
  const deliver = (row: Listed) => deliverReminder(held, { reminderId: row.id, sendAt: row.sendAt });
  const mailsTo = (unit: string) => holding.messages.filter((mail) => mail.to[0] === officerEmail(unit)).map((mail) => mail.subject);

  it('when before-7d and before-3d come due together, only before-3d is sent and before-7d is cancelled as superseded', async () => {
    const before = await emailRemindersOf('work-safety', '2017Q4');
    const [week, days3] = [before.get('before-7d')!, before.get('before-3d')!];
    expect([week.status, days3.status]).toEqual(['planned', 'planned']);
    const earlierMails = mailsTo('work-safety').length;
    // A worker was down: both are due when it comes back, the earlier one is taken first.
    clock.set(new Date(Date.parse(days3.sendAt) + 5_000));

    expect(await deliver(week)).toBe('cancelled');
    expect(await deliver(days3)).toBe('sent');
    expect(await deliver(week)).toBe('stale');

    const after = await emailRemindersOf('work-safety', '2017Q4');
    expect(after.get('before-7d')).toMatchObject({ status: 'cancelled', lastError: 'superseded by before-3d' });
    expect(after.get('before-3d')).toMatchObject({ status: 'sent', lastError: null });
    const sent = mailsTo('work-safety').slice(earlierMails);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain('还有3天');
    const workSafety = await bearer(ctx.app, 'department', 'work-safety');
    const feed = (await ctx.app.inject({ method: 'GET', url: '/v1/departments/work-safety/notifications', headers: workSafety })).json();
    expect(feed.items.map((item: { reminderId: number }) => item.reminderId)).toContain(days3.id);
    expect(feed.items.map((item: { reminderId: number }) => item.reminderId)).not.toContain(week.id);
  });

  it('when overdue-1 and overdue-2 come due together (with a before reminder never sent), only overdue-2 is sent; the others are cancelled as superseded', async () => {
    const before = await emailRemindersOf('education', '2017Q4');
    const pending = ['before-2d', 'overdue-1', 'overdue-2'].map((kind) => before.get(kind)!);
    expect(pending.map((row) => row.status)).toEqual(['planned', 'planned', 'planned']);
    const earlierMails = mailsTo('education').length;
    clock.set(new Date(Date.parse(pending[2]!.sendAt) + 5_000));

    expect(await Promise.all(pending.map(deliver))).toEqual(['cancelled', 'cancelled', 'sent']);
    const after = await emailRemindersOf('education', '2017Q4');
    expect(after.get('before-2d')).toMatchObject({ status: 'cancelled', lastError: 'superseded by overdue-2' });
    expect(after.get('overdue-1')).toMatchObject({ status: 'cancelled', lastError: 'superseded by overdue-2' });
    expect(after.get('overdue-2')).toMatchObject({ status: 'sent' });
    const sent = mailsTo('education').slice(earlierMails);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^【逾期提醒】.*第2次催报$/);
  });
});
