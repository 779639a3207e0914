/**
 * The benchmark harness: `npm run bench` (full, < 10 min), `BENCH_SMOKE=1 npm run bench` (~30 s, CI),
 * `BENCH_PROFILE=<phase> npm run bench` (one phase, server child under --cpu-prof, hot spots printed).
 *
 * 1. a separate database hazchem_bench_<random>, migrated, seeded and filled with 2,000 synthetic
 *    units, their task rows, liaisons and a report per unit and period (bench/dataset.ts);
 * 2. the real server (tsx src/server.ts) and a bare Fastify (bench/bare-server.ts) as children;
 * 3. autocannon against the ceiling, measures, consolidated (vs the same aggregation as raw SQL),
 *    the office dashboard in headless Chromium (bench/dashboard.ts), the office's documents
 *    (bench/documents.ts: Word 汇总报告 and consolidated XLSX, time and peak memory), the whole plan's dossier ZIP
 *    (bench/dossier.ts: time, bytes and peak memory), then the write path and the
 *    reminders (bench/reads.ts, writes.ts, reminders.ts); reads at 20,000 units in a deployment of their
 *    own (bench/scale.ts) and the fleet, two API processes against one (bench/fleet.ts);
 * 4. a table with the targets, bench/results.json; children killed, database dropped, queue
 *    prefix removed from Redis (its keys only).
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { startSmtpSink, type SmtpSink } from '../tests/helpers/smtp-sink.js';
import { REMINDER_QUEUE } from '../src/modules/reminders/reminders.jobs.js';
import { benchDir, databaseName, databaseUrl, onlyPhases, profilePhase, PHASES, queuePrefix, redisUrl, runs, scaleDatabaseName, sizes, smoke, type Phase } from './config.js';
import { createBenchDatabase, dropBenchDatabase, generateDataset, type Dataset } from './dataset.js';
import { send } from './load.js';
import { cliToken, startChild, stopAllChildren, tail, workDir, type Child } from './processes.js';
import { monotonicMicros, summariseProfile } from './profile.js';
import { dashboardPhase } from './dashboard.js';
import { documentsPhase } from './documents.js';
import { dossierPhase } from './dossier.js';
import { ceilingPhase, ceilingRerun, consolidatedPhase, measuresPath, measuresPhase } from './reads.js';
import { reminderPhase } from './reminders.js';
import { evaluateTargets, machineInfo, modeName, renderTable, type Results } from './report.js';
import { writePhase } from './writes.js';
import { fleetPhase } from './fleet.js';
import { scalePhase } from './scale.js';

const startedAt = performance.now();
const elapsed = () => ((performance.now() - startedAt) / 1000).toFixed(1).padStart(6);
const log = (line: string) => console.log(`[bench ${elapsed()} s] ${line}`);

if (profilePhase && !PHASES.includes(profilePhase as Phase)) {
  console.error(`BENCH_PROFILE must be one of ${PHASES.join(', ')}`);
  process.exit(2);
}
if (onlyPhases?.some((name) => !PHASES.includes(name as Phase))) {
  console.error(`BENCH_ONLY must list phases among ${PHASES.join(', ')}`);
  process.exit(2);
}

const results: Results = { machine: machineInfo(), mode: modeName, sizes, errors: [] };
const phaseSeconds: Record<string, number> = {};
const profileDir = path.join(workDir, 'profile');
let sink: SmtpSink | undefined;
let server: Child | undefined;
let cleanedUp: Promise<void> | undefined;

/** Removes this run's BullMQ keys: obliterate the queue, then any key left under the prefix. Never FLUSHALL. */
async function removeQueueKeys() {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const queue = new Queue(REMINDER_QUEUE, { connection, prefix: queuePrefix });
    await queue.obliterate({ force: true }).catch((error: Error) => log(`obliterate: ${error.message}`));
    await queue.close();
    let cursor = '0';
    do {
      const [next, keys] = await connection.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await connection.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    connection.disconnect();
  }
}

function cleanup(): Promise<void> {
  cleanedUp ??= (async () => {
    await stopAllChildren().catch((error: Error) => log(`stopping children: ${error.message}`));
    await sink?.close().catch(() => undefined);
    await dropBenchDatabase().catch((error: Error) => log(`drop database ${databaseName}: ${error.message}`));
    await dropBenchDatabase(scaleDatabaseName).catch((error: Error) => log(`drop database ${scaleDatabaseName}: ${error.message}`));
    await removeQueueKeys().catch((error: Error) => log(`redis cleanup: ${error.message}`));
  })();
  return cleanedUp;
}

process.once('SIGINT', () => {
  log('interrupted: cleaning up');
  void cleanup().finally(() => process.exit(130));
});

let profileWindow: { from: number; to: number } | undefined;

async function phase(name: Phase, run: () => Promise<void>) {
  if (!runs(name)) return;
  log(`${name} ...`);
  const begin = performance.now();
  const from = monotonicMicros();
  try {
    await run();
  } catch (error) {
    results.errors.push(`${name}: ${(error as Error).stack ?? String(error)}`);
    log(`${name} FAILED: ${(error as Error).message}`);
  }
  phaseSeconds[name] = (performance.now() - begin) / 1000;
  if (profilePhase === name) profileWindow = { from, to: monotonicMicros() };
}

async function main() {
  log(`${modeName} run${profilePhase ? `, profiling ${profilePhase}` : ''}${onlyPhases ? `, only ${onlyPhases.join(', ')}` : ''}: database ${databaseName}, queue prefix ${queuePrefix}, logs in ${workDir}`);
  await createBenchDatabase();
  const dataset: Dataset = await generateDataset(sizes.units);
  results.dataset = { seconds: dataset.seconds, counts: dataset.counts };
  log(`dataset in ${dataset.seconds.toFixed(1)} s: ${JSON.stringify(dataset.counts)}`);

  sink = await startSmtpSink();
  // The CLI (a tsx start-up of its own) runs while the server starts.
  const officeTokenPromise = cliToken(databaseUrl, 'office');
  officeTokenPromise.catch(() => undefined);
  const serverEnv = {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    MIGRATE_ON_START: 'false',
    QUEUE_PREFIX: queuePrefix,
    REDIS_URL: redisUrl,
    SMTP_URL: sink.url,
    AUTH_FAILURES_PER_MINUTE: '10000',
    WRITES_PER_MINUTE: '100000',
    DATABASE_POOL_MAX: '10',
    WORKER_CONCURRENCY: '10',
    RECONCILE_INTERVAL_SECONDS: '86400',
    DATA_DIR: workDir,
  };
  const profileArgs = profilePhase ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : undefined;
  // The dossier phase starts a service process of its own (bench/dossier.ts); profiled, it is the one profiled.
  const sharedServerArgs = profilePhase === 'dossier' ? undefined : profileArgs;
  const barePromise = startChild('bare', 'bench/bare-server.ts', { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', DATABASE_POOL_MAX: '10' });
  barePromise.catch(() => undefined);
  server = await startChild('server', 'src/server.ts', serverEnv, sharedServerArgs);
  const bare = await barePromise;
  // The ceiling's constant is the service's own measures answer: the same bytes.
  const measures = await send(server.url, 'GET', measuresPath);
  if (measures.status !== 200) throw new Error(`GET measures answered ${measures.status}: ${measures.body.slice(0, 300)}`);
  const stored = await send(bare.url, 'PUT', '/payload', {}, measures.body);
  if (stored.status !== 204) throw new Error(`bare PUT /payload answered ${stored.status}`);
  log(`server ${server.url}, bare ${bare.url}; measures payload ${(Buffer.byteLength(measures.body) / 1024).toFixed(1)} KiB`);

  const serverUrl = server.url;
  const officeToken = await officeTokenPromise;
  await phase('ceiling', async () => {
    results.ceiling = await ceilingPhase(bare.url);
  });
  await phase('measures', async () => {
    results.measures = await measuresPhase(serverUrl);
    if (results.ceiling) results.ceiling.push(await ceilingRerun(bare.url));
  });
  await phase('consolidated', async () => {
    results.consolidated = await consolidatedPhase(serverUrl, bare.url, officeToken);
  });
  await phase('dashboard', async () => {
    results.dashboard = await dashboardPhase(serverUrl, officeToken, dataset);
  });
  await phase('documents', async () => {
    results.documents = await documentsPhase(serverUrl, officeToken, server!.process.pid!);
  });
  await phase('dossier', async () => {
    results.dossier = await dossierPhase({ env: serverEnv, nodeArgs: profileArgs ?? [] }, officeToken, dataset.periods);
  });
  await phase('write', async () => {
    results.write = await writePhase(serverUrl, bare.url, dataset);
  });
  await phase('reminders', async () => {
    results.reminders = await reminderPhase(serverUrl, officeToken, sink!, log);
  });
  await phase('reads-20k', async () => {
    results.scale = await scalePhase(serverEnv, log);
  });
  await phase('fleet', async () => {
    results.fleet = await fleetPhase(serverEnv, dataset);
  });
}

let profileSummary: string | undefined;
try {
  await main();
} catch (error) {
  results.errors.push(`setup: ${(error as Error).stack ?? String(error)}`);
  log(`FAILED: ${(error as Error).message}`);
} finally {
  if (server && results.errors.length > 0) log(`server log tail:\n${tail(server.logFile)}`);
  // The profile is written when the server child exits.
  await server?.stop().catch(() => undefined);
  if (profilePhase) profileSummary = (() => {
    try {
      return summariseProfile(profileDir, profileWindow);
    } catch (error) {
      return `profile: ${(error as Error).message}`;
    }
  })();
  log('cleaning up (children, database, queue keys)');
  await cleanup();
}

results.targets = evaluateTargets(results);
results.table = renderTable(results);
results.totalSeconds = (performance.now() - startedAt) / 1000;
const output = process.env.BENCH_RESULTS ?? path.join(benchDir, profilePhase ? 'results.profile.json' : onlyPhases ? 'results.only.json' : smoke ? 'results.smoke.json' : 'results.json');
writeFileSync(output, `${JSON.stringify({ ...results, phaseSeconds, profile: profileSummary }, null, 2)}\n`);
console.log(`\n${results.table}\n`);
if (profileSummary) console.log(`${profileSummary}\n`);
console.log(`Phases (s): ${JSON.stringify(Object.fromEntries(Object.entries(phaseSeconds).map(([name, seconds]) => [name, Math.round(seconds * 10) / 10])))}`);
console.log(`Total ${results.totalSeconds.toFixed(0)} s. Results in ${output}`);
// The children's logs are kept only when something failed.
if (results.errors.length === 0) rmSync(workDir, { recursive: true, force: true });
else console.log(`Logs of the children: ${workDir}`);
process.exit(results.errors.length > 0 ? 1 : 0);
