import { sql } from 'drizzle-orm';
import { selectRows, type Queryable } from '../../db/client.js';

export interface ExpectedUnit {
  planId: number;
  departmentCode: string;
}

export interface PeriodReportCounts {
  plan: string;
  period: string;
  /** The deadline has passed. */
  due: boolean;
  /** Units whose report of the period was submitted at least once (as the 总览 counts them). */
  submitted: number;
  /** The same, among the units expected to report. */
  submittedExpected: number;
}

/**
 * One aggregate over every plan's periods: how many units have submitted, in all and among the
 * expected units (passed in, as the 分工表 decides them). A report counts from its first
 * submission on, returned or not, like `submitted` in the 总览.
 */
export function countReportsPerPeriod(db: Queryable, expected: readonly ExpectedUnit[], now: Date): Promise<PeriodReportCounts[]> {
  return selectRows<PeriodReportCounts>(
    db,
    sql`
      with expected as (
        select * from jsonb_to_recordset(${JSON.stringify(expected)}::jsonb) as e("planId" int, "departmentCode" text)
      )
      select pl.code as plan, rp.id as period, rp.due_at <= ${now.toISOString()}::timestamptz as due,
        (count(r.id) filter (where r.first_submitted_at is not null or r.submitted_at is not null))::int as submitted,
        (count(e."departmentCode") filter (where r.first_submitted_at is not null or r.submitted_at is not null))::int as "submittedExpected"
      from reporting_periods rp
      join plans pl on pl.id = rp.plan_id
      left join reports r on r.plan_id = rp.plan_id and r.period_id = rp.id
      left join expected e on e."planId" = r.plan_id and e."departmentCode" = r.department_code
      group by pl.code, rp.id, rp.due_at`,
  );
}

export interface ReminderCount {
  plan: string;
  status: string;
  channel: string;
  count: number;
}

/** One aggregate: reminders per plan, status and channel. */
export function countReminders(db: Queryable): Promise<ReminderCount[]> {
  return selectRows<ReminderCount>(
    db,
    sql`
      select pl.code as plan, r.status::text as status, r.channel::text as channel, count(*)::int as count
      from reminders r
      join plans pl on pl.id = r.plan_id
      group by pl.code, r.status, r.channel`,
  );
}
