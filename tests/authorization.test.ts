import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TokenRole } from '../src/modules/tokens/tokens.service.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { fileForm, png } from './helpers/files.js';

/**
 * Authorization matrix: every route × role × own/other department.
 *
 * "own" is work-safety, the unit the department token is bound to; "other" is public-security.
 * Office and admin tokens are run against both codes too (they act for any unit).
 *
 * Allowed means the request got past authentication and authorization: not 401, not 403, and
 * one of the statuses the handler itself answers with (200, 201, 202, 204, 404, 409, 422). 400 is not
 * accepted as "allowed" because request validation runs before the preHandler that
 * authorizes, so a 400 would mean the authorization check was never reached.
 * Denied means exactly 403 (or 401 without a valid token) as application/problem+json.
 */

const PLAN = 'hazchem-2017';
const PERIOD = '2017Q3';
const OWN = 'work-safety';
const OTHER = 'public-security';

type Method = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
type DepartmentAccess = 'own-only' | 'denied' | 'allowed';
type RoleAccess = 'allowed' | 'denied';

interface Access {
  department: DepartmentAccess;
  office: RoleAccess;
  admin: 'allowed';
}

interface RouteCase {
  method: Method;
  /** The path template as in openapi/openapi.json, e.g. /v1/departments/{code}/liaisons. */
  path: string;
  /** The concrete URL for a request about `department` (ignored by routes without one). */
  url: (department: string) => string;
  body?: unknown;
  /** Request headers beyond the token's (a multipart body's Content-Type). */
  headers?: Record<string, string>;
  /** `public`: no token needed. */
  access: Access | 'public';
}

/** Template parameters naming the unit a route is about. */
const DEPARTMENT_PARAMS = ['{code}', '{department}'];
const isDepartmentScoped = (path: string) => DEPARTMENT_PARAMS.some((param) => path.includes(param));

function route(method: Method, path: string, access: RouteCase['access'], body?: unknown): RouteCase {
  const url = (department: string) =>
    path
      .replace('{plan}', PLAN)
      .replace('{period}', PERIOD)
      .replace('{year}', '2018')
      .replace('{no}', '12')
      .replace('{code}', department)
      .replace('{department}', department)
      .replace('{id}', path.startsWith('/v1/reminders/') ? '2147483000' : randomUUID());
  return body === undefined ? { method, path, url, access } : { method, path, url, access, body };
}

const liaisonsBody = {
  officer: { name: '张伟', position: '处长', phone: '021-23111111', email: 'a@example.gov.cn' },
  staff: { name: '李娜', phone: '021-23111112', email: 'b@example.gov.cn' },
};

const ownOnly: Access = { department: 'own-only', office: 'allowed', admin: 'allowed' };
const anyToken: Access = { department: 'allowed', office: 'allowed', admin: 'allowed' };
const officeOnly: Access = { department: 'denied', office: 'allowed', admin: 'allowed' };
const adminOnly: Access = { department: 'denied', office: 'denied', admin: 'allowed' };

const reports = '/v1/plans/{plan}/periods/{period}/reports/{department}';
const targets = '/v1/plans/{plan}/years/{year}/targets/{department}';
const consolidated = '/v1/plans/{plan}/periods/{period}/consolidated';
const upload = fileForm('佐证.png', png());
const led = '/v1/plans/{plan}/periods/{period}/led/{department}';

const routes: RouteCase[] = [
  // Public: health, the OpenAPI document, the plan structure and the directory.
  route('GET', '/healthz', 'public'),
  route('GET', '/readyz', 'public'),
  route('GET', '/openapi.json', 'public'),
  route('GET', '/v1/plans', 'public'),
  route('GET', '/v1/plans/{plan}', 'public'),
  route('POST', '/v1/plans', officeOnly, { code: 'hazchem-matrix', copyFrom: PLAN, startsOn: '2027-03-01' }),
  route('GET', '/v1/plans/{plan}/measures', 'public'),
  route('GET', '/v1/plans/{plan}/measures/{no}', 'public'),
  route('GET', '/v1/departments', 'public'),
  route('GET', '/v1/departments/{code}', 'public'),
  route('GET', '/v1/departments/{code}/assignments', 'public'),

  // Periods.
  route('GET', '/v1/plans/{plan}/periods', anyToken),
  route('PATCH', '/v1/plans/{plan}/periods/{period}', officeOnly, { dueAt: '2017-10-20T17:00:00+08:00' }),

  // Liaisons.
  route('GET', '/v1/departments/{code}/liaisons', ownOnly),
  route('PUT', '/v1/departments/{code}/liaisons', ownOnly, liaisonsBody),
  route('GET', '/v1/liaisons', officeOnly),
  route('GET', '/v1/liaisons.csv', officeOnly),
  route('GET', '/v1/liaisons.xlsx', officeOnly),

  // Reports: the department drafts and submits its own (the office may, on its behalf); the office reviews any.
  route('GET', reports, ownOnly),
  route('PUT', reports, ownOnly, { entries: [] }),
  route('POST', `${reports}/submit`, ownOnly),
  route('POST', `${reports}/accept`, officeOnly),
  route('POST', `${reports}/return`, officeOnly, { reason: '请补充' }),
  route('GET', `${reports}/history`, ownOnly),

  // Attachments: the unit's own (the office any unit's); a download or removal is checked against the attachment's unit (404 for an unknown id).
  { ...route('POST', `${reports}/attachments`, ownOnly), body: upload.payload, headers: upload.headers },
  route('GET', `${reports}/attachments`, ownOnly),
  route('GET', '/v1/attachments/{id}', anyToken),
  route('DELETE', '/v1/attachments/{id}', anyToken),

  // Yearly targets: the same workflow under /years/{year}/targets; the office's list of a year.
  route('GET', targets, ownOnly),
  route('PUT', targets, ownOnly, { entries: [] }),
  route('POST', `${targets}/submit`, ownOnly),
  route('POST', `${targets}/accept`, officeOnly),
  route('POST', `${targets}/return`, officeOnly, { reason: '请补充' }),
  route('GET', `${targets}/history`, ownOnly),
  route('GET', '/v1/plans/{plan}/years/{year}/targets', officeOnly),
  route('GET', '/v1/plans/{plan}/years/{year}/targets.csv', officeOnly),
  route('GET', '/v1/plans/{plan}/years/{year}/targets.xlsx', officeOnly),

  // Lead departments: a unit reads the rows it leads and writes its opinions; the office any unit's.
  route('GET', led, ownOnly),
  route('GET', `${led}/opinions`, ownOnly),
  route('PUT', `${led}/opinions`, ownOnly, { opinions: [] }),
  route('POST', `${led}/opinions/submit`, ownOnly),
  route('GET', `${led}/opinions/history`, ownOnly),
  { ...route('POST', `${led}/opinions/attachments`, ownOnly), body: upload.payload, headers: upload.headers },
  route('GET', `${led}/opinions/attachments`, ownOnly),

  // Consolidated reports.
  route('GET', consolidated, officeOnly),
  route('GET', `${consolidated}.csv`, officeOnly),
  route('GET', `${consolidated}.xlsx`, officeOnly),
  route('GET', '/v1/plans/{plan}/progress', officeOnly),
  route('GET', '/v1/plans/{plan}/progress.csv', officeOnly),
  route('GET', '/v1/plans/{plan}/progress.xlsx', officeOnly),
  route('GET', '/v1/plans/{plan}/periods/{period}/overview', officeOnly),
  route('GET', '/v1/plans/{plan}/periods/{period}/overview.csv', officeOnly),
  route('GET', '/v1/plans/{plan}/periods/{period}/overview.xlsx', officeOnly),

  // The 年度考核 (its year is a required query parameter).
  route('GET', '/v1/plans/{plan}/assessment-rubric', officeOnly),
  route('PUT', '/v1/plans/{plan}/assessment-rubric', officeOnly, { weights: { submission: 25, timeliness: 25, review: 25, progress: 25, targets: 25 }, grades: [{ name: '合格', min: 0 }] }),
  ...['', '.csv', '.xlsx'].map((extension) => {
    const assessment = route('GET', `/v1/plans/{plan}/assessment${extension}`, officeOnly);
    return { ...assessment, url: (department: string) => `${assessment.url(department)}?year=2018` };
  }),

  // Office documents: the summary report and its charts.
  route('GET', '/v1/plans/{plan}/periods/{period}/summary-report.docx', officeOnly),
  ...['svg', 'png'].map((format) => {
    const chart = route('GET', `/v1/plans/{plan}/charts/{chart}.${format}`, officeOnly);
    return { ...chart, url: (department: string) => `${chart.url(department).replace('{chart}', 'timeliness')}?period=${PERIOD}` };
  }),
  // The 台账 ZIP: the office any unit's or all; a unit its own (another unit's, by query, is 403: tests/dossier.test.ts).
  { ...route('GET', '/v1/plans/{plan}/dossier.zip', ownOnly), url: (department: string) => `/v1/plans/${PLAN}/dossier.zip?department=${department}&period=${PERIOD}` },

  // Tokens and audit.
  route('GET', '/v1/tokens', adminOnly),
  route('POST', '/v1/tokens', adminOnly, { role: 'office', label: 'x' }),
  route('DELETE', '/v1/tokens/{id}', adminOnly),
  route('GET', '/v1/audit', officeOnly),

  // Web sign-in: links the admin hands out, and the office's accounts.
  route('POST', '/v1/auth/links/issue', adminOnly, { email: 'nobody@example.gov.cn' }),
  route('GET', '/v1/accounts', adminOnly),
  route('POST', '/v1/accounts', adminOnly, { email: 'matrix@example.gov.cn', name: '王芳', role: 'office' }),
  route('DELETE', '/v1/accounts/{id}', adminOnly),

  // Reminders.
  route('GET', '/v1/plans/{plan}/reminder-policy', officeOnly),
  route('PUT', '/v1/plans/{plan}/reminder-policy', officeOnly, { offsetsDays: [7, 3, 1], sendTime: '09:00', escalation: { afterWorkingDays: 1, everyDays: 7, maxCount: 4 }, officeEmail: null }),
  route('GET', '/v1/reminders', officeOnly),
  route('POST', '/v1/reminders/{id}/retry', officeOnly),
  route('POST', '/v1/departments/{code}/test-reminder', officeOnly),
  route('PUT', '/v1/departments/{code}/webhook', ownOnly, { url: 'https://1.1.1.1/hook' }), // a public address: names do not resolve here
  route('DELETE', '/v1/departments/{code}/webhook', ownOnly),
  route('GET', '/v1/departments/{code}/notifications', ownOnly),
  route('POST', '/v1/departments/{code}/calendar-token', ownOnly),
  route('DELETE', '/v1/departments/{code}/calendar-token', ownOnly),
];

/** Authorised by a secret in the URL instead of a bearer token (tests/reminders.test.ts covers it). */
const feedRoutes = ['GET /v1/departments/{code}/calendar.ics'];

/** Signing in (public by design) and the session itself (the cookie only); tests/sign-in.test.ts covers them. */
const signInRoutes = ['POST /v1/auth/links', 'POST /v1/auth/session', 'GET /v1/auth/session', 'DELETE /v1/auth/session'];

const protectedRoutes = routes.filter((r): r is RouteCase & { access: Access } => r.access !== 'public');
const publicRoutes = routes.filter((r) => r.access === 'public');

const ALLOWED_STATUSES = [200, 201, 202, 204, 404, 409, 422];

type Expectation = 'allowed' | 403;

interface MatrixRow {
  name: string;
  role: TokenRole;
  route: RouteCase;
  department: string;
  expected: Expectation;
}

/** Shows the unit in a path as {own} / {other}. */
function label(path: string, department: string | null): string {
  if (department === null) return path;
  const shown = department === OWN ? '{own}' : '{other}';
  return DEPARTMENT_PARAMS.reduce((text, param) => text.replace(param, shown), path);
}

function expectationFor(role: TokenRole, access: Access, department: string): Expectation {
  if (role === 'admin') return 'allowed';
  if (role === 'office') return access.office === 'allowed' ? 'allowed' : 403;
  switch (access.department) {
    case 'allowed':
      return 'allowed';
    case 'denied':
      return 403;
    case 'own-only':
      return department === OWN ? 'allowed' : 403;
  }
}

const ROLES: TokenRole[] = ['department', 'office', 'admin'];

const matrix: MatrixRow[] = ROLES.flatMap((role) =>
  protectedRoutes.flatMap((r) => {
    const departments = isDepartmentScoped(r.path) ? [OWN, OTHER] : [null];
    return departments.map((department) => {
      const expected = expectationFor(role, r.access, department ?? OWN);
      return {
        name: `${role} token on ${r.method} ${label(r.path, department)} is ${expected === 'allowed' ? 'allowed' : '403'}`,
        role,
        route: r,
        department: department ?? OWN,
        expected,
      };
    });
  }),
);

const ctx = useTestApp();
const headersFor = {} as Record<TokenRole, { authorization: string }>;

beforeAll(async () => {
  headersFor.department = await bearer(ctx.app, 'department', OWN);
  headersFor.office = await bearer(ctx.app, 'office');
  headersFor.admin = await bearer(ctx.app, 'admin');
});

function request(r: RouteCase, department: string, headers: Record<string, string>, method: InjectOptions['method'] = r.method) {
  return ctx.app.inject({
    method,
    url: r.url(department),
    headers: { ...headers, ...r.headers },
    ...(r.body === undefined ? {} : { payload: r.body as object }),
  });
}

/** it.each rows as [name, row], titled '%s': vitest's $name interpolation truncates long names. */
function named<T extends { name: string }>(rows: T[]): Array<[string, T]> {
  return rows.map((row) => [row.name, row]);
}

function expectProblem(response: { statusCode: number; headers: Record<string, unknown> }, status: number) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toMatch(/^application\/problem\+json/);
}

describe('authorization matrix: every protected route × role × own/other department', () => {
  it.each(named(matrix))('%s', async (_name, { role, route: r, department, expected }) => {
    const response = await request(r, department, headersFor[role]);
    if (expected === 'allowed') {
      expect(response.statusCode, response.body).not.toBe(401);
      expect(response.statusCode, response.body).not.toBe(403);
      expect(ALLOWED_STATUSES, response.body).toContain(response.statusCode);
    } else {
      expectProblem(response, 403);
      expect(response.json()).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    }
  });
});

describe('protected routes without a valid token answer 401 with a Bearer challenge', () => {
  const credentials: Array<{ kind: string; headers: Record<string, string> }> = [
    { kind: 'without an Authorization header', headers: {} },
    { kind: 'with "Basic xyz"', headers: { authorization: 'Basic xyz' } },
    { kind: 'with "Bearer" and no token', headers: { authorization: 'Bearer' } },
    { kind: 'with a token followed by junk', headers: { authorization: 'Bearer hzt_abc def' } },
    { kind: 'with an unknown token', headers: { authorization: `Bearer hzt_${randomUUID()}` } },
  ];
  const rows = credentials.flatMap(({ kind, headers }) =>
    protectedRoutes.map((r) => ({ name: `${r.method} ${r.path} ${kind} is 401`, route: r, headers })),
  );

  it.each(named(rows))('%s', async (_name, { route: r, headers }) => {
    const response = await request(r, OWN, headers);
    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
    expect(response.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  const protectedGets = protectedRoutes.filter((r) => r.method === 'GET');
  const headRows = protectedGets.map((r) => ({ name: `HEAD ${r.path} without a token is 401`, route: r }));
  it.each(named(headRows))('%s', async (_name, { route: r }) => {
    const response = await request(r, OWN, {}, 'HEAD');
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
  });

  const scopedGets = protectedGets.filter((r) => isDepartmentScoped(r.path));
  const scopedHeadRows = scopedGets.map((r) => ({ name: `department token on HEAD ${label(r.path, OTHER)} is 403`, route: r }));
  it.each(named(scopedHeadRows))('%s', async (_name, { route: r }) => {
    const response = await request(r, OTHER, headersFor.department, 'HEAD');
    expect(response.statusCode).toBe(403);
  });
});

describe('revoked tokens answer 401 on every protected route', () => {
  const revoked = {} as Record<TokenRole, { authorization: string }>;
  const sample = protectedRoutes.find((r) => r.method === 'GET' && r.path === '/v1/departments/{code}/liaisons')!;

  beforeAll(async () => {
    for (const role of ROLES) {
      const created = await ctx.app.inject({
        method: 'POST',
        url: '/v1/tokens',
        headers: headersFor.admin,
        payload: role === 'department' ? { role, department: OWN, label: 'to revoke' } : { role, label: 'to revoke' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const { id, token } = created.json() as { id: string; token: string };
      const headers = { authorization: `Bearer ${token}` };
      // The token works before it is revoked...
      const before = await request(sample, OWN, headers);
      expect([401, 403]).not.toContain(before.statusCode);
      const revokedResponse = await ctx.app.inject({ method: 'DELETE', url: `/v1/tokens/${id}`, headers: headersFor.admin });
      expect(revokedResponse.statusCode, revokedResponse.body).toBe(200);
      expect(revokedResponse.json().revokedAt).not.toBeNull();
      revoked[role] = headers;
    }
  });

  const rows = ROLES.flatMap((role) =>
    protectedRoutes.map((r) => ({ name: `revoked ${role} token on ${r.method} ${label(r.path, isDepartmentScoped(r.path) ? OWN : null)} is 401`, role, route: r })),
  );

  it.each(named(rows))('%s', async (_name, { role, route: r }) => {
    const response = await request(r, OWN, revoked[role]);
    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
    expect(response.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });
});

describe('public routes need no token', () => {
  const rows = publicRoutes.flatMap((r) => [
    { name: `GET ${r.path} without a token is 200`, route: r, headers: {} as Record<string, string> },
    { name: `GET ${r.path} with "Basic xyz" is 200 (credentials are ignored)`, route: r, headers: { authorization: 'Basic xyz' } },
    { name: `GET ${r.path} with an unknown bearer token is 200`, route: r, headers: { authorization: `Bearer hzt_${randomUUID()}` } },
  ]);

  it.each(named(rows))('%s', async (_name, { route: r, headers }) => {
    const response = await request(r, OWN, headers);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  const withTokenRows = ROLES.flatMap((role) => publicRoutes.map((r) => ({ name: `${role} token on GET ${r.path} is 200`, role, route: r })));
  it.each(named(withTokenRows))('%s', async (_name, { role, route: r }) => {
    const response = await request(r, OWN, headersFor[role]);
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('the matrix covers every route', () => {
  type OpenApi = { paths: Record<string, Record<string, unknown>> };
  const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options', 'trace'];

  const operations = (document: OpenApi) =>
    Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, item]) =>
        Object.keys(item)
          .filter((key) => HTTP_METHODS.includes(key))
          .map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();

  const tableOperations = [
    ...routes.filter((r) => r.path.startsWith('/v1/')).map((r) => `${r.method} ${r.path}`),
    ...feedRoutes,
    ...signInRoutes,
  ].sort();

  it('the table lists each route once', () => {
    const all = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(all).size).toBe(all.length);
  });

  it('the table has exactly the /v1 routes of openapi/openapi.json', () => {
    const committed = JSON.parse(readFileSync(new URL('../openapi/openapi.json', import.meta.url), 'utf8')) as OpenApi;
    expect(tableOperations).toEqual(operations(committed));
  });

  it('the table has exactly the /v1 routes of the OpenAPI document the app serves', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(tableOperations).toEqual(operations(response.json() as OpenApi));
  });

  it('every route in the table is registered in the app', () => {
    for (const r of routes) {
      const url = r.path.replace(/\{(\w+)\}/g, ':$1');
      expect(ctx.app.hasRoute({ method: r.method, url }), `${r.method} ${r.path}`).toBe(true);
    }
  });

  it('the OpenAPI document marks exactly the protected routes as needing a bearer token', async () => {
    const document = (await ctx.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    for (const r of routes.filter((candidate) => candidate.path.startsWith('/v1/'))) {
      const operation = document.paths[r.path]?.[r.method.toLowerCase()];
      expect(operation, `${r.method} ${r.path}`).toBeDefined();
      expect(Boolean(operation?.security?.length), `${r.method} ${r.path}`).toBe(r.access !== 'public');
    }
  });
});

describe('access is decided before input is validated', () => {
  it.each([
    ['no token', 'PUT', `/v1/departments/${OWN}/liaisons`, {}, null, 401],
    ['no token', 'DELETE', '/v1/tokens/not-a-uuid', undefined, null, 401],
    ['no token', 'GET', '/v1/audit?limit=abc', undefined, null, 401],
    ['no token', 'GET', `/v1/plans/BAD!/periods`, undefined, null, 401],
    ['the department token', 'PUT', `/v1/departments/${OTHER}/liaisons`, {}, 'department', 403],
    ['the office token', 'POST', '/v1/tokens', { role: 'nope' }, 'office', 403],
    ['the department token', 'POST', '/v1/tokens', { role: 'nope' }, 'department', 403],
    ['the department token', 'GET', `/v1/plans/${PLAN}/periods/2017Q9/consolidated`, undefined, 'department', 403],
  ] as const)('with %s, %s %s with invalid input gets the access status, not a validation error', async (_who, method, url, payload, role, status) => {
    const response = await ctx.app.inject({ method, url, ...(payload === undefined ? {} : { payload }), headers: role ? headersFor[role] : {} });
    expect(response.statusCode).toBe(status);
    expect(response.json().errors).toBeUndefined();
  });

  it('a 403 names the roles that are allowed, each once', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/v1/tokens', headers: headersFor.office });
    expect(response.json().detail).toBe('This operation needs one of the roles: admin');
  });
});
