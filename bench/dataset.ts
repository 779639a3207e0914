import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateAndSeed } from '../src/db/bootstrap.js';
import { openDatabase } from '../src/db/client.js';
import { adminUrl, databaseName, databaseUrl, databaseUrlOf, PLAN } from './config.js';

/*
 * The synthetic deployment, generated in its own database with set-based INSERTs (generate_series,
 * INSERT ... SELECT), so 2,000 units and ~22,000 reports take seconds.
 */

async function admin(statement: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(name = databaseName) {
  await admin(`create database ${name}`);
  const handle = await openDatabase({ databaseUrl: databaseUrlOf(name), dataDir: '', poolMax: 2 });
  try {
    await migrateAndSeed(handle);
  } finally {
    await handle.close();
  }
}

export const dropBenchDatabase = (name = databaseName) => admin(`drop database if exists ${name} with (force)`);

export async function withClient<T>(run: (client: pg.Client) => Promise<T>, url = databaseUrl): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export interface UnitRow {
  measureNo: number;
  taskSeq: number;
}

export interface Dataset {
  periods: string[];
  /** Task rows each synthetic unit must report on. */
  rowsByUnit: Map<string, UnitRow[]>;
  counts: Record<string, number>;
  seconds: number;
}

/** Unit codes are padded to 4 digits (bench-unit-0001), 5 from 10,000 units on ($2). */
const UNITS = `insert into departments (code, name, english_name, kind)
select 'bench-unit-' || lpad(i::text, $2, '0'), '测试单位' || lpad(i::text, $2, '0'), 'Bench unit ' || lpad(i::text, $2, '0'),
  (case when i % 2 = 0 then 'district-government' else 'municipal-department' end)::department_kind
from generate_series(1, $1::int) i`;

/** Unit i carries 1 + i % 3 rows, spread over the plan's rows; positions follow the printed ones. */
const ASSIGNMENTS = `with plan_tasks as (
  select t.id, row_number() over (order by m.no, t.seq) - 1 as k
  from tasks t join measures m on m.id = t.measure_id join plans p on p.id = m.plan_id where p.code = $1
), picks as (
  select 'bench-unit-' || lpad(i::text, $3, '0') as code, (i * 7 + j * 13) % (select count(*) from plan_tasks) as k
  from generate_series(1, $2::int) i, generate_series(0, 2) j where j <= i % 3
), base as (
  select task_id, max(position) as top from task_assignments where role = 'responsible' group by task_id
)
insert into task_assignments (task_id, role, department_code, position)
select pt.id, 'responsible', p.code, coalesce(b.top, 0) + row_number() over (partition by pt.id order by p.code)
from picks p join plan_tasks pt on pt.k = p.k left join base b on b.task_id = pt.id
on conflict do nothing`;

const LIAISONS = `insert into liaisons (department_code, officer, staff, updated_at)
select d.code,
  jsonb_build_object('name', d.name || '处长', 'position', '处长', 'phone', '021-6' || lpad((row_number() over (order by d.code))::text, 7, '0'), 'email', d.code || '.officer@bench.example.org'),
  jsonb_build_object('name', d.name || '联络员', 'phone', '138' || lpad((row_number() over (order by d.code))::text, 8, '0'), 'email', d.code || '.staff@bench.example.org'),
  now()
from departments d where d.kind <> 'collective'
on conflict do nothing`;

/** (unit, row) pairs the 分工表 makes required: named directly, or through a collective with members (各区政府). */
export const REQUIRED_PAIRS = `select distinct coalesce(dm.member_code, ta.department_code) as unit, m.no as measure_no, t.seq
  from task_assignments ta
  join tasks t on t.id = ta.task_id join measures m on m.id = t.measure_id join plans p on p.id = m.plan_id
  join departments d on d.code = ta.department_code
  left join department_members dm on dm.collective_code = ta.department_code
  where p.code = $1 and (d.kind <> 'collective' or dm.member_code is not null)`;

/** A submitted (40%) or accepted (60%) report for every expected unit in every period; 15% late. */
const REPORTS = `with periods as (
  select rp.plan_id, rp.id, rp.ordinal, rp.due_at from reporting_periods rp join plans p on p.id = rp.plan_id where p.code = $1
), heads as materialized (
  select u.unit, pr.plan_id, pr.id as period_id, pr.ordinal, pr.due_at, random() < 0.6 as accepted, random() < 0.15 as late,
    1 + (random() * 72)::int as hours
  from (select distinct unit from bench_required) u cross join periods pr
), cells as materialized (
  select h.unit, h.period_id, rq.measure_no, rq.seq, h.ordinal,
    least(100, greatest(0, h.ordinal * 9 + (random() * 30)::int - 10)) as progress, random() as roll
  from heads h join bench_required rq on rq.unit = h.unit
), entries as (
  select unit, period_id, jsonb_agg(jsonb_build_object(
      'measureNo', measure_no, 'taskSeq', seq,
      'status', case when roll < 0.03 then 'blocked' when progress = 100 then 'completed' when progress = 0 then 'not_started' else 'in_progress' end,
      'progress', progress,
      'summary', '第' || ordinal || '期:按计划推进措施' || measure_no || '第' || seq || '项任务,开展专项检查' || (roll * 50)::int || '次,整改隐患' || (roll * 200)::int || '处。')
      || case when roll < 0.03 then jsonb_build_object('problems', '跨部门协调难度较大,需市级层面协调支持。') else '{}'::jsonb end
      || case when roll > 0.5 then jsonb_build_object('nextSteps', '下一阶段继续推进,按期完成整改销项。') else '{}'::jsonb end
    order by measure_no, seq) as entries
  from cells group by unit, period_id
)
insert into reports (plan_id, period_id, department_code, status, version, entries, first_submitted_at, submitted_at, late, reviewed_at, updated_at)
select h.plan_id, h.period_id, h.unit, (case when h.accepted then 'accepted' else 'submitted' end)::report_status,
  case when h.accepted then 3 else 2 end, e.entries, s.at, s.at, h.late,
  case when h.accepted then s.at + interval '3 days' end, case when h.accepted then s.at + interval '3 days' else s.at end
from heads h join entries e on e.unit = h.unit and e.period_id = h.period_id
cross join lateral (select case when h.late then h.due_at + make_interval(hours => h.hours)
  else h.due_at - make_interval(hours => h.hours * 3) end as at) s`;

/** save (v1), submit (v2) and, for accepted reports, accept (v3). */
const VERSIONS = `insert into report_versions (report_id, version, action, status, entries, late, at)
select r.id, v.version, v.action::report_action, v.status::report_status, r.entries, v.late, v.at
from reports r cross join lateral (values
  (1, 'save', 'draft', null::boolean, r.first_submitted_at - interval '1 day'),
  (2, 'submit', 'submitted', r.late, r.first_submitted_at),
  (3, 'accept', 'accepted', null::boolean, r.reviewed_at)) as v(version, action, status, late, at)
where v.version <= r.version`;

export async function generateDataset(units: number, url = databaseUrl): Promise<Dataset> {
  const started = performance.now();
  const digits = Math.max(4, String(units).length);
  return withClient(async (client) => {
    await client.query('select setseed(0.2017)');
    await client.query(UNITS, [units, digits]);
    await client.query(ASSIGNMENTS, [PLAN, units, digits]);
    await client.query(LIAISONS);
    await client.query(`create temp table bench_required as ${REQUIRED_PAIRS}`, [PLAN]);
    await client.query(REPORTS, [PLAN]);
    await client.query(VERSIONS);
    await client.query('analyze');
    const periods = (await client.query<{ id: string }>(`select rp.id from reporting_periods rp join plans p on p.id = rp.plan_id where p.code = $1 order by rp.ordinal`, [PLAN])).rows.map((row) => row.id);
    const pairs = await client.query<{ unit: string; measure_no: number; seq: number }>(
      `select unit, measure_no, seq from bench_required where unit like 'bench-unit-%' order by unit, measure_no, seq`,
    );
    const rowsByUnit = new Map<string, UnitRow[]>();
    for (const row of pairs.rows) {
      const list = rowsByUnit.get(row.unit) ?? [];
      list.push({ measureNo: row.measure_no, taskSeq: row.seq });
      rowsByUnit.set(row.unit, list);
    }
    const count = async (table: string) => Number((await client.query(`select count(*) as n from ${table}`)).rows[0].n);
    const counts: Record<string, number> = {};
    for (const table of ['departments', 'task_assignments', 'liaisons', 'reports', 'report_versions']) counts[table] = await count(table);
    counts.expectedUnits = Number((await client.query('select count(distinct unit) as n from bench_required')).rows[0].n);
    return { periods, rowsByUnit, counts, seconds: (performance.now() - started) / 1000 };
  }, url);
}

/** Department tokens for the given units, inserted directly (only the SHA-256 is stored, as the service does). */
export async function insertDepartmentTokens(units: string[], url = databaseUrl): Promise<Map<string, string>> {
  const tokens = new Map(units.map((unit) => [unit, `hzt_${randomBytes(32).toString('base64url')}`]));
  const hashes = [...tokens.values()].map((token) => createHash('sha256').update(token).digest('hex'));
  await withClient((client) =>
    client.query(
      `insert into api_tokens (token_hash, role, department_code, label) select h, 'department', d, 'bench' from unnest($1::text[], $2::text[]) as t(h, d)`,
      [hashes, [...tokens.keys()]],
    ),
    url,
  );
  return tokens;
}

/** Deletes the synthetic units' reports (and their versions) of these periods, so they can be submitted afresh. */
export async function clearReports(periods: string[]): Promise<number> {
  return withClient(async (client) => {
    const scope = `select r.id from reports r join plans p on p.id = r.plan_id where p.code = $1 and r.period_id = any($2) and r.department_code like 'bench-unit-%'`;
    await client.query(`delete from report_versions where report_id in (${scope})`, [PLAN, periods]);
    const result = await client.query(`delete from reports where id in (${scope})`, [PLAN, periods]);
    await client.query('analyze reports');
    await client.query('analyze report_versions');
    return result.rowCount ?? 0;
  });
}
