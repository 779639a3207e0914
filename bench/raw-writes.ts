/*
 * The floor the write path is compared against: the minimum durable work of one submission,
 * replayed straight through `pg` with the API phase's concurrency. One submission writes (see
 * src/modules/reports/reports.service.ts step() and src/http/idempotency.ts): the report row,
 * its version row, its audit row and the remembered answer of its Idempotency-Key, committed
 * together. Here that is one statement per submission on its own connection, nothing read and
 * nothing checked: what Postgres on this machine does when nothing else is in the way.
 */
import pg from 'pg';
import { databaseUrl, PLAN } from './config.js';
import { writeResult, type WriteResult } from './load.js';

export interface RawSubmission {
  planId: number;
  period: string;
  unit: string;
  tokenId: string;
  /** The JSON of the entries (and narrative) as the API is sent them. */
  entries: string;
  narrative: string | null;
  /** The answer the API would remember: the report with its rows, as JSON. */
  answer: string;
  key: string;
}

export const SUBMISSION_SQL = `with report as (
  insert into reports (plan_id, period_id, department_code, status, version, entries, narrative, first_submitted_at, submitted_at, late, entered_by_office, updated_at)
  values ($1, $2, $3, 'submitted', 1, $4::jsonb, $5::jsonb, now(), now(), false, false, now())
  returning id, version, status, entries, narrative
), version as (
  insert into report_versions (report_id, version, action, status, entries, narrative, late, actor_token_id, entered_by_office, at)
  select id, version, 'submit', status, entries, narrative, false, $6::uuid, false, now() from report
), audit as (
  insert into audit_log (at, actor_token_id, actor_role, actor_department, action, entity_type, entity_id, before, after)
  select now(), $6::uuid, 'department', $3, 'report.submit', 'report', $7, $8::jsonb, $9::jsonb from report
), answer as (
  insert into idempotency_keys (token_id, key, request_hash, status_code, body, headers)
  select $6::uuid, $10, md5($10), 200, $11::jsonb, '{"etag":"\\"v1\\""}'::jsonb from report
)
select id from report`;

/** The statement's parameters for one submission: what the API would write for it. */
export function rawSubmissionValues(item: RawSubmission): unknown[] {
  const entryCount = (JSON.parse(item.entries) as unknown[]).length;
  return [
    item.planId,
    item.period,
    item.unit,
    item.entries,
    item.narrative,
    item.tokenId,
    `${PLAN}/${item.period}/${item.unit}`,
    JSON.stringify({ status: 'not_started', version: 0, entryCount: 0 }),
    JSON.stringify({ status: 'submitted', version: 1, entryCount, saved: true }),
    item.key,
    item.answer,
  ];
}

/** `workers` connections, each writing submissions one after the other until `seconds` have passed or the queue is empty. */
export async function rawSubmissions(queue: RawSubmission[], workers: number, seconds: number): Promise<WriteResult> {
  const clients = await Promise.all(
    Array.from({ length: workers }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const firstErrors: string[] = [];
  let failed = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  try {
    await Promise.all(
      clients.map(async (client) => {
        for (let item = queue.shift(); item; item = performance.now() < deadline ? queue.shift() : undefined) {
          const begin = performance.now();
          try {
            await client.query({ name: 'raw-submission', text: SUBMISSION_SQL, values: rawSubmissionValues(item) });
            latencies.push(performance.now() - begin);
          } catch (error) {
            failed += 1;
            if (firstErrors.length < 5) firstErrors.push(`${item.unit} ${item.period}: ${(error as Error).message}`);
          }
        }
      }),
    );
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
  return writeResult({ latencies, failed, started, seconds, queueLeft: queue.length, firstErrors });
}
