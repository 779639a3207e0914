import { PassThrough, Readable, type Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { centralRecordSize, dataDescriptor, dosTime, endOfCentralDirectory, localHeader, writeCentralRecord, type WrittenEntry } from './zip-records.js';

/*
 * The dossier's ZIP, streamed: each entry's local header, its data (deflated at level 1 or stored)
 * and a data descriptor go out as the entry is read, and the reader of `output` sets the pace
 * (back-pressure): only the entry being written is in memory. What stays is the central directory,
 * written as each entry ends into 64 KiB slabs: some 150 bytes per entry, nothing else. yazl, which
 * wrote the same records before, keeps an object graph of about 1 KiB per entry until the end and
 * scans all entries before each one; with the whole plan's 56,000 entries that was 50 MiB more at
 * the peak and a stream that slowed as it grew (bench/README.md). The records are in zip-records.ts.
 */

export interface EntryOptions {
  /** Deflate the entry (text, the documents); false stores it as it is (XLSX and attachments: compressed already, or binary). */
  compress: boolean;
  mtime?: Date;
}

const SLAB_BYTES = 64 * 1024;

export class ZipWriter {
  /** The archive's bytes, to be piped to the client. */
  readonly output: Readable;
  private readonly out = new PassThrough();
  private current: Readable | null = null;
  private stopped = false;
  private cursor = 0;
  private entries = 0;
  private readonly slabs: Buffer[] = [];
  private slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private slabUsed = 0;

  /** `timeZone`: the zone whose wall-clock time the entries' DOS timestamps show (they carry no zone). */
  constructor(
    signal: AbortSignal,
    private readonly timeZone: string,
  ) {
    this.output = this.out;
    // The output is destroyed when the client goes away; a write may still be under way.
    this.out.on('error', () => undefined);
    signal.addEventListener('abort', () => this.stop(), { once: true });
  }

  /** True once the client went away (or the archive failed): no more work should be done. */
  get aborted(): boolean {
    return this.stopped;
  }

  /**
   * Adds an entry and resolves once all of its bytes have gone into the archive, so the caller
   * makes the next entry only then. A stream is read as fast as the client reads the archive.
   */
  async add(name: string, content: Buffer | Readable, options: EntryOptions): Promise<void> {
    if (this.stopped) throw new DossierAborted();
    const source = Buffer.isBuffer(content) ? Readable.from([content]) : content;
    this.current = source;
    const entry: WrittenEntry = { name: Buffer.from(name, 'utf8'), method: options.compress ? 8 : 0, dos: dosTime(options.mtime ?? new Date(), this.timeZone), crc32: 0, compressedSize: 0, uncompressedSize: 0, offset: this.cursor };
    try {
      await this.write(localHeader(entry.name, entry.method, entry.dos));
      const measure = async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          entry.crc32 = zlib.crc32(chunk, entry.crc32);
          entry.uncompressedSize += chunk.length;
          yield chunk;
        }
      };
      const send = async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks) {
          entry.compressedSize += chunk.length;
          await this.write(chunk);
        }
      };
      if (entry.method === 8) await pipeline(source, measure, zlib.createDeflateRaw({ level: 1 }), send);
      else await pipeline(source, measure, send);
      await this.write(dataDescriptor(entry));
    } catch (error) {
      throw this.stopped ? new DossierAborted() : error;
    } finally {
      this.current = null;
    }
    this.remember(entry);
  }

  /** Writes the central directory and the end records, ends the output, and resolves once the client has read it all. */
  async finish(): Promise<void> {
    if (this.stopped) throw new DossierAborted();
    const directoryOffset = this.cursor;
    for (const slab of [...this.slabs, this.slab.subarray(0, this.slabUsed)]) await this.write(slab);
    await this.write(endOfCentralDirectory(this.entries, directoryOffset, this.cursor - directoryOffset));
    this.out.end();
    await finished(this.out, { readable: true, writable: false }).catch((error: unknown) => {
      if (!this.stopped) throw error;
    });
  }

  /** Stops: the entry being read is destroyed (releasing what feeds it) and the output is cut. */
  fail(error: Error): void {
    this.stop();
    this.out.destroy(error);
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.current?.destroy(new DossierAborted());
    // A write waiting for the reader must not wait for ever.
    this.out.emit('drain');
  }

  /** Writes into the archive, waiting while the client is behind. */
  private async write(bytes: Buffer): Promise<void> {
    if (this.stopped) throw new DossierAborted();
    this.cursor += bytes.length;
    if (this.out.write(bytes)) return;
    await drained(this.out);
    if (this.stopped) throw new DossierAborted();
  }

  /** Keeps the entry's central directory record, packed into the current slab. */
  private remember(entry: WrittenEntry): void {
    const size = centralRecordSize(entry);
    if (this.slabUsed + size > this.slab.length) {
      this.slabs.push(this.slab.subarray(0, this.slabUsed));
      this.slab = Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, size));
      this.slabUsed = 0;
    }
    writeCentralRecord(entry, this.slab, this.slabUsed);
    this.slabUsed += size;
    this.entries += 1;
  }
}

/**
 * Resolves once `stream` has room again, or is closed (the client went away): the dossier's every
 * writer waits on this rather than buffering. Both listeners go once either fires, so thousands of
 * waits leave none behind (events.once would leave the loser attached until the stream closes).
 */
export function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/** The client went away: the dossier's work stops where it is. */
export class DossierAborted extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'DossierAborted';
  }
}
