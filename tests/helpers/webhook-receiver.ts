import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedHook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  requests: ReceivedHook[];
  /** Status to answer with; set to 500 to make deliveries fail. */
  status: number;
  /** Extra response headers (e.g. `location` for a redirect) and body. */
  responseHeaders: Record<string, string>;
  responseBody: string;
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedHook[]>;
  close(): Promise<void>;
}

/** A real HTTP server that records the webhook POSTs it receives. */
export async function startWebhookReceiver(options: { host?: string } = {}): Promise<WebhookReceiver> {
  const events = new EventEmitter();
  const receiver = { requests: [] as ReceivedHook[], status: 200, responseHeaders: {} as Record<string, string>, responseBody: '' };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (receiver.status < 300) receiver.requests.push({ headers: request.headers, body });
      response.writeHead(receiver.status, receiver.responseHeaders);
      response.end(receiver.responseBody);
      events.emit('request');
    });
  });
  server.listen(0, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/hazchem`,
    async waitFor(count: number, timeoutMs = 20_000) {
      const deadline = AbortSignal.timeout(timeoutMs);
      while (receiver.requests.length < count) await once(events, 'request', { signal: deadline });
      return receiver.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
