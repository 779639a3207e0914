import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisUnavailableError, resolveRedis } from '../src/redis.js';

/** A port nothing listens on: the default Redis "does not answer" there. */
const NOBODY = 'redis://127.0.0.1:1';
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'hazchem-redis-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('finding Redis', () => {
  it('uses REDIS_URL when it is set, without probing', async () => {
    expect(await resolveRedis('redis://cache.internal:6380', dataDir, { defaultUrl: NOBODY })).toEqual({ url: 'redis://cache.internal:6380', private: false });
  });

  it('uses 127.0.0.1:6379 when it answers', async () => {
    expect(await resolveRedis(undefined, dataDir)).toEqual({ url: 'redis://127.0.0.1:6379', private: false });
  });

  it('when nothing answers, starts a private redis-server with its data under DATA_DIR/redis, and stops it', async () => {
    const endpoint = await resolveRedis(undefined, dataDir, { defaultUrl: NOBODY });
    expect(endpoint.private).toBe(true);
    const client = new Redis(endpoint.url);
    try {
      await client.set('hazchem:probe', 'ok');
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await client.config('GET', 'dir')).toEqual(['dir', path.join(dataDir, 'redis')]);
    } finally {
      client.disconnect();
      await endpoint.stop!();
    }
    expect((await readdir(path.join(dataDir, 'redis'))).length).toBeGreaterThan(0);
  });

  it('when nothing answers and redis-server is missing, stops with one line saying how to provide Redis', async () => {
    const attempt = resolveRedis(undefined, dataDir, { defaultUrl: NOBODY, redisServer: 'redis-server-not-installed' });
    await expect(attempt).rejects.toBeInstanceOf(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/^Redis is not reachable at 127\.0\.0\.1:6379 and redis-server is not installed: set REDIS_URL=redis:\/\/host:6379 or install Redis\.$/);
  });
});
