import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Queryable } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { ALLOWED_KINDS_TEXT, detectKind, detectZipKind, type Detection, type FileKind } from './file-kinds.js';
import * as repository from './attachments.repository.js';

/**
 * Attachment bytes live in Postgres (one database to back up, on either driver), as chunks of a
 * blob named by its SHA-256. Uploads stream in chunk by chunk under a pending blob, each chunk its
 * own short statement: no transaction stays open while a client sends (PGlite has one connection,
 * so one would freeze the service). Downloads stream out the same way.
 */
export const CHUNK_BYTES = 256 * 1024;

/** A file streamed into a pending blob; the attachment's transaction completes it or reuses an identical one (`settleBlob`). */
export interface ReceivedFile {
  pendingBlobId: string;
  sha256: string;
  size: number;
  kind: FileKind;
}

export interface ReceiveOptions {
  at: Date;
  /** More bytes than this fails the upload with `tooLarge()` as soon as they arrive. */
  maxBytes: number;
  tooLarge(): AppError;
  /** The name the client gave: it tells an OLE2 compound file's program (.doc, .xls, .wps, .et). */
  fileName: string;
}

const refused = (detected: string | null) =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', {
    en: `The file is ${detected ?? 'of no recognised type (plain text, say)'}; an attachment must be ${ALLOWED_KINDS_TEXT.en}, as its content shows (the name does not count)`,
    zh: `该文件${detected ? `实际为 ${detected}` : '无法识别类型（例如纯文本）'}；佐证材料须为 ${ALLOWED_KINDS_TEXT.zh}，以文件内容为准（与文件名无关）`,
  });

const allowedKind = (detection: Detection): FileKind => {
  if (detection.outcome === 'allowed') return detection.kind;
  throw refused(detection.outcome === 'refused' ? detection.detected : 'application/zip (.zip)');
};

/**
 * Streams `stream` into a new pending blob, hashing as it goes. The type is decided from the first
 * chunk before anything is stored (a ZIP not recognisable there, from its central directory at the
 * end). Whatever goes wrong, a refused type, too many bytes, the client going away, the pending
 * blob is deleted and the error rethrown. At most two chunks are held at once.
 */
export async function receiveFile(db: Queryable, stream: Readable, options: ReceiveOptions): Promise<ReceivedFile> {
  const hash = createHash('sha256');
  let pendingBlobId: string | undefined;
  let detection: Detection | undefined;
  let previous: Buffer | undefined;
  let last: Buffer | undefined;
  let seq = 0;
  let size = 0;
  const pieces: Buffer[] = [];
  let buffered = 0;

  const write = async (chunk: Buffer) => {
    if (!detection) {
      detection = await detectKind(chunk, options.fileName);
      if (detection.outcome === 'refused') throw refused(detection.detected);
      pendingBlobId = randomUUID();
      await repository.insertPendingBlob(db, pendingBlobId, options.at);
    }
    await repository.insertChunk(db, pendingBlobId!, seq++, chunk);
    [previous, last] = [last, chunk];
  };
  const take = (bytes: number) => {
    const joined = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, buffered);
    pieces.length = 0;
    if (joined.length > bytes) pieces.push(joined.subarray(bytes));
    buffered = joined.length - bytes;
    return joined.subarray(0, bytes);
  };

  const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | Uint8Array>;
  const next = () => iterator.next().catch((error: unknown) => Promise.reject(interrupted(error)));
  try {
    for (let item = await next(); !item.done; item = await next()) {
      const data = item.value;
      const piece = Buffer.isBuffer(data) ? data : Buffer.from(data);
      size += piece.length;
      if (size > options.maxBytes) throw options.tooLarge();
      hash.update(piece);
      pieces.push(piece);
      buffered += piece.length;
      while (buffered >= CHUNK_BYTES) await write(take(CHUNK_BYTES));
    }
    if (buffered > 0) await write(take(buffered));
    if (size === 0) throw new AppError('UNPROCESSABLE', { en: 'The file is empty', zh: '文件为空' });
    const kind = detection!.outcome === 'zip' ? allowedKind(detectZipKind(Buffer.concat(previous ? [previous, last!] : [last!]))) : allowedKind(detection!);
    return { pendingBlobId: pendingBlobId!, sha256: hash.digest('hex'), size, kind };
  } catch (error) {
    // Stops the stream too (a multipart parser then ends the request's iteration).
    await iterator.return?.().catch(() => undefined);
    if (pendingBlobId) await discardPending(db, pendingBlobId);
    throw error;
  }
}

/** The stream failed: the client went away, or the multipart body ended inside the file. */
const interrupted = (error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error);
  return new AppError('BAD_REQUEST', { en: `The upload ended before the file was complete (${reason})`, zh: `上传在文件传完之前中断（${reason}）` });
};

/** Deletes a pending blob; a failure (the database going away) is left to the sweep at the next start. */
export async function discardPending(db: Queryable, pendingBlobId: string): Promise<void> {
  await repository.deletePendingBlob(db, pendingBlobId).catch(() => undefined);
}

/**
 * In the attachment's transaction: the blob that keeps the received content. If a complete blob
 * with the same SHA-256 exists, it is locked and reused and the pending one deleted (the same file
 * twice is stored once); otherwise the pending blob becomes complete.
 */
export async function settleBlob(tx: Queryable, received: ReceivedFile): Promise<string> {
  const existing = await repository.lockCompleteBlob(tx, received.sha256);
  if (existing) {
    await repository.deletePendingBlob(tx, received.pendingBlobId);
    return existing.id;
  }
  await repository.completeBlob(tx, received.pendingBlobId, { sha256: received.sha256, size: received.size, mediaType: received.kind.mediaType });
  return received.pendingBlobId;
}

/**
 * A blob's content as a stream, one chunk read per pull: a slow client holds one or two chunks in
 * memory, however large the file. bytea arrives as a Buffer from `pg` and a Uint8Array from PGlite.
 */
export function openBlob(db: Queryable, blobId: string): Readable {
  let seq = 0;
  return new Readable({
    highWaterMark: CHUNK_BYTES / 4,
    read() {
      repository.readChunk(db, blobId, seq++).then(
        (data) => this.push(data === undefined ? null : Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength)),
        (error: Error) => this.destroy(error),
      );
    },
  });
}

/** Pending blobs older than this are uploads that will never finish (a crash, a lost connection). */
export const STALE_PENDING_MS = 60 * 60 * 1000;

export const sweepStalePending = (db: Queryable, now: Date) => repository.deleteStalePendingBlobs(db, new Date(now.getTime() - STALE_PENDING_MS));
