/*
 * The core modules under mutation testing (docs/mutation.md), each with the focused test files
 * that exercise it: Stryker runs only those for each mutant, so a module takes minutes.
 */
import { readFileSync } from 'node:fs';

/** The lines from the one matching `first` to the `}` closing the block that the one matching `last` opens, as Stryker's `file:from-to`. */
function linesOf(file, first, last) {
  const lines = readFileSync(new URL(`../${file}`, import.meta.url), 'utf8').split('\n');
  const from = lines.findIndex((line) => first.test(line));
  const start = lines.findIndex((line, index) => index >= from && last.test(line));
  const to = lines.findIndex((line, index) => index > start && line === '}');
  if (from < 0 || start < 0 || to < 0) throw new Error(`${file}: the lines to mutate were not found; update stryker/modules.mjs`);
  return `${file}:${from + 1}-${to + 1}`;
}

export const modules = {
  deadlines: {
    mutate: ['src/modules/periods/deadlines.ts'],
    tests: ['tests/deadlines.test.ts'],
  },
  'reports-service': {
    mutate: ['src/modules/reports/reports.service.ts', 'src/modules/reports/report-context.ts', 'src/modules/reports/changed-tasks.ts', 'src/modules/reports/if-match.ts'],
    tests: ['tests/reports-service.test.ts'],
  },
  rollup: {
    mutate: ['src/modules/consolidated/rollup.ts'],
    tests: ['tests/rollup.test.ts'],
  },
  planner: {
    mutate: ['src/modules/reminders/planner.ts'],
    tests: ['tests/reminder-planner.test.ts'],
  },
  policy: {
    mutate: ['src/modules/reminders/policy.ts'],
    tests: ['tests/reminder-policy.test.ts'],
  },
  'webhook-target': {
    mutate: ['src/modules/reminders/webhook-target.ts'],
    tests: ['tests/webhook-target.test.ts'],
  },
  // The CSV writer: the formula neutraliser, toCsv and csvPart (the XLSX writer and the route wiring around them are not mutated).
  csv: {
    mutate: [linesOf('src/http/exports.ts', /^const FORMULA_TRIGGER/, /^export function csvPart/)],
    tests: ['tests/csv-writer.test.ts'],
  },
};

export const moduleNames = Object.keys(modules);
