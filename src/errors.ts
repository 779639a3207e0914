/**
 * Errors the service raises on purpose. Each carries a stable `code` (the problem type) and an
 * HTTP status; the error handler turns them into application/problem+json (RFC 9457).
 */
export const errorCodes = {
  BAD_REQUEST: { status: 400, title: 'Bad Request' },
  NOT_FOUND: { status: 404, title: 'Not Found' },
  VALIDATION_FAILED: { status: 400, title: 'Validation Failed' },
  UNPROCESSABLE: { status: 422, title: 'Unprocessable Content' },
  UNAUTHORIZED: { status: 401, title: 'Unauthorized' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method Not Allowed' },
  CONFLICT: { status: 409, title: 'Conflict' },
  PRECONDITION_FAILED: { status: 412, title: 'Precondition Failed' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Content Too Large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported Media Type' },
  PRECONDITION_REQUIRED: { status: 428, title: 'Precondition Required' },
  TOO_MANY_REQUESTS: { status: 429, title: 'Too Many Requests' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service Unavailable' },
} as const;

export type ErrorCode = keyof typeof errorCodes;

/**
 * Text meant for people, in the two languages the service speaks: English for integrators (the
 * default) and Chinese for the web app's users (`Accept-Language: zh-CN`). A plain string is
 * English only, and is shown as is in both.
 */
export type Text = string | { en: string; zh: string };
export type Language = 'en' | 'zh';

export const render = (text: Text, language: Language): string => (typeof text === 'string' ? text : text[language]);

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
    super(render(text, 'en'));
    this.detail = render(text, 'en');
    this.statusCode = errorCodes[code].status;
    this.title = errorCodes[code].title;
  }
}

export const withRetryAfter = (error: AppError, seconds: number) => Object.assign(error, { retryAfterSeconds: seconds });

export const notFound = (detail: Text) => new AppError('NOT_FOUND', detail);
