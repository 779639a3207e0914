import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliCommand, ServiceCommand } from './service-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ENTRIES = ['dist/server.js', 'dist/worker.js', 'dist/cli.js'];

/**
 * The application as the Docker image's runtime stage holds it, in a temporary directory: the
 * files its COPY lines copy (read from the Dockerfile, so the test notices a missing one) and
 * node_modules as `npm ci --omit=dev` installs it, that is every package-lock entry not marked
 * `dev` (hard links into this checkout's node_modules where the file system allows). It lives
 * outside the checkout, so a package it lacks cannot be found in the checkout's node_modules.
 * No tsx, no esbuild, no node_modules/.bin; commands run plain node with an environment that
 * names neither.
 */
export interface ProductionTree {
  directory: string;
  /** PATH without any node_modules/.bin, HOME: nothing that leads to tsx. */
  env: Record<string, string>;
  /** `node <entry> ...args` in the tree, for startServiceChild. */
  service(entry: 'dist/server.js' | 'dist/worker.js', args: string[], readyMessage: string): ServiceCommand;
  /** `node dist/cli.js`, for runCli. */
  cli: CliCommand;
  /** What the Dockerfile's runtime stage copies, as paths in the tree. */
  copied: string[];
  remove(): void;
}

export function stageProductionTree(): ProductionTree {
  ensureBuilt();
  const directory = mkdtempSync(path.join(tmpdir(), 'hazchem-production-'));
  try {
    const copied = copyRuntimeStage(directory);
    installProductionPackages(directory);
    const env = {
      PATH: (process.env.PATH ?? '').split(path.delimiter).filter((entry) => !entry.includes('node_modules')).join(path.delimiter),
      HOME: directory,
      NODE_ENV: 'production',
    };
    return {
      directory,
      env,
      service: (entry, args, readyMessage) => ({ args: [entry, ...args], cwd: directory, readyMessage, baseEnv: env }),
      cli: { program: process.execPath, args: ['dist/cli.js'], cwd: directory, baseEnv: env },
      copied,
      remove: () => rmSync(directory, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

/** `npm test` builds before the tests; run alone, the test rebuilds dist/ when the sources are newer. */
function ensureBuilt() {
  if (!existsSync(path.join(root, 'web/dist/index.html'))) throw new Error('web/dist is missing: run `npm run build:web` first (npm test does)');
  const built = Math.min(...ENTRIES.map((entry) => (existsSync(path.join(root, entry)) ? statSync(path.join(root, entry)).mtimeMs : 0)));
  const sources = ['src', 'seed', 'scripts/build.ts', 'package.json'].map((entry) => newestChange(path.join(root, entry)));
  if (built < Math.max(...sources)) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
}

function newestChange(file: string): number {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((entry) => newestChange(path.join(file, entry))));
}

/**
 * Copies what the runtime stage's COPY lines name: `COPY a b ./` from the build context (this
 * checkout) and `COPY --from=build /app/x ./x` from the build stage (this checkout, built).
 */
function copyRuntimeStage(directory: string): string[] {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m);
  const runtime = stages[stages.length - 1]!;
  const copied: string[] = [];
  for (const line of runtime.split('\n').filter((text) => text.startsWith('COPY '))) {
    const words = line.split(/\s+/).slice(1).filter((word) => !word.startsWith('--'));
    const destination = words.pop()!;
    for (const source of words) {
      const relative = source.replace(/^\/app\//, '');
      const from = path.join(root, relative);
      if (!existsSync(from)) throw new Error(`the Dockerfile copies ${source}, which does not exist after the build`);
      const to = destination.endsWith('/') ? path.join(directory, destination, path.basename(relative)) : path.join(directory, destination);
      cpSync(from, to, { recursive: true });
      copied.push(path.relative(directory, to));
    }
  }
  return copied;
}

/** Every package-lock entry `npm ci --omit=dev` installs; optional ones for other platforms are absent here too. */
function installProductionPackages(directory: string) {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; optional?: boolean }> };
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (!location.startsWith('node_modules/') || entry.dev) continue;
    const from = path.join(root, location);
    if (!existsSync(from)) {
      if (entry.optional) continue;
      throw new Error(`${location} is in package-lock.json but not installed: run npm ci`);
    }
    linkTree(from, path.join(directory, location));
  }
}

/** A hard link where the temporary directory is on this checkout's file system, a copy where it is not. */
function linkOrCopy(source: string, target: string) {
  try {
    linkSync(source, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    copyFileSync(source, target);
  }
}

/** Hard-links a package's files; its own node_modules/ are separate lock entries, linked only if production needs them. */
function linkTree(from: string, to: string) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') linkTree(source, target);
    } else if (lstatSync(source).isSymbolicLink()) {
      symlinkSync(readlinkSync(source), target);
    } else {
      linkOrCopy(source, target);
    }
  }
}
