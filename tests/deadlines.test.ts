import { describe, expect, it } from 'vitest';
import { hazchem2017 } from '../seed/plan-hazchem-2017.js';
import {
  addDaysToDay,
  dayInZone,
  derivePeriods,
  formatInZone,
  lastWorkingDayOnOrBefore,
  localInstant,
  phaseOf,
  workingDayAfter,
  type PhaseSpan,
} from '../src/modules/periods/deadlines.js';
import type { ReportingRule } from '../src/modules/periods/reporting-rule.js';

/*
 * Deadlines and calendar days (src/modules/periods/deadlines.ts) as pure functions, on the
 * seeded plan's rule and phases and on rules made up to reach the other branches. The expected
 * deadlines are worked out by hand from the State Council's holiday notices (as in periods.test.ts).
 */

const phases: PhaseSpan[] = hazchem2017.phases.flatMap((phase) => [
  { code: phase.code, name: phase.name, parentCode: null, startsOn: phase.startsOn, endsOn: phase.endsOn },
  ...phase.stages.map((stage) => ({ code: stage.code, name: stage.name, parentCode: phase.code, startsOn: stage.startsOn, endsOn: stage.endsOn })),
]);
const rule: ReportingRule = hazchem2017.reportingRule;

const table = (periods: ReturnType<typeof derivePeriods>) =>
  periods.map((period) => [period.id, period.kind, period.startsOn, period.endsOn, formatInZone(period.defaultDueAt, 'Asia/Shanghai')]);

describe('derivePeriods', () => {
  it('gives the seeded plan its quarters, targets and 总结报告, in deadline order, due on the official working-day calendar', () => {
    expect(table(derivePeriods(rule, phases))).toEqual([
      ['2017-targets', 'targets', '2017-03-01', '2017-03-31', '2017-03-31T17:00:00+08:00'],
      ['2017Q2', 'quarterly', '2017-04-01', '2017-06-30', '2017-07-07T17:00:00+08:00'],
      ['2017Q3', 'quarterly', '2017-07-01', '2017-09-30', '2017-10-13T17:00:00+08:00'],
      ['2017Q4', 'quarterly', '2017-10-01', '2017-12-31', '2018-01-08T17:00:00+08:00'],
      ['2018-targets', 'targets', '2018-01-01', '2018-03-30', '2018-03-30T17:00:00+08:00'],
      ['2018Q1', 'quarterly', '2018-01-01', '2018-03-31', '2018-04-09T17:00:00+08:00'],
      ['2018Q2', 'quarterly', '2018-04-01', '2018-06-30', '2018-07-06T17:00:00+08:00'],
      ['2018Q3', 'quarterly', '2018-07-01', '2018-09-30', '2018-10-12T17:00:00+08:00'],
      ['2018Q4', 'quarterly', '2018-10-01', '2018-12-31', '2019-01-08T17:00:00+08:00'],
      ['2019-targets', 'targets', '2019-01-01', '2019-03-29', '2019-03-29T17:00:00+08:00'],
      ['2019Q1', 'quarterly', '2019-01-01', '2019-03-31', '2019-04-08T17:00:00+08:00'],
      ['2019Q2', 'quarterly', '2019-04-01', '2019-06-30', '2019-07-05T17:00:00+08:00'],
      ['2019Q3', 'quarterly', '2019-07-01', '2019-09-30', '2019-10-12T17:00:00+08:00'],
      ['summary', 'summary', '2019-11-01', '2019-11-30', '2019-11-29T17:00:00+08:00'],
    ]);
  });

  it('when the plan starts mid-year and its phases are listed out of order, the first targets open on its first day and are due at the end of that quarter, at the targets time', () => {
    const periods = derivePeriods(
      {
        timeZone: 'Asia/Shanghai',
        quarterly: { first: '2017Q3', last: '2018Q1', dueWorkingDaysAfterEnd: 1, dueTime: '17:00' },
        summary: { phase: 'close', dueTime: '10:00' },
        targets: { dueTime: '08:15' },
      },
      [
        { code: 'close', name: '总结阶段', parentCode: null, startsOn: '2018-05-01', endsOn: '2018-05-31' },
        { code: 'work', name: '整治阶段', parentCode: null, startsOn: '2017-05-15', endsOn: '2018-04-30' },
      ],
    );
    expect(table(periods)).toEqual([
      // May 15 is in Q2, so the targets are due on Friday June 30.
      ['2017-targets', 'targets', '2017-05-15', '2017-06-30', '2017-06-30T08:15:00+08:00'],
      // The first working day after September 30 (a Saturday worked as 调休) is October 9, after 国庆.
      ['2017Q3', 'quarterly', '2017-07-01', '2017-09-30', '2017-10-09T17:00:00+08:00'],
      ['2017Q4', 'quarterly', '2017-10-01', '2017-12-31', '2018-01-02T17:00:00+08:00'],
      ['2018-targets', 'targets', '2018-01-01', '2018-03-30', '2018-03-30T08:15:00+08:00'],
      ['2018Q1', 'quarterly', '2018-01-01', '2018-03-31', '2018-04-02T17:00:00+08:00'],
      // May 31, 2018 was a Thursday.
      ['summary', 'summary', '2018-05-01', '2018-05-31', '2018-05-31T10:00:00+08:00'],
    ]);
  });

  it('when the rule was stored before targets existed (no targets time), the targets are due at the quarterly time', () => {
    const { targets: _targets, ...older } = rule;
    const periods = derivePeriods(older, phases);
    expect(periods.filter((period) => period.kind === 'targets').map((period) => formatInZone(period.defaultDueAt, 'Asia/Shanghai'))).toEqual([
      '2017-03-31T17:00:00+08:00',
      '2018-03-30T17:00:00+08:00',
      '2019-03-29T17:00:00+08:00',
    ]);
    const nineThirty = derivePeriods({ ...older, quarterly: { ...older.quarterly, dueTime: '09:30' } }, phases);
    expect(formatInZone(nineThirty.find((period) => period.id === '2018-targets')!.defaultDueAt, 'Asia/Shanghai')).toBe('2018-03-30T09:30:00+08:00');
  });

  it('when the rule names a phase the plan does not have, says so', () => {
    expect(() => derivePeriods({ ...rule, summary: { phase: 'wrap-up', dueTime: '17:00' } }, phases)).toThrow('Reporting rule names phase wrap-up, which the plan does not have');
  });
});

describe('calendar days and instants', () => {
  it('localInstant is the wall-clock time of a day in a time zone', () => {
    expect(localInstant('2017-10-13', '17:00', 'Asia/Shanghai').toISOString()).toBe('2017-10-13T09:00:00.000Z');
    expect(localInstant('2017-12-31', '23:59', 'Asia/Shanghai').toISOString()).toBe('2017-12-31T15:59:00.000Z');
    expect(localInstant('2017-07-01', '00:00', 'America/New_York').toISOString()).toBe('2017-07-01T04:00:00.000Z');
  });

  it('dayInZone is the day an instant falls on there, not in UTC', () => {
    expect(dayInZone(new Date('2017-10-13T16:30:00Z'), 'Asia/Shanghai')).toBe('2017-10-14');
    expect(dayInZone(new Date('2017-10-13T16:30:00Z'), 'UTC')).toBe('2017-10-13');
  });

  it('addDaysToDay moves across months, years and leap days, both ways', () => {
    expect(addDaysToDay('2017-10-13', -7)).toBe('2017-10-06');
    expect(addDaysToDay('2017-12-30', 3)).toBe('2018-01-02');
    expect(addDaysToDay('2016-02-28', 1)).toBe('2016-02-29');
    expect(addDaysToDay('2017-03-01', -1)).toBe('2017-02-28');
  });

  it('formatInZone writes the offset of the zone', () => {
    expect(formatInZone(new Date('2017-10-13T09:00:00Z'), 'Asia/Shanghai')).toBe('2017-10-13T17:00:00+08:00');
    expect(formatInZone(new Date('2017-10-13T09:00:00Z'), 'America/New_York')).toBe('2017-10-13T05:00:00-04:00');
  });

  it('formatInZone writes UTC as Z, and half- and quarter-hour offsets on either side of UTC', () => {
    expect(formatInZone(new Date('2017-10-13T09:00:00Z'), 'UTC')).toBe('2017-10-13T09:00:00Z');
    expect(formatInZone(new Date('2017-10-13T09:00:00Z'), 'Asia/Kolkata')).toBe('2017-10-13T14:30:00+05:30');
    expect(formatInZone(new Date('2017-10-13T09:00:00Z'), 'Asia/Kathmandu')).toBe('2017-10-13T14:45:00+05:45');
    expect(formatInZone(new Date('2017-10-13T09:00:00Z'), 'America/St_Johns')).toBe('2017-10-13T06:30:00-02:30');
    expect(formatInZone(new Date('2017-12-13T09:00:00Z'), 'America/St_Johns')).toBe('2017-12-13T05:30:00-03:30');
    // Seconds are kept; milliseconds are not written.
    expect(formatInZone(new Date('2017-10-13T09:00:07.999Z'), 'Asia/Shanghai')).toBe('2017-10-13T17:00:07+08:00');
  });

  it('formatInZone takes each instant’s own offset on both sides of a daylight-saving change, at the millisecond', () => {
    // New York went to EDT at 2018-03-11 02:00 EST (07:00 UTC) and back at 2018-11-04 02:00 EDT (06:00 UTC).
    expect(formatInZone(new Date('2018-03-11T06:59:59.999Z'), 'America/New_York')).toBe('2018-03-11T01:59:59-05:00');
    expect(formatInZone(new Date('2018-03-11T07:00:00.000Z'), 'America/New_York')).toBe('2018-03-11T03:00:00-04:00');
    expect(formatInZone(new Date('2018-11-04T05:59:59.999Z'), 'America/New_York')).toBe('2018-11-04T01:59:59-04:00');
    expect(formatInZone(new Date('2018-11-04T06:00:00.000Z'), 'America/New_York')).toBe('2018-11-04T01:00:00-05:00');
    // Lord Howe Island moves by half an hour: +10:30 to +11:00 at 2018-10-07 02:00 local (15:30 UTC the day before).
    expect(formatInZone(new Date('2018-10-06T15:29:59.999Z'), 'Australia/Lord_Howe')).toBe('2018-10-07T01:59:59+10:30');
    expect(formatInZone(new Date('2018-10-06T15:30:00.000Z'), 'Australia/Lord_Howe')).toBe('2018-10-07T02:30:00+11:00');
  });

  it('workingDayAfter counts 调休 Saturdays and skips holidays', () => {
    expect(workingDayAfter('2017-09-29', 1)).toBe('2017-09-30');
    expect(workingDayAfter('2017-09-30', 1)).toBe('2017-10-09');
    expect(workingDayAfter('2017-10-13', 3)).toBe('2017-10-18');
  });

  it('lastWorkingDayOnOrBefore keeps a working day and steps back over weekends and holidays', () => {
    expect(lastWorkingDayOnOrBefore('2018-03-30')).toBe('2018-03-30');
    expect(lastWorkingDayOnOrBefore('2018-03-31')).toBe('2018-03-30');
    // 2017-10-08 closed the 国庆 holiday; the last working day before it was the 调休 Saturday.
    expect(lastWorkingDayOnOrBefore('2017-10-08')).toBe('2017-09-30');
  });
});

describe('phaseOf', () => {
  const of = (endsOn: string) => {
    const { phase, stage } = phaseOf({ endsOn }, phases);
    return [phase?.name ?? null, stage?.name ?? null];
  };

  it('places a day in the last phase containing it and in that phase’s stage', () => {
    // In both 部署阶段 and 整治阶段: the later listed wins.
    expect(of('2017-03-31')).toEqual(['整治阶段', '深入整治']);
    expect(of('2018-03-31')).toEqual(['整治阶段', '深入整治']);
    expect(of('2018-04-01')).toEqual(['整治阶段', '深化提升']);
    expect(of('2019-10-31')).toEqual(['整治阶段', '深化提升']);
  });

  it('counts a phase’s first and last day as inside it; a phase without stages has none; a day outside every phase has no phase', () => {
    expect(of('2019-11-01')).toEqual(['总结阶段', null]);
    expect(of('2019-11-30')).toEqual(['总结阶段', null]);
    expect(of('2019-12-01')).toEqual([null, null]);
    expect(of('2017-02-28')).toEqual([null, null]);
  });
});
