import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeQueueKeys, runCli, runServiceToExit, servicePrefix, sourceApi, sourceServer, startServiceChild, type ServiceChild } from './helpers/service-process.js';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'hazchem-embedded-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
  await removeQueueKeys('redis://127.0.0.1:6379', servicePrefix);
});

async function countRows(baseUrl: string) {
  const { items } = (await (await fetch(`${baseUrl}/v1/plans/hazchem-2017/measures`)).json()) as { items: { tasks: unknown[] }[] };
  return { measures: items.length, tasks: items.flatMap((measure) => measure.tasks).length };
}

/** `npm start` (or `npm run start:api`) on the embedded database, with this run's queue prefix. */
const startService = (env: Record<string, string>, command = sourceServer) => startServiceChild({ QUEUE_PREFIX: servicePrefix, ...env }, command);

const readyLine = (service: ServiceChild) => service.records().find((entry) => entry.msg === 'hazchem-tracker is ready');

describe('the embedded default (no DATABASE_URL)', () => {
  it('on first start, migrates and seeds an embedded database under DATA_DIR and serves the 分工表', async () => {
    const service = await startService({ DATA_DIR: dataDir });
    try {
      expect(await (await fetch(`${service.baseUrl}/readyz`)).json()).toEqual({ status: 'ready', database: 'pglite' });
      expect(await countRows(service.baseUrl)).toEqual({ measures: 31, tasks: 39 });
    } finally {
      expect((await service.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('on first start, writes an admin token to DATA_DIR/admin-token (mode 0600), logs only where it is, and the token manages tokens over HTTP', async () => {
    const freshDir = await mkdtemp(path.join(tmpdir(), 'hazchem-embedded-admin-'));
    const tokenFile = path.join(freshDir, 'admin-token');
    const service = await startService({ DATA_DIR: freshDir });
    let adminToken: string;
    try {
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      adminToken = (await readFile(tokenFile, 'utf8')).trim();
      expect(adminToken).toMatch(/^hzt_/);
      expect(service.lines.join('\n')).not.toContain(adminToken);
      expect(service.records().filter((entry) => entry.path === tokenFile)).toHaveLength(1);
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
      expect((await service.stop('SIGTERM')).code).toBe(0);
    }
    const again = await startService({ DATA_DIR: freshDir });
    try {
      expect(again.lines.filter((line) => line.includes('admin token'))).toEqual([]);
      expect((await readFile(tokenFile, 'utf8')).trim()).toBe(adminToken);
    } finally {
      expect((await again.stop('SIGTERM')).code).toBe(0);
      await rm(freshDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('while the service runs, the CLI refuses with a message pointing to the API; after the service crashed, the CLI works and its token is valid', async () => {
    const freshDir = await mkdtemp(path.join(tmpdir(), 'hazchem-embedded-cli-'));
    const env = { DATA_DIR: freshDir, DATABASE_URL: '' };
    const service = await startService({ DATA_DIR: freshDir });
    try {
      const refused = await runCli(['token', 'create', '--role', 'office'], env);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain('The embedded database is in use by the service (npm start)');
      expect(refused.stderr).toContain(`${path.join(freshDir, 'admin-token')}`);
      expect(refused.stderr).toContain('POST');
      // A crash leaves the lock file behind, naming a process that is gone.
      const { pid } = JSON.parse(await readFile(path.join(freshDir, 'embedded.lock'), 'utf8')) as { pid: number };
      process.kill(pid, 'SIGKILL');
    } finally {
      await service.stop('SIGTERM');
    }
    const created = await runCli(['token', 'create', '--role', 'office'], env);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^hzt_/);
    const restarted = await startService({ DATA_DIR: freshDir });
    try {
      expect((await fetch(`${restarted.baseUrl}/v1/liaisons`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    } finally {
      expect((await restarted.stop('SIGTERM')).code).toBe(0);
      await rm(freshDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs the API and the reminder worker in one process, and the API alone with --no-worker', async () => {
    const service = await startService({ DATA_DIR: dataDir });
    try {
      expect(readyLine(service)).toMatchObject({ database: 'pglite', worker: true });
    } finally {
      expect((await service.stop('SIGTERM')).code).toBe(0);
    }
    const apiOnly = await startService({ DATA_DIR: dataDir }, sourceApi);
    try {
      expect(readyLine(apiOnly)).toMatchObject({ worker: false });
    } finally {
      expect((await apiOnly.stop('SIGTERM')).code).toBe(0);
    }
  }, 90_000);

  it('on a second start, reuses the persisted data without duplicating it', async () => {
    const service = await startService({ DATA_DIR: dataDir });
    try {
      expect(await countRows(service.baseUrl)).toEqual({ measures: 31, tasks: 39 });
    } finally {
      expect((await service.stop('SIGTERM')).code).toBe(0);
    }
  });

  it('with a bad variable, stops with exit code 1 and a message naming it', async () => {
    const { code, stderr } = await runServiceToExit({ PORT: 'eighty', DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Invalid configuration:\n\s+- PORT: /);
  });
});
