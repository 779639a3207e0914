import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import openapi from '../openapi/openapi.json' with { type: 'json' };
import { validatorCompiler, type LocalizedValidationIssue } from '../src/http/validation.js';
import { defaultPolicy, reminderPolicySchema, scheduleFor, type ReminderPolicy } from '../src/modules/reminders/policy.js';

/*
 * The reminder policy (src/modules/reminders/policy.ts) as pure functions: which policies the
 * office may save, and the reminders one gives for a deadline. 2017Q3 was due on Friday
 * 2017-10-13 at 17:00 Shanghai; Monday 2017-10-16 was the first working day after it.
 */
const DUE = new Date('2017-10-13T17:00:00+08:00');
const ZONE = 'Asia/Shanghai';

const policy = (overrides: Partial<ReminderPolicy> = {}): ReminderPolicy => ({ ...defaultPolicy(null), ...overrides });
const table = (reminders: ReturnType<typeof scheduleFor>) => reminders.map((reminder) => [reminder.kind, reminder.sendAt.toISOString(), reminder.overdue]);

/** The field issues a saved policy gets, with both texts, as the API answers them. */
function issues(value: unknown): { path: string; en: string; zh: string }[] {
  const result = validatorCompiler({ schema: reminderPolicySchema, method: 'PUT', url: '/', httpPart: 'body' })(value) as { error?: LocalizedValidationIssue[] };
  return (result.error ?? []).map((issue) => ({ path: issue.instancePath, en: issue.text.en, zh: issue.text.zh }));
}
const accepts = (value: unknown) => expect(issues(value)).toEqual([]);
/** Refused, on that one field (zod may give one field several issues). */
const refusesAt = (value: unknown, path: string) => expect([...new Set(issues(value).map((issue) => issue.path))]).toEqual([path]);

describe('scheduleFor', () => {
  it('with the default policy, reminds 7, 3 and 1 days ahead at 09:00, then from the first working day after the deadline, weekly, 4 times', () => {
    expect(table(scheduleFor(DUE, ZONE, defaultPolicy(null)))).toEqual([
      ['before-7d', '2017-10-06T01:00:00.000Z', false],
      ['before-3d', '2017-10-10T01:00:00.000Z', false],
      ['before-1d', '2017-10-12T01:00:00.000Z', false],
      ['overdue-1', '2017-10-16T01:00:00.000Z', true],
      ['overdue-2', '2017-10-23T01:00:00.000Z', true],
      ['overdue-3', '2017-10-30T01:00:00.000Z', true],
      ['overdue-4', '2017-11-06T01:00:00.000Z', true],
    ]);
  });

  it('when the offsets are given in any order, lists the earliest reminder first and leaves the policy as it was', () => {
    const offsets = [1, 10, 3];
    const reminders = scheduleFor(DUE, ZONE, policy({ offsetsDays: offsets, escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 0 } }));
    expect(table(reminders)).toEqual([
      ['before-10d', '2017-10-03T01:00:00.000Z', false],
      ['before-3d', '2017-10-10T01:00:00.000Z', false],
      ['before-1d', '2017-10-12T01:00:00.000Z', false],
    ]);
    expect(offsets).toEqual([1, 10, 3]);
  });

  it('when the escalation starts on the 3rd working day and repeats every 2 days, counts working days for the first and calendar days after', () => {
    const reminders = scheduleFor(DUE, ZONE, policy({ offsetsDays: [], sendTime: '20:30', escalation: { afterWorkingDays: 3, everyDays: 2, maxCount: 3 } }));
    // 3rd working day after Friday 13th: Wednesday 18th; then Friday 20th and Sunday 22nd. 20:30 Shanghai is 12:30Z.
    expect(table(reminders)).toEqual([
      ['overdue-1', '2017-10-18T12:30:00.000Z', true],
      ['overdue-2', '2017-10-20T12:30:00.000Z', true],
      ['overdue-3', '2017-10-22T12:30:00.000Z', true],
    ]);
  });

  it('when the deadline is early on a day in Shanghai (still the day before in UTC), counts the days from the Shanghai day', () => {
    const reminders = scheduleFor(new Date('2017-10-14T00:30:00+08:00'), ZONE, policy({ offsetsDays: [1], escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 1 } }));
    // Saturday 14th: 1 day ahead is Friday 13th; the first working day after it is Monday 16th.
    expect(table(reminders)).toEqual([
      ['before-1d', '2017-10-13T01:00:00.000Z', false],
      ['overdue-1', '2017-10-16T01:00:00.000Z', true],
    ]);
  });

  it('when the policy has no offsets and no overdue reminders, gives none', () => {
    expect(scheduleFor(DUE, ZONE, policy({ offsetsDays: [], escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 0 } }))).toEqual([]);
  });
});

describe('defaultPolicy', () => {
  it('is 7/3/1 days at 09:00 with 4 weekly overdue reminders from the first working day, copying the office address it is given', () => {
    expect(defaultPolicy('anwei@example.gov.cn')).toEqual({
      offsetsDays: [7, 3, 1],
      sendTime: '09:00',
      escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 4 },
      officeEmail: 'anwei@example.gov.cn',
    });
    expect(defaultPolicy(null).officeEmail).toBeNull();
  });
});

describe('reminderPolicySchema', () => {
  const valid = { offsetsDays: [7, 3, 1], sendTime: '09:00', escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 4 }, officeEmail: 'anwei@example.gov.cn' };

  it('accepts the default policy and the documented example', () => {
    accepts(defaultPolicy(null));
    accepts(valid);
    const examples = (reminderPolicySchema.meta() as { examples: unknown[] }).examples;
    expect(examples).toEqual([valid]);
  });

  it('when an offset repeats, refuses it in both languages', () => {
    expect(issues({ ...valid, offsetsDays: [3, 7, 3] })).toEqual([{ path: '/offsetsDays', en: 'offsets must be distinct', zh: '提前天数不得重复' }]);
  });

  it('takes offsets of 1 to 60 whole days, at most 10 of them, or none', () => {
    accepts({ ...valid, offsetsDays: [1, 60] });
    accepts({ ...valid, offsetsDays: [] });
    accepts({ ...valid, offsetsDays: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] });
    refusesAt({ ...valid, offsetsDays: [0] }, '/offsetsDays/0');
    refusesAt({ ...valid, offsetsDays: [7, 61] }, '/offsetsDays/1');
    refusesAt({ ...valid, offsetsDays: [1.5] }, '/offsetsDays/0');
    refusesAt({ ...valid, offsetsDays: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }, '/offsetsDays');
  });

  it('takes a send time from 00:00 to 23:59 as HH:mm, in both languages when it is not', () => {
    for (const time of ['00:00', '09:00', '19:59', '20:00', '23:59']) accepts({ ...valid, sendTime: time });
    for (const time of ['24:00', '20:60', '09:00x', 'x09:00', '9:00', '09:0', '0900', '09:5a', '2a:00']) {
      expect(issues({ ...valid, sendTime: time }), time).toEqual([{ path: '/sendTime', en: 'must be HH:mm', zh: '必须是 HH:mm 格式的时间' }]);
    }
  });

  it('takes the first overdue reminder 1 to 30 working days after, every 1 to 60 days, 0 to 20 times', () => {
    accepts({ ...valid, escalation: { afterWorkingDays: 1, everyDays: 1, maxCount: 0 } });
    accepts({ ...valid, escalation: { afterWorkingDays: 30, everyDays: 60, maxCount: 20 } });
    refusesAt({ ...valid, escalation: { afterWorkingDays: 0, everyDays: 7, maxCount: 4 } }, '/escalation/afterWorkingDays');
    refusesAt({ ...valid, escalation: { afterWorkingDays: 31, everyDays: 7, maxCount: 4 } }, '/escalation/afterWorkingDays');
    refusesAt({ ...valid, escalation: { afterWorkingDays: 1.5, everyDays: 7, maxCount: 4 } }, '/escalation/afterWorkingDays');
    refusesAt({ ...valid, escalation: { afterWorkingDays: 1, everyDays: 0, maxCount: 4 } }, '/escalation/everyDays');
    refusesAt({ ...valid, escalation: { afterWorkingDays: 1, everyDays: 61, maxCount: 4 } }, '/escalation/everyDays');
    refusesAt({ ...valid, escalation: { afterWorkingDays: 1, everyDays: 0.5, maxCount: 4 } }, '/escalation/everyDays');
    refusesAt({ ...valid, escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: -1 } }, '/escalation/maxCount');
    refusesAt({ ...valid, escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 21 } }, '/escalation/maxCount');
    refusesAt({ ...valid, escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 2.5 } }, '/escalation/maxCount');
  });

  it('takes no office address (null) or a valid one, and no unknown field at either level', () => {
    accepts({ ...valid, officeEmail: null });
    refusesAt({ ...valid, officeEmail: 'not an address' }, '/officeEmail');
    refusesAt({ ...valid, channel: 'sms' }, '/');
    refusesAt({ ...valid, escalation: { ...valid.escalation, hours: 2 } }, '/escalation');
  });

  it('is published in openapi/openapi.json as the code declares it (descriptions and example included)', () => {
    const generated = z.toJSONSchema(reminderPolicySchema, { io: 'input', target: 'draft-2020-12' }) as { $defs: Record<string, unknown> };
    expect(generated.$defs.ReminderPolicy).toEqual(openapi.components.schemas.ReminderPolicy);
  });
});
