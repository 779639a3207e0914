import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { CHUNK_BYTES } from '../src/modules/attachments/blob-storage.js';
import { PLAN, repoRoot, sizes } from './config.js';
import { withClient } from './dataset.js';
import { startChild } from './processes.js';

export interface DossierFindings {
  /** Periods whose synthetic reports got a file each (see sizes.dossierAttachmentPeriods). */
  attachmentPeriods: string[];
  attachments: number;
  attachmentMiB: number;
  /** The NODE_OPTIONS the measured process ran with (the production image's). */
  nodeOptions: string;
  /** From the request to the last byte, and to the first. */
  seconds: number;
  firstByteMs: number;
  bytes: number;
  mibPerSecond: number;
  /** The service's node process (a fresh one, no other phase ran in it): resident memory once ready, and just before the request. */
  rssIdleMiB: number;
  rssBeforeMiB: number;
  /** Its resident high-water mark (VmHWM) after the download: the exact peak of the process's life. */
  rssPeakMiB: number;
  /** The same peak as seen by sampling every 25 ms, and the resident memory when the archive had been read. */
  rssSampledPeakMiB: number;
  rssAfterMiB: number;
  /** Every 5 s of the download: seconds, MiB received so far, and the service's resident memory then (where the memory goes). */
  timeline: [seconds: number, receivedMiB: number, rssMiB: number][];
}

const MiB = 1024 * 1024;

/**
 * A 1 MiB file on every synthetic unit's report of the given periods, inserted as the attachments'
 * storage keeps them (src/modules/attachments/blob-storage.ts): one blob in 256 KiB chunks (the same
 * content is stored once by design), one attachments row per report, part of every version.
 */
async function attachFiles(periods: string[]): Promise<number> {
  const content = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(MiB - 9)]);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const blobId = randomUUID();
  return withClient(async (client) => {
    await client.query(`insert into attachment_blobs (id, sha256, size, media_type, complete, created_at) values ($1, $2, $3, 'application/pdf', true, now())`, [blobId, sha256, content.length]);
    for (let seq = 0; seq * CHUNK_BYTES < content.length; seq += 1) {
      await client.query('insert into attachment_chunks (blob_id, seq, data) values ($1, $2, $3)', [blobId, seq, content.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES)]);
    }
    const inserted = await client.query(
      `insert into attachments (id, plan_id, period_id, department_code, owner, file_name, description, blob_id, sha256, size, media_type, added_after_version, uploaded_at)
       select gen_random_uuid(), r.plan_id, r.period_id, r.department_code, 'report', '佐证材料.pdf', '', $3, $4, $5, 'application/pdf', 0, coalesce(r.submitted_at, now())
       from reports r join plans p on p.id = r.plan_id
       where p.code = $1 and r.period_id = any($2) and r.version > 0 and r.department_code like 'bench-unit-%'`,
      [PLAN, periods, blobId, sha256, content.length],
    );
    await client.query('analyze attachments');
    return inserted.rowCount ?? 0;
  });
}

/** VmRSS and VmHWM (resident now, and its high-water mark) of one process, from /proc, in KiB. */
function residentKiB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

/** GET …/dossier.zip read to the end and thrown away, counting bytes, while the server's memory is sampled every 25 ms. */
function download(serverUrl: string, officeToken: string, serverPid: number) {
  const url = new URL(`/v1/plans/${PLAN}/dossier.zip`, serverUrl);
  const rssBefore = residentKiB(serverPid).rss;
  let peak = rssBefore;
  let bytes = 0;
  const timeline: DossierFindings['timeline'] = [];
  const begin = performance.now();
  const sampler = setInterval(() => {
    const rss = residentKiB(serverPid).rss;
    peak = Math.max(peak, rss);
    const seconds = (performance.now() - begin) / 1000;
    if (seconds >= timeline.length * 5) timeline.push([Math.round(seconds), Math.round(bytes / MiB), Math.round(rss / 1024)]);
  }, 25);
  return new Promise<{ seconds: number; firstByteMs: number; bytes: number; rssBefore: number; sampledPeak: number; timeline: DossierFindings['timeline'] }>((resolve, reject) => {
    const request = http.get(url, { headers: { authorization: `Bearer ${officeToken}` }, agent: false }, (response) => {
      if (response.statusCode !== 200) {
        clearInterval(sampler);
        reject(new Error(`GET ${url.pathname} answered ${response.statusCode}`));
        response.resume();
        return;
      }
      let firstByteMs = 0;
      response.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByteMs = performance.now() - begin;
        bytes += chunk.length;
      });
      response.on('error', reject);
      response.on('end', () => {
        clearInterval(sampler);
        resolve({ seconds: (performance.now() - begin) / 1000, firstByteMs, bytes, rssBefore, sampledPeak: Math.max(peak, residentKiB(serverPid).rss), timeline });
      });
    });
    request.on('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
  });
}

/** The NODE_OPTIONS the production image runs the service with (the Dockerfile's ENV line), so the process measured is the one shipped. */
export function productionNodeOptions(): string {
  const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const value = /^ENV .*?\bNODE_OPTIONS=("[^"]*"|\S+)/m.exec(dockerfile)?.[1];
  if (!value) throw new Error('the Dockerfile sets no NODE_OPTIONS');
  return value.replace(/^"|"$/g, '');
}

/** How the phase starts the service: its environment, and node's flags (--cpu-prof when profiling). */
export interface ServiceLaunch {
  env: Record<string, string>;
  nodeArgs: string[];
}

/**
 * The whole plan's dossier for every unit (the seeded ones and the synthetic ones), every period
 * begun: 索引.xlsx, a 报告.docx per report, a 1 MiB file per synthetic unit's report in the
 * attachment periods, 审计记录.csv. Streamed to nowhere; the point is time and the service's peak RSS.
 *
 * Measured on a service process of its own, started for this phase (what earlier phases left in the
 * shared server's heap does not count) as production runs it: `node dist/server.js`, the build
 * `npm run bench` makes first (tsx's loader thread would add some 50 MiB that production never has),
 * with the production image's NODE_OPTIONS.
 */
export async function dossierPhase(launch: ServiceLaunch, officeToken: string, periods: string[]): Promise<DossierFindings> {
  const attachmentPeriods = periods.slice(0, sizes.dossierAttachmentPeriods);
  const attachments = await attachFiles(attachmentPeriods);
  const nodeOptions = productionNodeOptions();
  const server = await startChild('dossier-server', 'dist/server.js', { ...launch.env, NODE_OPTIONS: nodeOptions }, launch.nodeArgs);
  try {
    const pid = server.process.pid!;
    const idle = residentKiB(pid).rss;
    const run = await download(server.url, officeToken, pid);
    const after = residentKiB(pid);
    return {
      attachmentPeriods,
      nodeOptions,
      attachments,
      attachmentMiB: attachments,
      seconds: run.seconds,
      firstByteMs: run.firstByteMs,
      bytes: run.bytes,
      mibPerSecond: run.bytes / MiB / run.seconds,
      rssIdleMiB: idle / 1024,
      rssBeforeMiB: run.rssBefore / 1024,
      rssPeakMiB: after.hwm / 1024,
      rssSampledPeakMiB: run.sampledPeak / 1024,
      rssAfterMiB: after.rss / 1024,
      timeline: run.timeline,
    };
  } finally {
    await server.stop();
  }
}
