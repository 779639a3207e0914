/**
 * The build as production runs it: the files the Dockerfile's runtime stage copies, with
 * node_modules as `npm ci --omit=dev` installs it (tests/helpers/production-tree.ts), started with
 * plain node and an environment that leads to no tsx. It plays docker-compose.yml's shape on a
 * fresh database and the shared Redis: the one-off migrate job (`node dist/cli.js db migrate`,
 * `db seed`, `token create`), then an API process (`node dist/server.js --no-worker`,
 * MIGRATE_ON_START=false) and a worker (`node dist/worker.js`). SIGTERM drains them as
 * tests/chaos/sigterm.test.ts shows for src/.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMINDER_QUEUE } from '../src/modules/reminders/reminders.jobs.js';
import { entriesFor, refusesConnections, send, slowRequest, waitUntil } from './helpers/chaos-service.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { stageProductionTree, type ProductionTree } from './helpers/production-tree.js';
import { removeQueueKeys, runCli, startServiceChild, type ServiceChild } from './helpers/service-process.js';

const SHARED_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PLAN = 'hazchem-2017';
const GRACE_MS = 10_000; // src/server.ts: closeWithGrace({ delay: 10_000 })
const SLOW = { unit: 'jinshan-district', period: '2017Q3' };

let tree: ProductionTree;
let database: TestDatabase;
let api: ServiceChild | undefined;
let worker: ServiceChild | undefined;
let officeToken = '';
const prefix = `test-built-${randomBytes(4).toString('hex')}`;

const serviceEnv = () => ({ DATABASE_URL: database.url, REDIS_URL: SHARED_REDIS, QUEUE_PREFIX: prefix, DATA_DIR: path.join(tree.directory, 'data') });
const reportUrl = () => `${api!.baseUrl}/v1/plans/${PLAN}/periods/${SLOW.period}/reports/${SLOW.unit}`;
const asOffice = () => ({ authorization: `Bearer ${officeToken}` });

beforeAll(async () => {
  tree = stageProductionTree();
  database = await createTestDatabase({ migrate: false });
}, 120_000);

afterAll(async () => {
  await api?.stop('SIGKILL');
  await worker?.stop('SIGKILL');
  try {
    await database?.drop();
  } finally {
    await removeQueueKeys(SHARED_REDIS, prefix);
    tree?.remove();
  }
}, 60_000);

describe('when the build is staged as the Docker image holds it', () => {
  it('has what the runtime stage copies and the production packages, without tsx, esbuild or any .bin', () => {
    expect([...tree.copied].sort()).toEqual(['dist', 'migrations', 'package-lock.json', 'package.json', 'web/dist']);
    for (const entry of ['dist/server.js', 'dist/worker.js', 'dist/cli.js', 'web/dist/index.html', 'node_modules/fastify', 'node_modules/@resvg/resvg-js']) {
      expect(existsSync(path.join(tree.directory, entry)), entry).toBe(true);
    }
    for (const devOnly of ['tsx', 'esbuild', 'vitest', 'vite', 'drizzle-kit', '.bin']) {
      expect(existsSync(path.join(tree.directory, 'node_modules', devOnly)), devOnly).toBe(false);
    }
    expect(Object.values(tree.env).join('\n')).not.toMatch(/tsx|node_modules/);
  });
});

describe('when the migrate job runs node dist/cli.js on an empty database', () => {
  it('migrates and seeds it (twice, idempotently), and token create prints the first token', async () => {
    for (const command of [['db', 'migrate'], ['db', 'seed'], ['db', 'migrate'], ['db', 'seed']]) {
      const run = await runCli(command, serviceEnv(), tree.cli);
      expect(run, command.join(' ')).toMatchObject({ code: 0, stderr: '' });
    }
    const created = await runCli(['token', 'create', '--role', 'office', '--label', 'built output'], serviceEnv(), tree.cli);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    officeToken = created.stdout.trim();
    expect(officeToken).toMatch(/^\S{40,}$/);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const plans = await client.query('select code from plans');
      expect(plans.rows).toEqual([{ code: PLAN }]);
    } finally {
      await client.end();
    }
  });
});

describe('when node dist/server.js --no-worker and node dist/worker.js run beside each other', () => {
  beforeAll(async () => {
    [api, worker] = await Promise.all([
      startServiceChild({ ...serviceEnv(), MIGRATE_ON_START: 'false' }, tree.service('dist/server.js', ['--no-worker'], 'hazchem-tracker is ready')),
      startServiceChild(serviceEnv(), tree.service('dist/worker.js', [], 'reminder worker is ready')),
    ]);
  }, 120_000);

  it('the API is ready on Postgres without a worker, and answers /healthz, /readyz and the web app with its assets', async () => {
    expect(api!.records().find((record) => record.msg === 'hazchem-tracker is ready')).toMatchObject({ database: 'postgres', worker: false });
    expect(api!.records().filter((record) => record.msg === 'reminders reconciled')).toEqual([]);
    expect(await send(`${api!.baseUrl}/healthz`)).toMatchObject({ kind: 'response', status: 200, body: { status: 'ok' } });
    expect(await send(`${api!.baseUrl}/readyz`)).toMatchObject({ kind: 'response', status: 200, body: { status: 'ready', database: 'postgres' } });
    const page = await send(`${api!.baseUrl}/office/overview`);
    expect(page).toMatchObject({ kind: 'response', status: 200 });
    const html = page.kind === 'response' ? page.text : '';
    expect(html).toContain('<div id="root">');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script, 'the page loads a script from /assets/').toBeDefined();
    expect(await send(`${api!.baseUrl}${script}`)).toMatchObject({ kind: 'response', status: 200 });
  });

  it('the API answers an authenticated read with the token the CLI created, and refuses it without', async () => {
    expect(await send(reportUrl(), { headers: asOffice() })).toMatchObject({ kind: 'response', status: 200, body: { status: 'not_started', version: 0 } });
    expect(await send(reportUrl())).toMatchObject({ kind: 'response', status: 401 });
  });

  it('the API draws a chart as PNG (ECharts and resvg’s native binding load from the production packages)', async () => {
    const response = await fetch(`${api!.baseUrl}/v1/plans/${PLAN}/charts/progress-by-category.png?period=${SLOW.period}`, { headers: asOffice() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await response.arrayBuffer());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it('the worker reconciles the reminders against Postgres and opens its queue in Redis', async () => {
    expect(worker!.records().some((record) => record.msg === 'reminders reconciled')).toBe(true);
    const redis = new Redis(SHARED_REDIS, { maxRetriesPerRequest: 1 });
    try {
      expect(await redis.exists(`${prefix}:${REMINDER_QUEUE}:meta`)).toBe(1);
    } finally {
      redis.disconnect();
    }
  });

  it('when the API gets SIGTERM while a draft is still arriving, it completes and keeps the draft, then exits 0', async () => {
    const read = await send(reportUrl(), { headers: asOffice() });
    const entries = entriesFor((read as { body: { tasks: Array<{ measureNo: number; taskSeq: number; required: boolean }> } }).body.tasks, '构建产物停机演练');
    const body = JSON.stringify({ entries });
    const id = `built-slow-${randomUUID()}`;
    const upload = slowRequest(reportUrl(), { method: 'PUT', headers: { ...asOffice(), 'content-type': 'application/json', 'x-request-id': id } });
    upload.write(body.slice(0, 20));
    await waitUntil(() => api!.records().some((record) => record.msg === 'incoming request' && record.reqId === id), 'the API to start the slow draft');

    const signalledAt = Date.now();
    api!.child.kill('SIGTERM');
    await waitUntil(() => refusesConnections(Number(new URL(api!.baseUrl).port)), 'the API to stop listening', GRACE_MS, 5);
    upload.write(body.slice(20));
    upload.end();
    const exit = await api!.exited;
    const exitMs = Date.now() - signalledAt;

    expect(await upload.answer).toMatchObject({ kind: 'response', status: 200, body: { status: 'draft', version: 1 } });
    expect(exit, api!.lines.filter((line) => line.startsWith('stderr')).join('\n')).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(GRACE_MS);
    expect(api!.records().some((record) => record.msg === 'shutting down')).toBe(true);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const sql = 'select r.status, r.version, r.entries from reports r join plans p on p.id = r.plan_id where p.code = $1 and r.period_id = $2 and r.department_code = $3';
      expect((await client.query(sql, [PLAN, SLOW.period, SLOW.unit])).rows).toEqual([{ status: 'draft', version: 1, entries }]);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('when the worker gets SIGTERM, it exits 0 within the grace period', async () => {
    const signalledAt = Date.now();
    expect(await worker!.stop('SIGTERM'), worker!.lines.filter((line) => line.startsWith('stderr')).join('\n')).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(GRACE_MS);
    expect(worker!.records().some((record) => record.msg === 'worker shutting down')).toBe(true);
  }, 60_000);
});
