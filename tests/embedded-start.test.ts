import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeServiceQueues, runServiceToExit, startService } from './helpers/service-process.js';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'hazchem-embedded-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await removeServiceQueues();
});

async function countRows(baseUrl: string) {
  const { items } = (await (await fetch(`${baseUrl}/v1/plans/hazchem-2017/measures`)).json()) as { items: { tasks: unknown[] }[] };
  return { measures: items.length, tasks: items.flatMap((measure) => measure.tasks).length };
}

const readyLine = (log: string[]) => log.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'hazchem-tracker is ready');

const adminTokensIn = (log: string[]) =>
  log.map((line) => JSON.parse(line) as { adminToken?: string }).flatMap((entry) => (entry.adminToken ? [entry.adminToken] : []));

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

  it('on first start, logs an admin token once, which manages tokens over HTTP', async () => {
    const freshDir = await mkdtemp(path.join(tmpdir(), 'hazchem-embedded-admin-'));
    const service = await startService({ DATA_DIR: freshDir });
    try {
      const [adminToken, ...others] = adminTokensIn(service.startupLog);
      expect(others).toEqual([]);
      const created = await fetch(`${service.baseUrl}/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'office', label: '市安委会办公室' }),
      });
      expect(created.status).toBe(201);
      const office = (await created.json()) as { id: string; token: string };
      const roster = await fetch(`${service.baseUrl}/v1/liaisons`, { headers: { authorization: `Bearer ${office.token}` } });
      expect(roster.status).toBe(200);
      const revoked = await fetch(`${service.baseUrl}/v1/tokens/${office.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${adminToken}` } });
      expect(revoked.status).toBe(200);
      expect((await fetch(`${service.baseUrl}/v1/liaisons`, { headers: { authorization: `Bearer ${office.token}` } })).status).toBe(401);
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
    }
    const again = await startService({ DATA_DIR: freshDir });
    try {
      expect(adminTokensIn(again.startupLog)).toEqual([]);
    } finally {
      expect(await again.stop('SIGTERM')).toBe(0);
      await rm(freshDir, { recursive: true, force: true });
    }
  });

  it('runs the API and the reminder worker in one process, and the API alone with --no-worker', async () => {
    const service = await startService({ DATA_DIR: dataDir });
    try {
      expect(readyLine(service.startupLog)).toMatchObject({ database: 'pglite', worker: true });
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
    }
    const apiOnly = await startService({ DATA_DIR: dataDir }, ['--no-worker']);
    try {
      expect(readyLine(apiOnly.startupLog)).toMatchObject({ worker: false });
    } finally {
      expect(await apiOnly.stop('SIGTERM')).toBe(0);
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
