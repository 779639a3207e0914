import { createHash, randomBytes } from 'node:crypto';
import { databaseUrlOf, scaleDatabaseName, sizes, targets } from './config.js';
import { createBenchDatabase, dropBenchDatabase, generateDataset, withClient } from './dataset.js';
import { cannon, send, type LoadResult } from './load.js';
import { startChild } from './processes.js';
import { consolidatedPhase, measuresPath, type ConsolidatedFindings, type MissFindings } from './reads.js';
import type { Results, Target } from './report.js';

export interface ScaleFindings {
  units: number;
  expectedUnits: number;
  datasetSeconds: number;
  reports: number;
  /** The ceiling (bare Fastify, the measures answer as a constant) and GET measures, on this deployment's processes. */
  ceiling: LoadResult;
  measures: LoadResult;
  consolidated: ConsolidatedFindings;
}

/**
 * Reads at 20,000 units (`sizes.scaleUnits`): a deployment of its own, in its own database
 * (`<run database>_scale`, dropped at the end, and by the run's clean-up if the phase fails), with
 * a service (`--no-worker`: reads only) and a bare Fastify started on it like the main ones. Then
 * what the main run measures at 2,000 units: GET measures against the ceiling, the consolidated
 * report against the raw SQL (cache hits under autocannon, then first reads after writes, one at a
 * time), with the same targets.
 */
export async function scalePhase(serverEnv: Record<string, string>, log: (line: string) => void): Promise<ScaleFindings> {
  const url = databaseUrlOf(scaleDatabaseName);
  await createBenchDatabase(scaleDatabaseName);
  try {
    const dataset = await generateDataset(sizes.scaleUnits, url);
    log(`reads-20k: ${sizes.scaleUnits} units in ${dataset.seconds.toFixed(1)} s: ${JSON.stringify(dataset.counts)}`);
    const token = await insertOfficeToken(url);
    const [server, bare] = await Promise.all([
      startChild('server-scale', 'src/server.ts', { ...serverEnv, DATABASE_URL: url }, undefined, ['--no-worker']),
      startChild('bare-scale', 'bench/bare-server.ts', { DATABASE_URL: url, LOG_LEVEL: 'warn', DATABASE_POOL_MAX: serverEnv.DATABASE_POOL_MAX ?? '10' }),
    ]);
    try {
      const answer = await send(server.url, 'GET', measuresPath);
      const stored = await send(bare.url, 'PUT', '/payload', {}, answer.body);
      if (answer.status !== 200 || stored.status !== 204) throw new Error(`reads-20k: measures ${answer.status}, bare payload ${stored.status}`);
      const ceiling = await cannon(`ceiling (${sizes.scaleUnits} units' processes)`, `${bare.url}/ceiling`);
      const measures = await cannon(`GET measures (${sizes.scaleUnits} units)`, `${server.url}${measuresPath}`);
      const consolidated = await consolidatedPhase(server.url, bare.url, token, url);
      return { units: sizes.scaleUnits, expectedUnits: dataset.counts.expectedUnits!, datasetSeconds: dataset.seconds, reports: dataset.counts.reports!, ceiling, measures, consolidated };
    } finally {
      await Promise.all([server.stop(), bare.stop()]);
    }
  } finally {
    await dropBenchDatabase(scaleDatabaseName);
  }
}

/** An office token for that database, stored as the service stores tokens (SHA-256 only). */
async function insertOfficeToken(url: string): Promise<string> {
  const token = `hzt_${randomBytes(32).toString('base64url')}`;
  await withClient((client) => client.query(`insert into api_tokens (token_hash, role, label) values ($1, 'office', 'bench office (reads-20k)')`, [createHash('sha256').update(token).digest('hex')]), url);
  return token;
}

const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const ms = (value: number) => (value === 0 ? '<1' : f(value));

function missRows(label: string, miss: MissFindings | undefined): string[][] {
  if (!miss) return [];
  return [
    [`${label} first read after a write`, '-', f(miss.api.p50), f(miss.api.p99), '-', `${miss.api.runs} sequential reads, each after a unit saved its (returned) report of the period (${miss.fresh} fresh ETags); mean ${f(miss.api.mean)} ms`],
    [`${label} read again (cache hit)`, '-', f(miss.hit.p50), f(miss.hit.p99), '-', `mean ${f(miss.hit.mean)} ms: sending the answer alone`],
    [`${label} raw SQL (http), right after`, '-', f(miss.raw.p50), f(miss.raw.p99), '-', `mean ${f(miss.raw.mean)} ms`],
    [`${label} miss / raw SQL (http)`, '', '', '', `p50 ${f(miss.ratioP50)}x, mean ${f(miss.ratioMean)}x`, `target <= ${targets.consolidatedMissVsRawSql}x`],
  ];
}

/** Rows of the table for the consolidated misses (main run) and the reads-20k phase. */
export function readsRows(results: Results): string[][] {
  const rows = missRows('consolidated', results.consolidated?.miss);
  const s = results.scale;
  if (!s) return rows;
  const load = (row: LoadResult, note: string) => [row.name, f(row.rps, 0), ms(row.p50), ms(row.p99), '-', `${note}${note ? '; ' : ''}${row.requests} req, ${(row.bytesPerRequest / 1024).toFixed(1)} KiB each${row.non2xx && !row.note ? `; ${row.non2xx} non-2xx` : ''}${row.errors ? `; ${row.errors} errors` : ''}`];
  const c = s.consolidated;
  rows.push(
    [`reads-20k: dataset`, '-', '-', '-', '-', `${s.units} synthetic units (${s.expectedUnits} expected), ${s.reports} reports, generated in ${f(s.datasetSeconds)} s`],
    load(s.ceiling, ''),
    load(s.measures, `${f((s.measures.rps / s.ceiling.rps) * 100, 0)}% of this ceiling`),
    load({ ...c.api, name: `GET consolidated (API, ${s.units} units)` }, `${c.units} expected units, ${(c.apiBytes / 1024).toFixed(0)} KiB`),
    load({ ...c.rawHttp, name: `consolidated raw SQL (http, ${s.units} units)` }, ''),
    ['reads-20k: raw SQL, pg direct, sequential', '-', f(c.rawDirect.p50), f(c.rawDirect.p99), '-', `${c.rawDirect.runs} runs`],
    ['reads-20k: consolidated API / raw SQL (http)', '', '', '', `p50 ${f(c.ratioP50)}x, mean ${f(c.ratioMean)}x`, c.mismatches.length ? `${c.mismatches.length} MISMATCHES: ${c.mismatches.slice(0, 3).join('; ')}` : 'same per-row figures and totals'],
    ...missRows('reads-20k: consolidated', c.miss),
  );
  return rows;
}

export function readsTargets(results: Results): Target[] {
  const list: Target[] = [];
  const miss = (name: string, found: MissFindings | undefined) => {
    if (!found) return;
    const limit = targets.consolidatedMissVsRawSql;
    list.push({ name, goal: `<= ${limit}x (p50 and mean)`, value: `p50 ${f(found.ratioP50)}x, mean ${f(found.ratioMean)}x (${f(found.api.p50)} ms vs ${f(found.raw.p50)} ms)`, pass: found.ratioP50 <= limit && found.ratioMean <= limit });
  };
  miss('consolidated first read after a write vs raw SQL', results.consolidated?.miss);
  const s = results.scale;
  if (s) {
    const c = s.consolidated;
    list.push({
      name: `consolidated API vs raw SQL latency at ${s.units} units`,
      goal: `<= ${targets.consolidatedVsRawSql}x (p50 and mean)`,
      value: `p50 ${f(c.ratioP50)}x, mean ${f(c.ratioMean)}x`,
      pass: c.ratioP50 <= targets.consolidatedVsRawSql && c.ratioMean <= targets.consolidatedVsRawSql && c.mismatches.length === 0,
    });
    miss(`consolidated first read after a write vs raw SQL at ${s.units} units`, c.miss);
    const share = s.measures.rps / s.ceiling.rps;
    list.push({ name: `GET measures vs ceiling req/s at ${s.units} units`, goal: `>= ${targets.measuresShareOfCeiling * 100}%`, value: `${(share * 100).toFixed(0)}%`, pass: share >= targets.measuresShareOfCeiling });
  }
  return list;
}
