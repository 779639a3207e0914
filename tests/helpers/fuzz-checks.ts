/**
 * What the fuzz suite asserts about each response, and the database fingerprint it compares
 * around rejected requests.
 */
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/app.js';
import { selectRows } from '../../src/db/client.js';
import { allowedStatuses, type Operation } from './fuzz-openapi.js';
import type { FuzzRequest } from './fuzz-requests.js';

/** Every table a request could write (the plan tables too: POST /v1/plans copies a plan). */
export const MUTABLE_TABLES = [
  'reports', 'report_versions', 'liaisons', 'api_tokens', 'audit_log', 'idempotency_keys', 'reporting_periods', 'reminders', 'reminder_policies',
  'department_webhooks', 'calendar_feeds', 'notifications', 'plans', 'plan_phases', 'categories', 'measures', 'tasks', 'task_assignments',
] as const;

export type Snapshot = Record<string, string>;

/**
 * Row count and md5 of all rows (as text, sorted) of every mutable table, in one query. Exact but
 * slow once plan copies have planned thousands of reminders, so it brackets whole batches.
 */
export async function snapshot(app: App): Promise<Snapshot> {
  const parts = MUTABLE_TABLES.map(
    (table) => `select '${table}' as name, count(*) || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as fingerprint from ${table} t`,
  );
  const rows = await selectRows<{ name: string; fingerprint: string }>(app.db, sql.raw(parts.join(' union all ')));
  return Object.fromEntries(rows.map((row) => [row.name, row.fingerprint]));
}

export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return Object.keys(before).filter((table) => before[table] !== after[table]);
}

/**
 * The per-request check: triggers on every mutable table append each committed change to
 * fuzz_changes, inside the writing transaction, so rolled-back work leaves nothing: inserts and
 * deletes once per statement (row count and first row, cheap for plan copies of thousands of
 * rows), updates per row when the row actually changes, truncates. Only in the test's database.
 */
export async function installChangeLog(app: App): Promise<void> {
  const statementLog = (name: string, rows: string) => `
    create function ${name}() returns trigger language plpgsql as $$
    begin
      insert into fuzz_changes (table_name, operation, row_data)
        select tg_table_name, tg_op, jsonb_build_object('rows', count(*), 'first', (select to_jsonb(r) from ${rows} r limit 1)) from ${rows} having count(*) > 0;
      return null;
    end $$;`;
  await app.db.execute(
    sql.raw(`
    create table fuzz_changes (id bigserial primary key, table_name text not null, operation text not null, row_data jsonb);
    ${statementLog('fuzz_log_inserts', 'new_rows')}
    ${statementLog('fuzz_log_deletes', 'old_rows')}
    create function fuzz_log_update() returns trigger language plpgsql as $$
    begin
      if old is distinct from new then
        insert into fuzz_changes (table_name, operation, row_data) values (tg_table_name, tg_op, jsonb_build_object('before', to_jsonb(old), 'after', to_jsonb(new)));
      end if;
      return null;
    end $$;
    create function fuzz_log_truncate() returns trigger language plpgsql as $$
    begin
      insert into fuzz_changes (table_name, operation) values (tg_table_name, tg_op);
      return null;
    end $$;
    ${MUTABLE_TABLES.map(
      (table) => `
    create trigger fuzz_inserts after insert on ${table} referencing new table as new_rows for each statement execute function fuzz_log_inserts();
    create trigger fuzz_deletes after delete on ${table} referencing old table as old_rows for each statement execute function fuzz_log_deletes();
    create trigger fuzz_update after update on ${table} for each row execute function fuzz_log_update();
    create trigger fuzz_truncate after truncate on ${table} for each statement execute function fuzz_log_truncate();`,
    ).join('')}`),
  );
}

/** The id of the last logged change; pass it to `changesSince` after the next request. */
export async function lastChange(app: App): Promise<number> {
  const [row] = await selectRows<{ id: string | null }>(app.db, sql`select max(id) as id from fuzz_changes`);
  return Number(row?.id ?? 0);
}

export async function changesSince(app: App, id: number): Promise<{ id: number; table_name: string; operation: string; row_data: unknown }[]> {
  return selectRows(app.db, sql`select id, table_name, operation, row_data from fuzz_changes where id > ${id} order by id limit 5`);
}

const REQUIRED_PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId'] as const;

/** Returns what is wrong with the response, or undefined when it satisfies every property. */
export function responseViolation(op: Operation, request: FuzzRequest, response: LightMyRequestResponse): string | undefined {
  const status = response.statusCode;
  const head = `${op.name} answered ${status}: ${response.body.slice(0, 500)}`;
  if (status >= 500) return `5xx — ${head}`;
  if (status === 406) return `406 is never expected — ${head}`;
  if (!allowedStatuses(op, request.payload !== undefined).has(status)) return `undocumented status ${status} (documented: ${[...op.statuses].join(', ')}) — ${head}`;
  if (status < 400) return undefined;
  const contentType = String(response.headers['content-type'] ?? '');
  if (!/^application\/problem\+json\b/.test(contentType)) return `error without application/problem+json (content-type: ${contentType}) — ${head}`;
  let problem: Record<string, unknown>;
  try {
    problem = response.json();
  } catch {
    return `problem body is not JSON — ${head}`;
  }
  if (!problem || typeof problem !== 'object' || Array.isArray(problem)) return `problem body is not an object — ${head}`;
  const missing = REQUIRED_PROBLEM_FIELDS.filter((field) => problem[field] === undefined || problem[field] === null);
  if (missing.length) return `problem lacks ${missing.join(', ')} — ${head}`;
  const strings = ['type', 'title', 'detail', 'instance', 'code', 'requestId'].filter((field) => typeof problem[field] !== 'string');
  if (strings.length) return `problem fields are not strings: ${strings.join(', ')} — ${head}`;
  if (problem.status !== status) return `problem.status ${String(problem.status)} differs from the HTTP status — ${head}`;
  if (problem.requestId !== response.headers['x-request-id']) return `problem.requestId differs from the x-request-id header — ${head}`;
  return undefined;
}
