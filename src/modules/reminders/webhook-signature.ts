import { createHmac, timingSafeEqual } from 'node:crypto';

// Receivers may copy this file as it is: it imports only node:crypto.

export const SIGNATURE_HEADER = 'x-hazchem-signature';
export const TIMESTAMP_HEADER = 'x-hazchem-timestamp';

/** HMAC-SHA256 over `<timestamp>.<body>`, as `sha256=<hex>`; the timestamp lets receivers refuse replays. */
export function sign(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Checks a signature in constant time. */
export function verify(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(sign(secret, timestamp, body));
  const actual = Buffer.from(signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface WebhookDeliveryCheck {
  /** The unit's webhook secret, as PUT /v1/departments/{code}/webhook returned it. */
  secret: string;
  /** The request body exactly as received (the signature covers the bytes, not the parsed JSON). */
  body: string;
  /** The request headers, names in lower case (Node's `request.headers`). */
  headers: Record<string, string | string[] | undefined>;
  now?: Date;
  /** How far the timestamp may be from `now`; a captured request is useless after this. */
  toleranceSeconds?: number;
  /** True when a delivery with this `id` was already handled; the receiver records ids it handled. */
  seen?: (id: number) => boolean;
}

export type WebhookDeliveryResult = { ok: true; id: number; payload: Record<string, unknown> } | { ok: false; reason: string };

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? undefined : value);

/**
 * What a receiver runs before acting on a delivery: a valid signature, a timestamp within the
 * tolerance (default 5 minutes) and an `id` not handled before. A retried delivery carries the
 * same `id`, so de-duplicating on it also makes retries safe.
 */
export function verifyWebhookDelivery(check: WebhookDeliveryCheck): WebhookDeliveryResult {
  const { secret, body, headers, now = new Date(), toleranceSeconds = 300 } = check;
  const timestamp = single(headers[TIMESTAMP_HEADER]);
  const signature = single(headers[SIGNATURE_HEADER]);
  if (!timestamp || !signature) return { ok: false, reason: 'signature or timestamp header missing' };
  if (!verify(secret, timestamp, body, signature)) return { ok: false, reason: 'bad signature' };
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) {
    return { ok: false, reason: 'timestamp outside the tolerance' };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const id = (payload as { id?: unknown } | null)?.id;
  if (typeof id !== 'number' || !Number.isInteger(id)) return { ok: false, reason: 'delivery id missing' };
  if (check.seen?.(id)) return { ok: false, reason: 'delivery already handled' };
  return { ok: true, id, payload: payload as Record<string, unknown> };
}
