import { readdirSync, readFileSync } from 'node:fs';
import { CONSOLIDATED_PERIOD, PLAN, sizes } from './config.js';

export interface DocumentTiming {
  name: string;
  path: string;
  bytes: number;
  /** Sequential builds after one warm-up, ms. */
  runs: number[];
  p50: number;
  max: number;
  /** Resident memory of the server's process tree before the builds, and its peak while they ran (MiB). */
  rssBeforeMiB: number;
  rssPeakMiB: number;
}

/** Resident set of a process and its descendants (tsx runs the server in a child of the process we spawned), in KiB. */
export function treeRssKiB(rootPid: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Fields after the command name, which may contain spaces: "pid (comm) state ppid ...".
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parents) {
      if (tree.has(parent) && !tree.has(pid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  let total = 0;
  for (const pid of tree) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += match ? Number(match[1]) : 0;
    } catch {
      // Gone.
    }
  }
  return total;
}

/**
 * The office's documents for periods of the benchmark's plan (2,000 synthetic units on top of the
 * seeded ones): the Word 汇总报告 and the consolidated XLSX. One warm-up, then sequential timed
 * requests, each for a period not built before, while the server's resident memory is sampled every 25 ms.
 */
export async function documentsPhase(serverUrl: string, officeToken: string, serverPid: number): Promise<DocumentTiming[]> {
  // The service keeps a drawn report per version of its data, so each timed build asks for another
  // period (a cold build); the warm-up uses yet another one.
  const periods = ['2017Q4', CONSOLIDATED_PERIOD, '2018Q3', '2018Q4', '2019Q1'].slice(0, sizes.documentRuns + 1);
  const at = (period: string) => `/v1/plans/${PLAN}/periods/${period}`;
  const documents = [
    { name: 'summary report (.docx)', path: (period: string) => `${at(period)}/summary-report.docx` },
    { name: 'consolidated (.xlsx)', path: (period: string) => `${at(period)}/consolidated.xlsx` },
  ];
  const timings: DocumentTiming[] = [];
  for (const document of documents) {
    const get = async (period: string) => {
      const path = document.path(period);
      const response = await fetch(`${serverUrl}${path}`, { headers: { authorization: `Bearer ${officeToken}` } });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body.toString('utf8', 0, 300)}`);
      return body.length;
    };
    await get(periods[0]!);
    const rssBefore = treeRssKiB(serverPid);
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, treeRssKiB(serverPid));
    }, 25);
    const runs: number[] = [];
    let bytes = 0;
    try {
      for (const period of periods.slice(1)) {
        const begin = performance.now();
        bytes = await get(period);
        runs.push(performance.now() - begin);
      }
    } finally {
      clearInterval(sampler);
    }
    const sorted = [...runs].sort((a, b) => a - b);
    timings.push({
      name: document.name,
      path: document.path(CONSOLIDATED_PERIOD),
      bytes,
      runs,
      p50: sorted[Math.floor((sorted.length - 1) / 2)]!,
      max: sorted.at(-1)!,
      rssBeforeMiB: rssBefore / 1024,
      rssPeakMiB: Math.max(peak, treeRssKiB(serverPid)) / 1024,
    });
  }
  return timings;
}
