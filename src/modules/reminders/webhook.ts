import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import { checkWebhookTarget, type CheckedTarget } from './webhook-target.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from './webhook-signature.js';

export { SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify, verifyWebhookDelivery } from './webhook-signature.js';

const TIMEOUT_MS = 10_000;

/**
 * A failed delivery, its message from a small fixed vocabulary: it becomes the reminder's
 * `lastError`, which the office reads, so it must not carry what the receiver said (a banner or
 * error page would tell an attacker what listens there).
 */
export class WebhookDeliveryError extends Error {}

/** Node's error codes for certificate and handshake failures (they have no common prefix). */
const isTlsError = (code: string) => /CERT|TLS|SSL|SIGNATURE|ISSUER|SELF_SIGNED/.test(code);

function coarse(error: unknown): WebhookDeliveryError {
  if (error instanceof WebhookDeliveryError) return error;
  const { code = '', name = '' } = error as { code?: string; name?: string };
  if (name === 'AbortError' || name === 'TimeoutError' || code === 'ETIMEDOUT') return new WebhookDeliveryError('timed out');
  if (code === 'ECONNREFUSED') return new WebhookDeliveryError('connection refused');
  if (isTlsError(code)) return new WebhookDeliveryError('TLS error');
  return new WebhookDeliveryError('connection failed');
}

/** Answers every lookup with the checked address, so the connection cannot go anywhere else. */
const pinnedLookup = (target: CheckedTarget): LookupFunction => (_hostname, options, callback) => {
  if (options.all) (callback as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, [{ address: target.address, family: target.family }]);
  else callback(null, target.address, target.family);
};

/** One POST to the checked address; resolves with the status, never reads the body. */
function post(target: CheckedTarget, headers: Record<string, string>, body: string): Promise<number> {
  const options: RequestOptions = {
    method: 'POST',
    headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    lookup: pinnedLookup(target),
    // No pooled sockets: each delivery connects to the address just checked.
    agent: false,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  };
  // The URL keeps its host name, so Host and TLS (SNI, certificate check) use the name, not the address.
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(target.url, options, (response) => {
      response.resume();
      response.destroy();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * POSTs the payload to the webhook after checking its target again (the name may resolve elsewhere
 * now). A refused target or a redirect fails the reminder at once (BullMQ's UnrecoverableError);
 * anything else but a 2xx within 10 s is an error, so the job is retried with backoff.
 */
export async function postWebhook(url: string, secret: string, payload: unknown, now: Date, allowedNetworks: readonly string[] = []): Promise<void> {
  const target = await checkWebhookTarget(url, allowedNetworks);
  if (!target.ok) {
    if (target.unresolved) throw new WebhookDeliveryError('name did not resolve');
    throw new UnrecoverableError('address not allowed');
  }
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const headers = { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: sign(secret, timestamp, body) };
  const status = await post(target, headers, body).catch((error: unknown) => {
    throw coarse(error);
  });
  // A redirect would re-send the signed body to wherever the receiver points; never follow one.
  if (status >= 300 && status < 400) throw new UnrecoverableError(`redirect (HTTP ${status}) not followed`);
  if (status < 200 || status >= 300) throw new WebhookDeliveryError(`HTTP ${status}`);
}
