/**
 * Reads openapi/openapi.json at run time and turns it into the list of operations the fuzz suite
 * attacks: parameters and bodies with their `$ref`s resolved, the documented statuses, and the
 * example values the document carries (the seeded plan and unit codes, periods, ...), which make
 * the generated "valid-ish" inputs hit real rows instead of 404 every time.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  example?: unknown;
  examples?: unknown[];
  $ref?: string;
};

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

export interface Operation {
  /** e.g. `PUT /v1/plans/{plan}/periods/{period}/reports/{department}` */
  name: string;
  method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
  /** Documented response statuses. */
  statuses: Set<number>;
  secured: boolean;
}

const documentPath = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url));
type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, JsonSchema>; parameters?: Record<string, any> } };

export const openApiDocument: Doc = JSON.parse(readFileSync(documentPath, 'utf8'));

/** Inlines every `#/components/schemas/X` reference (the document has no recursive schemas). */
export function resolve(schema: JsonSchema, depth = 0): JsonSchema {
  if (depth > 50) throw new Error('schema nests too deep; recursive $ref?');
  if (Array.isArray(schema)) return schema.map((item) => resolve(item, depth + 1)) as never;
  if (!schema || typeof schema !== 'object') return schema;
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = openApiDocument.components?.schemas?.[name];
    if (!target) throw new Error(`unresolvable $ref ${schema.$ref}`);
    const { $ref: _ignored, ...rest } = schema;
    return resolve({ ...target, ...rest }, depth + 1);
  }
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, value && typeof value === 'object' ? resolve(value as JsonSchema, depth + 1) : value]),
  ) as JsonSchema;
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

/** Every operation of the document (the interactive docs UI, /docs, is not in it), deletions last. */
export function listOperations(): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      // Shared parameters (If-Match, Idempotency-Key...) are `$ref`s to components.parameters.
      const shared = (parameter: any) => (parameter.$ref ? openApiDocument.components?.parameters?.[parameter.$ref.split('/').pop()] : parameter);
      const parameters = [...(item.parameters ?? []), ...(op.parameters ?? [])].map(shared).map((parameter: any) => ({
        name: parameter.in === 'header' ? String(parameter.name).toLowerCase() : String(parameter.name),
        in: parameter.in,
        required: Boolean(parameter.required),
        schema: resolve(parameter.schema ?? {}),
      }));
      const content = op.requestBody?.content?.['application/json'];
      operations.push({
        name: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase() as Operation['method'],
        path,
        parameters,
        body: content ? resolve(content.schema ?? {}) : undefined,
        statuses: new Set(Object.keys(op.responses ?? {}).map(Number)),
        secured: Array.isArray(op.security) && op.security.length > 0,
      });
    }
  }
  // Deletions last, so the operations before them find the rows (feeds, webhooks, tokens) to use.
  return [...operations.filter((op) => op.method !== 'DELETE'), ...operations.filter((op) => op.method === 'DELETE')];
}

/**
 * Values the document shows by name: `example`/`examples` objects walked key by key, parameter
 * defaults, and path parameters read back from example URLs (`instance: /v1/plans/hazchem-2017/...`).
 */
export function harvestExamples(operations: Operation[]): Map<string, unknown[]> {
  const found = new Map<string, Set<unknown>>();
  const add = (key: string, value: unknown) => {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    if (!found.has(key)) found.set(key, new Set());
    found.get(key)!.add(value);
  };
  const collect = (value: unknown, key?: string): void => {
    if (Array.isArray(value)) value.forEach((item) => collect(item, key));
    else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => collect(v, k));
    else if (key) add(key, value);
  };
  const walk = (node: unknown, key?: string): void => {
    if (Array.isArray(node)) return node.forEach((item) => walk(item, key));
    if (!node || typeof node !== 'object') return;
    // A parameter's schema and examples are named after the parameter.
    const parameterName = 'in' in node && 'name' in node && typeof node.name === 'string' ? node.name : undefined;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'example' || k === 'examples') collect(v, parameterName ?? key);
      else walk(v, k === 'schema' ? (parameterName ?? key) : k === 'properties' ? key : k);
    }
  };
  walk(openApiDocument);
  for (const op of operations) for (const parameter of op.parameters) if (parameter.schema.default !== undefined) add(parameter.name, parameter.schema.default);
  const urls = [...(found.get('instance') ?? []), ...(found.get('url') ?? [])].filter((v): v is string => typeof v === 'string');
  for (const op of operations) {
    const names: string[] = [];
    const regex = new RegExp(`^${op.path.replace(/[.]/g, '\\.').replace(/\{(\w+)\}/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
    for (const url of urls) regex.exec(url)?.slice(1).forEach((value, i) => add(names[i]!, decodeURIComponent(value)));
  }
  return new Map([...found].map(([key, values]) => [key, [...values]]));
}

/** Statuses a response may have for this operation, beyond the documented ones. */
export function allowedStatuses(op: Operation, sentBody: boolean): Set<number> {
  const allowed = new Set(op.statuses);
  if (op.secured) for (const status of [401, 403, 413, 415, 429]) allowed.add(status);
  // An empty or odd path parameter can turn the URL into another path: unknown (404) or known with other methods (405).
  if (op.parameters.some((parameter) => parameter.in === 'path')) for (const status of [404, 405]) allowed.add(status);
  // A body the route does not take is still parsed (or refused) by Fastify before validation.
  if (op.body || sentBody) for (const status of [413, 415]) allowed.add(status);
  allowed.delete(406);
  return allowed;
}
