import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('with an empty environment, uses the embedded defaults', () => {
    expect(loadConfig({})).toMatchObject({ port: 3000, host: '0.0.0.0', databaseUrl: undefined, dataDir: './data', migrateOnStart: true });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('rejects bad values with a message naming every bad variable', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/PORT: .*\n.*LOG_LEVEL: .*\n.*DATABASE_URL: must be a postgres/s);
  });

  it('when METRICS_TOKEN is unset, /metrics stays off; when set, it must be at least 16 characters', () => {
    expect(loadConfig({})).toMatchObject({ metricsToken: undefined, metricsCacheSeconds: 5 });
    expect(loadConfig({ METRICS_TOKEN: '0123456789abcdef', METRICS_CACHE_SECONDS: '0' })).toMatchObject({ metricsToken: '0123456789abcdef', metricsCacheSeconds: 0 });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN: must be at least 16 characters/);
    expect(() => loadConfig({ METRICS_CACHE_SECONDS: '301' })).toThrow(/METRICS_CACHE_SECONDS/);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });
});
