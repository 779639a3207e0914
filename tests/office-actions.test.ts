import { EventEmitter, once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/modules/audit/audit.service.js';
import { createMailer, type Mailer } from '../src/modules/reminders/mailer.js';
import { sendTestReminder } from '../src/modules/reminders/test-reminder.js';
import { testClock } from './helpers/clock.js';
import { startSmtpSink, type SmtpSink } from './helpers/smtp-sink.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

const PLAN = 'hazchem-2017';
const PERIOD = '2017Q3';
const BASE = 'https://hazchem.example.gov.cn';
const reportUrl = (code: string) => `/v1/plans/${PLAN}/periods/${PERIOD}/reports/${code}`;
/** Its liaisons' mail server refuses everything: a review must stand regardless. */
const BOUNCING = 'bounce@example.gov.cn';

let sink: SmtpSink;
let mailer: Mailer;
beforeAll(async () => {
  sink = await startSmtpSink();
  const real = createMailer(sink.url, 'hazchem-tracker <noreply@example.gov.cn>');
  mailer = {
    delivers: true,
    send: (mail) => (mail.to === BOUNCING ? Promise.reject(Object.assign(new Error(`refused ${BOUNCING}`), { code: 'EENVELOPE' })) : real.send(mail)),
    close: () => real.close(),
  };
});
afterAll(async () => {
  mailer?.close();
  await sink?.close();
});

/** What the service logs at warn and above, line by line; `logged` fires on each line. */
const log: string[] = [];
const logged = new EventEmitter();
const logStream = { write: (line: string) => void (log.push(line), logged.emit('line')) };
async function logLine(pattern: RegExp): Promise<string> {
  const signal = AbortSignal.timeout(10_000);
  while (!log.some((line) => pattern.test(line))) await once(logged, 'line', { signal });
  return log.find((line) => pattern.test(line))!;
}

const clock = testClock('2017-10-09T10:00:00+08:00');
const ctx = useTestApp({ clock, config: { publicBaseUrl: BASE, logLevel: 'warn' }, deps: () => ({ mailer, logStream }) });
const headers = {} as Record<'office' | 'workSafety' | 'transport' | 'jinshan', { authorization: string }>;

beforeAll(async () => {
  headers.office = await bearer(ctx.app, 'office');
  headers.workSafety = await bearer(ctx.app, 'department', 'work-safety');
  headers.transport = await bearer(ctx.app, 'department', 'transport');
  headers.jinshan = await bearer(ctx.app, 'department', 'jinshan-district');
});

async function setLiaisons(code: string, officerEmail: string, staffEmail: string) {
  const response = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/departments/${code}/liaisons`,
    headers: headers.office,
    payload: {
      officer: { name: '张伟', position: '危化处处长', phone: '021-23111111', email: officerEmail },
      staff: { name: '李娜', phone: '021-23111112', email: staffEmail },
    },
  });
  expect(response.statusCode, response.body).toBe(200);
}

async function entriesOf(code: string, summary: string) {
  const report = await ctx.app.inject({ method: 'GET', url: reportUrl(code), headers: headers.office });
  return (report.json() as { tasks: { measureNo: number; taskSeq: number; required: boolean }[] }).tasks
    .filter((task) => task.required)
    .map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress: 40, summary }));
}

async function write(method: 'PUT' | 'POST', url: string, by: { authorization: string }, payload?: object) {
  const response = await ctx.app.inject({ method, url, headers: by, ...(payload ? { payload } : {}) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

async function audit(query: string) {
  const response = await ctx.app.inject({ method: 'GET', url: `/v1/audit?${query}`, headers: headers.office });
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { items: { action: string; entityType: string; entityId: string; after: Record<string, unknown> | null }[] }).items;
}

describe('a test reminder to a unit’s liaisons', () => {
  it('when the unit has liaisons, it sends a Chinese e-mail to the 处级联络员 with the 工作人员 in cc at once, and answers 202', async () => {
    await setLiaisons('work-safety', 'zhang.wei@example.gov.cn', 'li.na@example.gov.cn');
    const before = sink.messages.length;
    const response = await ctx.app.inject({ method: 'POST', url: '/v1/departments/work-safety/test-reminder', headers: headers.office });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ to: 'zhang.wei@example.gov.cn', cc: ['li.na@example.gov.cn'], delivered: true });
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    expect(mail).toMatchObject({ to: ['zhang.wei@example.gov.cn'], cc: ['li.na@example.gov.cn'], subject: '【测试】市安全监管局催报邮件接收测试' });
    expect(mail!.text).toContain('张伟同志:');
    expect(mail!.text).toContain('测试邮件');
    expect(mail!.text).toContain(`${BASE}/liaisons/work-safety`);
  });

  it('when the test reminder was sent, the audit log records reminder.test with the addresses tried', async () => {
    const [row] = await audit('action=reminder.test');
    expect(row).toMatchObject({ entityType: 'liaisons', entityId: 'work-safety', after: { to: 'zhang.wei@example.gov.cn', cc: ['li.na@example.gov.cn'], delivered: true } });
  });

  it('when the unit has not named its liaisons, it is 422 in English and Chinese', async () => {
    const url = '/v1/departments/public-security/test-reminder';
    const english = await ctx.app.inject({ method: 'POST', url, headers: headers.office });
    expect(english.statusCode).toBe(422);
    expect(english.json()).toMatchObject({ code: 'UNPROCESSABLE', detail: '市公安局 has not named its liaisons yet: there is no address to send a test reminder to' });
    const chinese = await ctx.app.inject({ method: 'POST', url, headers: { ...headers.office, 'accept-language': 'zh-CN' } });
    expect(chinese.json()).toMatchObject({ code: 'UNPROCESSABLE', detail: '市公安局尚未登记联络员,无法发送测试催报邮件' });
  });

  it('when a department asks to send a test reminder, even to itself, it is 403', async () => {
    const response = await ctx.app.inject({ method: 'POST', url: '/v1/departments/work-safety/test-reminder', headers: headers.workSafety });
    expect(response.statusCode).toBe(403);
  });

  it('when the SMTP server refuses the message, it answers delivered: false and reports the error by code only', async () => {
    await setLiaisons('commerce', BOUNCING, 'staff@example.gov.cn');
    const codes: string[] = [];
    const result = await sendTestReminder(
      { db: ctx.app.db, mailer, publicBaseUrl: BASE, onSendFailure: (code) => codes.push(code) },
      systemActor,
      clock.now(),
      'commerce',
    );
    expect(result).toEqual({ to: BOUNCING, cc: ['staff@example.gov.cn'], delivered: false });
    expect(codes).toEqual(['EENVELOPE']);
  });

  it('when no SMTP server is configured, the message is composed but not sent: delivered is false', async () => {
    const composing = createMailer(undefined, 'noreply@example.gov.cn');
    const before = sink.messages.length;
    const result = await sendTestReminder({ db: ctx.app.db, mailer: composing, publicBaseUrl: BASE, onSendFailure: () => {} }, systemActor, clock.now(), 'work-safety');
    expect(result).toEqual({ to: 'zhang.wei@example.gov.cn', cc: ['li.na@example.gov.cn'], delivered: false });
    expect(sink.messages.length).toBe(before);
    composing.close();
  });
});

describe('a report entered by the office on the unit’s behalf', () => {
  const url = reportUrl('transport');

  it('when the office saves and submits a unit’s report, the report, its versions and the audit log say it was entered on the unit’s behalf', async () => {
    const saved = await write('PUT', url, headers.office, { entries: await entriesOf('transport', '纸质报送,由市安委会办公室录入。') });
    expect(saved).toMatchObject({ status: 'draft', enteredByOffice: true });
    const submitted = await write('POST', `${url}/submit`, headers.office);
    expect(submitted).toMatchObject({ status: 'submitted', enteredByOffice: true, late: false });

    const history = (await ctx.app.inject({ method: 'GET', url: `${url}/history`, headers: headers.office })).json();
    expect(history.report.enteredByOffice).toBe(true);
    expect(history.items.map((item: { action: string; enteredByOffice: boolean; actorEmail: string | null }) => [item.action, item.enteredByOffice, item.actorEmail])).toEqual([
      ['save', true, null],
      ['submit', true, null],
    ]);

    const rows = await audit(`entityType=report&entityId=${PLAN}/${PERIOD}/transport`);
    expect(rows.map((row) => [row.action, row.after?.enteredByOffice])).toEqual([
      ['report.submit', true],
      ['report.save', true],
    ]);
  });

  it('when the unit itself saves later, the report is no longer marked, and the history keeps the office’s versions marked', async () => {
    await write('POST', `${url}/return`, headers.office, { reason: '请补充措施数据。' });
    const saved = await write('PUT', url, headers.transport, { entries: await entriesOf('transport', '本单位补充后重新填报。') });
    expect(saved).toMatchObject({ status: 'draft', enteredByOffice: false });
    const history = (await ctx.app.inject({ method: 'GET', url: `${url}/history`, headers: headers.transport })).json();
    expect(history.items.map((item: { action: string; enteredByOffice: boolean }) => [item.action, item.enteredByOffice])).toEqual([
      ['save', true],
      ['submit', true],
      ['return', false],
      ['save', false],
    ]);
    const [latest] = await audit(`entityType=report&entityId=${PLAN}/${PERIOD}/transport`);
    expect(latest).toMatchObject({ action: 'report.save' });
    expect(latest!.after).not.toHaveProperty('enteredByOffice');
  });

  it('when a department writes another unit’s report, it is still 403', async () => {
    const response = await ctx.app.inject({ method: 'PUT', url, headers: headers.workSafety, payload: { entries: [] } });
    expect(response.statusCode).toBe(403);
  });
});

describe('review notices', () => {
  const url = reportUrl('work-safety');
  const link = `${BASE}/reports/${PLAN}/${PERIOD}/work-safety`;

  async function notifications(code: string, by: { authorization: string }) {
    const response = await ctx.app.inject({ method: 'GET', url: `/v1/departments/${code}/notifications`, headers: by });
    expect(response.statusCode, response.body).toBe(200);
    return (response.json() as { items: { reminderId: number | null; subject: string; body: string }[] }).items;
  }

  beforeAll(async () => {
    await write('PUT', url, headers.workSafety, { entries: await entriesOf('work-safety', '本季度推进情况。') });
    await write('POST', `${url}/submit`, headers.workSafety);
  });

  it('when the office returns a report, the unit finds a 【退回】 notice with the reason and the link in the app, and its liaisons get it by e-mail', async () => {
    const before = sink.messages.length;
    await write('POST', `${url}/return`, headers.office, { reason: '措施1缺少专业监管人员占比数据,请补充后重新报送。' });
    const [notice] = await notifications('work-safety', headers.workSafety);
    expect(notice).toMatchObject({ reminderId: null, subject: '【退回】市安全监管局2017年第三季度工作进展被退回,请修改后重新报送' });
    expect(notice!.body).toContain('退回原因:措施1缺少专业监管人员占比数据,请补充后重新报送。');
    expect(notice!.body).toContain(link);
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    expect(mail).toMatchObject({ to: ['zhang.wei@example.gov.cn'], cc: ['li.na@example.gov.cn'], subject: notice!.subject, text: notice!.body });
  });

  it('when the office accepts a report, the unit finds a 【审核通过】 notice in the app, and its liaisons get it by e-mail', async () => {
    await write('PUT', url, headers.workSafety, { entries: await entriesOf('work-safety', '已按退回意见补充。') });
    await write('POST', `${url}/submit`, headers.workSafety);
    const before = sink.messages.length;
    await write('POST', `${url}/accept`, headers.office);
    const [notice] = await notifications('work-safety', headers.workSafety);
    expect(notice).toMatchObject({ reminderId: null, subject: '【审核通过】市安全监管局2017年第三季度工作进展已审核通过' });
    expect(notice!.body).toContain(link);
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    expect(mail).toMatchObject({ to: ['zhang.wei@example.gov.cn'], subject: notice!.subject });
  });

  it('when the liaisons’ mail server refuses the notice, the review still succeeds and the in-app notice is there', async () => {
    const commerce = reportUrl('commerce');
    await write('PUT', commerce, headers.office, { entries: await entriesOf('commerce', '纸质报送。') });
    await write('POST', `${commerce}/submit`, headers.office);
    const response = await ctx.app.inject({ method: 'POST', url: `${commerce}/accept`, headers: headers.office });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'accepted' });
    const [notice] = await notifications('commerce', headers.office);
    expect(notice?.subject).toBe('【审核通过】市商务委2017年第三季度工作进展已审核通过');
    const line = await logLine(/review notice e-mail not sent/);
    expect(JSON.parse(line)).toMatchObject({ level: 40, code: 'EENVELOPE', department: 'commerce' });
    expect(line).not.toContain(BOUNCING);
  });

  it('when a unit has no liaisons, the review still succeeds with the in-app notice only', async () => {
    const jinshan = reportUrl('jinshan-district');
    await write('PUT', jinshan, headers.jinshan, { entries: await entriesOf('jinshan-district', '按计划推进。') });
    await write('POST', `${jinshan}/submit`, headers.jinshan);
    await write('POST', `${jinshan}/return`, headers.office, { reason: '请补充。' });
    const items = await notifications('jinshan-district', headers.jinshan);
    expect(items.map((item) => item.subject)).toEqual(['【退回】金山区政府2017年第三季度工作进展被退回,请修改后重新报送']);
  });

  it('when a review is replayed with the same Idempotency-Key, the unit is told once', async () => {
    const transport = reportUrl('transport');
    await write('POST', `${transport}/submit`, headers.transport);
    const request = { method: 'POST' as const, url: `${transport}/accept`, headers: { ...headers.office, 'idempotency-key': 'accept-transport-1' } };
    expect((await ctx.app.inject(request)).statusCode).toBe(200);
    const replay = await ctx.app.inject(request);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const items = await notifications('transport', headers.transport);
    expect(items.filter((item) => item.subject.startsWith('【审核通过】'))).toHaveLength(1);
  });
});

describe('the audit log by unit and period', () => {
  it('when filtered by unit, it lists only the rows about that unit: its reports, its liaisons and test reminders', async () => {
    const rows = await audit('department=work-safety&limit=500');
    expect(rows.map((row) => row.action).sort()).toEqual(
      // The second test reminder is the one sent without SMTP, through the service function.
      ['liaisons.set', 'reminder.test', 'reminder.test', 'report.save', 'report.submit', 'report.return', 'report.save', 'report.submit', 'report.accept'].sort(),
    );
    expect(rows.every((row) => row.entityId === 'work-safety' || row.entityId === `${PLAN}/${PERIOD}/work-safety`)).toBe(true);
  });

  it('when filtered by period, it lists only the rows about that period’s reports and deadline', async () => {
    await write('PUT', `/v1/plans/${PLAN}/periods/2017Q4/reports/work-safety`, headers.workSafety, { entries: [] });
    const moved = await ctx.app.inject({ method: 'PATCH', url: `/v1/plans/${PLAN}/periods/2017Q4`, headers: headers.office, payload: { dueAt: '2018-01-12T17:00:00+08:00' } });
    expect(moved.statusCode, moved.body).toBe(200);
    const rows = await audit('period=2017Q4&limit=500');
    expect(rows.map((row) => [row.action, row.entityId])).toEqual([
      ['period.deadline', `${PLAN}/2017Q4`],
      ['report.save', `${PLAN}/2017Q4/work-safety`],
    ]);
  });

  it('when filtered by unit and period together, it lists the rows about both', async () => {
    const rows = await audit('department=work-safety&period=2017Q4');
    expect(rows.map((row) => [row.action, row.entityId])).toEqual([['report.save', `${PLAN}/2017Q4/work-safety`]]);
  });
});
