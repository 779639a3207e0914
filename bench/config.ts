import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Sizes and durations of one benchmark run; BENCH_SMOKE=1 shrinks everything for CI. */
export const smoke = process.env.BENCH_SMOKE === '1' || process.env.BENCH_SMOKE === 'true';

/**
 * BENCH_PROFILE=<phase> runs the server child under `node --cpu-prof`, runs only that phase
 * (ceiling, measures, consolidated, dashboard, documents, dossier, write, reminders, reads-20k or fleet) and prints where the server's CPU went;
 * reads-20k and fleet start servers of their own, which are not profiled.
 */
export const profilePhase = process.env.BENCH_PROFILE || undefined;
export const PHASES = ['ceiling', 'measures', 'consolidated', 'dashboard', 'documents', 'dossier', 'write', 'reminders', 'reads-20k', 'fleet'] as const;
export type Phase = (typeof PHASES)[number];
/** BENCH_ONLY=<phase>[,<phase>…] runs only those phases, at the run's sizes and without the profiler (e.g. BENCH_ONLY=dossier). */
export const onlyPhases = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((name) => name.trim()).filter(Boolean) : undefined;
export const runs = (phase: Phase) => (!profilePhase || profilePhase === phase) && (!onlyPhases || onlyPhases.includes(phase));

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const benchDir = path.join(repoRoot, 'bench');
export const tsxBin = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

export const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const suffix = randomBytes(4).toString('hex');
export const databaseName = `hazchem_bench_${suffix}`;
export const databaseUrlOf = (name: string) => {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
};
export const databaseUrl = databaseUrlOf(databaseName);
/** The reads-20k phase's own database (bench/scale.ts), dropped with the run's. */
export const scaleDatabaseName = `${databaseName}_scale`;
export const queuePrefix = `hazchem-bench-${suffix}`;

export const PLAN = 'hazchem-2017';
export const COPY_PLAN = 'bench-2030';
/** The period the consolidated endpoint is measured on. */
export const CONSOLIDATED_PERIOD = '2018Q2';

export const sizes = {
  /** Synthetic reporting units added to the seeded ones. */
  units: smoke ? 50 : 2000,
  /** autocannon connections (and write-path workers). */
  connections: 10,
  durationSeconds: smoke ? 3 : 10,
  warmupSeconds: smoke ? 0.5 : 3,
  /** Periods whose reports of the synthetic units are deleted so the write path can submit them afresh. */
  writePeriods: smoke ? 6 : 8,
  /** Sequential runs of the raw consolidated SQL straight through pg. */
  rawSqlRuns: smoke ? 10 : 50,
  /** Reminders made due at once for the delivery measurement. */
  deliveries: smoke ? 100 : 2000,
  deliveryTimeoutSeconds: smoke ? 60 : 240,
  /** The reminder offsets of the 66,000-reminder target (2,000 units x 11 progress periods x 3 offsets; the targets periods add 3 more per unit and offset). */
  reminderOffsets: [7, 3, 1],
  /** Timed loads of the office dashboard in Chromium (after one warm-up), each in a fresh browser context. */
  dashboardLoads: smoke ? 2 : 5,
  /** Timed builds of each office document (after one warm-up). */
  documentRuns: smoke ? 1 : 3,
  /**
   * Periods (the first ones) whose synthetic reports get a 1 MiB file each for the dossier: every
   * period in the full run (all 14: 28,000 files, 28 GiB streamed), the first two in the smoke run.
   */
  dossierAttachmentPeriods: smoke ? 2 : 99,
  /** Sequential first reads of the consolidated report, each after a write to its period (a cache miss). */
  consolidatedMisses: smoke ? 3 : 15,
  /** Units of the reads-20k phase's own deployment (bench/scale.ts). */
  scaleUnits: smoke ? 200 : 20_000,
};

export const targets = {
  consolidatedVsRawSql: 2,
  /** The first read after a write (cache miss) against the raw SQL over HTTP, sequential p50 and mean. */
  consolidatedMissVsRawSql: 2,
  measuresShareOfCeiling: 0.5,
  /**
   * API submissions/s (save + submit in one request) as a share of the same rows written straight
   * through pg at the same concurrency (bench/raw-writes.ts). Not an absolute rate: pgbench's
   * TPC-B-like script does about 1,075 transactions/s on this machine, and a submission is durable work.
   */
  writeShareOfRaw: 0.6,
  enqueueSeconds: 10,
  enqueueReminders: 66_000,
  /** The office dashboard usable (the 催报 list shown) in headless Chromium, median of the loads. */
  dashboardMs: 2000,
  /** gzip-ed JavaScript fetched by the first load of /sign-in and of the office dashboard (kB = 1,000 bytes, as vite prints). */
  firstLoadGzipKb: 400,
  /** Building the Word 汇总报告 and the consolidated XLSX of a period, each (max of the timed builds). */
  documentSeconds: 3,
  /** Peak resident memory of the service's node process (a fresh one) while it streams the whole plan's dossier. */
  dossierPeakRssMiB: 300,
};
