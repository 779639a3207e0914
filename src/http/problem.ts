import { z } from 'zod';

/**
 * RFC 9457 problem details, with the service's stable `code` and the offending fields. `title`,
 * `detail` and each `errors[].message` are in the language Accept-Language asks for: Chinese for
 * `zh`, `zh-CN`, `zh-Hans`... (as the web app sends), English otherwise; Content-Language says which.
 */
export const problemSchema = z
  .object({
    type: z.string().describe('A URI naming the problem type; stable for each `code`.'),
    title: z.string().describe('A short summary of the problem type, in the language of Content-Language (English or Chinese, by Accept-Language).'),
    status: z.number().int(),
    detail: z.string().describe('What went wrong in this request, in the language of Content-Language; for people, not for parsing (use `code`).'),
    instance: z.string().describe('The request path that produced the problem.'),
    code: z.string().describe('Stable machine-readable code, e.g. VALIDATION_FAILED.'),
    requestId: z.string(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('One entry per invalid field: `path` is location.field, e.g. `query.category` (the same in every language); `message` follows Accept-Language.'),
  })
  .meta({
    id: 'Problem',
    examples: [
      {
        type: 'urn:hazchem-tracker:problem:validation-failed',
        title: 'Validation Failed',
        status: 400,
        detail: 'The request is invalid: params.no: Invalid input: expected number, received NaN',
        instance: '/v1/plans/hazchem-2017/measures/abc',
        code: 'VALIDATION_FAILED',
        requestId: 'req-1',
        errors: [{ path: 'params.no', message: 'Invalid input: expected number, received NaN' }],
      },
      {
        type: 'urn:hazchem-tracker:problem:validation-failed',
        title: '校验未通过',
        status: 400,
        detail: '请求校验未通过：params.no：无效输入：期望 数字，实际接收 NaN',
        instance: '/v1/plans/hazchem-2017/measures/abc',
        code: 'VALIDATION_FAILED',
        requestId: 'req-2',
        errors: [{ path: 'params.no', message: '无效输入：期望 数字，实际接收 NaN' }],
      },
    ],
  });

export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export const problemDescriptions: Record<number, string> = {
  400: 'The request is malformed or a parameter is invalid.',
  401: 'No valid bearer token or web session was presented.',
  403: 'The token or session does not allow this operation, or a write made with the session cookie lacks a valid x-csrf-token.',
  404: 'The resource does not exist.',
  409: 'The request conflicts with the current state.',
  412: 'The If-Match precondition failed: the resource has changed.',
  413: 'The request body is larger than the service accepts.',
  415: 'The request body is not application/json.',
  422: 'The request is well-formed but cannot be processed.',
  428: 'The operation requires an If-Match header.',
  429: 'Too many requests (failed authentications or writes) from this caller; retry after Retry-After seconds.',
  500: 'An unexpected error; the details are in the log, never in the response.',
  503: 'The service is overloaded or its database is unavailable; retry after Retry-After seconds.',
};

/** The conditional-GET answer of routes served from a cache with an ETag. */
export const notModifiedResponse = { 304: z.undefined().describe('Not modified: If-None-Match matched the ETag') };

/** Documented error responses for a route: `...problemResponses(400, 404)`. */
export function problemResponses<const S extends number>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: problemDescriptions[status] ?? 'Error', content: { [PROBLEM_CONTENT_TYPE]: { schema: problemSchema } } },
    ]),
  ) as Record<S, { description: string; content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof problemSchema } } }>;
}
