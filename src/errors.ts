/**
 * Errors the service raises on purpose. Each carries a stable `code` (the problem type) and an
 * HTTP status; the error handler turns them into application/problem+json (RFC 9457).
 */
export const errorCodes = {
  BAD_REQUEST: { status: 400, title: 'Bad Request', titleZh: '请求有误' },
  NOT_FOUND: { status: 404, title: 'Not Found', titleZh: '未找到' },
  VALIDATION_FAILED: { status: 400, title: 'Validation Failed', titleZh: '校验未通过' },
  UNPROCESSABLE: { status: 422, title: 'Unprocessable Content', titleZh: '无法处理' },
  UNAUTHORIZED: { status: 401, title: 'Unauthorized', titleZh: '未登录或身份无效' },
  FORBIDDEN: { status: 403, title: 'Forbidden', titleZh: '无权操作' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method Not Allowed', titleZh: '不支持该请求方法' },
  CONFLICT: { status: 409, title: 'Conflict', titleZh: '与当前状态冲突' },
  PRECONDITION_FAILED: { status: 412, title: 'Precondition Failed', titleZh: '前提条件不成立' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Content Too Large', titleZh: '请求内容过大' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported Media Type', titleZh: '不支持的内容类型' },
  PRECONDITION_REQUIRED: { status: 428, title: 'Precondition Required', titleZh: '缺少前提条件' },
  TOO_MANY_REQUESTS: { status: 429, title: 'Too Many Requests', titleZh: '请求过于频繁' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service Unavailable', titleZh: '服务暂不可用' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/**
 * Text meant for people, in the two languages the service speaks: English for integrators (the
 * default) and Chinese for the web app's users (`Accept-Language: zh-CN`, see src/http/language.ts).
 * Every error the service raises carries both: the type admits no English-only string, so the
 * compiler finds any site that forgot the Chinese.
 */
export type Text = { en: string; zh: string };
export type Language = 'en' | 'zh';

export const render = (text: Text, language: Language): string => text[language];

/** The problem title of a code (or of a 500) in both languages. */
export const titleOf = (code: ErrorCode): Text => ({ en: errorCodes[code].title, zh: errorCodes[code].titleZh });
export const INTERNAL_ERROR_TITLE: Text = { en: 'Internal Server Error', zh: '服务器内部错误' };

export interface FieldError {
  /** Location of the offending value, e.g. `params.no` or `body.entries.0.progress`. */
  path: string;
  message: Text;
}

export class AppError extends Error {
  readonly statusCode: number;
  readonly title: string;
  /** Sent as Retry-After (RFC 9110 §10.2.3) with 429 and 503. */
  retryAfterSeconds: number | undefined;

  /** The English detail (what `message` and the log say); `text` has both languages. */
  readonly detail: string;

  constructor(
    readonly code: ErrorCode,
    readonly text: Text,
    readonly errors?: FieldError[],
  ) {
    super(text.en);
    this.detail = text.en;
    this.statusCode = errorCodes[code].status;
    this.title = errorCodes[code].title;
  }
}

export const withRetryAfter = (error: AppError, seconds: number) => Object.assign(error, { retryAfterSeconds: seconds });

export const notFound = (detail: Text) => new AppError('NOT_FOUND', detail);
