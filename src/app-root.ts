import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory that holds package.json, migrations/ and web/dist/, whichever way the code runs:
 * from the sources (tsx: this file is src/app-root.ts) or from the build (esbuild bundles it into
 * dist/ or dist/chunks/). Counting `..` from import.meta.url would give a different answer in each,
 * so it walks up to the nearest package.json instead; the Docker image keeps package.json beside
 * dist/ for `npm ci`, so it finds /app there too.
 */
export function findAppRoot(from: string | URL = import.meta.url): string {
  const start = path.dirname(fileURLToPath(from));
  for (let directory = start; ; directory = path.dirname(directory)) {
    if (existsSync(path.join(directory, 'package.json'))) return directory;
    if (path.dirname(directory) === directory) throw new Error(`no package.json above ${start}: the application's files cannot be found`);
  }
}

export const appRoot = findAppRoot();

/** A file or directory of the application, e.g. appPath('migrations'). */
export const appPath = (...segments: string[]) => path.join(appRoot, ...segments);
