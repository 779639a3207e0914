/**
 * Property-based fuzzing of every operation in openapi/openapi.json (read at run time, so a new
 * route is fuzzed as soon as it is documented). For each operation fast-check sends malformed,
 * oversized, wrongly typed and boundary path/query/header parameters and JSON bodies, as an admin
 * (who may do everything, so requests reach validation and handlers), a work-safety department
 * token, no token or a bogus one, and checks every answer:
 *
 * - never 5xx and never 406; the status is documented for the operation (plus 401/403/413/415/429
 *   on protected routes, 404 on routes with path parameters, 413/415 when a body was sent);
 * - every 4xx is application/problem+json with type, title, status (= HTTP status), detail,
 *   instance, code and requestId (= x-request-id);
 * - a rejected request stores nothing: after every 4xx, the change log that triggers keep on
 *   every mutable table (tests/helpers/fuzz-checks.ts) has no new committed change; a read
 *   operation writes nothing at all; and around every operation whose requests logged no change,
 *   the row counts and md5 checksums of those tables are unchanged (which also checks the log);
 * - no prototype pollution.
 * Each read operation also gets one conditional GET: its first 200 with an ETag is re-sent with
 * If-None-Match, and the answer is held to the same rules.
 *
 * Before fuzzing, work-safety submits three quarterly reports; values from successful responses
 * (codes, ids, calendar feed tokens) join the document's examples for the operations after.
 *
 * FUZZ_RUNS is the total number of requests, spread over the operations (`npm run fuzz` sends
 * 20000); FUZZ_SEED fixes the generator (operation i uses FUZZ_SEED + i). To replay a failure,
 * rerun the whole file with the printed FUZZ_SEED and FUZZ_RUNS (later operations use what
 * earlier ones learned); fast-check prints the counterexample, its seed and path.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changedTables, changesSince, installChangeLog, lastChange, responseViolation, snapshot } from './helpers/fuzz-checks.js';
import { FIXED_DEFECTS } from './helpers/fuzz-regressions.js';
import { harvestExamples, listOperations } from './helpers/fuzz-openapi.js';
import { describeRequest, requestArbitrary, type Auth, type FuzzRequest } from './helpers/fuzz-requests.js';
import { learnFrom, submitReports } from './helpers/fuzz-state.js';
import type { ValueContext } from './helpers/fuzz-values.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

// Load shedding on event-loop delay measures this machine, not the input: switched off here.
const ctx = useTestApp({ config: { maxEventLoopDelayMs: 0 } });

const operations = listOperations();
const examples = harvestExamples(operations);
const values: ValueContext = { examples, allExamples: [...new Set([...examples.values()].flat())] };

/** 100 requests per operation by default: the file stays well under a minute on two cores. */
const TOTAL_RUNS = Number(process.env.FUZZ_RUNS ?? operations.length * 100);
const RUNS_PER_OPERATION = Math.max(1, Math.ceil(TOTAL_RUNS / operations.length));
const SEED = Number(process.env.FUZZ_SEED ?? 20170405);
/** Per operation: generous, since shrinking a failure re-sends requests. */
const TIMEOUT_MS = 60_000 + RUNS_PER_OPERATION * 100;

let authorization: Record<Auth, string | undefined>;
/** Ids of the suite's own tokens: never learned, so never revoked by the fuzzer. */
let ownTokenIds: Set<string>;
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  authorization = {
    admin: (await bearer(ctx.app, 'admin')).authorization,
    department: (await bearer(ctx.app, 'department', 'work-safety')).authorization,
    none: undefined,
    garbage: `Bearer hzt_${'0'.repeat(43)}`,
  };
  const tokens = await ctx.app.inject({ method: 'GET', url: '/v1/tokens', headers: { authorization: authorization.admin! } });
  ownTokenIds = new Set((tokens.json().items as { id: string }[]).map((token) => token.id));
  await submitReports(ctx.app, { authorization: authorization.department! });
  await installChangeLog(ctx.app);
});

function send(request: FuzzRequest) {
  const auth = authorization[request.auth];
  return ctx.app.inject({
    method: request.method,
    url: request.url,
    headers: { ...request.headers, ...(auth ? { authorization: auth } : {}) },
    ...(request.payload === undefined ? {} : { payload: request.payload }),
  });
}

function assertNotPolluted(after: string) {
  const polluted = ({} as Record<string, unknown>).polluted;
  const keys = Object.getOwnPropertyNames(Object.prototype).sort();
  if (polluted !== undefined || keys.join() !== prototypeKeys.join()) {
    throw new Error(`Object.prototype polluted after ${after}: polluted=${String(polluted)}, keys=${keys.join(',')}`);
  }
}

describe('fuzz: every operation of openapi/openapi.json', () => {
  it('finds the operations in the document', () => {
    expect(operations.length).toBeGreaterThanOrEqual(40);
    expect(operations.map((op) => op.name)).toContain('GET /healthz');
    // The seeded plan and unit reach the generators through the document's examples.
    expect(values.allExamples).toEqual(expect.arrayContaining(['hazchem-2017', 'work-safety', '2017Q3']));
  });

  operations.forEach((op, index) => {
    it(
      `${op.name} (FUZZ_SEED=${SEED}, ${RUNS_PER_OPERATION} runs)`,
      async () => {
        const reads = op.method === 'GET';
        const atStart = { tables: await snapshot(ctx.app), change: await lastChange(ctx.app) };
        /** The change log as the last successful request left it. */
        let mark = atStart.change;
        let dirty = false;
        const statuses = new Map<number, number>();

        /** Reads answer a conditional GET once per operation: the first 200 with an ETag is re-sent with If-None-Match. */
        let conditionalSent = !reads;
        const exchange = async (request: FuzzRequest) => {
          const response = await send(request);
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          const violation = responseViolation(op, request, response);
          if (violation) throw new Error(`${violation}\n${describeRequest(request)}`);
          assertNotPolluted(describeRequest(request));
          return response;
        };

        const property = fc.asyncProperty(requestArbitrary(op, values), async (request) => {
          if (dirty) {
            mark = await lastChange(ctx.app);
            dirty = false;
          }
          // After a failure, fast-check shrinks: judge each candidate on its own writes only.
          dirty = true;
          const response = await exchange(request);
          if (response.statusCode < 400) {
            if (/json/.test(String(response.headers['content-type']))) learnFrom(response.json(), values, ownTokenIds);
            if (!conditionalSent && response.statusCode === 200 && response.headers.etag) {
              conditionalSent = true;
              await exchange({ ...request, headers: { ...request.headers, 'if-none-match': String(response.headers.etag) } });
            }
            return;
          }
          const changes = await changesSince(ctx.app, mark);
          if (changes.length) {
            const list = changes.map((change) => `${change.operation} ${change.table_name} ${JSON.stringify(change.row_data).slice(0, 300)}`).join('\n  ');
            throw new Error(`${op.name} answered ${response.statusCode} but stored:\n  ${list}\n${describeRequest(request)}`);
          }
          dirty = false; // a rejected request that wrote nothing leaves the mark valid
        });

        await fc.assert(property, {
          seed: SEED + index,
          numRuns: RUNS_PER_OPERATION,
          verbose: 1,
          // Stop (and fail) before vitest's timeout, so no request of this operation overlaps the next.
          interruptAfterTimeLimit: TIMEOUT_MS - 10_000,
          markInterruptAsFailure: true,
        });

        // Reads never write. And whenever the change log saw nothing, the checksums must agree,
        // which also proves the triggers miss nothing.
        const atEnd = { tables: await snapshot(ctx.app), change: await lastChange(ctx.app) };
        if (reads) expect(atEnd.change, `${op.name} is a read but wrote`).toBe(atStart.change);
        if (atEnd.change === atStart.change) expect(changedTables(atStart.tables, atEnd.tables), `${op.name} changed tables unseen by the change log`).toEqual([]);
        // A run that only ever sees one status fuzzes little: FUZZ_STATS=1 shows what each one got.
        if (process.env.FUZZ_STATS === '1') console.info(`${op.name}: ${[...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ')}`);
      },
      TIMEOUT_MS,
    );
  });
});

describe('defects the fuzzer found stay fixed', () => {
  for (const defect of FIXED_DEFECTS) {
    it(`${defect.id}: ${defect.reproduction.method} ${defect.reproduction.url.slice(0, 60)}`, async () => {
      const { method, url, headers, payload } = defect.reproduction;
      const response = await ctx.app.inject({ method, url, headers: { ...headers, authorization: authorization.admin! }, ...(payload === undefined ? {} : { payload }) });
      expect(defect.matches(response, defect.reproduction), defect.description).toBe(false);
    });
  }
});

afterAll(() => {
  assertNotPolluted('the whole run');
});
