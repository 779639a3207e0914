import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The embedded database (PGlite) is a directory that one process at a time may open: a second
 * one (the CLI beside `npm start`) would write where the first does not look, or corrupt it.
 * Whoever opens it holds DATA_DIR/embedded.lock with its pid; a lock whose process is gone (a
 * crash, a kill -9) is stale and taken over.
 */

export class EmbeddedDatabaseInUseError extends Error {
  constructor(
    readonly holder: { pid: number; by: string },
    readonly lockFile: string,
    message = `The embedded database is in use by ${holder.by} (pid ${holder.pid}; lock file ${lockFile}).`,
  ) {
    super(message);
  }
}

export interface EmbeddedLock {
  release(): void;
}

const lockFileOf = (dataDir: string) => path.resolve(dataDir, 'embedded.lock');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(lockFile: string): { pid: number; by: string } | null {
  try {
    const holder = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid?: unknown; by?: unknown };
    return typeof holder.pid === 'number' ? { pid: holder.pid, by: String(holder.by ?? 'another process') } : null;
  } catch {
    return null;
  }
}

function removeStale(lockFile: string) {
  try {
    unlinkSync(lockFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Takes the lock for `by` (e.g. "the service (npm start)"), or throws EmbeddedDatabaseInUseError. */
export function lockEmbeddedDatabase(dataDir: string, by: string): EmbeddedLock {
  const lockFile = lockFileOf(dataDir);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      // `wx`: created only if absent, so two processes starting at once cannot both win.
      writeFileSync(lockFile, JSON.stringify({ pid: process.pid, by }), { flag: 'wx' });
      return {
        release: () => {
          if (readHolder(lockFile)?.pid === process.pid) unlinkSync(lockFile);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockFile);
      if (holder && holder.pid !== process.pid && isAlive(holder.pid)) throw new EmbeddedDatabaseInUseError(holder, lockFile);
      removeStale(lockFile);
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}
