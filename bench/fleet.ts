import os from 'node:os';
import { CONSOLIDATED_PERIOD, sizes } from './config.js';
import type { Dataset } from './dataset.js';
import { cannon, runSubmissions, type LoadResult, type WriteResult } from './load.js';
import { startChild } from './processes.js';
import { measuresPath } from './reads.js';
import type { Results, Target } from './report.js';
import { freshSubmissions } from './writes.js';

export interface FleetFindings {
  processes: number;
  cpus: number;
  measures: { one: LoadResult; two: LoadResult[]; ratio: number };
  writes: { one: WriteResult; two: WriteResult[]; ratio: number; periods: string[]; pairs: number };
}

const sumRps = (rows: LoadResult[]) => rows.reduce((sum, row) => sum + row.rps, 0);
const sumSubmissions = (rows: WriteResult[]) => rows.reduce((sum, row) => sum + row.submissionsPerSecond, 0);

/**
 * The fleet against one: two API processes (`src/server.ts --no-worker`, the service's environment,
 * the bench's database and Redis), started for this phase. Each measurement runs against process A
 * alone, then against A and B at once with one load generator per process (two autocannon runs, or
 * two submission loops sharing one queue of distinct reports, each part on them afresh), summed: each process gets the load
 * one process got alone (`sizes.connections` connections or workers). The write path is the one
 * bench/writes.ts drives (`freshSubmissions`), on periods the write phase does not use.
 *
 * The load generators, both API processes, Postgres and Redis share this machine's CPUs: on two
 * cores the fleet cannot double anything, and the ratio shows how much headroom one process left.
 */
export async function fleetPhase(serverEnv: Record<string, string>, dataset: Dataset): Promise<FleetFindings> {
  const [a, b] = await Promise.all([
    startChild('api-a', 'src/server.ts', serverEnv, undefined, ['--no-worker']),
    startChild('api-b', 'src/server.ts', serverEnv, undefined, ['--no-worker']),
  ]);
  try {
    const one = await cannon('fleet: GET measures, 1 process', `${a.url}${measuresPath}`);
    const two = await Promise.all([cannon('fleet: GET measures, process A of 2', `${a.url}${measuresPath}`), cannon('fleet: GET measures, process B of 2', `${b.url}${measuresPath}`)]);

    // Periods the write phase leaves alone (it takes the last ones), and not the one the consolidated phase reads.
    const periods = dataset.periods.slice(0, -sizes.writePeriods).filter((period) => period !== CONSOLIDATED_PERIOD);
    // Each part on the same reports afresh (cleared, new tokens): one queue would run out while the
    // write path runs at 1,000/s, leaving the second part nothing to submit.
    const fresh = async () => (await freshSubmissions(dataset, periods)).queue;
    let queue = await fresh();
    const pairs = queue.length;
    const warmup = await runSubmissions(a.url, queue, sizes.connections, sizes.warmupSeconds);
    if (warmup.completed === 0) throw new Error(`fleet: no submission succeeded in the warm-up: ${warmup.firstErrors.join(' | ')}`);
    await runSubmissions(b.url, queue, sizes.connections, sizes.warmupSeconds);
    queue = await fresh();
    const writeOne = await runSubmissions(a.url, queue, sizes.connections, sizes.durationSeconds);
    queue = await fresh();
    const writeTwo = await Promise.all([runSubmissions(a.url, queue, sizes.connections, sizes.durationSeconds), runSubmissions(b.url, queue, sizes.connections, sizes.durationSeconds)]);
    return {
      processes: 2,
      cpus: os.cpus().length,
      measures: { one, two, ratio: sumRps(two) / one.rps },
      writes: { one: writeOne, two: writeTwo, ratio: sumSubmissions(writeTwo) / writeOne.submissionsPerSecond, periods, pairs },
    };
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

const f = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

export function fleetRows(results: Results): string[][] {
  const fleet = results.fleet;
  if (!fleet) return [];
  const { measures: m, writes: w } = fleet;
  const problems = (rows: LoadResult[]) => rows.map((row) => [row.non2xx ? `${row.non2xx} non-2xx` : '', row.errors ? `${row.errors} errors` : ''].filter(Boolean).join(', ')).filter(Boolean).join('; ');
  const failed = (rows: WriteResult[]) => rows.reduce((sum, row) => sum + row.failed, 0);
  return [
    [m.one.name, f(m.one.rps, 0), f(m.one.p50), f(m.one.p99), '-', `${sizes.connections} connections; ${problems([m.one])}`],
    ['fleet: GET measures, 2 processes (summed)', f(sumRps(m.two), 0), m.two.map((row) => f(row.p50)).join('/'), m.two.map((row) => f(row.p99)).join('/'), `${f(m.ratio, 2)}x of 1`, `A ${f(m.two[0]!.rps, 0)} + B ${f(m.two[1]!.rps, 0)} req/s, ${sizes.connections} connections each; ${problems(m.two)}`],
    ['fleet: write path, 1 process', `${f(w.one.submissionsPerSecond, 0)} sub/s`, f(w.one.p50), f(w.one.p99), '-', `${w.one.completed} submissions (${w.one.failed} failed), ${sizes.connections} workers${w.one.exhausted ? ', ran out of pairs' : ''}`],
    [
      'fleet: write path, 2 processes (summed)',
      `${f(sumSubmissions(w.two), 0)} sub/s`,
      w.two.map((row) => f(row.p50)).join('/'),
      w.two.map((row) => f(row.p99)).join('/'),
      `${f(w.ratio, 2)}x of 1`,
      `A ${f(w.two[0]!.submissionsPerSecond, 0)} + B ${f(w.two[1]!.submissionsPerSecond, 0)} sub/s (${failed(w.two)} failed), ${sizes.connections} workers each; ${w.pairs} reports of ${w.periods.length} periods${w.two.some((row) => row.exhausted) ? ', ran out of pairs' : ''}; ${fleet.cpus} CPUs shared by both processes, Postgres, Redis and the load generators`,
    ],
  ];
}

/** No pass mark: on a machine this size the ratio is a finding, not a goal (README: the fleet). */
export function fleetTargets(results: Results): Target[] {
  const fleet = results.fleet;
  if (!fleet) return [];
  return [
    { name: 'fleet: GET measures, 2 processes vs 1', goal: 'shown, not assumed', value: `${f(fleet.measures.ratio, 2)}x on ${fleet.cpus} CPUs`, pass: null },
    { name: 'fleet: write path, 2 processes vs 1', goal: 'shown, not assumed', value: `${f(fleet.writes.ratio, 2)}x on ${fleet.cpus} CPUs`, pass: null },
  ];
}
