import { beforeAll, describe, expect, it } from 'vitest';
import { testClock } from './helpers/clock.js';
import { PUBLIC_BASE_URL, advanceTo, useReminderApp } from './helpers/reminder-harness.js';
import { bearer } from './helpers/tokens.js';

/* A year's targets have a deadline like a quarter: reminders are planned, worded for targets, and stop once submitted. */

const clock = testClock('2018-03-01T08:00:00+08:00');
const ctx = useReminderApp(clock);
const headers = {} as Record<string, { authorization: string }>;

const liaisons = (slug: string) => ({
  officer: { name: `${slug}处长`, position: '处长', phone: '021-23111111', email: `${slug}.officer@example.gov.cn` },
  staff: { name: `${slug}干事`, phone: '021-23111112', email: `${slug}.staff@example.gov.cn` },
});

async function remindersOf(department: string) {
  const response = await ctx.app.inject({ method: 'GET', url: `/v1/reminders?plan=hazchem-2017&period=2018-targets&department=${department}&limit=1000`, headers: headers.office! });
  expect(response.statusCode).toBe(200);
  return response.json().items as { kind: string; channel: string; status: string; sendAt: string }[];
}

beforeAll(async () => {
  headers.office = await bearer(ctx.app, 'office');
  for (const code of ['jinshan-district', 'work-safety']) {
    headers[code] = await bearer(ctx.app, 'department', code);
    const saved = await ctx.app.inject({ method: 'PUT', url: `/v1/departments/${code}/liaisons`, headers: headers[code]!, payload: liaisons(code.split('-')[0]!) });
    expect(saved.statusCode).toBe(200);
  }
  await ctx.app.reminders.reconcile();
  ctx.startWorker();
});

describe('reminders for a year’s targets', () => {
  it('plans them 7, 3 and 1 days before 2018-03-30 17:00 at 09:00, then escalates', async () => {
    const planned = Object.fromEntries((await remindersOf('jinshan-district')).map((item) => [item.kind, `${item.status} ${item.sendAt}`]));
    expect(planned).toMatchObject({
      'before-7d': 'planned 2018-03-23T01:00:00.000Z',
      'before-3d': 'planned 2018-03-27T01:00:00.000Z',
      'before-1d': 'planned 2018-03-29T01:00:00.000Z',
      'overdue-1': 'planned 2018-04-02T01:00:00.000Z',
    });
  });

  it('7 days ahead, the e-mail asks for the 2018年度工作目标 and links the targets page', async () => {
    await advanceTo(ctx, clock, '2018-03-23T09:00:05+08:00');
    const mails = await ctx.sink.waitFor(2);
    const mail = mails.find((candidate) => candidate.to[0] === 'jinshan.officer@example.gov.cn' && candidate.subject.includes('工作目标'))!;
    expect(mail.subject).toBe('【报送提醒】金山区政府2018年度工作目标请于2018年3月30日 17:00前报送(还有7天)');
    expect(mail.text).toContain('金山区政府请于2018年3月30日 17:00前向市安委会办公室报送2018年度工作目标。');
    expect(mail.text).toContain('尚未设定目标的工作任务:');
    expect(mail.text).toContain(`在线填报:${PUBLIC_BASE_URL}/targets/hazchem-2017/2018/jinshan-district`);
  });

  it('when the unit submits its targets, its reminders still ahead are cancelled; another unit’s stay planned', async () => {
    const url = '/v1/plans/hazchem-2017/years/2018/targets/jinshan-district';
    const entries = [
      { measureNo: 7, taskSeq: 1, status: 'completed', progress: 100, summary: '年底前完成。' },
      { measureNo: 9, taskSeq: 2, status: 'in_progress', progress: 60, summary: '推进。' },
    ];
    expect((await ctx.app.inject({ method: 'PUT', url, headers: headers['jinshan-district']!, payload: { entries } })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'POST', url: `${url}/submit`, headers: headers['jinshan-district']! })).statusCode).toBe(200);
    const after = await remindersOf('jinshan-district');
    expect(after.filter((item) => item.status === 'planned')).toEqual([]);
    expect((await remindersOf('work-safety')).some((item) => item.status === 'planned')).toBe(true);
  });
});
