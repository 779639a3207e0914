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
function treeRssKiB(rootPid: number): number {
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
 * The office's documents for a period of the benchmark's plan (2,000 synthetic units on top of the
 * seeded ones): the Word 汇总报告 and the consolidated XLSX, each built afresh per request. One
 * warm-up, then sequential timed requests while the server's resident memory is sampled every 25 ms.
 */
export async function documentsPhase(serverUrl: string, officeToken: string, serverPid: number): Promise<DocumentTiming[]> {
  const base = `/v1/plans/${PLAN}/periods/${CONSOLIDATED_PERIOD}`;
  const documents = [
    { name: 'summary report (.docx)', path: `${base}/summary-report.docx` },
    { name: 'consolidated (.xlsx)', path: `${base}/consolidated.xlsx` },
  ];
  const timings: DocumentTiming[] = [];
  for (const document of documents) {
    const get = async () => {
      const response = await fetch(`${serverUrl}${document.path}`, { headers: { authorization: `Bearer ${officeToken}` } });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`GET ${document.path} answered ${response.status}: ${body.toString('utf8', 0, 300)}`);
      return body.length;
    };
    await get();
    const rssBefore = treeRssKiB(serverPid);
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, treeRssKiB(serverPid));
    }, 25);
    const runs: number[] = [];
    let bytes = 0;
    try {
      for (let run = 0; run < sizes.documentRuns; run++) {
        const begin = performance.now();
        bytes = await get();
        runs.push(performance.now() - begin);
      }
    } finally {
      clearInterval(sampler);
    }
    const sorted = [...runs].sort((a, b) => a - b);
    timings.push({
      ...document,
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
