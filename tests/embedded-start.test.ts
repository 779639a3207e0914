import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServiceToExit, startService } from './helpers/service-process.js';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'hazchem-embedded-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

async function countRows(baseUrl: string) {
  const { items } = (await (await fetch(`${baseUrl}/v1/plans/hazchem-2017/measures`)).json()) as { items: { tasks: unknown[] }[] };
  return { measures: items.length, tasks: items.flatMap((measure) => measure.tasks).length };
}

describe('the embedded default (no DATABASE_URL)', () => {
  it('on first start, migrates and seeds an embedded database under DATA_DIR and serves the 分工表', async () => {
    const service = await startService({ DATA_DIR: dataDir });
    try {
      expect(await (await fetch(`${service.baseUrl}/readyz`)).json()).toEqual({ status: 'ready', database: 'pglite' });
      expect(await countRows(service.baseUrl)).toEqual({ measures: 31, tasks: 39 });
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
    }
  });

  it('on a second start, reuses the persisted data without duplicating it', async () => {
    const service = await startService({ DATA_DIR: dataDir });
    try {
      expect(await countRows(service.baseUrl)).toEqual({ measures: 31, tasks: 39 });
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
    }
  });

  it('with a bad variable, stops with exit code 1 and a message naming it', async () => {
    const { code, stderr } = await runServiceToExit({ PORT: 'eighty', DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Invalid configuration:\n\s+- PORT: /);
  });
});
