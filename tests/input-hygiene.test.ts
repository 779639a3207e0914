/**
 * Input the database cannot store or the service should not keep (issue 8 points 5, 6, 13, 19):
 * ill-formed Unicode and NUL are a 400 naming the field, an oversized report is a 413, status and
 * progress must agree (422), and the audit row of a save stays small however large the entries.
 * Also the smaller contract fixes: the duplicate-row detail, phone extensions, unquoted If-Match.
 */
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../src/db/client.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { liaisonPair } from './helpers/fixtures.js';

const ctx = useTestApp();

type Headers = Record<string, string>;
const PLAN = 'hazchem-2017';
const reportUrl = (period: string) => `/v1/plans/${PLAN}/periods/${period}/reports/work-safety`;
const LIAISONS = '/v1/departments/work-safety/liaisons';
const WEBHOOK = '/v1/departments/work-safety/webhook';

let dept: Headers;
let office: Headers;
let admin: Headers;
let required: { measureNo: number; taskSeq: number }[];

const entry = (overrides: Record<string, unknown> = {}) => ({ measureNo: 1, taskSeq: 1, status: 'in_progress', progress: 50, summary: '已完成摸底。', ...overrides });
const fullEntries = (fields: Record<string, unknown> = {}) => required.map((task) => entry({ ...task, ...fields }));
const liaisons = liaisonPair;

/** Everything a refused write could have left behind. */
async function stored() {
  const [counts] = await selectRows(
    ctx.app.db,
    sql`select
      (select count(*)::int from reports) as reports,
      (select count(*)::int from report_versions) as versions,
      (select count(*)::int from audit_log) as audit,
      (select count(*)::int from liaisons) as liaisons,
      (select count(*)::int from api_tokens) as tokens,
      (select count(*)::int from department_webhooks) as webhooks,
      (select count(*)::int from plans) as plans`,
  );
  return counts;
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string, path?: string) {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json();
  expect(problem.code).toBe(code);
  if (path) expect((problem.errors as { path: string }[]).map((error) => error.path)).toContain(path);
  return problem as { detail: string; errors?: { path: string; message: string }[] };
}

/** JSON can carry an unpaired surrogate only as an escape: send the body as raw text with `\ud800`. */
const LONE = 'LONE_SURROGATE';
const rawWithLoneSurrogate = (payload: unknown) => JSON.stringify(payload).replaceAll(LONE, '\\ud800');
const send = (method: 'PUT' | 'POST', url: string, headers: Headers, body: string) =>
  ctx.app.inject({ method, url, headers: { ...headers, 'content-type': 'application/json' }, payload: body });

beforeAll(async () => {
  dept = await bearer(ctx.app, 'department', 'work-safety');
  office = await bearer(ctx.app, 'office');
  admin = await bearer(ctx.app, 'admin');
  const tasks: { measureNo: number; taskSeq: number; required: boolean }[] = (await ctx.app.inject({ method: 'GET', url: reportUrl('2017Q3'), headers: dept })).json().tasks;
  required = tasks.filter((task) => task.required).map(({ measureNo, taskSeq }) => ({ measureNo, taskSeq }));
});

describe('ill-formed Unicode and NUL are a 400 naming the field, and nothing is stored', () => {
  const bad = `a${LONE}b`;
  const cases: { name: string; method: 'PUT' | 'POST'; url: string; as: () => Headers; payload: unknown; path: string }[] = [
    { name: 'report summary', method: 'PUT', url: reportUrl('2017Q3'), as: () => dept, payload: { entries: [entry({ summary: bad })] }, path: 'body.entries.0.summary' },
    { name: 'report problems', method: 'PUT', url: reportUrl('2017Q3'), as: () => dept, payload: { entries: [entry({ problems: bad })] }, path: 'body.entries.0.problems' },
    { name: 'report nextSteps', method: 'PUT', url: reportUrl('2017Q3'), as: () => dept, payload: { entries: [entry({ nextSteps: bad })] }, path: 'body.entries.0.nextSteps' },
    { name: 'metric name', method: 'PUT', url: reportUrl('2017Q3'), as: () => dept, payload: { entries: [entry({ metrics: [{ name: bad, value: 1, unit: '%' }] })] }, path: 'body.entries.0.metrics.0.name' },
    { name: 'metric unit', method: 'PUT', url: reportUrl('2017Q3'), as: () => dept, payload: { entries: [entry({ metrics: [{ name: '占比', value: 1, unit: bad }] })] }, path: 'body.entries.0.metrics.0.unit' },
    { name: 'officer name', method: 'PUT', url: LIAISONS, as: () => dept, payload: { ...liaisons(), officer: { ...liaisons().officer, name: bad } }, path: 'body.officer.name' },
    { name: 'officer position', method: 'PUT', url: LIAISONS, as: () => dept, payload: { ...liaisons(), officer: { ...liaisons().officer, position: bad } }, path: 'body.officer.position' },
    { name: 'staff name', method: 'PUT', url: LIAISONS, as: () => dept, payload: { ...liaisons(), staff: { ...liaisons().staff, name: bad } }, path: 'body.staff.name' },
    { name: 'staff e-mail', method: 'PUT', url: LIAISONS, as: () => dept, payload: { ...liaisons(), staff: { ...liaisons().staff, email: `li${LONE}@example.gov.cn` } }, path: 'body.staff.email' },
    { name: 'webhook secret', method: 'PUT', url: WEBHOOK, as: () => dept, payload: { url: 'https://oa.example.gov.cn/hooks/hazchem', secret: `0123456789abcdef${LONE}` }, path: 'body.secret' },
    { name: 'webhook url', method: 'PUT', url: WEBHOOK, as: () => dept, payload: { url: `https://oa.example.gov.cn/hooks/${LONE}` }, path: 'body.url' },
    { name: 'token label', method: 'POST', url: '/v1/tokens', as: () => admin, payload: { role: 'office', label: bad }, path: 'body.label' },
    { name: 'copied plan title', method: 'POST', url: '/v1/plans', as: () => office, payload: { code: 'hazchem-2027', copyFrom: PLAN, startsOn: '2027-03-01', title: bad }, path: 'body.title' },
  ];

  it.each(cases)('when the $name holds an unpaired surrogate, it is a 400 at $path', async ({ method, url, as, payload, path }) => {
    const before = await stored();
    const problem = expectProblem(await send(method, url, as(), rawWithLoneSurrogate(payload)), 400, 'VALIDATION_FAILED', path);
    expect(problem.errors!.find((error) => error.path === path)!.message).toMatch(/well-formed Unicode|Invalid/);
    expect(await stored()).toEqual(before);
  });

  it('when a return reason holds an unpaired surrogate, it is a 400 at body.reason and the report stays submitted', async () => {
    const url = reportUrl('2017Q4');
    expect((await ctx.app.inject({ method: 'PUT', url, headers: dept, payload: { entries: fullEntries() } })).statusCode).toBe(200);
    expect((await ctx.app.inject({ method: 'POST', url: `${url}/submit`, headers: dept })).statusCode).toBe(200);
    const before = await stored();
    expectProblem(await send('POST', `${url}/return`, office, rawWithLoneSurrogate({ reason: `请${LONE}补充` })), 400, 'VALIDATION_FAILED', 'body.reason');
    expect(await stored()).toEqual(before);
    expect((await ctx.app.inject({ method: 'GET', url, headers: office })).json().status).toBe('submitted');
  });

  it.each([
    ['a NUL', 'https://oa.example.gov.cn/hooks/a\u0000b'],
    ['a NUL in the host', 'https://oa.exa\u0000mple.gov.cn/hooks'],
  ])('when the webhook url holds %s, it is a 400 at body.url', async (_name, url) => {
    const before = await stored();
    expectProblem(await ctx.app.inject({ method: 'PUT', url: WEBHOOK, headers: dept, payload: { url } }), 400, 'VALIDATION_FAILED', 'body.url');
    expect(await stored()).toEqual(before);
  });

  it('when text holds a well-formed pair (an emoji or a CJK Extension B character), it is stored', async () => {
    const response = await ctx.app.inject({ method: 'PUT', url: reportUrl('2018Q1'), headers: dept, payload: { entries: [entry({ summary: '𠀀 已完成 ✅🎉' })] } });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().entries[0].summary).toBe('𠀀 已完成 ✅🎉');
  });
});

describe("a report's size", () => {
  it('when the entries are over 256 KiB of JSON, it is a 413 problem stating the limit, and nothing is stored', async () => {
    const entries = Array.from({ length: 62 }, (_, index) => entry({ measureNo: index + 1, summary: 'x'.repeat(5000) }));
    expect(Buffer.byteLength(JSON.stringify({ entries }))).toBeGreaterThan(300 * 1024);
    const before = await stored();
    const problem = expectProblem(await ctx.app.inject({ method: 'PUT', url: reportUrl('2017Q3'), headers: dept, payload: { entries } }), 413, 'PAYLOAD_TOO_LARGE');
    expect(problem.detail).toMatch(/256 KiB/);
    expect(await stored()).toEqual(before);
  });

  it('when large entries are saved, the audit row records status, version and the changed rows in under 4 KiB; the entries are in the version row', async () => {
    const url = reportUrl('2018Q2');
    const entries = fullEntries({ summary: '进展'.repeat(1000) });
    expect(Buffer.byteLength(JSON.stringify(entries))).toBeGreaterThan(100 * 1024);
    const saved = await ctx.app.inject({ method: 'PUT', url, headers: dept, payload: { entries } });
    expect(saved.statusCode, saved.body).toBe(200);
    const resaved = await ctx.app.inject({ method: 'PUT', url, headers: dept, payload: { entries: entries.map((item, index) => (index === 0 ? { ...item, progress: 60 } : item)) } });
    expect(resaved.statusCode, resaved.body).toBe(200);

    const rows = await selectRows<{ size: number; before: Record<string, unknown>; after: Record<string, unknown> }>(
      ctx.app.db,
      sql`select octet_length(before::text) + octet_length(after::text) as size, before, after from audit_log where entity_id = ${`${PLAN}/2018Q2/work-safety`} order by id`,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.size).toBeLessThan(4096);
    expect(rows[0]!.before).toEqual({ status: 'not_started', version: 0, entryCount: 0 });
    expect(rows[0]!.after).toMatchObject({ status: 'draft', version: 1, entryCount: entries.length });
    expect(rows[1]!.after).toEqual({ status: 'draft', version: 2, entryCount: entries.length, changedTasks: [`${required[0]!.measureNo}-${required[0]!.taskSeq}`] });

    const history = (await ctx.app.inject({ method: 'GET', url: `${url}/history`, headers: dept })).json();
    expect(history.items.map((item: { version: number; entries: unknown[] }) => [item.version, item.entries.length])).toEqual([
      [1, entries.length],
      [2, entries.length],
    ]);
  });
});

describe('status and progress agree', () => {
  it.each([
    ['completed', 90, 100],
    ['not_started', 10, 0],
  ])('when an entry is %s with progress %i, it is a 422 at body.entries.1.progress saying %i, and nothing is stored', async (status, progress, expected) => {
    const before = await stored();
    const problem = expectProblem(
      await ctx.app.inject({ method: 'PUT', url: reportUrl('2017Q3'), headers: dept, payload: { entries: [entry(required[0]), entry({ ...required[1], status, progress })] } }),
      422,
      'UNPROCESSABLE',
      'body.entries.1.progress',
    );
    expect(problem.errors).toEqual([{ path: 'body.entries.1.progress', message: `status ${status} means progress ${expected}, not ${progress}` }]);
    expect(problem.detail).toContain('body.entries.1.progress');
    expect(await stored()).toEqual(before);
  });

  it('when completed is 100 and not_started is 0, the draft saves', async () => {
    const response = await ctx.app.inject({
      method: 'PUT',
      url: reportUrl('2018Q3'),
      headers: dept,
      payload: { entries: [entry({ ...required[0], status: 'completed', progress: 100 }), entry({ ...required[1], status: 'not_started', progress: 0 })] },
    });
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe('messages that name the real problem', () => {
  it('when a task appears twice, the detail says so (not that the task is not carried)', async () => {
    const problem = expectProblem(
      await ctx.app.inject({ method: 'PUT', url: reportUrl('2017Q3'), headers: dept, payload: { entries: [entry(), entry({ progress: 60 })] } }),
      422,
      'UNPROCESSABLE',
      'body.entries.1',
    );
    expect(problem.detail).toMatch(/body\.entries\.1: measure 1 task 1 appears twice/);
    expect(problem.detail).not.toMatch(/not tasks this unit reports on/);
  });

  it.each(['12345678 转 801', '021-12345678-801', '021-23111111 分机 12', '(021) 2311 1111 ext. 801', '+86 21 23111111 x801'])(
    'when a phone number is %s, it is accepted and stored as written',
    async (phone) => {
      const payload = { ...liaisons(), officer: { ...liaisons().officer, phone } };
      const response = await ctx.app.inject({ method: 'PUT', url: LIAISONS, headers: dept, payload });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().officer.phone).toBe(phone);
    },
  );

  it('when a phone number is invalid, the message states every rule: characters, length and the extension forms', async () => {
    const payload = { ...liaisons(), staff: { ...liaisons().staff, phone: '021-2311abcd' } };
    const problem = expectProblem(await ctx.app.inject({ method: 'PUT', url: LIAISONS, headers: dept, payload }), 400, 'VALIDATION_FAILED', 'body.staff.phone');
    const message = problem.errors!.find((error) => error.path === 'body.staff.phone')!.message;
    for (const rule of ['5 to 30', 'digits', 'spaces', '+ - ( )', '转', '分机', 'ext.', 'x', '12345678 转 801']) expect(message).toContain(rule);
  });

  it('when If-Match is unquoted (v1), it is a 412 whose detail shows the quoted form "v1", and nothing is stored', async () => {
    const url = reportUrl('2018Q4');
    expect((await ctx.app.inject({ method: 'PUT', url, headers: dept, payload: { entries: [entry()] } })).headers.etag).toBe('"v1"');
    const before = await stored();
    for (const request of [
      { method: 'PUT' as const, url, payload: { entries: [entry({ progress: 70 })] } },
      { method: 'POST' as const, url: `${url}/submit` },
    ]) {
      const problem = expectProblem(await ctx.app.inject({ ...request, headers: { ...dept, 'if-match': 'v1' } }), 412, 'PRECONDITION_FAILED');
      expect(problem.detail).toContain('send If-Match: "v1", not v1');
    }
    const empty = expectProblem(await ctx.app.inject({ method: 'PUT', url, headers: { ...dept, 'if-match': '' }, payload: { entries: [entry()] } }), 412, 'PRECONDITION_FAILED');
    expect(empty.detail).toContain('send If-Match: "v1", not an empty value');
    expect(await stored()).toEqual(before);
    const quoted = await ctx.app.inject({ method: 'PUT', url, headers: { ...dept, 'if-match': '"v1"' }, payload: { entries: [entry({ progress: 70 })] } });
    expect(quoted.headers.etag).toBe('"v2"');
  });
});
