// StrykerJS on one core module at a time: MUTATION_MODULE names it (stryker/modules.mjs).
// `npm run mutation` runs every module in turn, `npm run mutation -- rollup` one (scripts/mutation.ts).
import { moduleNames, modules } from './stryker/modules.mjs';

const name = process.env.MUTATION_MODULE ?? '';
const target = modules[name];
if (!target) throw new Error(`MUTATION_MODULE must be one of ${moduleNames.join(', ')}; run npm run mutation -- <module>`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // That config runs the module's test files only (target.tests).
  vitest: { configFile: 'stryker/vitest.config.ts', related: false },
  mutate: target.mutate,
  // 'perTest' runs only the tests that reached a mutant, which fails later steps of a scenario whose
  // earlier steps were left out (false kills); 'all' runs the module's whole test files.
  coverageAnalysis: 'all',
  // Two cores shared with other work; the tests open their own databases.
  concurrency: 1,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  clearTextReporter: { allowColor: false, logTests: false },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  // The sandbox needs the code, the seed, the migrations and the tests, not the web app or the bench.
  ignorePatterns: ['/web', '/bench', '/docs', '/data', '/reports', '/dist', '/coverage'],
};
