/**
 * Value generators for the fuzz suite: "valid-ish" values derived from a JSON schema (preferring
 * the document's own examples), a catalogue of hostile values, and mutations of a valid value.
 */
import fc from 'fast-check';
import type { JsonSchema } from './fuzz-openapi.js';

/** Hostile strings by kind; each kind is picked equally often, so NUL is not drowned by SQL. */
export const HOSTILE_STRING_GROUPS: Record<string, readonly string[]> = {
  empty: ['', ' ', '\t', '\u3000'],
  control: ['\u0000', 'a\u0000b', '\u0001\u0002\u001b[31m\u007f', '\t\n\r', 'x\r\nX-Injected: 1', '\u0085\u2028\u2029'],
  unicode: ['危险化学品安全综合治理', '市安全监管局 联络员', '💥🧪☢️👩‍🔬', '\u202egnp.exe\u202c', 'مرحبا שלום', '\ud800', '\udfff\ud800', '\uffff\ufeff', 'e\u0301\u200b', 'ＷＯＲＫ－ＳＡＦＥＴＹ'],
  sql: ["' OR 1=1 --", "'; DROP TABLE reports; --", '" OR ""="', '1; SELECT pg_sleep(5) --', "admin'--", '$1', '\\x00', '%', '_'],
  traversal: ['../../etc/passwd', '..\\..\\windows\\win.ini', '/', '.', '..', '%2e%2e%2f', '%00', '?a=b', '#frag', 'file:///etc/passwd', 'http://127.0.0.1:6379/'],
  numeric: ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '1e308', '0x1F', '1_000', '+1', '-0', '00', '1.0', '١٢', ' 1 ', '9007199254740993', '-1', '0'],
  literal: ['null', 'undefined', 'true', 'false', '[]', '{}', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'],
  markup: ['<script>alert(1)</script>', '${jndi:ldap://x/a}', '{{7*7}}', '%s%n%x', '\\', '"', "'", '`', '"v0"', 'W/"v1"', '*', '=cmd|\' /C calc\'!A0', '@SUM(1+1)'],
  dates: ['2017-02-30T17:00:00+08:00', '2017-10-13T24:00:00+08:00', '2017-10-13', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00+23:59', '9999-12-31T23:59:59-23:59', '2017Q5', '2017Q0', '99999Q1', '0000Q1', '0000-02-29'],
};
export const HOSTILE_STRINGS: readonly string[] = Object.values(HOSTILE_STRING_GROUPS).flat();
export const hostileString = (maxBytes = 100_000) =>
  fc.oneof(...Object.values(HOSTILE_STRING_GROUPS).map((group) => fc.constantFrom(...group)), longString(maxBytes));

export const HOSTILE_NUMBERS: readonly number[] = [
  0, -0, -1, 1, 0.5, 1.5, -1.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 53 + 1), Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 2 ** 31, 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 63, 1e21, 101, 10001,
];

/** Keys that pollute prototypes when merged carelessly, plus other odd keys. */
export const HOSTILE_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype', 'extra', '', '中文键', '$where', 'toString', 'valueOf', 'a'.repeat(300)];

/** ~1 KB, 10 KB or 100 KB (UTF-8) of one repeated character; capped for values that travel in the URL or headers. */
export const longString = (maxBytes = 100_000) =>
  fc
    .tuple(fc.constantFrom(1_000, 10_000, 100_000).filter((n) => n <= maxBytes), fc.constantFrom('a', '中', '💥', "'", '\u0000', ' '))
    .map(([bytes, char]) => char.repeat(Math.max(1, Math.floor(bytes / Buffer.byteLength(char)))));

const nested = (depth: number, kind: 'array' | 'object'): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = kind === 'array' ? [value] : { a: value };
  return value;
};

/** An own, enumerable `__proto__`/`constructor` key (JSON.stringify writes it; a literal would set the prototype). */
export function withKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...target };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

export const pollution = fc.constantFrom<unknown>(
  withKey({}, '__proto__', { polluted: 'yes' }),
  withKey({}, 'constructor', { prototype: { polluted: 'yes' } }),
  { prototype: { polluted: 'yes' } },
);

/** Any hostile JSON value: wrong type, boundary or huge number, odd or long string, deep nesting, pollution. */
export const hostileValue = (maxStringBytes = 100_000): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 5, arbitrary: hostileString(maxStringBytes) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, [], {}, [null], { a: 1 }, [1, 'a', null], '') },
    { weight: 1, arbitrary: fc.constantFrom(3, 100, 1000).chain((depth) => fc.constantFrom(nested(depth, 'array'), nested(depth, 'object'))) },
    { weight: 1, arbitrary: pollution },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  );

const matches = (schema: JsonSchema, value: unknown): boolean => {
  if (schema.enum) return schema.enum.includes(value);
  if (typeof value === 'string') {
    if (schema.type !== 'string' && schema.type !== undefined) return false;
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) return false;
    return value.length >= (schema.minLength ?? 0) && value.length <= (schema.maxLength ?? Infinity);
  }
  if (typeof value === 'number') {
    if (schema.type !== 'integer' && schema.type !== 'number') return false;
    return value >= (schema.minimum ?? -Infinity) && value <= (schema.maximum ?? Infinity) && value > (schema.exclusiveMinimum ?? -Infinity);
  }
  return false;
};

/** Regexes fast-check can generate from; anything it cannot handle falls back to a plain string. */
function stringMatching(pattern: string): fc.Arbitrary<string> | undefined {
  try {
    const arbitrary = fc.stringMatching(new RegExp(pattern));
    fc.sample(arbitrary, { numRuns: 1, seed: 1 });
    return arbitrary;
  } catch {
    return undefined;
  }
}

export interface ValueContext {
  /** Example values by property or parameter name, from the document. */
  examples: Map<string, unknown[]>;
  /** Every example value of the document, for schemas whose name has none. */
  allExamples: unknown[];
}

/** A value that should pass the schema (examples first, then generated), for a property called `name`. */
export function validValue(schema: JsonSchema, name: string | undefined, ctx: ValueContext): fc.Arbitrary<unknown> {
  const named = (name ? ctx.examples.get(name) ?? [] : []).filter((value) => matches(schema, value));
  const pool = named.length ? named : ctx.allExamples.filter((value) => matches(schema, value));
  const generated = generate(schema, name, ctx);
  return pool.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: generated }) : generated;
}

function generate(schema: JsonSchema, name: string | undefined, ctx: ValueContext): fc.Arbitrary<unknown> {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((alternative) => validValue(alternative, name, ctx)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const min = schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : schema.minimum ?? -1000;
      const max = schema.maximum ?? min + 1000;
      return fc.oneof(fc.integer({ min, max: Math.min(max, Number.MAX_SAFE_INTEGER) }), fc.constantFrom(min, max));
    }
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9 });
    case 'array': {
      const maxLength = Math.min(schema.maxItems ?? 4, 4);
      return fc.array(validValue(schema.items ?? {}, name, ctx), { minLength: Math.min(schema.minItems ?? 0, maxLength), maxLength });
    }
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      const model = Object.fromEntries(properties.map(([key, property]) => [key, validValue(property, key, ctx)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((key) => key in model) });
    }
    case 'string':
      return stringFor(schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
/** Any year the date patterns accept (0000-9999), boundaries often, days 1-28 so every month has them. */
const isoDate = fc
  .tuple(fc.oneof(fc.integer({ min: 2000, max: 2100 }), fc.constantFrom(0, 1, 1969, 1970, 2038, 9999), fc.integer({ min: 0, max: 9999 })), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
  .map(([year, month, day]) => `${pad(year, 4)}-${pad(month)}-${pad(day)}`);
const offset = fc.oneof(fc.constant('Z'), fc.constantFrom('+08:00', '-23:59', '+23:59', '+00:00'), fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([sign, h, m]) => `${sign}${pad(h)}:${pad(m)}`));
const dateTime = fc
  .tuple(isoDate, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('', '.000', '.5', '.123456789123'), offset)
  .map(([day, h, m, sec, fraction, zone]) => `${day}T${pad(h)}:${pad(m)}:${pad(sec)}${fraction}${zone}`);

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  const maxLength = Math.min(schema.maxLength ?? 60, 60);
  const minLength = Math.min(schema.minLength ?? 0, maxLength);
  if (schema.format === 'uri') return fc.webUrl({ withQueryParameters: true }).filter((url) => url.length <= (schema.maxLength ?? Infinity));
  if (schema.format === 'date-time') return dateTime;
  if (schema.format === 'date') return fc.tuple(isoDate, fc.boolean()).map(([day, first]) => (first ? `${day.slice(0, 8)}01` : day));
  const fromPattern = schema.pattern ? stringMatching(schema.pattern) : undefined;
  if (fromPattern) return fromPattern.filter((value) => value.length >= minLength && value.length <= (schema.maxLength ?? Infinity));
  return fc.string({ unit: 'grapheme', minLength, maxLength });
}

/** Near misses of a valid value: NUL or spaces added, case changed, repeated, off by one, the other JSON type. */
export function tweak(value: unknown): fc.Arbitrary<unknown> {
  if (typeof value === 'number') return fc.constantFrom(value - 1, value + 1, value + 0.5, -value, value * 1e300, String(value), `${value}abc`);
  if (typeof value !== 'string') return fc.constantFrom(JSON.stringify(value) ?? 'null', [value]);
  return fc.constantFrom(
    `${value}\u0000`, `\u0000${value}`, ` ${value} `, value.toUpperCase(), `${value}中`, `${value}'`, value.repeat(40), value.slice(0, -1), `${value}${value}`,
    value.replace(/\d/, '٣'), `${value}\n`, `../${value}`, `${value}%00`,
  );
}

/** Every path to a node of a JSON value (objects and arrays), the root as []. */
export function nodePaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...nodePaths(item, [...prefix, i])));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([key, item]) => paths.push(...nodePaths(item, [...prefix, key])));
  return paths;
}

export type Mutation = 'replace' | 'drop' | 'add-key' | 'wrap';

/** Applies one mutation at `path` of a (cloned) JSON value. */
export function mutate(value: unknown, path: (string | number)[], mutation: Mutation, replacement: unknown, key: string): unknown {
  if (path.length === 0) {
    if (mutation === 'add-key' && value && typeof value === 'object' && !Array.isArray(value)) return withKey(value as Record<string, unknown>, key, replacement);
    return mutation === 'wrap' ? [value] : replacement;
  }
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  if (rest.length === 0 && mutation === 'drop') {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete copy[head!];
    return copy;
  }
  Object.defineProperty(copy, head!, { value: mutate(copy[head!], rest, mutation, replacement, key), enumerable: true, configurable: true, writable: true });
  return copy;
}
