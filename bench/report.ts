import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { repoRoot, sizes, smoke, targets } from './config.js';
import type { DashboardFindings } from './dashboard.js';
import type { DocumentTiming } from './documents.js';
import type { DossierFindings } from './dossier.js';
import type { LoadResult, WriteResult } from './load.js';
import { CEILING, type ConsolidatedFindings, type MeasuresFindings } from './reads.js';
import type { ReminderFindings } from './reminders.js';
import { fleetRows, fleetTargets, type FleetFindings } from './fleet.js';
import { readsRows, readsTargets, type ScaleFindings } from './scale.js';
import type { WriteFindings } from './writes.js';

export interface Results {
  machine: ReturnType<typeof machineInfo>;
  mode: 'smoke' | 'full';
  sizes: typeof sizes;
  dataset?: { seconds: number; counts: Record<string, number> };
  ceiling?: LoadResult[];
  measures?: MeasuresFindings;
  consolidated?: ConsolidatedFindings;
  dashboard?: DashboardFindings;
  documents?: DocumentTiming[];
  dossier?: DossierFindings;
  write?: WriteFindings;
  reminders?: ReminderFindings;
  scale?: ScaleFindings;
  fleet?: FleetFindings;
  targets?: Target[];
  table?: string;
  errors: string[];
  totalSeconds?: number;
}

export interface Target {
  name: string;
  goal: string;
  value: string;
  pass: boolean | null;
}

const git = (...args: string[]) => {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};

export function machineInfo() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()}`,
    node: process.version,
    /** 1, 5 and 15-minute load averages when the run started: other work on the machine skews the figures. */
    loadAverage: os.loadavg().map((value) => Math.round(value * 100) / 100),
    date: new Date().toISOString(),
    gitHead: git('rev-parse', '--short', 'HEAD'),
    /** Files under src/ changed from HEAD when the run started: what was measured is the working tree. */
    srcChangedFiles: git('status', '--porcelain', 'src')?.split('\n').filter(Boolean).length ?? null,
  };
}

/** Mean req/s of the constant-string ceiling runs (before and after measures). */
export function ceilingRps(results: Results): number | undefined {
  const runs = (results.ceiling ?? []).filter((row) => row.name === CEILING);
  return runs.length ? runs.reduce((sum, row) => sum + row.rps, 0) / runs.length : undefined;
}

export function evaluateTargets(results: Results): Target[] {
  const list: Target[] = [];
  const ceiling = ceilingRps(results);
  const measures = results.measures?.rows[0];
  if (results.consolidated) {
    const { ratioP50, ratioMean } = results.consolidated;
    list.push({
      name: 'consolidated API vs raw SQL latency',
      goal: `<= ${targets.consolidatedVsRawSql}x (p50 and mean)`,
      value: `p50 ${ratioP50.toFixed(1)}x, mean ${ratioMean.toFixed(1)}x`,
      pass: ratioP50 <= targets.consolidatedVsRawSql && ratioMean <= targets.consolidatedVsRawSql,
    });
  }
  if (ceiling && measures) {
    const share = measures.rps / ceiling;
    list.push({ name: 'GET measures vs ceiling req/s', goal: `>= ${targets.measuresShareOfCeiling * 100}%`, value: `${(share * 100).toFixed(0)}%`, pass: share >= targets.measuresShareOfCeiling });
  }
  const d = results.dashboard;
  if (d) {
    list.push({ name: 'office dashboard usable in Chromium', goal: `< ${targets.dashboardMs} ms (median)`, value: `median ${d.p50.toFixed(0)} ms, max ${d.max.toFixed(0)} ms (${d.units} units, ${d.notSubmitted} to 催报)`, pass: d.p50 < targets.dashboardMs });
    for (const load of [d.signIn, d.overview]) {
      const kb = load.gzipBytes / 1000;
      list.push({ name: `first-load JavaScript of ${load.page}`, goal: `< ${targets.firstLoadGzipKb} kB gzip`, value: `${kb.toFixed(1)} kB gzip in ${load.scripts.length} files`, pass: kb < targets.firstLoadGzipKb });
    }
  }
  for (const document of results.documents ?? []) {
    list.push({
      name: `build ${document.name}`,
      goal: `< ${targets.documentSeconds} s (max of ${document.runs.length})`,
      value: `max ${(document.max / 1000).toFixed(2)} s, peak RSS ${document.rssPeakMiB.toFixed(0)} MiB (+${(document.rssPeakMiB - document.rssBeforeMiB).toFixed(0)})`,
      pass: document.max < targets.documentSeconds * 1000,
    });
  }
  const z = results.dossier;
  if (z) {
    list.push({
      name: 'stream the whole dossier ZIP',
      goal: `service process peak RSS < ${targets.dossierPeakRssMiB} MiB`,
      value: `peak ${z.rssPeakMiB.toFixed(0)} MiB (idle ${z.rssIdleMiB.toFixed(0)}), ${(z.bytes / 2 ** 30).toFixed(2)} GiB in ${z.seconds.toFixed(0)} s`,
      pass: z.rssPeakMiB < targets.dossierPeakRssMiB,
    });
  }
  if (results.write) {
    const { submissionsPerSecond: rate, raw, shareOfRaw } = results.write;
    list.push({
      name: 'write path (save + submit, one request) vs raw pg',
      goal: `>= ${targets.writeShareOfRaw * 100}% of raw submissions/s`,
      value: `${(shareOfRaw * 100).toFixed(0)}% (${rate.toFixed(0)}/s vs ${raw.submissionsPerSecond.toFixed(0)}/s)`,
      pass: shareOfRaw >= targets.writeShareOfRaw,
    });
  }
  if (results.reminders) {
    const { seconds, planned, queued } = results.reminders.replan;
    const projected = planned > 0 ? (seconds * targets.enqueueReminders) / planned : Infinity;
    list.push({
      name: `plan + enqueue ${targets.enqueueReminders.toLocaleString('en')} reminders`,
      goal: `< ${targets.enqueueSeconds} s`,
      value: `${planned} in ${seconds.toFixed(1)} s${planned === targets.enqueueReminders ? '' : ` (-> ${projected.toFixed(1)} s for ${targets.enqueueReminders})`}${queued === planned ? '' : `; ${queued} jobs queued!`}`,
      pass: projected < targets.enqueueSeconds && queued === planned,
    });
    const { duplicates, received, requested } = results.reminders.delivery;
    list.push({ name: 'reminder delivery, exactly once', goal: 'all delivered, 0 duplicates', value: `${received}/${requested}, ${duplicates} duplicates`, pass: duplicates === 0 && received === requested });
  }
  list.push(...readsTargets(results), ...fleetTargets(results));
  return list;
}

const f = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits));
/** autocannon's latencies are whole milliseconds: 0 means under 1 ms. */
const ms = (value: number) => (value === 0 ? '<1' : f(value));

export function renderTable(results: Results): string {
  const rows: string[][] = [['name', 'req/s', 'p50 ms', 'p99 ms', 'ratio', 'notes']];
  const ceiling = ceilingRps(results);
  const http = (row: LoadResult, note = '') => {
    const problems = [row.non2xx && !row.note ? `${row.non2xx} non-2xx ${JSON.stringify(row.statusCodes)}` : '', row.errors ? `${row.errors} errors` : '', row.timeouts ? `${row.timeouts} timeouts` : ''];
    const notes = [note, row.note ?? '', `${row.requests} req, ${(row.bytesPerRequest / 1024).toFixed(1)} KiB each`, ...problems].filter(Boolean).join('; ');
    rows.push([row.name, f(row.rps, 0), ms(row.p50), ms(row.p99), ceiling ? `${f((row.rps / ceiling) * 100, 0)}% of ceiling` : '-', notes]);
  };
  for (const row of results.ceiling ?? []) http(row);
  if (results.measures) for (const row of results.measures.rows) http(row);
  if (results.measures) rows.push(['  measures ETag / 304', '', '', '', '', results.measures.note]);
  const c = results.consolidated;
  if (c) {
    http(c.api, `${c.units} expected units, ${(c.apiBytes / 1024).toFixed(0)} KiB`);
    http(c.rawHttp);
    rows.push(['consolidated raw SQL, pg direct, sequential', '-', f(c.rawDirect.p50), f(c.rawDirect.p99), '-', `${c.rawDirect.runs} runs, mean ${f(c.rawDirect.mean)} ms`]);
    rows.push(['consolidated API / raw SQL (http)', '', '', '', `p50 ${f(c.ratioP50)}x, mean ${f(c.ratioMean)}x`, c.mismatches.length ? `${c.mismatches.length} MISMATCHES: ${c.mismatches.slice(0, 3).join('; ')}` : 'same per-row figures and totals']);
  }
  rows.push(...readsRows(results));
  const dash = results.dashboard;
  if (dash) {
    rows.push([`dashboard: ${dash.period} overview in Chromium`, '-', f(dash.p50, 0), '-', '-', `${dash.loads.length} cold loads (${dash.loads.map((value) => value.toFixed(0)).join(', ')} ms), max ${f(dash.max, 0)} ms, until ${dash.firstUnit} shows in the 催报 list of ${dash.notSubmitted}`]);
    for (const load of [dash.signIn, dash.overview]) {
      const files = load.scripts.slice(0, 3).map((file) => `${path.basename(file.url)} ${(file.gzipBytes / 1000).toFixed(1)}`).join(', ');
      rows.push([`first-load JS ${load.page}`, '-', '-', '-', '-', `${(load.gzipBytes / 1000).toFixed(1)} kB gzip (${(load.bytes / 1000).toFixed(0)} kB raw) in ${load.scripts.length} files; largest: ${files}`]);
    }
  }
  for (const document of results.documents ?? []) {
    rows.push([
      `documents: ${document.name}`,
      '-',
      f(document.p50, 0),
      '-',
      '-',
      `${document.runs.length} builds (${document.runs.map((value) => value.toFixed(0)).join(', ')} ms), ${(document.bytes / 1024).toFixed(0)} KiB; server RSS ${document.rssBeforeMiB.toFixed(0)} -> peak ${document.rssPeakMiB.toFixed(0)} MiB`,
    ]);
  }
  const z = results.dossier;
  if (z) {
    rows.push([
      'dossier: whole plan, streamed',
      `${f(z.mibPerSecond, 0)} MiB/s`,
      '-',
      '-',
      '-',
      `${(z.bytes / 2 ** 20).toFixed(0)} MiB in ${f(z.seconds)} s (first byte ${f(z.firstByteMs, 0)} ms), ${z.attachments} files of 1 MiB (${z.attachmentPeriods.join(', ')}); fresh node dist/server.js (NODE_OPTIONS ${z.nodeOptions}) RSS: idle ${z.rssIdleMiB.toFixed(0)}, before ${z.rssBeforeMiB.toFixed(0)}, peak ${z.rssPeakMiB.toFixed(0)} (sampled ${z.rssSampledPeakMiB.toFixed(0)}), after ${z.rssAfterMiB.toFixed(0)} MiB`,
    ]);
  }
  const w = results.write;
  if (w) {
    const writeRow = (name: string, run: WriteResult, ratio: string, what: string) =>
      rows.push([
        name,
        `${f(run.submissionsPerSecond, 0)} sub/s`,
        f(run.p50),
        f(run.p99),
        ratio,
        `${run.completed} submissions (${run.failed} failed) in ${f(run.seconds)} s, ${sizes.connections} ${what}${run.exhausted ? ', ran out of pairs' : ''}${run.firstErrors[0] ? `; first error: ${run.firstErrors[0]}` : ''}`,
      ]);
    writeRow('write: raw pg, one statement per submission', w.raw, '-', 'connections');
    if (w.bareHttp) writeRow('write: the same statement behind bare http', w.bareHttp, `${f((w.bareHttp.submissionsPerSecond / w.raw.submissionsPerSecond) * 100, 0)}% of raw`, 'workers, no checks');
    writeRow('write: POST submit with the entries', w, `${f(w.shareOfRaw * 100, 0)}% of raw${w.bareHttp ? `, ${f(w.shareOfBareHttp * 100, 0)}% of bare http` : ''}`, 'workers, Idempotency-Key');
  }
  const r = results.reminders;
  if (r) {
    rows.push(['reminders: POST /v1/plans (copy + plan)', '-', '-', '-', '-', `${f(r.copy.seconds)} s; ${r.copy.planned} planned, ${r.copy.queued} delayed jobs; policy ${r.copy.policy}`]);
    rows.push([
      'reminders: replan in-process',
      `${f(r.replan.planned / r.replan.seconds, 0)} rem/s`,
      '-',
      '-',
      '-',
      `${f(r.replan.seconds)} s for ${r.replan.planned} reminders (${r.replan.units} units x ${r.replan.periods} periods x ${r.replan.offsets.length} offsets), ${r.replan.queued} delayed jobs`,
    ]);
    const d = r.delivery;
    rows.push(['reminders: delivery to SMTP sink', `${f(d.perSecond, 0)} msg/s`, '-', '-', '-', `${d.received}/${d.requested} in ${f(d.seconds)} s, ${d.duplicates} duplicates, ${d.sentRows} rows sent${d.timedOut ? ', TIMED OUT' : ''}`]);
  }
  rows.push(...fleetRows(results));
  const widths = rows[0]!.slice(0, -1).map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => (column < widths.length ? cell.padEnd(widths[column]!) : cell)).join(' | '));
  lines.splice(1, 0, widths.map((width) => '-'.repeat(width)).join('-|-') + '-|------');
  const targetLines = (results.targets ?? []).map((target) => `${target.pass === null ? 'n/a ' : target.pass ? 'PASS' : 'MISS'}  ${target.name}: ${target.value} (target ${target.goal})`);
  const m = results.machine;
  if (ceiling) lines.push(`(ratio: req/s over the ceiling, the mean of the constant-string runs: ${f(ceiling, 0)} req/s)`);
  const busy = m.loadAverage[0]! > m.cpuCount ? ` WARNING: load average ${m.loadAverage.join(' ')} on ${m.cpuCount} CPUs at the start, figures are skewed by other work` : ` load ${m.loadAverage.join(' ')}`;
  return [
    `hazchem-tracker benchmark (${results.mode}; ${sizes.units} synthetic units; ${m.cpuCount} x ${m.cpuModel}, ${m.totalMemoryGiB} GiB, node ${m.node}, git ${m.gitHead}${m.srcChangedFiles ? ` + ${m.srcChangedFiles} changed src files` : ''};${busy})`,
    ...lines,
    '',
    'Targets:',
    ...targetLines,
    ...(results.errors.length ? ['', 'Errors:', ...results.errors.map((error) => `  ${error}`)] : []),
  ].join('\n');
}

export const modeName = smoke ? 'smoke' : 'full';
