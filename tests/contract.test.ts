import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { openApiPath } from '../src/openapi-document.js';
import openapi from '../src/plugins/openapi.js';
import { createContractChecker, watchContract } from './helpers/contract-check.js';
import { createTestDatabase } from './helpers/database.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

const ctx = useTestApp({ config: { bodyLimitBytes: 64 * 1024 } });
const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const documentPath = fileURLToPath(openApiPath);

type Json = Record<string, any>;
const load = async (): Promise<Json> => JSON.parse(await readFile(openApiPath, 'utf8'));
const operationsOf = (document: Json) =>
  Object.entries<Json>(document.paths).flatMap(([path, methods]) =>
    Object.entries<Json>(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, method, path, operation })),
  );
const refOf = (response: Json | undefined) => response?.$ref as string | undefined;

describe('the contract declares every status the service can send (issue 8, point 20)', () => {
  it('every operation declares 500 and 503, and at least one error', async () => {
    for (const { name, operation } of operationsOf(await load())) {
      expect(refOf(operation.responses['500']), name).toBe('#/components/responses/InternalServerError');
      expect(refOf(operation.responses['503']), name).toBe('#/components/responses/ServiceUnavailable');
    }
  });

  it('operations that take a body declare 400, 413 and 415; authenticated ones 401 and 429, and 403 where roles apply (tokens, sessions), all as shared components', async () => {
    for (const { name, method, operation } of operationsOf(await load())) {
      if (['post', 'put', 'patch', 'delete'].includes(method)) {
        expect(refOf(operation.responses['400']), name).toBe('#/components/responses/BadRequest');
        expect(refOf(operation.responses['413']), name).toBe('#/components/responses/ContentTooLarge');
        expect(refOf(operation.responses['415']), name).toBe('#/components/responses/UnsupportedMediaType');
      }
      if (operation.security.length > 0) {
        expect(refOf(operation.responses['401']), name).toBe('#/components/responses/Unauthorized');
        expect(refOf(operation.responses['429']), name).toBe('#/components/responses/TooManyRequests');
        // METRICS_TOKEN (GET /metrics) has no roles: it opens its one route or nothing.
        const roles = operation.security.some((scheme: object) => 'bearerAuth' in scheme || 'cookieAuth' in scheme);
        expect(refOf(operation.responses['403']), name).toBe(roles ? '#/components/responses/Forbidden' : undefined);
      }
    }
  });

  it('when a body is too large or not JSON, the answers are the declared 413 and 415 problems', async () => {
    const admin = await bearer(ctx.app, 'admin');
    const tooLarge = await ctx.app.inject({ method: 'POST', url: '/v1/tokens', headers: { ...admin, 'content-type': 'application/json' }, payload: JSON.stringify({ label: 'x'.repeat(100_000) }) });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.headers['content-type']).toMatch(/^application\/problem\+json/);
    const notJson = await ctx.app.inject({ method: 'POST', url: '/v1/tokens', headers: { ...admin, 'content-type': 'text/plain' }, payload: 'role=office' });
    expect(notJson.statusCode).toBe(415);
    expect(notJson.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('headers are part of the contract (point 21)', () => {
  it('every response declares x-request-id; 429 and 503 declare Retry-After; 401 WWW-Authenticate', async () => {
    const document = await load();
    for (const { name, operation } of operationsOf(document)) {
      for (const [status, response] of Object.entries<Json>(operation.responses)) {
        const resolved = response.$ref ? document.components.responses[response.$ref.split('/').pop()] : response;
        expect(resolved.headers['X-Request-Id'], `${name} ${status}`).toEqual({ $ref: '#/components/headers/X-Request-Id' });
      }
    }
    expect(document.components.responses.TooManyRequests.headers['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' });
    expect(document.components.responses.ServiceUnavailable.headers['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' });
    expect(document.components.responses.Unauthorized.headers['WWW-Authenticate']).toEqual({ $ref: '#/components/headers/WWW-Authenticate' });
  });

  it('ETag on cached and versioned answers, Location on a created plan, Idempotent-Replayed on idempotent actions', async () => {
    const { paths } = await load();
    const report = '/v1/plans/{plan}/periods/{period}/reports/{department}';
    expect(Object.keys(paths[report].get.responses['200'].headers)).toContain('ETag');
    expect(Object.keys(paths[report].put.responses['200'].headers)).toContain('ETag');
    expect(Object.keys(paths['/v1/plans/{plan}/measures'].get.responses['200'].headers)).toContain('ETag');
    expect(Object.keys(paths['/v1/plans/{plan}/measures'].get.responses['304'].headers)).toContain('ETag');
    expect(Object.keys(paths['/v1/plans'].post.responses['201'].headers)).toContain('Location');
    expect(Object.keys(paths[`${report}/submit`].post.responses['200'].headers)).toEqual(['X-Request-Id', 'ETag', 'Idempotent-Replayed']);
  });

  it('If-Match, If-None-Match, Idempotency-Key and X-CSRF-Token are declared once, as parameters of the operations that honour them', async () => {
    const { paths, components } = await load();
    const report = '/v1/plans/{plan}/periods/{period}/reports/{department}';
    expect(Object.keys(components.parameters).sort()).toEqual(['Idempotency-Key', 'If-Match', 'If-None-Match', 'X-CSRF-Token']);
    // Every write that the session cookie may make needs it; reads and bearer-only operations do not.
    expect(paths[report].put.parameters).toContainEqual({ $ref: '#/components/parameters/X-CSRF-Token' });
    expect(paths[report].get.parameters).not.toContainEqual({ $ref: '#/components/parameters/X-CSRF-Token' });
    expect(paths['/v1/auth/session'].delete.parameters).toContainEqual(expect.objectContaining({ name: 'X-CSRF-Token', in: 'header', required: true }));
    expect(paths['/v1/auth/session'].post.responses['200'].headers['Set-Cookie']).toEqual({ $ref: '#/components/headers/Set-Cookie' });
    expect(paths[report].put.parameters).toContainEqual({ $ref: '#/components/parameters/If-Match' });
    expect(paths[`${report}/accept`].post.parameters).toContainEqual({ $ref: '#/components/parameters/Idempotency-Key' });
    expect(paths['/v1/plans/{plan}/measures/{no}'].get.parameters).toContainEqual({ $ref: '#/components/parameters/If-None-Match' });
  });
});

describe('servers, descriptions, tags, security and 405 (point 22)', () => {
  it('servers is relative without PUBLIC_BASE_URL and PUBLIC_BASE_URL with it', async () => {
    expect((await load()).servers).toEqual([{ url: '/', description: 'This service' }]);
    const app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(openapi, { publicBaseUrl: 'https://hazchem.example.gov.cn/' });
    await app.ready();
    expect((app.swagger() as Json).servers).toEqual([{ url: 'https://hazchem.example.gov.cn', description: 'This service' }]);
    await app.close();
  });

  it('every operation has a description, every tag it uses is defined, and public reads declare security: []', async () => {
    const document = await load();
    const defined = new Set(document.tags.map((tag: Json) => tag.name));
    for (const { name, operation } of operationsOf(document)) {
      expect(operation.description, name).toBeTruthy();
      for (const tag of operation.tags) expect(defined, `${name}: tag ${tag}`).toContain(tag);
    }
    for (const name of ['get /v1/plans', 'get /v1/plans/{plan}/measures', 'get /v1/departments/{code}', 'get /healthz', 'get /readyz', 'get /openapi.json']) {
      const [method, path] = name.split(' ') as [string, string];
      expect(document.paths[path][method].security, name).toEqual([]);
    }
  });

  it('when a known path is asked with a method it does not answer, it answers 405 with Allow', async () => {
    const response = await ctx.app.inject({ method: 'DELETE', url: '/v1/plans' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST');
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    const withParams = await ctx.app.inject({ method: 'PATCH', url: '/v1/plans/hazchem-2017/measures/3' });
    expect(withParams.statusCode).toBe(405);
    expect(withParams.headers.allow).toBe('GET, HEAD');
  });

  it('when an unknown path or method comes with a body no parser takes, it is still 404 or 405, not 415 (the fuzzer found it)', async () => {
    const body = { headers: { 'content-type': 'text/x-unknown' }, payload: 'x' };
    // `/v1/departments/../calendar-token` as a client may normalise it.
    const unknown = await ctx.app.inject({ method: 'POST', url: '/v1/calendar-token', ...body });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'NOT_FOUND']);
    const wrongMethod = await ctx.app.inject({ method: 'DELETE', url: '/v1/plans', ...body });
    expect([wrongMethod.statusCode, wrongMethod.headers.allow]).toEqual([405, 'GET, HEAD, POST']);
  });

  it('when the database is gone, the 503 of /readyz is the declared one, Retry-After included', async () => {
    const database = await createTestDatabase({ seed: false });
    const app = await buildApp({ logLevel: 'silent' }, { database: await database.open() });
    const violations = watchContract(app);
    await app.ready();
    await database.drop();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    await app.close();
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(violations()).toEqual([]);
  });

  it('when the path is unknown, it still answers 404 without Allow', async () => {
    const response = await ctx.app.inject({ method: 'DELETE', url: '/v1/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.headers.allow).toBeUndefined();
  });
});

describe('typed, not free text (point 23)', () => {
  it('unit kind, token role, reminder kind and the audit fields are enums or patterns; audit before/after are objects', async () => {
    const { components } = await load();
    const schemas = components.schemas;
    expect(schemas.DepartmentKind.enum).toContain('district-government');
    expect(schemas.RosterEntry.properties.kind).toEqual({ $ref: '#/components/schemas/DepartmentKind' });
    expect(schemas.TokenRole.enum).toEqual(['department', 'office', 'admin']);
    expect(schemas.AuditAction.enum).toContain('report.submit');
    expect(schemas.AuditEntityType.enum).toContain('reminder-policy');
    expect(schemas.AuditEntry.properties.actor.properties.role.enum).toEqual(['department', 'office', 'admin', 'system']);
    for (const side of ['before', 'after']) expect(schemas.AuditEntry.properties[side].anyOf.map((schema: Json) => schema.type)).toEqual(['object', 'null']);
    const kind = new RegExp(schemas.Reminder.properties.kind.pattern);
    for (const valid of ['before-7d', 'before-60d', 'overdue-1', 'overdue-20']) expect(valid).toMatch(kind);
    for (const invalid of ['before-7', 'soon', 'overdue-0']) expect(invalid).not.toMatch(kind);
  });

  it("when an e-mail's domain is no host name (a@b-.cn), it is refused with 400, so no answer carries an address format: email rejects", async () => {
    const office = await bearer(ctx.app, 'office');
    const person = { name: '张伟', phone: '021-23111111', email: 'zhang.wei@example-.gov.cn' };
    const response = await ctx.app.inject({ method: 'PUT', url: '/v1/departments/work-safety/liaisons', headers: office, payload: { officer: { ...person, position: '处长' }, staff: person } });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors.map((error: Json) => error.path)).toEqual(['body.officer.email', 'body.staff.email']);
  });

  it('CSV, Excel and iCalendar downloads declare their media types', async () => {
    const { paths } = await load();
    const media = (path: string) => Object.keys(paths[path].get.responses['200'].content);
    expect(media('/v1/liaisons.csv')).toEqual(['text/csv']);
    expect(media('/v1/plans/{plan}/periods/{period}/consolidated.xlsx')).toEqual(['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']);
    expect(media('/v1/departments/{code}/calendar.ics')).toEqual(['text/calendar']);
  });
});

describe('CI gates the contract (point 24)', () => {
  const offline = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_UPDATE_NOTIFIER: '1' };

  it('redocly lint reports no errors', async () => {
    const { stdout } = await run('npx', ['--no-install', 'redocly', 'lint', documentPath, '--format=json'], { cwd: root, env: offline, maxBuffer: 1 << 24 });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{')));
    expect(report.problems.filter((problem: Json) => problem.severity === 'error')).toEqual([]);
  }, 120_000);

  it("Spectral's spectral:oas ruleset reports no warnings", async () => {
    const result = await run('npx', ['--no-install', 'spectral', 'lint', documentPath, '--ruleset', '.spectral.yaml', '--format', 'json', '--fail-severity', 'warn', '--quiet'], {
      cwd: root,
      env: offline,
      maxBuffer: 1 << 24,
    }).catch((error: { stdout: string }) => error);
    const problems = JSON.parse(result.stdout) as Json[];
    expect(problems.map((problem) => `${problem.code} ${problem.path.join('.')}: ${problem.message}`)).toEqual([]);
  }, 120_000);

  it('the response check rejects an undeclared status, a missing declared header and a body off its schema', async () => {
    const check = createContractChecker(await load());
    const base = { method: 'GET', route: '/v1/plans/:plan', url: '/v1/plans/x', headers: { 'x-request-id': 'r1', 'content-type': 'application/json' } };
    expect(check({ ...base, statusCode: 418, body: '{}' })).toEqual(['GET /v1/plans/x → 418: status 418 is not declared']);
    expect(check({ ...base, statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{}' }).join()).toMatch(/header X-Request-Id is missing/);
    expect(check({ ...base, statusCode: 200, body: '{"code": 1}' }).join()).toMatch(/body/);
    const problem = { ...base.headers, 'content-type': 'application/problem+json' };
    expect(check({ ...base, route: undefined, url: '/nope', statusCode: 404, headers: problem, body: '{"status": 404}' }).join()).toMatch(/body/);
    const report = { ...base, route: '/v1/plans/:plan/periods/:period/reports/:department', url: '/r' };
    expect(check({ ...report, statusCode: 200, body: 'x' }).join()).toMatch(/header ETag is missing/);
  });

  it('when an app answers off the contract, the watcher in the test helpers records it', async () => {
    const app = Fastify();
    const violations = watchContract(app);
    app.get('/v1/plans', { schema: {} }, async (_request, reply) => reply.status(201).send({ plans: [] }));
    app.get('/v1/departments', { schema: {} }, async () => ({ items: 'none' }));
    await app.ready();
    await app.inject({ method: 'GET', url: '/v1/plans' });
    await app.inject({ method: 'GET', url: '/v1/departments' });
    await app.close();
    expect(violations()).toEqual([
      'GET /v1/plans → 201: status 201 is not declared',
      'GET /v1/departments → 200: header X-Request-Id is missing',
      expect.stringMatching(/^GET \/v1\/departments → 200: body .*items/),
    ]);
  });
});
