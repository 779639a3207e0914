import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiPath, renderOpenApiDocument } from '../src/openapi-document.js';
import { useTestApp } from './helpers/test-app.js';

const ctx = useTestApp();
const committed = () => readFile(openApiPath, 'utf8');

interface Operation {
  operationId?: string;
  summary?: string;
  tags?: string[];
  parameters?: unknown[];
  responses: Record<string, unknown>;
}

describe('openapi/openapi.json', () => {
  it('is current: `npm run openapi` would write the same file', async () => {
    expect(await renderOpenApiDocument(), 'openapi/openapi.json is stale: run `npm run openapi`').toBe(await committed());
  });

  it('is what the running service serves at /openapi.json', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(JSON.parse(await committed()));
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(await committed()));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('gives every operation an operationId, a summary, a tag and, where it takes input, documented errors', async () => {
    const document = JSON.parse(await committed()) as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(9);
    for (const { name, operation } of operations) {
      expect(operation.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
      expect(operation.summary, name).toBeTruthy();
      expect(operation.tags?.length, name).toBeGreaterThan(0);
      if (operation.parameters?.length) expect(Object.keys(operation.responses), name).toContain('400');
    }
  });

  it('gives every operation an example: of its body, its response, or its parameters', async () => {
    const document = JSON.parse(await committed());
    const schemas = document.components.schemas as Record<string, unknown>;
    const hasExample = (node: unknown, seen = new Set<string>()): boolean => {
      if (Array.isArray(node)) return node.some((child) => hasExample(child, seen));
      if (!node || typeof node !== 'object') return false;
      const record = node as Record<string, unknown>;
      if ('examples' in record || 'example' in record) return true;
      const ref = typeof record.$ref === 'string' ? record.$ref.replace('#/components/schemas/', '') : undefined;
      if (ref && !seen.has(ref)) return hasExample(schemas[ref], seen.add(ref));
      return Object.values(record).some((child) => hasExample(child, seen));
    };
    const missing = Object.entries(document.paths as Record<string, Record<string, Operation & { requestBody?: unknown }>>).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([, operation]) => {
          const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2')).map(([, response]) => response);
          // Binary downloads (.xlsx, .csv) have no example to show.
          const binary = JSON.stringify(success).includes('"format":"binary"');
          return !binary && !hasExample([operation.parameters ?? [], operation.requestBody ?? {}, success]);
        })
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(missing).toEqual([]);
  });

  it('serves the interactive docs at /docs', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });
});
