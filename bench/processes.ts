import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../src/redis.js';
import { repoRoot, tsxBin } from './config.js';

export const workDir = mkdtempSync(path.join(os.tmpdir(), 'hazchem-bench-'));

export { freePort };

export interface Child {
  name: string;
  url: string;
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

const children = new Set<Child>();

/**
 * Starts `tsx <script>` with the given environment on a free port and waits for GET /readyz.
 * With `nodeArgs` (--cpu-prof is not allowed in NODE_OPTIONS) it runs `node <nodeArgs> --import tsx <script>`;
 * `scriptArgs` follow the script (`--no-worker`).
 */
export async function startChild(name: string, script: string, env: Record<string, string>, nodeArgs?: string[], scriptArgs: string[] = []): Promise<Child> {
  const port = await freePort();
  const logFile = path.join(workDir, `${name}.log`);
  const log = createWriteStream(logFile);
  // Compiled JavaScript (the build, dist/) runs on node alone, as in production; TypeScript through tsx.
  const compiled = script.endsWith('.js');
  const [command, args] = compiled
    ? [process.execPath, [...(nodeArgs ?? []), script, ...scriptArgs]]
    : nodeArgs
      ? [process.execPath, [...nodeArgs, '--import', 'tsx', script, ...scriptArgs]]
      : [tsxBin, [script, ...scriptArgs]];
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: Child = {
    name,
    url: `http://127.0.0.1:${port}`,
    process: child,
    logFile,
    async stop() {
      children.delete(handle);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await new Promise<void>((resolve) => log.end(() => resolve()));
    },
  };
  children.add(handle);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const ready = await fetch(`${handle.url}/readyz`).then((response) => response.ok, () => false);
    if (ready) return handle;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await handle.stop();
  throw new Error(`${name} did not become ready; its log (${logFile}):\n${tail(logFile)}`);
}

export const tail = (file: string, lines = 30) => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

/** Stops every child still running (also on Ctrl-C). */
export const stopAllChildren = () => Promise.all([...children].map((child) => child.stop()));

/** `tsx src/cli.ts token create --role <role>` against the bench database; prints the token alone. */
export async function cliToken(databaseUrl: string, role: 'office' | 'admin'): Promise<string> {
  const { stdout } = await promisify(execFile)(tsxBin, ['src/cli.ts', 'token', 'create', '--role', role, '--label', `bench ${role}`], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
  });
  const token = stdout.trim().split('\n').at(-1) ?? '';
  if (!token.startsWith('hzt_')) throw new Error(`token create printed ${JSON.stringify(stdout)}`);
  return token;
}
