/**
 * Bad input to every write route: a clear 4xx application/problem+json naming the offending
 * fields, and nothing stored (no report row or version, no audit entry, no liaisons, no token,
 * no moved deadline, no idempotency record). Also ETag / If-Match (412) and Idempotency-Key.
 */
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../src/db/client.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { entry, liaisonPair } from './helpers/fixtures.js';

const ctx = useTestApp();

type Headers = Record<string, string>;
type Method = 'GET' | 'PUT' | 'POST' | 'PATCH';

const PLAN = 'hazchem-2017';
const DEPARTMENT = 'work-safety';
const reportUrl = (period: string, department = DEPARTMENT) => `/v1/plans/${PLAN}/periods/${period}/reports/${department}`;
const periodUrl = (period: string) => `/v1/plans/${PLAN}/periods/${period}`;
const liaisonsUrl = (code = DEPARTMENT) => `/v1/departments/${code}/liaisons`;
/** The report the validation sections aim at; it must stay untouched (not_started, v0). */
const PRISTINE = reportUrl('2017Q3');

let dept: Headers;
let dept2: Headers; // a second token of the same department (idempotency keys are per token)
let office: Headers;
let admin: Headers;

interface CarriedTask {
  measureNo: number;
  taskSeq: number;
  required: boolean;
}
let tasks: CarriedTask[];

interface Entry {
  measureNo: number;
  taskSeq: number;
  status: string;
  progress: number;
  summary: string;
}


/** One entry for every required row: enough to submit. */
const fullEntries = (progress = 10): Entry[] =>
  tasks
    .filter((task) => task.required)
    .map((task) => ({ measureNo: task.measureNo, taskSeq: task.taskSeq, status: 'in_progress', progress, summary: `进展 ${progress}%` }));

const validLiaisons = liaisonPair;

function inject(method: Method, url: string, headers: Headers, payload?: unknown) {
  return ctx.app.inject({
    method,
    url,
    headers,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
}

/** Sends a body verbatim, so malformed JSON and exotic literals reach the parser as written. */
function injectRaw(method: Method, url: string, headers: Headers, body: string, contentType = 'application/json') {
  return ctx.app.inject({ method, url, headers: { ...headers, 'content-type': contentType }, payload: body });
}

async function getJson(url: string, headers: Headers) {
  const response = await inject('GET', url, headers);
  expect(response.statusCode, `GET ${url}: ${response.body}`).toBe(200);
  return { body: response.json(), etag: response.headers.etag };
}

interface ProblemExpectation {
  code?: string;
  /** Every one of these must appear in errors[].path. */
  paths?: string[];
  /** Matched against the joined errors[].message (or detail when there are no errors). */
  message?: RegExp;
  /** Schema 400s repeat each path in `detail` (src/http/validation.ts); service-raised ones do not. */
}

/** Asserts an RFC 9457 problem with the service's fields, and returns its body. */
function expectProblem(response: LightMyRequestResponse, status: number, expected: ProblemExpectation = {}) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  expect(problem).toMatchObject({
    type: expect.stringMatching(/^urn:hazchem-tracker:problem:[a-z-]+$/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    instance: expect.stringMatching(/^\/v1\//),
    code: expect.any(String),
    requestId: response.headers['x-request-id'],
  });
  expect(problem.detail.length).toBeGreaterThan(0);
  if (expected.code) expect(problem.code).toBe(expected.code);
  if (expected.paths) {
    expect(Array.isArray(problem.errors), `errors[] in ${response.body}`).toBe(true);
    const paths = (problem.errors as { path: string; message: string }[]).map((error) => error.path);
    expect(paths).toEqual(expect.arrayContaining(expected.paths));
    for (const error of problem.errors as { path: string; message: string }[]) {
      expect(error.message.length).toBeGreaterThan(0);
    }
    // 400s repeat every field in `detail`, so it reads on its own.
    if (problem.code === 'VALIDATION_FAILED') for (const path of expected.paths) expect(problem.detail).toContain(path);
  }
  if (expected.message) {
    const text = problem.errors ? (problem.errors as { message: string }[]).map((error) => error.message).join('\n') : problem.detail;
    expect(text).toMatch(expected.message);
  }
  return problem;
}

/**
 * Everything a write could leave behind, read both through the API (as clients see it) and
 * straight from the tables (so a rolled-back version-0 report row or an idempotency record
 * cannot hide).
 */
async function snapshot() {
  const [tables] = await selectRows(
    ctx.app.db,
    sql`select
      (select count(*)::int from reports) as reports,
      (select count(*)::int from report_versions) as versions,
      (select count(*)::int from audit_log) as audit,
      (select count(*)::int from liaisons) as liaisons,
      (select count(*)::int from api_tokens) as tokens,
      (select count(*)::int from idempotency_keys) as idempotency,
      (select string_agg(id || '=' || due_at::text, ',' order by plan_id, id) from reporting_periods) as deadlines`,
  );
  const report = await getJson(PRISTINE, dept);
  const audit = await getJson('/v1/audit?limit=500', office);
  const periods = await getJson(`/v1/plans/${PLAN}/periods`, office);
  const tokenList = await getJson('/v1/tokens', admin);
  const roster = await getJson('/v1/liaisons', office);
  return {
    tables,
    report: { etag: report.etag, status: report.body.status, version: report.body.version, entries: report.body.entries },
    auditIds: (audit.body.items as { id: number }[]).map((item) => item.id),
    deadlines: (periods.body.items as { id: string; dueAt: string }[]).map((period) => `${period.id}=${period.dueAt}`),
    tokenIds: (tokenList.body.items as { id: string }[]).map((token) => token.id),
    liaisonsRegistered: roster.body.registered,
  };
}

beforeAll(async () => {
  dept = await bearer(ctx.app, 'department', DEPARTMENT);
  dept2 = await bearer(ctx.app, 'department', DEPARTMENT);
  office = await bearer(ctx.app, 'office');
  admin = await bearer(ctx.app, 'admin');
  const { body, etag } = await getJson(PRISTINE, dept);
  expect(etag).toBe('"v0"');
  expect(body.status).toBe('not_started');
  tasks = body.tasks;
});

// ---------------------------------------------------------------------------------------------
// 1. PUT /v1/plans/{plan}/periods/{period}/reports/{department}
// ---------------------------------------------------------------------------------------------

interface ReportCase {
  name: string;
  payload?: unknown;
  raw?: string;
  contentType?: string;
  url?: string;
  as?: 'dept' | 'admin';
  headers?: Headers;
  status: number;
  code?: string;
  paths?: string[];
  message?: RegExp;
}

const tooManyEntries = Array.from({ length: 201 }, (_, index) => entry({ measureNo: (index % 31) + 1, taskSeq: 1 + Math.floor(index / 31) }));

const reportCases: ReportCase[] = [
  // field-level schema errors: 400 with the field's path
  { name: 'progress 140', payload: { entries: [entry({ progress: 140 })] }, status: 400, paths: ['body.entries.0.progress'] },
  { name: 'progress -1', payload: { entries: [entry({ progress: -1 })] }, status: 400, paths: ['body.entries.0.progress'] },
  { name: 'progress 50.5', payload: { entries: [entry({ progress: 50.5 })] }, status: 400, paths: ['body.entries.0.progress'] },
  { name: 'progress as a string "50"', payload: { entries: [entry({ progress: '50' })] }, status: 400, paths: ['body.entries.0.progress'] },
  { name: 'progress null', payload: { entries: [entry({ progress: null })] }, status: 400, paths: ['body.entries.0.progress'] },
  { name: "status 'done'", payload: { entries: [entry({ status: 'done' })] }, status: 400, paths: ['body.entries.0.status'] },
  { name: "summary ''", payload: { entries: [entry({ summary: '' })] }, status: 400, paths: ['body.entries.0.summary'] },
  { name: 'summary of blanks only', payload: { entries: [entry({ summary: '   \n\t ' })] }, status: 400, paths: ['body.entries.0.summary'] },
  { name: 'summary of 5001 chars', payload: { entries: [entry({ summary: '字'.repeat(5001) })] }, status: 400, paths: ['body.entries.0.summary'] },
  { name: 'summary missing', payload: { entries: [{ measureNo: 1, taskSeq: 1, status: 'in_progress', progress: 5 }] }, status: 400, paths: ['body.entries.0.summary'] },
  { name: 'problems of 5001 chars', payload: { entries: [entry({ problems: 'x'.repeat(5001) })] }, status: 400, paths: ['body.entries.0.problems'] },
  { name: "nextSteps ''", payload: { entries: [entry({ nextSteps: '' })] }, status: 400, paths: ['body.entries.0.nextSteps'] },
  { name: 'measureNo 0', payload: { entries: [entry({ measureNo: 0 })] }, status: 400, paths: ['body.entries.0.measureNo'] },
  { name: 'taskSeq 1.5', payload: { entries: [entry({ taskSeq: 1.5 })] }, status: 400, paths: ['body.entries.0.taskSeq'] },
  { name: 'measureNo as a string', payload: { entries: [entry({ measureNo: '1' })] }, status: 400, paths: ['body.entries.0.measureNo'] },
  { name: 'an unknown property on an entry', payload: { entries: [entry({ remark: 'x' })] }, status: 400, paths: ['body.entries.0'], message: /remark/ },
  { name: 'an unknown property at the top level', payload: { entries: [entry()], department: 'finance' }, status: 400, paths: ['body'], message: /department/ },
  { name: 'entries an object', payload: { entries: { 0: entry() } }, status: 400, paths: ['body.entries'] },
  { name: 'entries a string', payload: { entries: 'all done' }, status: 400, paths: ['body.entries'] },
  { name: 'entries missing', payload: {}, status: 400, paths: ['body.entries'] },
  { name: '201 entries (limit 200)', payload: { entries: tooManyEntries }, status: 400, paths: ['body.entries'] },
  { name: "metric value 'NaN'", payload: { entries: [entry({ metrics: [{ name: '占比', value: 'NaN', unit: '%' }] })] }, status: 400, paths: ['body.entries.0.metrics.0.value'] },
  { name: "metric value '72'", payload: { entries: [entry({ metrics: [{ name: '占比', value: '72', unit: '%' }] })] }, status: 400, paths: ['body.entries.0.metrics.0.value'] },
  { name: 'metric without a name', payload: { entries: [entry({ metrics: [{ value: 1, unit: '' }] })] }, status: 400, paths: ['body.entries.0.metrics.0.name'] },
  { name: 'metrics not an array', payload: { entries: [entry({ metrics: { name: 'a', value: 1, unit: '' } })] }, status: 400, paths: ['body.entries.0.metrics'] },
  { name: '21 metrics (limit 20)', payload: { entries: [entry({ metrics: Array.from({ length: 21 }, (_, i) => ({ name: `m${i}`, value: i, unit: '' })) })] }, status: 400, paths: ['body.entries.0.metrics'] },
  { name: 'the second entry invalid', payload: { entries: [entry(), entry({ measureNo: 2, progress: 101 })] }, status: 400, paths: ['body.entries.1.progress'] },
  {
    name: 'several fields invalid at once',
    payload: { entries: [entry({ progress: 140, status: 'done', summary: '' })] },
    status: 400,
    paths: ['body.entries.0.progress', 'body.entries.0.status', 'body.entries.0.summary'],
  },
  {
    name: 'progress 1e309 (Infinity) as raw JSON',
    raw: '{"entries":[{"measureNo":1,"taskSeq":1,"status":"in_progress","progress":1e309,"summary":"x"}]}',
    status: 400,
    paths: ['body.entries.0.progress'],
  },
  // rows the unit does not report on: 422 with the entry's path
  { name: 'an unknown task (measure 32)', payload: { entries: [entry({ measureNo: 32 })] }, status: 422, code: 'UNPROCESSABLE', paths: ['body.entries.0'], message: /measure 32 task 1/ },
  { name: 'an unknown task seq (measure 1 task 9)', payload: { entries: [entry({ taskSeq: 9 })] }, status: 422, code: 'UNPROCESSABLE', paths: ['body.entries.0'] },
  {
    name: 'measure 9 task 1 (carried only by 危险化学品集中区域管理机构)',
    payload: { entries: [entry({ measureNo: 9, taskSeq: 1 })] },
    status: 422,
    code: 'UNPROCESSABLE',
    paths: ['body.entries.0'],
    message: /市安全监管局 does not carry measure 9 task 1/,
  },
  {
    name: 'the same task twice',
    payload: { entries: [entry(), entry({ progress: 60 })] },
    status: 422,
    code: 'UNPROCESSABLE',
    paths: ['body.entries.1'],
    message: /appears twice/,
  },
  {
    name: 'a valid entry followed by one for a task not carried',
    payload: { entries: [entry(), entry({ measureNo: 25, taskSeq: 1 })] },
    status: 422,
    code: 'UNPROCESSABLE',
    paths: ['body.entries.1'],
  },
  // the body as a whole
  { name: 'malformed JSON', raw: '{"entries": [', status: 400, code: 'BAD_REQUEST', message: /not valid JSON/ },
  { name: 'JSON with a trailing comma', raw: '{"entries": [],}', status: 400, code: 'BAD_REQUEST' },
  { name: 'an empty JSON body', raw: '', status: 400, code: 'BAD_REQUEST', message: /empty/ },
  { name: 'a JSON array body', raw: '[]', status: 400, paths: ['body'] },
  { name: 'content-type application/xml', raw: '<entries/>', contentType: 'application/xml', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'content-type application/x-www-form-urlencoded', raw: 'entries=1', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  { name: 'a body over the 1 MiB limit', raw: JSON.stringify({ entries: [entry({ summary: 'x'.repeat(1_100_000) })] }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  // the address
  { name: "period id 'Q3-2017'", url: reportUrl('Q3-2017'), payload: { entries: [entry()] }, status: 400, paths: ['params.period'] },
  { name: "period id '2017Q5'", url: reportUrl('2017Q5'), payload: { entries: [entry()] }, status: 400, paths: ['params.period'] },
  { name: "unknown period '2016Q1'", url: reportUrl('2016Q1'), payload: { entries: [entry()] }, status: 404, code: 'NOT_FOUND', message: /2016Q1/ },
  { name: 'a malformed department code', url: reportUrl('2017Q3', 'Work_Safety'), as: 'admin', payload: { entries: [] }, status: 400, paths: ['params.department'] },
  { name: 'an unknown department (admin)', url: reportUrl('2017Q3', 'no-such'), as: 'admin', payload: { entries: [] }, status: 404, code: 'NOT_FOUND' },
  {
    name: "the collective 'all-district-governments' (admin)",
    url: reportUrl('2017Q3', 'all-district-governments'),
    as: 'admin',
    payload: { entries: [] },
    status: 422,
    code: 'UNPROCESSABLE',
    message: /collective/,
  },
  { name: "another department's report", url: reportUrl('2017Q3', 'finance'), payload: { entries: [] }, status: 403, code: 'FORBIDDEN' },
  // headers
  { name: 'an If-Match over 100 chars', headers: { 'if-match': `"${'v'.repeat(120)}"` }, payload: { entries: [entry()] }, status: 400, paths: ['headers.if-match'] },
];

describe('PUT report: bad input is rejected and nothing is stored', () => {
  it('the fixture: measure 9 task 1 is carried by 危险化学品集中区域管理机构, not by 市安全监管局', async () => {
    expect(tasks.some((task) => task.measureNo === 9 && task.taskSeq === 1)).toBe(false);
    expect(tasks.some((task) => task.measureNo === 9 && task.taskSeq === 2)).toBe(true);
    const { body } = await getJson(`/v1/departments/hazchem-zone-authorities/assignments?plan=${PLAN}`, office);
    expect(body.items).toContainEqual(expect.objectContaining({ measureNo: 9, taskSeq: 1 }));
  });

  it.each(reportCases)('$name -> $status', async (testCase) => {
    const before = await snapshot();
    const url = testCase.url ?? PRISTINE;
    const headers = { ...(testCase.as === 'admin' ? admin : dept), ...testCase.headers };
    const response =
      testCase.raw !== undefined
        ? await injectRaw('PUT', url, headers, testCase.raw, testCase.contentType)
        : await inject('PUT', url, headers, testCase.payload);
    expectProblem(response, testCase.status, testCase);
    const after = await snapshot();
    expect(after).toEqual(before);
    expect(after.report).toMatchObject({ etag: '"v0"', status: 'not_started', version: 0, entries: [] });
  });

  it('content-type text/plain is refused with 415, and nothing is stored', async () => {
    const before = await snapshot();
    const response = await injectRaw('PUT', PRISTINE, dept, JSON.stringify({ entries: [entry()] }), 'text/plain');
    expect(response.statusCode).toBe(415);
    expectProblem(response, response.statusCode);
    expect(await snapshot()).toEqual(before);
  });

  it('a valid draft is still accepted afterwards (the cases above fail only for their defect)', async () => {
    const url = reportUrl('2019Q2');
    const response = await inject('PUT', url, dept, { entries: [entry({ metrics: [{ name: '专业监管人员占比', value: 72, unit: '%' }] })] });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers.etag).toBe('"v1"');
    expect(response.json()).toMatchObject({ status: 'draft', version: 1 });
  });
});

// ---------------------------------------------------------------------------------------------
// 2. PUT /v1/departments/{code}/liaisons
// ---------------------------------------------------------------------------------------------

const withOfficer = (fields: Record<string, unknown>) => ({ ...validLiaisons(), officer: { ...validLiaisons().officer, ...fields } });
const withStaff = (fields: Record<string, unknown>) => ({ ...validLiaisons(), staff: { ...validLiaisons().staff, ...fields } });

const liaisonCases: { name: string; payload: unknown; url?: string; as?: 'office'; status: number; code?: string; paths?: string[]; message?: RegExp }[] = [
  { name: 'staff missing', payload: { officer: validLiaisons().officer }, status: 400, paths: ['body.staff'] },
  { name: 'officer null', payload: { ...validLiaisons(), officer: null }, status: 400, paths: ['body.officer'] },
  { name: 'a bad officer email', payload: withOfficer({ email: 'zhang.wei@' }), status: 400, paths: ['body.officer.email'] },
  { name: 'a bad staff email', payload: withStaff({ email: 'li.na at example.gov.cn' }), status: 400, paths: ['body.staff.email'] },
  { name: 'a phone with letters', payload: withStaff({ phone: '021-2311abcd' }), status: 400, paths: ['body.staff.phone'], message: /phone number/ },
  { name: 'a phone too short', payload: withOfficer({ phone: '123' }), status: 400, paths: ['body.officer.phone'] },
  { name: 'a name of 51 chars', payload: withOfficer({ name: '张'.repeat(51) }), status: 400, paths: ['body.officer.name'] },
  { name: 'an empty name', payload: withStaff({ name: ' ' }), status: 400, paths: ['body.staff.name'] },
  { name: 'an empty position', payload: withOfficer({ position: '' }), status: 400, paths: ['body.officer.position'] },
  { name: 'a position on staff (extra property)', payload: withStaff({ position: '科员' }), status: 400, paths: ['body.staff'], message: /position/ },
  { name: 'an extra top-level property', payload: { ...validLiaisons(), deputy: validLiaisons().staff }, status: 400, paths: ['body'], message: /deputy/ },
  {
    name: 'several fields invalid at once',
    payload: { officer: { ...validLiaisons().officer, email: 'x', phone: 'abc' }, staff: { ...validLiaisons().staff, name: '' } },
    status: 400,
    paths: ['body.officer.email', 'body.officer.phone', 'body.staff.name'],
  },
  { name: 'a malformed department code', url: liaisonsUrl('Work Safety'), as: 'office', payload: validLiaisons(), status: 400, paths: ['params.code'] },
  { name: 'an unknown department (office)', url: liaisonsUrl('no-such'), as: 'office', payload: validLiaisons(), status: 404, code: 'NOT_FOUND' },
  { name: 'a collective (office)', url: liaisonsUrl('all-district-governments'), as: 'office', payload: validLiaisons(), status: 422, code: 'UNPROCESSABLE' },
  { name: "another department's liaisons", url: liaisonsUrl('finance'), payload: validLiaisons(), status: 403, code: 'FORBIDDEN' },
];

describe('PUT liaisons: bad input is rejected and nothing is stored', () => {
  it.each(liaisonCases)('$name -> $status', async (testCase) => {
    const before = await snapshot();
    const response = await inject('PUT', testCase.url ?? liaisonsUrl(), testCase.as === 'office' ? office : dept, testCase.payload);
    expectProblem(response, testCase.status, testCase);
    expect(await snapshot()).toEqual(before);
    expectProblem(await inject('GET', liaisonsUrl(), dept), 404, { code: 'NOT_FOUND', message: /not named its liaisons/ });
  });
});

// ---------------------------------------------------------------------------------------------
// 3. PATCH /v1/plans/{plan}/periods/{period}
// ---------------------------------------------------------------------------------------------

const deadlineCases: { name: string; payload?: unknown; url?: string; as?: 'dept'; status: number; code?: string; paths?: string[] }[] = [
  { name: "dueAt 'tomorrow'", payload: { dueAt: 'tomorrow' }, status: 400, paths: ['body.dueAt'] },
  { name: 'dueAt without an offset', payload: { dueAt: '2017-10-20T17:00:00' }, status: 400, paths: ['body.dueAt'] },
  { name: 'dueAt a date only', payload: { dueAt: '2017-10-20' }, status: 400, paths: ['body.dueAt'] },
  { name: 'dueAt on 30 February', payload: { dueAt: '2017-02-30T17:00:00+08:00' }, status: 400, paths: ['body.dueAt'] },
  { name: 'dueAt at 24:00', payload: { dueAt: '2017-10-20T24:00:00+08:00' }, status: 400, paths: ['body.dueAt'] },
  { name: 'dueAt as epoch milliseconds', payload: { dueAt: 1508490000000 }, status: 400, paths: ['body.dueAt'] },
  { name: 'dueAt missing', payload: {}, status: 400, paths: ['body.dueAt'] },
  { name: 'an extra property', payload: { dueAt: '2017-10-20T17:00:00+08:00', reason: '国庆' }, status: 400, paths: ['body'] },
  { name: 'no body at all', status: 400, paths: ['body'] },
  { name: "period id 'Q3-2017'", url: periodUrl('Q3-2017'), payload: { dueAt: '2017-10-20T17:00:00+08:00' }, status: 400, paths: ['params.period'] },
  { name: "unknown period '2016Q1'", url: periodUrl('2016Q1'), payload: { dueAt: '2017-10-20T17:00:00+08:00' }, status: 404, code: 'NOT_FOUND' },
  { name: 'a department token', as: 'dept', payload: { dueAt: '2017-10-20T17:00:00+08:00' }, status: 403, code: 'FORBIDDEN' },
];

describe('PATCH period deadline: bad input is rejected and the deadline is unchanged', () => {
  it.each(deadlineCases)('$name -> $status', async (testCase) => {
    const before = await snapshot();
    const response = await inject('PATCH', testCase.url ?? periodUrl('2017Q3'), testCase.as === 'dept' ? dept : office, testCase.payload);
    expectProblem(response, testCase.status, testCase);
    const after = await snapshot();
    expect(after).toEqual(before);
    expect(after.deadlines).toContain('2017Q3=2017-10-13T17:00:00+08:00');
  });
});

// ---------------------------------------------------------------------------------------------
// 4. POST /v1/tokens
// ---------------------------------------------------------------------------------------------

const tokenCases: { name: string; payload: unknown; status: number; code?: string; paths?: string[]; message?: RegExp }[] = [
  { name: "role 'root'", payload: { role: 'root' }, status: 400, paths: ['body.role'] },
  { name: 'role missing', payload: { department: DEPARTMENT }, status: 400, paths: ['body.role'] },
  { name: 'role department without a department', payload: { role: 'department' }, status: 400, paths: ['body.department'], message: /required/ },
  { name: "department 'no-such'", payload: { role: 'department', department: 'no-such' }, status: 400, paths: ['body.department'], message: /no department has code no-such/ },
  { name: 'a malformed department code', payload: { role: 'department', department: 'Work Safety' }, status: 400, paths: ['body.department'] },
  { name: 'office with a department', payload: { role: 'office', department: DEPARTMENT }, status: 400, paths: ['body.department'], message: /absent/ },
  { name: 'admin with a department', payload: { role: 'admin', department: DEPARTMENT }, status: 400, paths: ['body.department'] },
  { name: "label ''", payload: { role: 'office', label: '' }, status: 400, paths: ['body.label'] },
  { name: 'label of 201 chars', payload: { role: 'office', label: 'x'.repeat(201) }, status: 400, paths: ['body.label'] },
  { name: 'an extra property', payload: { role: 'office', expiresAt: '2018-01-01T00:00:00Z' }, status: 400, paths: ['body'] },
];

describe('POST /v1/tokens: bad input is rejected and no token is created', () => {
  it.each(tokenCases)('$name -> $status', async (testCase) => {
    const before = await snapshot();
    expectProblem(await inject('POST', '/v1/tokens', admin, testCase.payload), testCase.status, testCase);
    expect(await snapshot()).toEqual(before);
  });

  it('an office token may not create tokens (403), and none is created', async () => {
    const before = await snapshot();
    expectProblem(await inject('POST', '/v1/tokens', office, { role: 'admin' }), 403, { code: 'FORBIDDEN' });
    expect(await snapshot()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// 5. POST .../submit with missing rows; POST .../return without a reason
// ---------------------------------------------------------------------------------------------

describe('submit with missing required rows, return without a reason', () => {
  const url = reportUrl('2017Q4');
  const historyLength = async () => (await getJson(`${url}/history`, dept)).body.items.length as number;

  it('submitting a not-started report is a 409 and stores nothing', async () => {
    const before = await snapshot();
    expectProblem(await inject('POST', `${url}/submit`, dept), 409, { code: 'CONFLICT', message: /not_started/ });
    expect(await snapshot()).toEqual(before);
    expect(await historyLength()).toBe(0);
  });

  it('submitting a draft that lacks required rows is a 422 listing each of them; the report stays draft', async () => {
    const saved = await inject('PUT', url, dept, { entries: [entry()] });
    expect(saved.statusCode, saved.body).toBe(200);
    const auditBefore = (await snapshot()).auditIds;

    const problem = expectProblem(await inject('POST', `${url}/submit`, dept, undefined), 422, { code: 'UNPROCESSABLE' });
    const missing = tasks.filter((task) => task.required && !(task.measureNo === 1 && task.taskSeq === 1));
    expect(missing.length).toBeGreaterThan(10);
    expect(problem.errors).toEqual(missing.map((task) => ({ path: 'report.entries', message: `missing measure ${task.measureNo} task ${task.taskSeq}` })));
    expect(problem.errors).not.toContainEqual(expect.objectContaining({ message: 'missing measure 12 task 3' })); // optional row

    const { body, etag } = await getJson(url, dept);
    expect(body).toMatchObject({ status: 'draft', version: 1, submittedAt: null, late: null, entries: [entry()] });
    expect(etag).toBe('"v1"');
    expect(await historyLength()).toBe(1);
    expect((await snapshot()).auditIds).toEqual(auditBefore);
  });

  it('once complete, the draft submits', async () => {
    expect((await inject('PUT', url, dept, { entries: fullEntries() })).statusCode).toBe(200);
    const response = await inject('POST', `${url}/submit`, dept);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'submitted', version: 3 });
  });

  const returnCases: { name: string; payload?: unknown; paths: string[] }[] = [
    { name: 'no body', paths: ['body'] },
    { name: 'no reason', payload: {}, paths: ['body.reason'] },
    { name: "reason ''", payload: { reason: '' }, paths: ['body.reason'] },
    { name: 'a reason of blanks only', payload: { reason: '  \n ' }, paths: ['body.reason'] },
    { name: 'a reason of 2001 chars', payload: { reason: '缺'.repeat(2001) }, paths: ['body.reason'] },
    { name: 'a reason that is a number', payload: { reason: 42 }, paths: ['body.reason'] },
    { name: 'an extra property', payload: { reason: '请补充数据', entries: [] }, paths: ['body'] },
  ];

  it.each(returnCases)('return with $name -> 400, the report stays submitted', async (testCase) => {
    const before = await snapshot();
    const historyBefore = await historyLength();
    expectProblem(await inject('POST', `${url}/return`, office, testCase.payload), 400, { code: 'VALIDATION_FAILED', paths: testCase.paths });
    expect(await snapshot()).toEqual(before);
    expect(await historyLength()).toBe(historyBefore);
    const { body, etag } = await getJson(url, office);
    expect(body).toMatchObject({ status: 'submitted', version: 3, returnReason: null });
    expect(etag).toBe('"v3"');
  });

  it('a department may not return its own report (403), and nothing changes', async () => {
    const before = await snapshot();
    expectProblem(await inject('POST', `${url}/return`, dept, { reason: '撤回' }), 403, { code: 'FORBIDDEN' });
    expect(await snapshot()).toEqual(before);
  });

  it('a valid reason returns it (the rejections above were about the body only)', async () => {
    const response = await inject('POST', `${url}/return`, office, { reason: '措施1缺少专业监管人员占比数据,请补充后重新报送。' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ status: 'returned', version: 4, returnReason: '措施1缺少专业监管人员占比数据,请补充后重新报送。' });
  });

  it('returning a report that is not submitted is a 409, and nothing changes', async () => {
    const before = await snapshot();
    const historyBefore = await historyLength();
    expectProblem(await inject('POST', `${url}/return`, office, { reason: '再退回' }), 409, { code: 'CONFLICT', message: /returned/ });
    expect(await snapshot()).toEqual(before);
    expect(await historyLength()).toBe(historyBefore);
  });
});

// ---------------------------------------------------------------------------------------------
// 6. ETag / If-Match
// ---------------------------------------------------------------------------------------------

describe('ETag and If-Match', () => {
  const url = reportUrl('2018Q1');
  const entriesA = () => fullEntries(10);
  const entriesB = () => fullEntries(20);
  const put = (ifMatch: string | undefined, entries: Entry[]) =>
    inject('PUT', url, { ...dept, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) }, { entries });
  const state = async () => {
    const { body, etag } = await getJson(url, dept);
    const history = await getJson(`${url}/history`, dept);
    return { etag, status: body.status, version: body.version, entries: body.entries, history: history.body.items.length, audit: (await snapshot()).auditIds };
  };

  it('a report not started reads as "v0"; saving with If-Match "v0" gives "v1"', async () => {
    expect((await getJson(url, dept)).etag).toBe('"v0"');
    const response = await put('"v0"', entriesA());
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers.etag).toBe('"v1"');
    expect((await getJson(url, dept)).etag).toBe('"v1"');
  });

  it('a stale If-Match "v0" is a 412 problem naming the current ETag; entries, version, history and audit unchanged', async () => {
    const before = await state();
    const problem = expectProblem(await put('"v0"', entriesB()), 412, { code: 'PRECONDITION_FAILED' });
    expect(problem.detail).toContain('"v1"');
    const after = await state();
    expect(after).toEqual(before);
    expect(after).toMatchObject({ etag: '"v1"', version: 1, entries: entriesA() });
  });

  it.each([
    ['an unquoted tag', 'v1'],
    ['a tag from the future', '"v2"'],
    ['an empty value', ''],
    ['a list without the current tag', '"v0", "v2"'],
  ])('If-Match with %s is a 412 and nothing changes', async (_name, ifMatch) => {
    const before = await state();
    expectProblem(await put(ifMatch, entriesB()), 412, { code: 'PRECONDITION_FAILED' });
    expect(await state()).toEqual(before);
  });

  it('If-Match "v1" saves and gives "v2"; a list containing the current tag matches too', async () => {
    const first = await put('"v1"', entriesB());
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers.etag).toBe('"v2"');
    expect(first.json().entries).toEqual(entriesB());
    const second = await put('"v9", "v2"', entriesA());
    expect(second.statusCode, second.body).toBe(200);
    expect(second.headers.etag).toBe('"v3"');
  });

  it('If-Match: * always matches', async () => {
    for (const expected of ['"v4"', '"v5"']) {
      const response = await put('*', entriesA());
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers.etag).toBe(expected);
    }
  });

  it('submit with a stale If-Match is a 412 and the report stays draft; with the current one it submits', async () => {
    const before = await state();
    expectProblem(await inject('POST', `${url}/submit`, { ...dept, 'if-match': '"v4"' }), 412, { code: 'PRECONDITION_FAILED' });
    const after = await state();
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'draft', etag: '"v5"' });

    const submitted = await inject('POST', `${url}/submit`, { ...dept, 'if-match': '"v5"' });
    expect(submitted.statusCode, submitted.body).toBe(200);
    expect(submitted.headers.etag).toBe('"v6"');
    expect(submitted.json().status).toBe('submitted');
  });

  it('a submitted report cannot be edited even with If-Match: * (409)', async () => {
    const before = await state();
    expectProblem(await put('*', entriesB()), 409, { code: 'CONFLICT', message: /submitted/ });
    expect(await state()).toEqual(before);
  });

  it('accept with a stale If-Match is a 412; with the current one it is accepted', async () => {
    const before = await state();
    expectProblem(await inject('POST', `${url}/accept`, { ...office, 'if-match': '"v5"' }), 412, { code: 'PRECONDITION_FAILED' });
    expect(await state()).toEqual(before);
    const accepted = await inject('POST', `${url}/accept`, { ...office, 'if-match': '"v6"' });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.headers.etag).toBe('"v7"');
  });
});

// ---------------------------------------------------------------------------------------------
// 7. Idempotency-Key on POST .../submit
// ---------------------------------------------------------------------------------------------

describe('Idempotency-Key on submit', () => {
  const url = reportUrl('2018Q2');
  const otherUrl = reportUrl('2018Q3');
  const KEY = 'submit-2018Q2-7f3c';
  const submit = (target: string, headers: Headers, body?: unknown) => inject('POST', `${target}/submit`, headers, body);
  const idempotencyRows = async () => (await snapshot()).tables!.idempotency as number;
  let first: LightMyRequestResponse;

  it('the first call submits (200) and is not marked as replayed', async () => {
    expect((await inject('PUT', url, dept, { entries: fullEntries() })).statusCode).toBe(200);
    first = await submit(url, { ...dept, 'idempotency-key': KEY });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'submitted', version: 2 });
    expect(first.headers.etag).toBe('"v2"');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
  });

  it('a retry with the same key and body returns the same status and body, marked replayed; history and audit do not grow', async () => {
    const before = await snapshot();
    const historyBefore = (await getJson(`${url}/history`, dept)).body.items;
    expect(historyBefore).toHaveLength(2);

    const retry = await submit(url, { ...dept, 'idempotency-key': KEY });
    expect(retry.statusCode).toBe(first.statusCode);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.etag).toBe(first.headers.etag);

    expect((await getJson(`${url}/history`, dept)).body.items).toEqual(historyBefore);
    expect(await snapshot()).toEqual(before);
  });

  it('the same key on a different URL (another period) is a 422, and that report is untouched', async () => {
    const before = await snapshot();
    expectProblem(await submit(otherUrl, { ...dept, 'idempotency-key': KEY }), 422, { code: 'UNPROCESSABLE', message: /Idempotency-Key/ });
    expect(await snapshot()).toEqual(before);
    const { body, etag } = await getJson(otherUrl, dept);
    expect(body).toMatchObject({ status: 'not_started', version: 0 });
    expect(etag).toBe('"v0"');
  });

  it('the same key with a different body is a 422', async () => {
    const before = await snapshot();
    // A body the submission accepts (the save's, here no entries): a body it refuses is a 400 before the key is looked at.
    expectProblem(await submit(url, { ...dept, 'idempotency-key': KEY }, { entries: [] }), 422, { code: 'UNPROCESSABLE', message: /Idempotency-Key/ });
    expect(await snapshot()).toEqual(before);
  });

  it('a different key on the already-submitted report is a 409; history unchanged', async () => {
    const before = await snapshot();
    const historyBefore = (await getJson(`${url}/history`, dept)).body.items;
    expectProblem(await submit(url, { ...dept, 'idempotency-key': 'submit-2018Q2-other' }), 409, { code: 'CONFLICT', message: /submitted/ });
    expect((await getJson(`${url}/history`, dept)).body.items).toEqual(historyBefore);
    expect(await snapshot()).toEqual(before);
  });

  it('keys belong to a token: another token of the same unit reusing the key is not replayed (409)', async () => {
    const before = await snapshot();
    const response = await submit(url, { ...dept2, 'idempotency-key': KEY });
    expectProblem(response, 409, { code: 'CONFLICT' });
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(await snapshot()).toEqual(before);
  });

  it('a failed attempt is not stored, so the corrected retry with the same key runs', async () => {
    const key = 'submit-2018Q3-1';
    const rows = await idempotencyRows();
    expectProblem(await submit(otherUrl, { ...dept, 'idempotency-key': key }), 409, { code: 'CONFLICT' });
    expect(await idempotencyRows()).toBe(rows);

    expect((await inject('PUT', otherUrl, dept, { entries: fullEntries() })).statusCode).toBe(200);
    const retried = await submit(otherUrl, { ...dept, 'idempotency-key': key });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    expect(await idempotencyRows()).toBe(rows + 1);

    const replayed = await submit(otherUrl, { ...dept, 'idempotency-key': key });
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.json()).toEqual(retried.json());
  });

  it.each([
    ['with a space', 'has space'],
    ['of 256 chars', 'k'.repeat(256)],
    ['empty', ''],
    ['with non-ASCII', '键-1'],
  ])('an Idempotency-Key %s is a 400 headers.idempotency-key, and nothing is stored', async (_name, key) => {
    const before = await snapshot();
    const response = await ctx.app.inject({ method: 'POST', url: `${reportUrl('2018Q4')}/submit`, headers: { ...dept, 'idempotency-key': key } });
    expectProblem(response, 400, { code: 'VALIDATION_FAILED', paths: ['headers.idempotency-key'] });
    expect(await snapshot()).toEqual(before);
  });
});

// ---------------------------------------------------------------------------------------------
// 8. Odd payloads: never a 5xx, never prototype pollution
// ---------------------------------------------------------------------------------------------

const depth = 10_000;
const oddPayloads: [string, string][] = [
  ['null', 'null'],
  ['an empty array', '[]'],
  ['a string', '"x"'],
  ['a number', '0'],
  ['true', 'true'],
  ['an empty object', '{}'],
  ['entries null', '{"entries":null}'],
  ['entries [null]', '{"entries":[null]}'],
  ['entries [{}]', '{"entries":[{}]}'],
  ['entries [[]]', '{"entries":[[]]}'],
  ['entries as a JSON string', '{"entries":"[]"}'],
  ['entries of numbers', '{"entries":[1,2,3]}'],
  ['duplicate keys, the last one null', '{"entries":[],"entries":null}'],
  ['__proto__ at the top', '{"__proto__":{"polluted":true}}'],
  ['__proto__ beside entries', '{"entries":[],"__proto__":{"polluted":true}}'],
  ['__proto__ inside an entry', '{"entries":[{"measureNo":1,"taskSeq":1,"status":"in_progress","progress":5,"summary":"x","__proto__":{"polluted":true}}]}'],
  ['constructor.prototype at the top', '{"constructor":{"prototype":{"polluted":true}}}'],
  ['constructor.prototype inside an entry', '{"entries":[{"constructor":{"prototype":{"polluted":true}}}]}'],
  ['deeply nested arrays', '['.repeat(depth) + ']'.repeat(depth)],
  ['deeply nested arrays as entries', `{"entries":${'['.repeat(depth)}${']'.repeat(depth)}}`],
  ['deeply nested objects', '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)],
  ['1e309 at the top', '1e309'],
  ['measureNo 1e309', '{"entries":[{"measureNo":1e309,"taskSeq":1,"status":"in_progress","progress":5,"summary":"x"}]}'],
  ['progress -1e309', '{"entries":[{"measureNo":1,"taskSeq":1,"status":"in_progress","progress":-1e309,"summary":"x"}]}'],
  ['measureNo 2^53+1', '{"entries":[{"measureNo":9007199254740993,"taskSeq":1,"status":"in_progress","progress":5,"summary":"x"}]}'],
  ['NaN literal', '{"entries":[{"measureNo":NaN}]}'],
  ['a NUL key', '{"\\u0000":1}'],
  ['a NUL in an enum value', '{"entries":[{"measureNo":1,"taskSeq":1,"status":"in_progress\\u0000","progress":5,"summary":"x"}]}'],
  ['control characters in a bad field', '{"officer":"\\u0000\\u0001\\u001f\\u007f","entries":"\\u0000"}'],
  ['a raw control character inside a string', '{"entries":"a\u0001b"}'],
  ['truncated', '{"entries":[{"measureNo":1'],
  ['a lone surrogate', '{"entries":"\\ud800"}'],
];

describe('odd payloads to PUT report and PUT liaisons', () => {
  let before: Awaited<ReturnType<typeof snapshot>>;
  beforeAll(async () => {
    before = await snapshot();
  });

  it.each(oddPayloads)('%s -> 4xx problem+json on both routes', async (_name, body) => {
    for (const url of [PRISTINE, liaisonsUrl()]) {
      const response = await injectRaw('PUT', url, dept, body);
      expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(response.statusCode, `${url}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
      expectProblem(response, response.statusCode);
    }
  });

  it('nothing was stored and Object.prototype is not polluted', async () => {
    expect(await snapshot()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expectProblem(await inject('GET', liaisonsUrl(), dept), 404);
  });
});

// ---------------------------------------------------------------------------------------------
// Inputs that once reached Postgres and failed there (NUL characters, out-of-range deadlines).
// ---------------------------------------------------------------------------------------------

describe('text containing U+0000', () => {
  // Postgres rejects U+0000 in text and jsonb; the schemas let it through.
  it('is never stored, and the failure reveals no internals', async () => {
    const before = await snapshot();
    const responses = [
      await inject('PUT', PRISTINE, dept, { entries: [entry({ summary: 'a\u0000b' })] }),
      await inject('PUT', liaisonsUrl(), dept, withOfficer({ name: '张\u0000伟' })),
      await inject('POST', '/v1/tokens', admin, { role: 'office', label: 'a\u0000b' }),
    ];
    for (const response of responses) {
      expect(response.statusCode).not.toBe(200);
      expect(response.statusCode).not.toBe(201);
      const problem = expectProblem(response, response.statusCode);
      expect(JSON.stringify(problem)).not.toMatch(/query|unicode|escape|postgres|select|insert|update/i);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('a NUL in a report summary is a 400 body.entries.0.summary', async () => {
    expectProblem(await inject('PUT', PRISTINE, dept, { entries: [entry({ summary: 'a\u0000b' })] }), 400, { paths: ['body.entries.0.summary'] });
  });

  it('a NUL in a liaison name is a 400 body.officer.name', async () => {
    expectProblem(await inject('PUT', liaisonsUrl(), dept, withOfficer({ name: '张\u0000伟' })), 400, { paths: ['body.officer.name'] });
  });

  it('a NUL in a token label is a 400 body.label', async () => {
    expectProblem(await inject('POST', '/v1/tokens', admin, { role: 'office', label: 'a\u0000b' }), 400, { paths: ['body.label'] });
  });

  describe('in a return reason', () => {
    const url = reportUrl('2019Q1');
    beforeAll(async () => {
      expect((await inject('PUT', url, dept, { entries: fullEntries() })).statusCode).toBe(200);
      expect((await inject('POST', `${url}/submit`, dept)).statusCode).toBe(200);
    });

    it('is never stored', async () => {
      const response = await inject('POST', `${url}/return`, office, { reason: '请\u0000补充' });
      expect(response.statusCode).not.toBe(200);
      expectProblem(response, response.statusCode);
      expect((await getJson(url, office)).body).toMatchObject({ status: 'submitted', version: 2, returnReason: null });
    });

    it('is a 400 body.reason', async () => {
      expectProblem(await inject('POST', `${url}/return`, office, { reason: '请\u0000补充' }), 400, { paths: ['body.reason'] });
    });
  });
});

describe('deadlines far outside any plausible range', () => {
  const url = periodUrl('2019Q3');
  const restore = async () => {
    const response = await inject('PATCH', url, office, { dueAt: null });
    expect(response.statusCode, response.body).toBe(200);
  };

  it('dueAt 9999-12-31T23:00:00Z is a 400 and stores nothing', async () => {
    try {
      const before = await snapshot();
      expectProblem(await inject('PATCH', url, office, { dueAt: '9999-12-31T23:00:00Z' }), 400, { paths: ['body.dueAt'] });
      expect(await snapshot()).toEqual(before);
    } finally {
      await restore();
    }
  });

  it('dueAt 0001-01-01T00:00:00+01:00 is a 400', async () => {
    try {
      expectProblem(await inject('PATCH', url, office, { dueAt: '0001-01-01T00:00:00+01:00' }), 400, { paths: ['body.dueAt'] });
    } finally {
      await restore();
    }
  });

  it('dueAt 0050-06-01T00:00:00Z is refused', async () => {
    try {
      expectProblem(await inject('PATCH', url, office, { dueAt: '0050-06-01T00:00:00Z' }), 400, { paths: ['body.dueAt'] });
    } finally {
      await restore();
    }
  });

  it('after the above, the period reads normally with its default deadline', async () => {
    const { body } = await getJson(`/v1/plans/${PLAN}/periods`, office);
    const period = (body.items as { id: string; deadlineMoved: boolean }[]).find((item) => item.id === '2019Q3');
    expect(period).toMatchObject({ deadlineMoved: false });
  });
});

describe('the snapshot is not vacuous', () => {
  it('a valid liaisons PUT changes it (row, audit entry, roster), so the equalities above mean something', async () => {
    const before = await snapshot();
    const response = await inject('PUT', liaisonsUrl(), dept, validLiaisons());
    expect(response.statusCode, response.body).toBe(200);
    const after = await snapshot();
    expect(after.tables).toMatchObject({ liaisons: (before.tables!.liaisons as number) + 1, audit: (before.tables!.audit as number) + 1 });
    expect(after.auditIds).toHaveLength(before.auditIds.length + 1);
    expect(after.liaisonsRegistered).toBe(before.liaisonsRegistered + 1);
  });
});
