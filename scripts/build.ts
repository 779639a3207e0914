/**
 * `npm run build`: compiles the service to dist/server.js, dist/worker.js and dist/cli.js, which
 * production runs with plain `node` (no tsx, no devDependencies). esbuild bundles our own modules
 * (src/ and seed/, which tsc could not put side by side under dist/ without a dist/src/ level) and
 * leaves every package import to node_modules, where `npm ci --omit=dev` installs it. Modules the
 * three entries share go to dist/chunks/. Types are checked by `tsc --noEmit`, not here.
 */
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
const builtins = new Set(builtinModules);

const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * Leaves packages external, and fails the build when the running code would import one that a
 * production install lacks: a devDependency (tsx, vitest, ...) or a package nobody declared.
 * Type-only imports are erased before this sees them, so they may name devDependencies.
 */
const productionPackagesOnly: Plugin = {
  name: 'production-packages-only',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || builtins.has(args.path)) return { path: args.path, external: true };
      const name = packageName(args.path);
      if (!(name in manifest.dependencies)) {
        return { errors: [{ text: `${name} is imported at run time but is not in package.json's dependencies: production (npm ci --omit=dev) would not have it` }] };
      }
      return { path: args.path, external: true };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
// esbuild has printed the errors; its rejection would add a stack trace of its own internals.
const result = await build({
  absWorkingDir: root,
  entryPoints: { server: 'src/server.ts', worker: 'src/worker.ts', cli: 'src/cli.ts' },
  outdir,
  bundle: true,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Error and class names stay as written (logs and `error.name` checks read them).
  keepNames: true,
  // Stack traces point into src/ with `node --enable-source-maps` (the Docker image sets it).
  sourcemap: 'linked',
  sourcesContent: false,
  plugins: [productionPackagesOnly],
  metafile: true,
  logLevel: 'warning',
}).catch(() => process.exit(1));

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const kib = outputs.reduce((sum, [, output]) => sum + output.bytes, 0) / 1024;
console.error(`built ${outputs.length} files (${kib.toFixed(0)} KiB) in ${path.relative(process.cwd(), outdir) || '.'}: node dist/server.js | dist/worker.js | dist/cli.js`);
