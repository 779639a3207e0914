/*
 * Mutation testing of the core modules (docs/mutation.md): `npm run mutation` runs StrykerJS on
 * each module of stryker/modules.mjs in turn, `npm run mutation -- rollup planner` on those named.
 * Each run writes reports/mutation/<module>.html and .json; this prints the scores and every
 * surviving mutant, and exits non-zero when a run failed or a module scored under MIN_SCORE.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { moduleNames } from '../stryker/modules.mjs';

const MIN_SCORE = 90;

interface Mutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  testsCompleted?: number;
  location: { start: { line: number; column: number } };
}

interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !moduleNames.includes(name));
if (unknown.length > 0) {
  console.error(`Unknown module ${unknown.join(', ')}; the modules are ${moduleNames.join(', ')}`);
  process.exit(2);
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const results: string[] = [];
let failed = false;

for (const name of asked.length > 0 ? asked : moduleNames) {
  console.log(`\n=== mutation testing: ${name} ===`);
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], { stdio: 'inherit', env: { ...process.env, MUTATION_MODULE: name } });
  if (run.status !== 0) {
    results.push(`${name}: Stryker failed (exit ${run.status ?? run.signal})`);
    failed = true;
    continue;
  }
  const report = JSON.parse(readFileSync(`reports/mutation/${name}.json`, 'utf8')) as Report;
  const mutants = Object.entries(report.files).flatMap(([file, { mutants }]) => mutants.map((mutant) => ({ file, ...mutant })));
  const detected = mutants.filter((mutant) => DETECTED.has(mutant.status)).length;
  const undetected = mutants.filter((mutant) => UNDETECTED.has(mutant.status));
  const score = (100 * detected) / (detected + undetected.length);
  results.push(`${name}: ${score.toFixed(2)}% (${detected} detected, ${undetected.length} undetected, ${mutants.length} mutants)`);
  if (score < MIN_SCORE) failed = true;
  for (const mutant of undetected) {
    // A mutant that makes a beforeAll hook throw, or the module fail while it loads, skips the file's
    // tests, and the vitest runner reports it as Survived with no test run: nothing could run with it.
    const note = mutant.status === 'Survived' && mutant.testsCompleted === 0 ? ' [no test ran: the test file failed to load or set up, see docs/mutation.md]' : '';
    results.push(`  ${mutant.status} ${mutant.file}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.mutatorName} -> ${JSON.stringify(mutant.replacement ?? '')}${note}`);
  }
}

const summary = results.join('\n');
mkdirSync('reports/mutation', { recursive: true });
writeFileSync('reports/mutation/summary.txt', `${summary}\n`);
console.log(`\n=== mutation scores (target ${MIN_SCORE}% each; reports in reports/mutation/) ===\n${summary}`);
process.exit(failed ? 1 : 0);
