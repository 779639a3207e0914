/**
 * Problem details follow Accept-Language (issue 9): `zh-CN` (and `zh`, `zh-Hans`...) gives a
 * Chinese title, detail and field messages, zod's included; no header or any other language gives
 * English, exactly as before; `code`, `type` and `errors[].path` are the same in both.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { testConfig, useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';
import { entry } from './helpers/fixtures.js';

const ctx = useTestApp();

type Headers = Record<string, string>;
interface Request {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  url: string;
  headers?: Headers;
  payload?: unknown;
  /** Sent verbatim (with `content-type`), for malformed or oversized bodies. */
  raw?: string;
  contentType?: string;
}
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: Array<{ path: string; message: string }>;
}

const PLAN = 'hazchem-2017';
const DEPARTMENT = 'work-safety';
const OTHER = 'education';
const reportUrl = (period: string, department = DEPARTMENT) => `/v1/plans/${PLAN}/periods/${period}/reports/${department}`;

let dept: Headers;
let office: Headers;

beforeAll(async () => {
  dept = await bearer(ctx.app, 'department', DEPARTMENT);
  office = await bearer(ctx.app, 'office');
});

function send(request: Request, language?: string): Promise<LightMyRequestResponse> {
  const headers: Headers = { ...request.headers, ...(language === undefined ? {} : { 'accept-language': language }) };
  if (request.raw !== undefined) {
    return ctx.app.inject({ method: request.method, url: request.url, headers: { ...headers, 'content-type': request.contentType ?? 'application/json' }, payload: request.raw });
  }
  return ctx.app.inject({
    method: request.method,
    url: request.url,
    headers,
    ...(request.payload === undefined ? {} : { payload: request.payload as Record<string, unknown> }),
  });
}

/** The problem of a response, checked to be one, with its Content-Language and Vary. */
function problemOf(response: LightMyRequestResponse, status: number, language: 'en' | 'zh-CN'): Problem {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['content-language']).toBe(language);
  expect(String(response.headers.vary)).toMatch(/\bAccept-Language\b/i);
  return response.json() as Problem;
}

const HAN = /\p{Script=Han}/u;
/**
 * Reads as Chinese: it has Chinese characters and, once the identifiers it quotes (codes, paths,
 * header and role names, given in `quoted`) are taken out, no English word is left.
 */
function expectChinese(text: string, quoted: string[] = []) {
  expect(text, text).toMatch(HAN);
  const rest = quoted.reduce((left, token) => left.replaceAll(token, ' '), text);
  expect(rest.match(/[A-Za-z]{2,}/g) ?? [], `English words left in: ${text}`).toEqual([]);
}

/** Sends the request in English and in Chinese: the same problem but for its texts. */
async function both(request: Request, status: number) {
  const en = problemOf(await send(request), status, 'en');
  const zh = problemOf(await send(request, 'zh-CN'), status, 'zh-CN');
  expect(zh.code).toBe(en.code);
  expect(zh.type).toBe(en.type);
  expect(zh.errors?.map((error) => error.path)).toEqual(en.errors?.map((error) => error.path));
  expect(zh.title).not.toBe(en.title);
  expect(zh.detail).not.toBe(en.detail);
  return { en, zh };
}


const liaisons = (overrides: { officerPhone?: string; staffName?: string } = {}) => ({
  officer: { name: '张伟', position: '危化处处长', phone: overrides.officerPhone ?? '021-23111111', email: 'zhang.wei@example.gov.cn' },
  staff: { name: overrides.staffName ?? '李娜', phone: '021-23111112', email: 'li.na@example.gov.cn' },
});

describe('validation (400) in Chinese', () => {
  it('when a path parameter fails zod, with zh-CN the title, detail and message are zod’s Chinese; without a header they are today’s English', async () => {
    const request: Request = { method: 'GET', url: `/v1/plans/${PLAN}/measures/abc` };
    const { en, zh } = await both(request, 400);
    expect(en).toMatchObject({
      title: 'Validation Failed',
      detail: 'The request is invalid: params.no: Invalid input: expected number, received NaN',
      errors: [{ path: 'params.no', message: 'Invalid input: expected number, received NaN' }],
    });
    expect(zh).toMatchObject({
      title: '校验未通过',
      detail: '请求校验未通过：params.no：无效输入：期望 数字，实际接收 NaN',
      errors: [{ path: 'params.no', message: '无效输入：期望 数字，实际接收 NaN' }],
      code: 'VALIDATION_FAILED',
    });
  });

  it('when a query parameter fails zod, with zh-CN its message is Chinese under the same path', async () => {
    const { zh } = await both({ method: 'GET', url: `/v1/plans/${PLAN}/measures?category=0` }, 400);
    expect(zh.errors).toEqual([{ path: 'query.category', message: '数值过小：期望 number >=1' }]);
  });

  it('when body fields fail zod, with zh-CN each message is Chinese under the same path as in English', async () => {
    const request: Request = { method: 'PUT', url: reportUrl('2017Q3'), headers: dept, payload: { entries: [entry({ progress: 150, summary: '' })] } };
    const { en, zh } = await both(request, 400);
    expect(en.errors).toEqual([
      { path: 'body.entries.0.progress', message: 'Too big: expected number to be <=100' },
      { path: 'body.entries.0.summary', message: 'Too small: expected string to have >=1 characters' },
    ]);
    expect(zh.errors).toEqual([
      { path: 'body.entries.0.progress', message: '数值过大：期望 number <=100' },
      { path: 'body.entries.0.summary', message: '数值过小：期望 string >=1 字符' },
    ]);
  });

  it('when a refinement with its own message fails (the phone rule, NUL in text), with zh-CN its message is the Chinese written beside it', async () => {
    const request: Request = { method: 'PUT', url: `/v1/departments/${DEPARTMENT}/liaisons`, headers: dept, payload: liaisons({ officerPhone: 'call me', staffName: '李\u0000娜' }) };
    const { en, zh } = await both(request, 400);
    expect(en.errors).toEqual([
      { path: 'body.officer.phone', message: expect.stringMatching(/^must be a phone number: 5 to 30 characters/) },
      { path: 'body.staff.name', message: 'must not contain NUL (U+0000) characters' },
    ]);
    expect(zh.errors).toEqual([
      { path: 'body.officer.phone', message: expect.stringMatching(/^必须是电话号码：5 至 30 个数字/) },
      { path: 'body.staff.name', message: '不得包含 NUL（U+0000）字符' },
    ]);
  });

  it('when the service itself refuses a field (a token for an unknown department), with zh-CN the field message is Chinese', async () => {
    const admin = await bearer(ctx.app, 'admin');
    const { zh } = await both({ method: 'POST', url: '/v1/tokens', headers: admin, payload: { role: 'department', department: 'no-such-unit' } }, 400);
    expect(zh.errors).toEqual([{ path: 'body.department', message: '没有代码为 no-such-unit 的单位' }]);
  });

  it('when the JSON body is malformed, with zh-CN the 400 is Chinese', async () => {
    const { en, zh } = await both({ method: 'PUT', url: reportUrl('2017Q3'), headers: dept, raw: '{"entries": [' }, 400);
    expect(en.detail).toBe("Body is not valid JSON but content-type is set to 'application/json'");
    expect(zh).toMatchObject({ title: '请求有误', detail: '请求体不是有效的 JSON，但 Content-Type 为 application/json' });
  });
});

describe('other problems in Chinese', () => {
  it('when no credential is sent (401), with zh-CN the title and detail are Chinese', async () => {
    const { zh } = await both({ method: 'GET', url: '/v1/liaisons' }, 401);
    expect(zh.title).toBe('未登录或身份无效');
    expectChinese(zh.detail);
  });

  it('when an unknown bearer token is sent (401), with zh-CN the detail is Chinese', async () => {
    const { zh } = await both({ method: 'GET', url: '/v1/liaisons', headers: { authorization: 'Bearer hzt_unknown' } }, 401);
    expect(zh.detail).toBe('令牌无效或已撤销');
  });

  it('when a role may not do this (403), with zh-CN the title and detail are Chinese', async () => {
    const { zh } = await both({ method: 'GET', url: '/v1/liaisons', headers: dept }, 403);
    expect(zh.title).toBe('无权操作');
    expectChinese(zh.detail, ['office', 'admin']);
  });

  it('when a department acts for another (403), with zh-CN the detail is Chinese', async () => {
    const { zh } = await both({ method: 'GET', url: reportUrl('2017Q3', OTHER), headers: dept }, 403);
    expectChinese(zh.detail, [DEPARTMENT, OTHER]);
  });

  it('when a plan does not exist (404), with zh-CN the detail names it in Chinese', async () => {
    const { en, zh } = await both({ method: 'GET', url: '/v1/plans/no-such-plan' }, 404);
    expect(en).toMatchObject({ title: 'Not Found', detail: 'Plan no-such-plan does not exist' });
    expect(zh).toMatchObject({ title: '未找到', detail: '计划 no-such-plan 不存在' });
  });

  it('when no route has the path (404), with zh-CN the detail is Chinese', async () => {
    const { en, zh } = await both({ method: 'GET', url: '/v1/no-such-thing' }, 404);
    expect(en.detail).toBe('No route for GET /v1/no-such-thing');
    expect(zh.detail).toBe('没有 GET /v1/no-such-thing 这一接口');
  });

  it('when the path does not answer the method (405), with zh-CN the detail is Chinese and Allow is unchanged', async () => {
    const response = await send({ method: 'DELETE', url: '/v1/plans' }, 'zh-CN');
    expect(response.headers.allow).toBe('GET, HEAD, POST');
    const { en, zh } = await both({ method: 'DELETE', url: '/v1/plans' }, 405);
    expect(en.detail).toBe('/v1/plans does not answer DELETE; it answers GET, HEAD, POST');
    expect(zh).toMatchObject({ title: '不支持该请求方法', detail: '/v1/plans 不支持 DELETE 方法，只支持 GET、HEAD、POST' });
  });

  it('when a report is submitted before anything was saved (409), with zh-CN the detail is Chinese', async () => {
    const { en, zh } = await both({ method: 'POST', url: `${reportUrl('2017Q4')}/submit`, headers: dept }, 409);
    expect(en.detail).toBe('Cannot submit a report that is not_started');
    expect(zh).toMatchObject({ title: '与当前状态冲突', detail: '报告尚未填报，不能提交' });
  });

  it('when If-Match is stale (412), with zh-CN the detail is Chinese and names the current ETag', async () => {
    const url = reportUrl('2018Q1');
    const saved = await send({ method: 'PUT', url, headers: { ...dept, 'if-match': '"v0"' }, payload: { entries: [entry()] } });
    expect(saved.statusCode, saved.body).toBe(200);
    const { en, zh } = await both({ method: 'PUT', url, headers: { ...dept, 'if-match': '"v0"' }, payload: { entries: [entry()] } }, 412);
    expect(en.detail).toBe('The report has changed: its current ETag is "v1"');
    expect(zh).toMatchObject({ title: '前提条件不成立', detail: '报告已被他人修改：当前 ETag 为 "v1"，请重新读取后再保存' });
  });

  it('when the body is over the limit (413), with zh-CN the title and detail are Chinese', async () => {
    const raw = JSON.stringify({ entries: [entry({ summary: 'x'.repeat(1_100_000) })] });
    const { zh } = await both({ method: 'PUT', url: reportUrl('2017Q3'), headers: dept, raw }, 413);
    expect(zh).toMatchObject({ title: '请求内容过大', detail: '请求体过大' });
  });

  it('when the body is not JSON (415), with zh-CN the title and detail are Chinese', async () => {
    const { zh } = await both({ method: 'PUT', url: reportUrl('2017Q3'), headers: dept, raw: '<entries/>', contentType: 'application/xml' }, 415);
    expect(zh.title).toBe('不支持的内容类型');
    expectChinese(zh.detail, ['application/json']);
  });

  it('when entries break the service’s rules (422), with zh-CN the detail and each field message are Chinese under the same paths', async () => {
    const request: Request = {
      method: 'PUT',
      url: reportUrl('2017Q3'),
      headers: dept,
      payload: { entries: [entry({ status: 'completed', progress: 50 }), entry({ status: 'completed', progress: 100 })] },
    };
    const { en, zh } = await both(request, 422);
    expect(en.errors).toEqual([
      { path: 'body.entries.0.progress', message: 'status completed means progress 100, not 50' },
      { path: 'body.entries.1', message: 'measure 1 task 1 appears twice' },
    ]);
    expect(zh).toMatchObject({
      title: '无法处理',
      detail: '填报内容无法保存：body.entries.0.progress：状态为 completed 时进度应为 100，而不是 50；body.entries.1：措施 1 任务 1 重复出现',
      errors: [
        { path: 'body.entries.0.progress', message: '状态为 completed 时进度应为 100，而不是 50' },
        { path: 'body.entries.1', message: '措施 1 任务 1 重复出现' },
      ],
    });
  });

  it('when a client fails authentication too often (429), with zh-CN the title and detail are Chinese and Retry-After stays', async () => {
    const app = await buildApp({ ...testConfig, authFailuresPerMinute: 1 }, { database: await ctx.database.open() });
    try {
      const attempt = (language?: string) =>
        app.inject({ method: 'GET', url: '/v1/liaisons', headers: { authorization: 'Bearer hzt_guess', ...(language ? { 'accept-language': language } : {}) } });
      expect((await attempt()).statusCode).toBe(401);
      const en = await attempt();
      const zh = await attempt('zh-CN');
      const enProblem = problemOf(en, 429, 'en');
      const zhProblem = problemOf(zh, 429, 'zh-CN');
      expect(zh.headers['retry-after']).toMatch(/^\d+$/);
      expect(zhProblem.code).toBe(enProblem.code);
      expect(enProblem.title).toBe('Too Many Requests');
      expect(zhProblem).toMatchObject({ title: '请求过于频繁', detail: '此地址使用该凭据认证失败次数过多，请稍后再试' });
    } finally {
      await app.close();
    }
  });
});

describe('choosing the language', () => {
  const request: Request = { method: 'GET', url: '/v1/plans/no-such-plan' };
  const detailFor = async (language: string | undefined) => {
    const response = await send(request, language);
    return { detail: (response.json() as Problem).detail, contentLanguage: response.headers['content-language'] };
  };

  it.each(['zh', 'zh-CN', 'zh-cn', 'zh-Hans', 'zh-Hans-CN', 'fr, zh;q=0.5', 'en;q=0.4, zh-CN;q=0.9'])('when Accept-Language is %j, the problem is in Chinese', async (language) => {
    expect(await detailFor(language)).toEqual({ detail: '计划 no-such-plan 不存在', contentLanguage: 'zh-CN' });
  });

  it.each([undefined, '', 'en', 'en-US', 'fr', 'zh;q=0', 'zh;q=0, fr', '*', 'en-US, zh-CN;q=0.8', 'not a language tag;;'])('when Accept-Language is %j, the problem is in English', async (language) => {
    expect(await detailFor(language)).toEqual({ detail: 'Plan no-such-plan does not exist', contentLanguage: 'en' });
  });

  it('when Accept-Language is absent or en-US, the problem is byte for byte what it was, but for the request id', async () => {
    const strip = (response: LightMyRequestResponse) => ({ ...(response.json() as Record<string, unknown>), requestId: 'x' });
    const none = await send({ method: 'GET', url: `/v1/plans/${PLAN}/measures/abc` });
    const english = await send({ method: 'GET', url: `/v1/plans/${PLAN}/measures/abc` }, 'en-US');
    expect(strip(english)).toEqual(strip(none));
    expect(strip(none)).toEqual({
      type: 'urn:hazchem-tracker:problem:validation-failed',
      title: 'Validation Failed',
      status: 400,
      detail: 'The request is invalid: params.no: Invalid input: expected number, received NaN',
      instance: `/v1/plans/${PLAN}/measures/abc`,
      code: 'VALIDATION_FAILED',
      requestId: 'x',
      errors: [{ path: 'params.no', message: 'Invalid input: expected number, received NaN' }],
    });
  });

  it('when the office reads a successful answer with zh-CN, it is unchanged (only problems are localised)', async () => {
    const english = await send({ method: 'GET', url: '/v1/liaisons', headers: office });
    const chinese = await send({ method: 'GET', url: '/v1/liaisons', headers: office }, 'zh-CN');
    expect(chinese.statusCode).toBe(200);
    expect(chinese.json()).toEqual(english.json());
  });
});

describe('the contract', () => {
  it('when openapi/openapi.json describes a problem response, it declares Content-Language and Vary, and says Problem texts follow Accept-Language', () => {
    const document = JSON.parse(readFileSync('openapi/openapi.json', 'utf8')) as {
      components: { responses: Record<string, { headers: Record<string, unknown> }>; headers: Record<string, { schema: { enum?: string[] } }>; schemas: { Problem: { properties: Record<string, { description?: string }> } } };
    };
    for (const [name, response] of Object.entries(document.components.responses)) {
      expect(Object.keys(response.headers), name).toEqual(expect.arrayContaining(['Content-Language', 'Vary']));
    }
    expect(document.components.headers['Content-Language']!.schema.enum).toEqual(['en', 'zh-CN']);
    expect(document.components.schemas.Problem.properties.detail!.description).toMatch(/Content-Language/);
  });
});

/** Every .ts file under a directory. */
function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const file = path.join(directory, name);
    return statSync(file).isDirectory() ? sourceFiles(file) : file.endsWith('.ts') ? [file] : [];
  });
}

/** The top-level arguments of the call whose `(` is at `open`, skipping strings, templates and regex literals. */
function callArguments(source: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < source.length; i += 1) {
    const char = source[i]!;
    if (char === "'" || char === '"' || char === '`') {
      for (i += 1; i < source.length && source[i] !== char; i += source[i] === '\\' ? 2 : 1);
    } else if (char === '/' && /[(,]\s*$/.test(source.slice(Math.max(0, i - 20), i))) {
      // A regex literal: up to the next unescaped / outside a character class.
      let inClass = false;
      for (i += 1; i < source.length; i += 1) {
        if (source[i] === '\\') i += 1;
        else if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        else if (source[i] === '/' && !inClass) break;
      }
    } else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      depth -= 1;
      if (depth === 0) return [...args, source.slice(start, i)];
    } else if (char === ',' && depth === 1) {
      args.push(source.slice(start, i));
      start = i + 1;
    }
  }
  return args;
}

describe('every message has its Chinese', () => {
  it('when a schema gives zod a message of its own, it is written with zodMessage({ en, zh })', () => {
    // AppError and FieldError texts are typed { en, zh } (src/errors.ts), so tsc finds any site
    // without Chinese; zod takes any string, so this looks for a literal where a schema passes one.
    const literal = /^\s*['"`]/;
    const literalOption = /\b(?:error|message):\s*['"`]/;
    const offenders: string[] = [];
    for (const file of sourceFiles('src').filter((name) => !name.startsWith(path.join('src', 'web')) && name !== path.join('src', 'config.ts'))) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/\.(?:regex|refine|superRefine|min|max|length|gt|gte|lt|lte|startsWith|endsWith|includes|email|url)\(/g)) {
        const args = callArguments(source, match.index + match[0].length - 1);
        const last = args.length > (match[0] === '.email(' || match[0] === '.url(' ? 0 : 1) ? args.at(-1)! : '';
        if (literal.test(last) || literalOption.test(last)) offenders.push(`${file}: ${match[0]}${args.join(',').trim().slice(0, 80)}`);
      }
      for (const match of source.matchAll(/\berror:\s*['"`][^\n]*/g)) offenders.push(`${file}: ${match[0]}`);
    }
    expect(offenders).toEqual([]);
  });
});
