import { PLAN, sizes } from './config.js';
import { clearReports, insertDepartmentTokens, type Dataset } from './dataset.js';
import { runSubmissions, type Submission, type WriteResult } from './load.js';

export interface WriteFindings extends WriteResult {
  periods: string[];
  pairsAvailable: number;
  warmupCompleted: number;
  reportsCleared: number;
}

/**
 * The write path: department tokens for every synthetic unit (api_tokens rows with the SHA-256 of
 * random secrets, as src/modules/tokens/tokens.service.ts stores them), their reports of the last
 * `sizes.writePeriods` periods deleted, then draft save + submit of distinct (unit, period)
 * reports: a warm-up, then `sizes.durationSeconds` with `sizes.connections` concurrent workers.
 * The other periods keep their reports, so the plan still holds thousands of them.
 */
export async function writePhase(serverUrl: string, dataset: Dataset): Promise<WriteFindings> {
  const units = [...dataset.rowsByUnit.keys()];
  const tokens = await insertDepartmentTokens(units);
  const periods = dataset.periods.slice(-sizes.writePeriods);
  const reportsCleared = await clearReports(periods);

  const queue: Submission[] = [];
  for (const period of periods) {
    for (const unit of units) {
      const entries = dataset.rowsByUnit.get(unit)!.map((row) => ({
        ...row,
        status: 'in_progress',
        progress: 60,
        summary: `${period} 基准测试填报:已完成排查,正在推进整改。`,
        nextSteps: '下季度完成整改销项。',
      }));
      // The 总结报告 is submitted with its narrative (all four sections), as units must.
      const narrative = period === 'summary' ? { narrative: { work: '基准测试:工作开展情况。', results: '主要成效。', problems: '存在问题。', nextSteps: '下步打算。' } } : {};
      queue.push({ path: `/v1/plans/${PLAN}/periods/${period}/reports/${unit}`, token: tokens.get(unit)!, body: JSON.stringify({ entries, ...narrative }) });
    }
  }
  const pairsAvailable = queue.length;
  const warmup = await runSubmissions(serverUrl, queue, sizes.connections, sizes.warmupSeconds);
  if (warmup.completed === 0) throw new Error(`write path: no submission succeeded in the warm-up: ${warmup.firstErrors.join(' | ')}`);
  const result = await runSubmissions(serverUrl, queue, sizes.connections, sizes.durationSeconds);
  return { ...result, periods, pairsAvailable, warmupCompleted: warmup.completed, reportsCleared };
}

/**
 * Fresh submissions for the given periods, built as `writePhase` builds its own (new department
 * tokens, the synthetic units' reports of those periods deleted): the fleet phase (bench/fleet.ts)
 * replays the write path through one API process, then two, with these.
 */
export async function freshSubmissions(dataset: Dataset, periods: string[]): Promise<{ queue: Submission[]; reportsCleared: number }> {
  const units = [...dataset.rowsByUnit.keys()];
  const tokens = await insertDepartmentTokens(units);
  const reportsCleared = await clearReports(periods);
  const queue: Submission[] = [];
  for (const period of periods) {
    for (const unit of units) {
      const entries = dataset.rowsByUnit.get(unit)!.map((row) => ({ ...row, status: 'in_progress', progress: 60, summary: `${period} 基准测试填报:已完成排查,正在推进整改。` }));
      const narrative = period === 'summary' ? { narrative: { work: '工作开展情况。', results: '主要成效。', problems: '存在问题。', nextSteps: '下步打算。' } } : {};
      queue.push({ path: `/v1/plans/${PLAN}/periods/${period}/reports/${unit}`, token: tokens.get(unit)!, body: JSON.stringify({ entries, ...narrative }) });
    }
  }
  return { queue, reportsCleared };
}
