import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../src/app.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';

const INDEX = '<!doctype html><html lang="zh-CN"><head><title>t</title><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

let database: TestDatabase;
let dist: string;
let built: App;
let unbuilt: App;

beforeAll(async () => {
  // A stand-in for web/dist, so this file neither needs nor races `npm run build:web`.
  dist = mkdtempSync(join(tmpdir(), 'hazchem-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("app");');
  database = await createTestDatabase({ seed: false });
  // each app closes the handle it was given
  built = await buildApp({ logLevel: 'silent' }, { database: await database.open(), webDistDir: dist });
  unbuilt = await buildApp({ logLevel: 'silent' }, { database: await database.open(), webDistDir: join(dist, 'missing') });
});
afterAll(async () => {
  await built?.close();
  await unbuilt?.close();
  await database?.drop();
  rmSync(dist, { recursive: true, force: true });
});

describe('serving the web app', () => {
  it.each(['/', '/sign-in?token=abc&next=%2Ftasks', '/tasks', '/reports/x/y/z', '/reports/x/y/z/history', '/targets/hazchem-2017/2018/work-safety', '/office/targets/hazchem-2017/2018', '/office/overview/hazchem-2017/2017Q3', '/liaisons/work-safety', '/lead/hazchem-2017/2019Q3/work-safety', '/dossier/hazchem-2017'])(
    'when the app is built, GET %s answers index.html, never cached',
    async (url) => {
      const response = await built.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toBe(INDEX);
    },
  );

  it('when the app is built, its page allows scripts from this origin only and inline styles (antd)', async () => {
    const csp = String((await built.inject({ method: 'GET', url: '/' })).headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    // plain-http sites (no https PUBLIC_BASE_URL) must not have their assets upgraded to https
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('when the app is built, /assets/* is served with a year-long immutable cache', async () => {
    const response = await built.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toBe('console.log("app");');
  });

  it('when a path is neither the API nor a web route, it still answers the 404 problem', async () => {
    for (const url of ['/v1/unknown', '/nowhere', '/assets/missing.js']) {
      const response = await built.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    }
  });

  it('when the app is built, the API, the docs and the probes keep their own answers', async () => {
    expect((await built.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const document = (await built.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((path) => !/^\/(v1|openapi\.json|healthz|readyz|metrics)$|^\/v1\//.test(path))).toEqual([]);
    expect((await built.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });

  it('when the app was never built, the web routes answer 503 problems saying how to build it', async () => {
    for (const url of ['/', '/tasks', '/office/overview/hazchem-2017/2017Q3', '/assets/index-abc123.js']) {
      const response = await unbuilt.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(503);
      expect(response.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(response.json().detail, url).toBe('web app not built: run npm run build:web');
    }
    expect((await unbuilt.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
