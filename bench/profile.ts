import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './config.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Microseconds on the monotonic clock V8's profiler stamps samples with (CLOCK_MONOTONIC, like hrtime). */
export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Where a frame lives: a src/ module, a package, node internals or V8's own buckets. */
function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const local = url.replace('file://', '').replace(repoRoot, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(local);
  if (pkg) return pkg[1]!;
  if (local.startsWith('node:')) return 'node internals';
  const module = /^(src|seed)\/(modules\/[^/]+|[^/]+)/.exec(local);
  return module ? `${module[1]}/${module[2]}` : local;
}

/**
 * Self time by area and function, and inclusive time of src/ functions, from the largest
 * .cpuprofile in `dir` (the server process), counting only the samples taken inside `window`
 * (the profiled phase, in monotonic microseconds), so start-up and other phases are left out.
 */
export function summariseProfile(dir: string, window: { from: number; to: number } | undefined, top = 25): string {
  const files = readdirSync(dir).filter((file) => file.endsWith('.cpuprofile'));
  if (files.length === 0) return `no .cpuprofile in ${dir}`;
  const file = files.map((name) => path.join(dir, name)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfByFunction = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  const inclusive = new Map<string, number>();
  /** For each self-time key: its nearest caller outside node internals and natives, to tell who calls writev. */
  const callers = new Map<string, Map<string, number>>();
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace('file://', '').replace(repoRoot, '').replace(/^.*node_modules\//, '');
    return `${functionName || '(anonymous)'}  ${file ? `${file}:${lineNumber + 1}` : areaOf(url, functionName)}`;
  };
  let at = profile.startTime;
  let wallMs = 0;
  for (let index = 0; index < profile.samples.length; index += 1) {
    const delta = profile.timeDeltas[index] ?? 0;
    at += delta;
    if (window && (at < window.from || at > window.to)) continue;
    const ms = delta / 1000;
    wallMs += ms;
    const node = byId.get(profile.samples[index]!)!;
    add(selfByFunction, label(node), ms);
    add(selfByArea, areaOf(node.callFrame.url, node.callFrame.functionName), ms);
    let caller = parent.get(node.id);
    while (caller !== undefined && !/^file:/.test(byId.get(caller)!.callFrame.url)) caller = parent.get(caller);
    if (caller !== undefined) add(callers.get(label(node)) ?? callers.set(label(node), new Map()).get(label(node))!, label(byId.get(caller)!), ms);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!;
      if (!/\/(src|seed)\//.test(frame.callFrame.url) || /node_modules/.test(frame.callFrame.url)) continue;
      const key = label(frame);
      if (!seen.has(key)) add(inclusive, key, ms);
      seen.add(key);
    }
  }
  const busy = [...selfByArea.entries()].filter(([area]) => area !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
  const list = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .filter(([key]) => !key.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, ms]) => `  ${ms.toFixed(0).padStart(7)} ms ${((ms / busy) * 100).toFixed(1).padStart(5)}%  ${key}`);
  return [
    `CPU profile of the server child (${path.basename(file)}), ${window ? 'during the phase' : 'whole run'}: ${(wallMs / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (% of busy)`,
    'Self time by area:',
    ...list(selfByArea, 20),
    'Self time by function (-> its nearest caller in a file, when the function itself is native or internal):',
    ...list(selfByFunction, top).map((line, index) => {
      const key = [...selfByFunction.entries()].filter(([name]) => !name.startsWith('(idle)')).sort((a, b) => b[1] - a[1])[index]![0];
      const byCaller = callers.get(key);
      if (!byCaller || /file:|\.(ts|js):/.test(key.split('  ')[1] ?? '')) return line;
      const [first] = [...byCaller.entries()].sort((a, b) => b[1] - a[1]);
      return first ? `${line}  <- ${first[0]}` : line;
    }),
    'Inclusive time of src/ functions:',
    ...list(inclusive, 20),
  ].join('\n');
}
