import pg from 'pg';
import { CONSOLIDATED_PERIOD, databaseUrl, PLAN, sizes } from './config.js';
import { cannon, latencyStats, send, type LoadResult } from './load.js';
import { insertDepartmentTokens, withClient } from './dataset.js';
import { compareConsolidated, RAW_CONSOLIDATED_SQL, type RawConsolidated } from './raw-consolidated.js';

export const measuresPath = `/v1/plans/${PLAN}/measures`;
export const consolidatedPath = `/v1/plans/${PLAN}/periods/${CONSOLIDATED_PERIOD}/consolidated`;
const rawPath = `/raw/consolidated?plan=${PLAN}&period=${CONSOLIDATED_PERIOD}`;

export const CEILING = 'ceiling: bare Fastify, constant string';

export async function ceilingPhase(bareUrl: string): Promise<LoadResult[]> {
  return [await cannon(CEILING, `${bareUrl}/ceiling`), await cannon('ceiling: bare Fastify, JSON.stringify', `${bareUrl}/ceiling-serialize`)];
}

/**
 * The ceiling again after measures: the machine may be shared, so ratios use the mean of the
 * runs before and after, which cancels a load that rises or falls steadily meanwhile.
 */
export const ceilingRerun = async (bareUrl: string) => ({ ...(await cannon(CEILING, `${bareUrl}/ceiling`)), note: 're-run after measures' });

export interface MeasuresFindings {
  rows: LoadResult[];
  etag: string | null;
  conditionalStatus: number | null;
  note: string;
}

/** GET .../measures plain and, when the service sends an ETag, again with If-None-Match. */
export async function measuresPhase(serverUrl: string): Promise<MeasuresFindings> {
  const first = await send(serverUrl, 'GET', measuresPath);
  const etag = typeof first.headers.etag === 'string' ? first.headers.etag : null;
  const rows = [await cannon('GET measures', `${serverUrl}${measuresPath}`)];
  if (!etag) return { rows, etag, conditionalStatus: null, note: 'no ETag header on GET measures: conditional GET (304) not supported' };
  const conditional = await send(serverUrl, 'GET', measuresPath, { 'if-none-match': etag });
  const row = await cannon('GET measures, If-None-Match', `${serverUrl}${measuresPath}`, { headers: { 'if-none-match': etag } });
  if (conditional.status === 304) {
    // autocannon counts 3xx as non-2xx; here 304 is the expected answer.
    row.note = `${row.statusCodes['304'] ?? 0} x 304`;
  }
  rows.push(row);
  return {
    rows,
    etag,
    conditionalStatus: conditional.status,
    note: conditional.status === 304 ? `ETag ${etag}; If-None-Match answers 304` : `ETag ${etag} sent, but If-None-Match answers ${conditional.status}`,
  };
}

export interface ConsolidatedFindings {
  api: LoadResult;
  rawHttp: LoadResult;
  rawDirect: { p50: number; p99: number; mean: number; runs: number };
  apiBytes: number;
  rawBytes: number;
  units: number;
  mismatches: string[];
  ratioP50: number;
  ratioMean: number;
  /** The first read after a write (cache miss), sequential, against the raw SQL over HTTP read right after it. */
  miss?: MissFindings;
}

export interface MissFindings {
  api: { p50: number; p99: number; mean: number; runs: number };
  /** The same read again right after (a cache hit): what sending the answer costs alone. */
  hit: { p50: number; p99: number; mean: number; runs: number };
  raw: { p50: number; p99: number; mean: number; runs: number };
  /** Reads whose ETag differed from the previous read's: each must be a fresh computation. */
  fresh: number;
  ratioP50: number;
  ratioMean: number;
}

/**
 * The consolidated report's first read after a write, which the cache cannot serve. First the
 * office returns `runs + 1` submitted reports of the period (their e-mails to the units go out
 * meanwhile). Then, for each, the unit saves its returned report again as a draft (a real write,
 * a new version of the period, and one that sends nothing), the report is read (timed), read
 * again (a cache hit: what sending the answer costs alone) and the raw SQL is read over HTTP
 * (timed), one request at a time, so all see the same machine. The first round, untimed, warms up.
 */
export async function consolidatedMisses(serverUrl: string, bareUrl: string, officeToken: string, url: string, runs: number): Promise<MissFindings> {
  const authorization = `Bearer ${officeToken}`;
  const units = await withClient(
    (client) =>
      client
        .query<{ code: string }>(
          `select r.department_code as code from reports r join plans p on p.id = r.plan_id
           where p.code = $1 and r.period_id = $2 and r.status = 'submitted' order by r.department_code limit $3`,
          [PLAN, CONSOLIDATED_PERIOD, runs + 1],
        )
        .then((result) => result.rows.map((row) => row.code)),
    url,
  );
  if (units.length < runs + 1) throw new Error(`consolidated misses: ${units.length} submitted reports in ${CONSOLIDATED_PERIOD}, ${runs + 1} needed`);
  const tokens = await insertDepartmentTokens(units, url);
  const reportPath = (unit: string) => `/v1/plans/${PLAN}/periods/${CONSOLIDATED_PERIOD}/reports/${unit}`;
  const entriesOf = new Map<string, string>();
  for (const unit of units) {
    const returned = await send(serverUrl, 'POST', `${reportPath(unit)}/return`, { authorization }, JSON.stringify({ reason: '基准测试:退回,测量写入后的首次读取。' }));
    if (returned.status !== 200) throw new Error(`return ${unit} answered ${returned.status}: ${returned.body.slice(0, 300)}`);
    entriesOf.set(unit, JSON.stringify({ entries: (JSON.parse(returned.body) as { entries: unknown[] }).entries }));
  }
  const api: number[] = [];
  const hit: number[] = [];
  const raw: number[] = [];
  let fresh = 0;
  let previous: unknown;
  for (const [index, unit] of units.entries()) {
    const saved = await send(serverUrl, 'PUT', reportPath(unit), { authorization: `Bearer ${tokens.get(unit)!}` }, entriesOf.get(unit));
    if (saved.status !== 200) throw new Error(`PUT ${unit} answered ${saved.status}: ${saved.body.slice(0, 300)}`);
    let begin = performance.now();
    const read = await send(serverUrl, 'GET', consolidatedPath, { authorization });
    const apiMs = performance.now() - begin;
    if (read.status !== 200) throw new Error(`GET consolidated answered ${read.status}`);
    begin = performance.now();
    await send(serverUrl, 'GET', consolidatedPath, { authorization });
    const hitMs = performance.now() - begin;
    begin = performance.now();
    const rawRead = await send(bareUrl, 'GET', rawPath);
    const rawMs = performance.now() - begin;
    if (rawRead.status !== 200) throw new Error(`raw consolidated answered ${rawRead.status}`);
    if (read.headers.etag !== previous) fresh += 1;
    previous = read.headers.etag;
    if (index === 0) continue;
    api.push(apiMs);
    hit.push(hitMs);
    raw.push(rawMs);
  }
  const [a, h, r] = [latencyStats(api), latencyStats(hit), latencyStats(raw)];
  return {
    api: { p50: a.p50, p99: a.p99, mean: a.mean, runs: a.count },
    hit: { p50: h.p50, p99: h.p99, mean: h.mean, runs: h.count },
    raw: { p50: r.p50, p99: r.p99, mean: r.mean, runs: r.count },
    fresh: fresh - 1,
    ratioP50: a.p50 / r.p50,
    ratioMean: a.mean / r.mean,
  };
}

/**
 * The consolidated endpoint against the same aggregation as one SQL statement.
 *
 * Method: the raw SQL (bench/raw-consolidated.ts) runs behind a bare Fastify route in its own
 * process, started like the service (tsx, pino at warn, a pg pool of DATABASE_POOL_MAX), and both
 * are hit by the same autocannon run (same connections, duration, warm-up). Both latencies thus
 * include HTTP, the pool, the Postgres round trip and sending the answer, and the ratio
 * API / raw SQL (p50 and mean) is what the service spends beyond the minimal aggregation. The
 * query is also timed alone, sequentially through one pg client, to show the database's share.
 * Before measuring, the API's per-row expected / reported / roll-up and its totals are checked
 * against the SQL's, so both compute the same answer. Those loads read the cached report (nothing
 * is written meanwhile); `consolidatedMisses` then measures the first read after a write.
 */
export async function consolidatedPhase(serverUrl: string, bareUrl: string, officeToken: string, url = databaseUrl): Promise<ConsolidatedFindings> {
  const authorization = `Bearer ${officeToken}`;
  const apiResponse = await send(serverUrl, 'GET', consolidatedPath, { authorization });
  if (apiResponse.status !== 200) throw new Error(`GET consolidated answered ${apiResponse.status}: ${apiResponse.body.slice(0, 500)}`);
  const rawResponse = await send(bareUrl, 'GET', rawPath);
  if (rawResponse.status !== 200) throw new Error(`raw consolidated answered ${rawResponse.status}: ${rawResponse.body.slice(0, 500)}`);
  const api = JSON.parse(apiResponse.body) as Parameters<typeof compareConsolidated>[0];
  const raw = JSON.parse(rawResponse.body) as RawConsolidated;
  const mismatches = compareConsolidated(api, raw);

  const apiRow = await cannon('GET consolidated (API)', `${serverUrl}${consolidatedPath}`, { headers: { authorization }, timeout: 120 });
  const rawRow = await cannon('consolidated as raw SQL (bare http)', `${bareUrl}${rawPath}`, { timeout: 120 });

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const samples: number[] = [];
  try {
    for (let run = 0; run < sizes.rawSqlRuns + 3; run += 1) {
      const begin = performance.now();
      await client.query(RAW_CONSOLIDATED_SQL, [PLAN, CONSOLIDATED_PERIOD]);
      if (run >= 3) samples.push(performance.now() - begin);
    }
  } finally {
    await client.end();
  }
  const direct = latencyStats(samples);
  // After the loads above (cache hits), so the misses' writes do not change what they read.
  const miss = await consolidatedMisses(serverUrl, bareUrl, officeToken, url, sizes.consolidatedMisses);
  return {
    miss,
    api: apiRow,
    rawHttp: rawRow,
    rawDirect: { p50: direct.p50, p99: direct.p99, mean: direct.mean, runs: direct.count },
    apiBytes: Buffer.byteLength(apiResponse.body),
    rawBytes: Buffer.byteLength(rawResponse.body),
    units: raw.totals.expected,
    mismatches,
    ratioP50: apiRow.p50 / rawRow.p50,
    ratioMean: apiRow.mean / rawRow.mean,
  };
}
