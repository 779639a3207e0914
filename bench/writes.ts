import { PLAN, sizes } from './config.js';
import { clearReports, insertDepartmentTokens, withClient, type Dataset } from './dataset.js';
import { runSubmissions, type Submission, type WriteResult } from './load.js';
import { rawSubmissions, type RawSubmission } from './raw-writes.js';

export interface WriteFindings extends WriteResult {
  periods: string[];
  pairsAvailable: number;
  warmupCompleted: number;
  reportsCleared: number;
  /** The same submissions' durable work straight through pg, same concurrency (bench/raw-writes.ts). */
  raw: WriteResult & { warmupCompleted: number };
  /** API submissions/s as a share of the raw figure. */
  shareOfRaw: number;
  /** The same statement behind a bare Fastify (bench/bare-server.ts): what HTTP alone leaves of the raw figure on this machine. */
  bareHttp: WriteResult & { warmupCompleted: number };
  /** API submissions/s as a share of the bare HTTP figure. */
  shareOfBareHttp: number;
}

interface SubmissionPair {
  period: string;
  unit: string;
  entries: Record<string, unknown>[];
  narrative: Record<string, string> | undefined;
}

/** A submission for every synthetic unit in each period: its rows in progress, and the 总结报告's narrative (all four sections), as units must. */
function submissionPairs(dataset: Dataset, periods: string[]): SubmissionPair[] {
  return periods.flatMap((period) =>
    [...dataset.rowsByUnit.keys()].map((unit) => {
      const entries = dataset.rowsByUnit.get(unit)!.map((row) => ({
        ...row,
        status: 'in_progress',
        progress: 60,
        summary: `${period} 基准测试填报:已完成排查,正在推进整改。`,
        nextSteps: '下季度完成整改销项。',
      }));
      const narrative = period === 'summary' ? { work: '基准测试:工作开展情况。', results: '主要成效。', problems: '存在问题。', nextSteps: '下步打算。' } : undefined;
      return { period, unit, entries, narrative };
    }),
  );
}

let keys = 0;
/** Each pair as the API's one request: save and submit, with an Idempotency-Key as a client that may retry sends it. */
const apiSubmissions = (pairs: SubmissionPair[], tokens: Map<string, string>): Submission[] =>
  pairs.map(({ period, unit, entries, narrative }) => ({
    path: `/v1/plans/${PLAN}/periods/${period}/reports/${unit}`,
    token: tokens.get(unit)!,
    body: JSON.stringify({ entries, ...(narrative ? { narrative } : {}) }),
    key: `bench-${(keys += 1)}`,
  }));

/**
 * The write path: department tokens for every synthetic unit (api_tokens rows with the SHA-256 of
 * random secrets, as src/modules/tokens/tokens.service.ts stores them), their reports of the last
 * `sizes.writePeriods` periods deleted, then distinct (unit, period) reports submitted afresh:
 * 1. the floor: each submission's rows written straight through pg (a warm-up, the reports
 *    cleared again, `sizes.durationSeconds` measured), `sizes.connections` connections;
 * 2. the reports cleared again, the same statement behind a bare Fastify, one POST each, by the
 *    API phase's client: what HTTP alone costs on this machine (not a target, an explanation);
 * 3. the reports cleared again, then the API: each report saved and submitted in one request with
 *    an Idempotency-Key (a warm-up, then `sizes.durationSeconds`), `sizes.connections` workers.
 * Both insert the same rows into tables of the same size. The other periods keep their reports,
 * so the plan still holds thousands of them.
 */
export async function writePhase(serverUrl: string, bareUrl: string, dataset: Dataset): Promise<WriteFindings> {
  const units = [...dataset.rowsByUnit.keys()];
  const tokens = await insertDepartmentTokens(units);
  const periods = dataset.periods.slice(-sizes.writePeriods);
  const { planId, tokenIds } = await withClient(async (client) => {
    const plan = await client.query<{ id: number }>('select id from plans where code = $1', [PLAN]);
    const rows = await client.query<{ id: string; department_code: string }>(`select id, department_code from api_tokens where label = 'bench' and role = 'department'`);
    return { planId: plan.rows[0]!.id, tokenIds: new Map(rows.rows.map((row) => [row.department_code, row.id])) };
  });

  const pairs = submissionPairs(dataset, periods);
  const apiQueue = () => apiSubmissions(pairs, tokens);
  let sequence = 0;
  const rawQueue = (): RawSubmission[] =>
    pairs.map(({ period, unit, entries, narrative }) => ({
      planId,
      period,
      unit,
      tokenId: tokenIds.get(unit)!,
      entries: JSON.stringify(entries),
      narrative: narrative ? JSON.stringify(narrative) : null,
      // What the API remembers: the report, with the rows the unit carries.
      answer: JSON.stringify({ plan: PLAN, period, department: { code: unit }, status: 'submitted', version: 1, entries, narrative: narrative ?? null, tasks: entries.map(({ measureNo, taskSeq }) => ({ measureNo, taskSeq, required: true })) }),
      key: `raw-${(sequence += 1)}`,
    }));

  let reportsCleared = await clearReports(periods);
  const rawWarmup = await rawSubmissions(rawQueue(), sizes.connections, sizes.warmupSeconds);
  if (rawWarmup.completed === 0) throw new Error(`raw writes: nothing written in the warm-up: ${rawWarmup.firstErrors.join(' | ')}`);
  await clearReports(periods);
  const raw = await rawSubmissions(rawQueue(), sizes.connections, sizes.durationSeconds);
  reportsCleared += await clearReports(periods);

  // The same statement, each sent as one POST to the bare server by the API phase's client.
  const bareQueue = (): Submission[] => rawQueue().map((item) => ({ path: '/raw', token: 'none', body: JSON.stringify(item), key: item.key }));
  const bareWarmup = await runSubmissions(bareUrl, bareQueue(), sizes.connections, sizes.warmupSeconds);
  if (bareWarmup.completed === 0) throw new Error(`bare http writes: nothing written in the warm-up: ${bareWarmup.firstErrors.join(' | ')}`);
  await clearReports(periods);
  const bareHttp = await runSubmissions(bareUrl, bareQueue(), sizes.connections, sizes.durationSeconds);
  reportsCleared += await clearReports(periods);

  const queue = apiQueue();
  const pairsAvailable = queue.length;
  const warmup = await runSubmissions(serverUrl, queue, sizes.connections, sizes.warmupSeconds);
  if (warmup.completed === 0) throw new Error(`write path: no submission succeeded in the warm-up: ${warmup.firstErrors.join(' | ')}`);
  const result = await runSubmissions(serverUrl, queue, sizes.connections, sizes.durationSeconds);
  return {
    ...result,
    periods,
    pairsAvailable,
    warmupCompleted: warmup.completed,
    reportsCleared,
    raw: { ...raw, warmupCompleted: rawWarmup.completed },
    shareOfRaw: raw.submissionsPerSecond > 0 ? result.submissionsPerSecond / raw.submissionsPerSecond : 0,
    bareHttp: { ...bareHttp, warmupCompleted: bareWarmup.completed },
    shareOfBareHttp: bareHttp.submissionsPerSecond > 0 ? result.submissionsPerSecond / bareHttp.submissionsPerSecond : 0,
  };
}

/**
 * Fresh submissions for the given periods, built as `writePhase` builds its own (new department
 * tokens, the synthetic units' reports of those periods deleted): the fleet phase (bench/fleet.ts)
 * replays the write path through one API process, then two, with these.
 */
export async function freshSubmissions(dataset: Dataset, periods: string[]): Promise<{ queue: Submission[]; reportsCleared: number }> {
  const tokens = await insertDepartmentTokens([...dataset.rowsByUnit.keys()]);
  const reportsCleared = await clearReports(periods);
  return { queue: apiSubmissions(submissionPairs(dataset, periods), tokens), reportsCleared };
}
