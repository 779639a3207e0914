import { sql } from 'drizzle-orm';
import { selectRows, type Queryable } from '../../db/client.js';
import type { ReportEntry } from '../../db/schema/index.js';
import { taskKey } from '../reports/carried-tasks.js';

/** A row's counted entries in an earlier period, summed up by Postgres (see `loadEarlierPeriods`). */
export interface RowFigures {
  count: number;
  blocked: boolean;
  /** The entries' status when they all agree, else null. */
  common: ReportEntry['status'] | null;
  total: number;
}

export interface EarlierPeriod {
  /** Counted entries by row (taskKey). */
  rows: Map<string, RowFigures>;
  /** Units that have submitted this period at least once. */
  submitted: Set<string>;
}

/**
 * What the flags read of the periods before the one printed: each row's counted entries summed up
 * (count, blocked, the common status, the progress total) and who has submitted, in two GROUP BY
 * queries rather than every entry. An entry counts as `consolidatePeriod` counts it: a submitted or
 * accepted report of a reporting unit, on a row the unit carries (the 分工表 names it, or a
 * collective it belongs to, or an open collective such as 各有关部门: carried-tasks.ts).
 */
export async function loadEarlierPeriods(db: Queryable, planId: number, periodIds: readonly string[]): Promise<Map<string, EarlierPeriod>> {
  const periods = new Map(periodIds.map((id): [string, EarlierPeriod] => [id, { rows: new Map(), submitted: new Set() }]));
  if (periodIds.length === 0) return periods;
  const ids = sql.join(periodIds.map((id) => sql`${id}`), sql`, `);
  const [figures, submitted] = await Promise.all([
    selectRows<{ period_id: string; measure_no: number; seq: number; count: number; blocked: boolean; common: ReportEntry['status'] | null; total: number }>(
      db,
      sql`with counted as (
          select r.period_id, r.department_code, (e->>'measureNo')::int as measure_no, (e->>'taskSeq')::int as seq, e->>'status' as status, (e->>'progress')::int as progress
          from reports r cross join lateral jsonb_array_elements(r.entries) e
          where r.plan_id = ${planId} and r.period_id in (${ids}) and r.version > 0 and r.status in ('submitted', 'accepted')
            and r.department_code not in (select code from departments where kind = 'collective')
        ), plan_tasks as (
          select t.id, m.no, t.seq from tasks t join measures m on m.id = t.measure_id where m.plan_id = ${planId}
        ), named as (
          select ta.task_id, coalesce(dm.member_code, ta.department_code) as unit
          from task_assignments ta join plan_tasks pt on pt.id = ta.task_id left join department_members dm on dm.collective_code = ta.department_code
        ), open_rows as (
          select ta.task_id from task_assignments ta join departments d on d.code = ta.department_code
          where d.kind = 'collective' and not exists (select 1 from department_members dm where dm.collective_code = d.code)
        )
        select c.period_id, c.measure_no, c.seq, count(*)::int as count, bool_or(c.status = 'blocked') as blocked,
          case when count(distinct c.status) = 1 then min(c.status) end as common, sum(c.progress)::int as total
        from counted c join plan_tasks pt on pt.no = c.measure_no and pt.seq = c.seq
        where pt.id in (select task_id from open_rows) or exists (select 1 from named n where n.task_id = pt.id and n.unit = c.department_code)
        group by c.period_id, c.measure_no, c.seq`,
    ),
    selectRows<{ period_id: string; department_code: string }>(
      db,
      sql`select period_id, department_code from reports where plan_id = ${planId} and period_id in (${ids}) and first_submitted_at is not null`,
    ),
  ]);
  for (const row of figures) {
    periods.get(row.period_id)!.rows.set(taskKey({ measureNo: row.measure_no, taskSeq: row.seq }), { count: row.count, blocked: row.blocked, common: row.common, total: row.total });
  }
  for (const row of submitted) periods.get(row.period_id)!.submitted.add(row.department_code);
  return periods;
}
