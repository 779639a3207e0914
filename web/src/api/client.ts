import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/** A problem+json answer (RFC 9457) as a thrown error: pages show `detail`, forms map `errors[]`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: { path: string; message: string }[] = [],
    readonly title = '',
  ) {
    super(detail || title || `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
let csrfToken: string | null = null;

/** Remembers the session's CSRF token (GET /v1/auth/session's csrfToken) for every later write. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

async function currentCsrfToken(): Promise<string | null> {
  if (csrfToken) return csrfToken;
  const response = await fetch('/v1/auth/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!response.ok) return null;
  const me = (await response.json()) as { csrfToken?: string };
  csrfToken = me.csrfToken ?? null;
  return csrfToken;
}

async function problemOf(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.clone().json()) as { code?: string; detail?: string; title?: string; errors?: { path: string; message: string }[] };
      return new ApiError(response.status, body.code ?? 'ERROR', body.detail ?? '', body.errors ?? [], body.title ?? '');
    } catch {
      // fall through: not the JSON it claimed to be
    }
  }
  return new ApiError(response.status, 'ERROR', `服务器返回 ${response.status}`);
}

const middleware: Middleware = {
  async onRequest({ request }) {
    request.headers.set('accept-language', 'zh-CN');
    if (UNSAFE.has(request.method)) {
      const token = await currentCsrfToken();
      if (token) request.headers.set('x-csrf-token', token);
    }
    return request;
  },
  async onResponse({ response }) {
    if (!response.ok) throw await problemOf(response);
    return response;
  },
};

const options = { baseUrl: '', credentials: 'same-origin' as const, headers: { 'Accept-Language': 'zh-CN' } };

/** The public API, typed from openapi/openapi.json. */
export const api = createClient<paths>(options);
api.use(middleware);

/** The data of a successful call (errors were thrown by the middleware). */
export async function data<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const result = await call;
  return result.data as T;
}
