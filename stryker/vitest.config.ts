import { defineConfig } from 'vitest/config';
import base from '../vitest.config.js';
import { modules } from './modules.mjs';

/*
 * The test files of the module under mutation (MUTATION_MODULE) and no others. Stryker's own
 * `testFiles` option would do the same, but with it Stryker 9.6 activates every mutant only once
 * the test files have loaded, so a mutant in module-level code (a schema, a constant) is never
 * active and survives unseen. MUTATION_TESTS (comma-separated) runs other test files instead, e.g.
 * to score the suite a module had before its focused tests.
 */
const target = modules[process.env.MUTATION_MODULE as keyof typeof modules];
if (!target) throw new Error('MUTATION_MODULE names no module of stryker/modules.mjs');

const include = process.env.MUTATION_TESTS ? process.env.MUTATION_TESTS.split(',') : target.tests;

export default defineConfig({ ...base, test: { ...base.test, include } });
