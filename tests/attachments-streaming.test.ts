import { createHash, randomBytes, type Hash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { attachmentBlobs, attachmentChunks } from '../src/db/schema/index.js';
import { testClock } from './helpers/clock.js';
import { useTestApp } from './helpers/test-app.js';
import { bearer } from './helpers/tokens.js';

/*
 * Over a real listening server: a 20 MiB upload produced on the fly and its download, with the
 * process's memory (client and service alike) sampled as the bytes go by; and an upload cut off
 * half-way. The client is node:http, whose streams wait for the socket: fetch (undici) was measured
 * holding the request body it had sent until the response came, which would be the test's memory.
 */

const MiB = 1024 * 1024;
const url = (path: string) => `http://127.0.0.1:${port}${path}`;
const attachmentsPath = '/v1/plans/hazchem-2017/periods/2017Q3/reports/work-safety/attachments';
let port: number;
let unit: { authorization: string };

// Full collections before each sample measure what is held, not garbage waiting to be collected
// (the second one finishes freeing the first one's array buffers, which V8 sweeps concurrently).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heldBytes = () => {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
};

/** Records the most memory held above the baseline taken when it is created. */
function memoryWatch() {
  const baseline = heldBytes();
  let peak = 0;
  return {
    sample: () => void (peak = Math.max(peak, heldBytes() - baseline)),
    peak: () => peak,
  };
}

const boundary = '----hazchem-streaming';
const partsHead = (fileName: string) =>
  Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n二十兆字节的扫描件\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
const partsTail = Buffer.from(`\r\n--${boundary}--\r\n`);

/** A multipart body around a PDF of `size` bytes made 64 KiB at a time (the file is never whole in memory), hashed as it goes. */
async function* multipartBody(size: number, hash: Hash, onMiB: () => void) {
  yield partsHead('二十兆.pdf');
  const head = Buffer.from('%PDF-1.4\n');
  hash.update(head);
  yield head;
  for (let sent = head.length; sent < size; ) {
    const piece = randomBytes(Math.min(64 * 1024, size - sent));
    hash.update(piece);
    if (Math.floor((sent + piece.length) / MiB) > Math.floor(sent / MiB)) onMiB();
    sent += piece.length;
    yield piece;
  }
  yield partsTail;
}

const countBlobs = async (db: typeof ctx.app.db) => ({
  blobs: (await db.select({ n: sql<number>`count(*)::int` }).from(attachmentBlobs))[0]!.n,
  chunks: (await db.select({ n: sql<number>`count(*)::int` }).from(attachmentChunks))[0]!.n,
});

const ctx = useTestApp({ clock: testClock('2017-10-09T10:00:00+08:00') });

beforeAll(async () => {
  unit = await bearer(ctx.app, 'department', 'work-safety');
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  port = (ctx.app.server.address() as AddressInfo).port;
});

describe('a 20 MiB attachment over HTTP', () => {
  let id: string;
  let sent: string;

  it('uploads as a stream, holding well under the file size in memory', async () => {
    const hash = createHash('sha256');
    const memory = memoryWatch();
    const request = http.request(url(attachmentsPath), { method: 'POST', headers: { ...unit, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    const answered = new Promise<http.IncomingMessage>((resolve, reject) => request.on('response', resolve).on('error', reject));
    await pipeline(Readable.from(multipartBody(20 * MiB, hash, memory.sample)), request);
    const response = await answered;
    const text = (await response.toArray()).join('');
    memory.sample();
    const body = JSON.parse(text) as { id: string; size: number; sha256: string };
    expect(response.statusCode, text).toBe(201);
    sent = hash.digest('hex');
    expect(body).toMatchObject({ size: 20 * MiB, sha256: sent });
    expect(memory.peak()).toBeLessThan(8 * MiB);
    id = body.id;
  });

  it('downloads as a stream with the same SHA-256, holding well under the file size in memory', async () => {
    const memory = memoryWatch();
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(url(`/v1/attachments/${id}`), { headers: unit }, resolve).on('error', reject));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-length']).toBe(String(20 * MiB));
    const hash = createHash('sha256');
    let received = 0;
    for await (const piece of response as AsyncIterable<Buffer>) {
      hash.update(piece);
      if (Math.floor((received + piece.length) / MiB) > Math.floor(received / MiB)) memory.sample();
      received += piece.length;
    }
    expect(received).toBe(20 * MiB);
    expect(hash.digest('hex')).toBe(sent);
    expect(response.headers.etag).toBe(`"sha256:${sent}"`);
    expect(memory.peak()).toBeLessThan(8 * MiB);
  });
});

describe('an upload cut off half-way', () => {
  it('leaves no blob: the pending one is deleted when the connection goes', async () => {
    const before = await countBlobs(ctx.app.db);
    const request = http.request(url(attachmentsPath), { method: 'POST', headers: { ...unit, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(10 * MiB) } });
    request.on('error', () => undefined);
    request.write(partsHead('中断.pdf'));
    request.write(Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(MiB)]));
    // The upload is under way: a pending blob with its first chunks is in the database.
    await vi.waitFor(async () => expect((await countBlobs(ctx.app.db)).chunks).toBeGreaterThan(before.chunks), { timeout: 10_000, interval: 20 });
    expect((await countBlobs(ctx.app.db)).blobs).toBe(before.blobs + 1);
    request.destroy();
    await vi.waitFor(async () => expect(await countBlobs(ctx.app.db)).toEqual(before), { timeout: 10_000, interval: 20 });
  });
});

describe('an upload over the limit', () => {
  it('is answered 413 while the client is still sending, and the connection is closed so nothing waits on it', async () => {
    const before = await countBlobs(ctx.app.db);
    const request = http.request(url(attachmentsPath), { method: 'POST', headers: { ...unit, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(40 * MiB) } });
    request.on('error', () => undefined);
    const answered = new Promise<http.IncomingMessage>((resolve) => request.on('response', resolve));
    request.write(partsHead('超限.pdf'));
    request.write(Buffer.from('%PDF-1.4\n'));
    // Keeps sending (well past 20 MiB) until the answer comes; the body is never finished.
    let written = 0;
    const pump = setInterval(() => {
      if (written < 30 * MiB) request.write(randomBytes(MiB), () => undefined);
      written += MiB;
    }, 5);
    const response = await answered;
    clearInterval(pump);
    const problem = JSON.parse((await response.toArray()).join('')) as { status: number; code: string };
    expect(response.statusCode).toBe(413);
    expect(problem).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(response.headers.connection).toBe('close');
    await new Promise<void>((resolve) => (request.socket?.destroyed ? resolve() : request.socket!.once('close', () => resolve())));
    await vi.waitFor(async () => expect(await countBlobs(ctx.app.db)).toEqual(before), { timeout: 10_000, interval: 20 });
  });
});
