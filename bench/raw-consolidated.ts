/*
 * The consolidated report's aggregation written as one SQL statement: the floor the API is
 * compared against. Per task row: expected units, reported units, roll-up status and mean
 * progress; and the period's totals. Same rules as src/modules/consolidated/rollup.ts:
 * - required (unit, row) pairs: the unit is named directly, or through a collective with members
 *   (各区政府); collectives without members (各有关部门) make a row optional and expect nobody;
 * - reported / roll-up count entries of submitted and accepted reports (jsonb_array_elements);
 * - roll-up: blocked if any entry is blocked, the common status if all agree, else in_progress;
 *   progress is the mean rounded to 0.1;
 * - totals over the expected units: submitted = ever submitted (first_submitted_at), on time /
 *   late by the report's `late`, missing = never submitted, accepted / returned by status.
 * The result is one json value, returned as text so the bare server sends it without re-encoding.
 */
export const RAW_CONSOLIDATED_SQL = `with plan as (
  select id from plans where code = $1
), plan_tasks as (
  select t.id, m.no as measure_no, t.seq from tasks t join measures m on m.id = t.measure_id where m.plan_id = (select id from plan)
), required as (
  select distinct pt.id as task_id, coalesce(dm.member_code, ta.department_code) as unit
  from plan_tasks pt
  join task_assignments ta on ta.task_id = pt.id
  join departments d on d.code = ta.department_code
  left join department_members dm on dm.collective_code = ta.department_code
  where d.kind <> 'collective' or dm.member_code is not null
), expected as (
  select task_id, count(*) as expected from required group by task_id
), reps as (
  select r.department_code, r.status, r.late, r.first_submitted_at, r.entries
  from reports r where r.plan_id = (select id from plan) and r.period_id = $2 and r.version > 0
), entries as (
  select (e->>'measureNo')::int as measure_no, (e->>'taskSeq')::int as task_seq, e->>'status' as status, (e->>'progress')::numeric as progress
  from reps r cross join lateral jsonb_array_elements(r.entries) e
  where r.status in ('submitted', 'accepted')
), rolled as (
  select measure_no, task_seq, count(*) as reported,
    case when bool_or(status = 'blocked') then 'blocked' when count(distinct status) = 1 then min(status) else 'in_progress' end as status,
    round(avg(progress), 1) as progress
  from entries group by measure_no, task_seq
), units as (
  select distinct unit from required
)
select json_build_object(
  'tasks', (
    select json_agg(json_build_object(
      'measureNo', pt.measure_no, 'taskSeq', pt.seq, 'expected', coalesce(x.expected, 0), 'reported', coalesce(r.reported, 0),
      'rollup', json_build_object('status', r.status, 'progress', r.progress)) order by pt.measure_no, pt.seq)
    from plan_tasks pt left join expected x on x.task_id = pt.id left join rolled r on r.measure_no = pt.measure_no and r.task_seq = pt.seq
  ),
  'totals', (
    select json_build_object(
      'expected', count(*),
      'submitted', count(*) filter (where r.first_submitted_at is not null),
      'onTime', count(*) filter (where r.first_submitted_at is not null and r.late = false),
      'late', count(*) filter (where r.first_submitted_at is not null and r.late = true),
      'missing', count(*) filter (where r.first_submitted_at is null),
      'accepted', count(*) filter (where r.status = 'accepted'),
      'returned', count(*) filter (where r.status = 'returned'))
    from units u left join reps r on r.department_code = u.unit
  )
)::text as result`;

export interface RawConsolidated {
  tasks: { measureNo: number; taskSeq: number; expected: number; reported: number; rollup: { status: string | null; progress: number | null } }[];
  totals: Record<'expected' | 'submitted' | 'onTime' | 'late' | 'missing' | 'accepted' | 'returned', number>;
}

interface ApiConsolidated {
  measures: { no: number; tasks: { seq: number; expected: number; reported: number; rollup: { status: string | null; progress: number | null } }[] }[];
  totals: Record<string, unknown>;
}

/** Differences between the API's answer and the raw SQL's (empty when they agree): the comparison must be like for like. */
export function compareConsolidated(api: ApiConsolidated, raw: RawConsolidated): string[] {
  const problems: string[] = [];
  const rawByKey = new Map(raw.tasks.map((task) => [`${task.measureNo}-${task.taskSeq}`, task]));
  for (const measure of api.measures) {
    for (const task of measure.tasks) {
      const key = `${measure.no}-${task.seq}`;
      const other = rawByKey.get(key);
      if (!other) {
        problems.push(`row ${key}: missing from the SQL result`);
        continue;
      }
      const same =
        other.expected === task.expected &&
        other.reported === task.reported &&
        other.rollup.status === task.rollup.status &&
        (other.rollup.progress === null ? task.rollup.progress === null : Number(other.rollup.progress) === task.rollup.progress);
      if (!same) problems.push(`row ${key}: api ${JSON.stringify([task.expected, task.reported, task.rollup])} sql ${JSON.stringify([other.expected, other.reported, other.rollup])}`);
    }
  }
  for (const [name, value] of Object.entries(raw.totals)) {
    if (api.totals[name] !== value) problems.push(`totals.${name}: api ${String(api.totals[name])} sql ${value}`);
  }
  return problems;
}
