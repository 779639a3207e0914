/**
 * One fast-check arbitrary of HTTP requests per OpenAPI operation. A request is made of slots
 * (each path, query and header parameter, the body, its content type, the token, extra query
 * keys and headers); every slot has a valid-ish arbitrary (from the schema and the document's
 * examples) and a hostile one. Most requests break exactly one slot, so the hostile value gets
 * past the others and reaches its own validation and handler code; some break several at once,
 * and some are entirely valid (and may succeed). Raw JSON text covers what JSON.stringify
 * cannot write: 1e400, malformed JSON, duplicate keys, deep nesting, oversized bodies.
 */
import fc from 'fast-check';
import type { JsonSchema, Operation, Parameter } from './fuzz-openapi.js';
import { HOSTILE_KEYS, HOSTILE_STRINGS, hostileValue, longString, mutate, nodePaths, tweak, validValue, type Mutation, type ValueContext } from './fuzz-values.js';

export type Auth = 'admin' | 'department' | 'none' | 'garbage';

export interface FuzzRequest {
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  /** Raw body text; undefined sends no body. */
  payload: string | undefined;
  auth: Auth;
}

/** URLs and headers travel in the request head, which Node caps at 16 KB. */
const HEAD_BYTES = 10_000;

/** What a header value looks like after Node's HTTP parser: latin1 bytes, no control characters but HTAB, trimmed. */
export const wire = (value: string) =>
  Buffer.from(value, 'utf8').toString('latin1').replace(/[^\t\x20-\x7e\x80-\xff]/g, '').slice(0, HEAD_BYTES).trim();

const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
/** encodeURIComponent, with lone surrogates (which it refuses) sent as U+FFFD like any UTF-8 encoder would. */
const enc = (value: string) => encodeURIComponent(value.replace(/\p{Cs}/gu, '\uFFFD'));

interface Slot {
  valid: fc.Arbitrary<unknown>;
  hostile: fc.Arbitrary<unknown>;
}

/** A hostile value, or a near miss of a valid one. */
const hostileFor = (valid: fc.Arbitrary<unknown>, maxBytes = HEAD_BYTES) =>
  fc.oneof({ weight: 3, arbitrary: hostileValue(maxBytes) }, { weight: 2, arbitrary: valid.chain(tweak) });

/** Already-encoded path segments: malformed escapes, encoded dot segments and slashes. */
const RAW_SEGMENTS = ['%', '%zz', '%E4%B8', '%00', '%2F', '%2f..%2f', '..', '.', '%2e%2e', '%C0%AE%C0%AE', '%ff', '%u4e2d', '%0d%0a'];

function pathSlot(parameter: Parameter, ctx: ValueContext): Slot {
  const valid = validValue(parameter.schema, parameter.name, ctx);
  return {
    valid: valid.map((value) => enc(asText(value))),
    hostile: fc.oneof(
      { weight: 8, arbitrary: hostileFor(valid).map((value) => enc(asText(value))) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_SEGMENTS) },
    ),
  };
}

type Pair = [string, string];

function querySlot(parameter: Parameter, ctx: ValueContext): Slot {
  const valid = validValue(parameter.schema, parameter.name, ctx);
  const validPairs = valid.map((value): Pair[] => [[parameter.name, asText(value)]]);
  return {
    valid: parameter.required ? validPairs : fc.oneof(fc.constant<Pair[]>([]), validPairs),
    hostile: fc.oneof(
      { weight: 6, arbitrary: hostileFor(valid).map((value): Pair[] => [[parameter.name, asText(value)]]) },
      { weight: parameter.required ? 1 : 0, arbitrary: fc.constant<Pair[]>([]) },
      { weight: 1, arbitrary: fc.tuple(valid, hostileValue(HEAD_BYTES)).map(([a, b]): Pair[] => [[parameter.name, asText(a)], [parameter.name, asText(b)]]) },
      { weight: 1, arbitrary: valid.map((value): Pair[] => [[`${parameter.name}[]`, asText(value)], [`${parameter.name}[a]`, asText(value)]]) },
    ),
  };
}

const extraQuerySlot: Slot = {
  valid: fc.constant<Pair[]>([]),
  hostile: fc.oneof(
    fc.constantFrom<Pair[]>([['__proto__[polluted]', 'yes']], [['constructor[prototype][polluted]', 'yes']], [['__proto__', 'x'], ['prototype', 'y']]),
    fc.tuple(fc.constantFrom(...HOSTILE_KEYS, ...HOSTILE_STRINGS), hostileValue(HEAD_BYTES).map(asText)).map((pair): Pair[] => [pair]),
  ),
};

const encodeQuery = (pairs: Pair[]) =>
  pairs.length ? `?${pairs.map(([key, value]) => `${enc(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${enc(value)}`).join('&')}` : '';

function headerSlot(parameter: Parameter, ctx: ValueContext): Slot {
  const valid = validValue(parameter.schema, parameter.name, ctx);
  const etags = fc.constantFrom('"v0"', '"v1"', '"v2"', 'W/"v0"', '*', '"v0", "v1"');
  // A few fixed values come back again and again, so keys get reused (Idempotency-Key replays).
  const reused = fc.constantFrom(...fc.sample(valid, { numRuns: 3, seed: 7 }).map((value) => wire(asText(value))));
  return {
    valid: fc.oneof(fc.constant(undefined), valid.map((value) => wire(asText(value))), reused, ...(parameter.name === 'if-match' ? [etags] : [])),
    hostile: hostileFor(valid).map((value) => wire(asText(value))),
  };
}

const authSlot: Slot = {
  valid: fc.oneof({ weight: 4, arbitrary: fc.constant<Auth>('admin') }, { weight: 1, arbitrary: fc.constant<Auth>('department') }),
  hostile: fc.constantFrom<Auth>('none', 'garbage', 'department'),
};

const extraHeaderSlot: Slot = {
  valid: fc.constant({}),
  hostile: fc.oneof(
    fc.constantFrom('application/xml', 'text/csv', 'application/problem+json', '*/*', 'image/png;q=1, */*;q=0').map((accept) => ({ accept })),
    hostileValue(HEAD_BYTES).map((value) => ({ 'x-request-id': wire(asText(value)) })),
  ),
};

const contentTypeSlot: Slot = {
  valid: fc.constantFrom('application/json', 'application/json; charset=utf-8'),
  hostile: fc.constantFrom(
    undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/xml', 'application/json; charset=latin1',
    'application/problem+json', 'application/JSON', '*/*', 'application/json, text/plain', 'application/vnd.api+json', 'json', ';', 'application/json; charset=utf-8; charset=utf-16',
  ),
};

const keysOf = (value: unknown) => {
  const keys = value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  return keys.length ? keys : ['a'];
};

/** Body texts JSON.stringify cannot produce, built around a valid body. */
function rawBodies(valid: unknown): fc.Arbitrary<string> {
  const text = JSON.stringify(valid ?? {});
  const withNumber = (literal: string) => (/-?\d+(\.\d+)?/.test(text) ? text.replace(/-?\d+(\.\d+)?/, literal) : `{"n":${literal}}`);
  const deep = (depth: number) => fc.constantFrom('['.repeat(depth) + ']'.repeat(depth), '{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
  return fc.oneof(
    fc.constantFrom('1e400', '-1e400', '1e-400', '123456789012345678901234567890', '-0', '1.0e+500', 'NaN', 'Infinity').map(withNumber),
    fc.constantFrom('{', '}', '{"a":}', '[1,]', "{'a':1}", '{"a":1,}', 'undefined', 'NaN', '', ' ', '\u0000', 'null', '"\\u0000"', '{"a":"\\ud800"}', '\ufeff{}', `${text} trailing`, `${text}${text}`, '{"a":1}\n{"b":2}'),
    fc.constantFrom(`{"__proto__":{"polluted":"yes"},${text.slice(1)}`, `{"constructor":{"prototype":{"polluted":"yes"}},${text.slice(1)}`, `[${text}]`),
    fc.constantFrom(...keysOf(valid)).map((key) => `{${JSON.stringify(key)}:"dup",${text.slice(1)}`),
    fc.constantFrom(1_000, 10_000, 100_000).chain(deep),
    // Past the 1 MB body limit.
    fc.constant(1_100_000).map((size) => `${text.slice(0, -1)}${' '.repeat(size)}}`),
  );
}

function bodySlot(op: Operation, ctx: ValueContext): Slot {
  const schema: JsonSchema = op.body ?? { type: 'object', properties: {}, additionalProperties: false };
  const valid = validValue(schema, undefined, ctx);
  const mutated = valid.chain((value) =>
    fc
      .tuple(fc.constantFrom(...nodePaths(value)), fc.constantFrom<Mutation>('replace', 'replace', 'drop', 'add-key', 'wrap'), fc.constantFrom(...HOSTILE_KEYS))
      .chain(([path, mutation, key]) => {
        const leaf = path.reduce<any>((node, step) => node?.[step], value);
        return fc.oneof(hostileValue(), tweak(leaf)).map((replacement) => mutate(value, path, mutation, replacement, key));
      }),
  );
  const hostile = fc.oneof(
    { weight: 6, arbitrary: mutated.map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 1, arbitrary: hostileValue().map((value) => JSON.stringify(value) ?? 'null') },
    { weight: 2, arbitrary: valid.chain(rawBodies) },
    { weight: 1, arbitrary: longString().map((value) => JSON.stringify({ text: value })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
  if (op.body) return { valid: valid.map((value) => JSON.stringify(value)), hostile };
  // A route without a body: none is valid, any body is hostile.
  return { valid: fc.constant(undefined), hostile: hostile.filter((payload) => payload !== undefined) };
}

/** Requests for `op`; the caller adds the Authorization header for `auth`. */
export function requestArbitrary(op: Operation, ctx: ValueContext): fc.Arbitrary<FuzzRequest> {
  const slots: Record<string, Slot> = { auth: authSlot, extraQuery: extraQuerySlot, extraHeaders: extraHeaderSlot };
  for (const parameter of op.parameters) {
    const make = { path: pathSlot, query: querySlot, header: headerSlot }[parameter.in];
    slots[`${parameter.in}:${parameter.name}`] = make(parameter, ctx);
  }
  // GET bodies are never read (Fastify skips them); the others may carry one.
  if (op.method !== 'GET') Object.assign(slots, { body: bodySlot(op, ctx), contentType: contentTypeSlot });

  const names = Object.keys(slots);
  const broken = fc.oneof(
    { weight: 1, arbitrary: fc.constant(new Set<string>()) },
    { weight: 6, arbitrary: fc.constantFrom(...names).map((name) => new Set([name])) },
    { weight: 2, arbitrary: fc.subarray(names).map((subset) => new Set(subset)) },
  );
  return broken
    .chain((set) => fc.record(Object.fromEntries(names.map((name) => [name, set.has(name) ? slots[name]!.hostile : slots[name]!.valid]))))
    .map((values) => build(op, values));
}

function build(op: Operation, values: Record<string, unknown>): FuzzRequest {
  const path = op.path.replace(/\{(\w+)\}/g, (_match, name: string) => values[`path:${name}`] as string);
  const pairs = op.parameters.filter((parameter) => parameter.in === 'query').flatMap((parameter) => values[`query:${parameter.name}`] as Pair[]);
  const headers: Record<string, string> = { ...(values.extraHeaders as Record<string, string>) };
  for (const parameter of op.parameters) {
    const value = values[`header:${parameter.name}`];
    if (parameter.in === 'header' && typeof value === 'string') headers[parameter.name] = value;
  }
  const payload = values.body as string | undefined;
  if (payload !== undefined && typeof values.contentType === 'string') headers['content-type'] = values.contentType;
  const request: FuzzRequest = { method: op.method, url: `${path}${encodeQuery([...pairs, ...(values.extraQuery as Pair[])])}`, headers, payload, auth: values.auth as Auth };
  // fast-check prints counterexamples with this: bodies can be 1 MB.
  return Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(request), enumerable: false });
}

/** A request for failure messages, long URLs and bodies clipped. */
export function describeRequest(request: FuzzRequest): string {
  const clip = (text: string) => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text);
  const body = request.payload === undefined ? '(none)' : clip(JSON.stringify(request.payload));
  return `${request.method} ${clip(request.url)} as ${request.auth}\n  headers: ${clip(JSON.stringify(request.headers))}\n  body: ${body}`;
}
