import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { TZDate } from '@date-fns/tz';
import { ZipFile } from 'yazl';

/*
 * The dossier's ZIP, written with yazl (https://github.com/thejoshwolfe/yazl). yazl sets the
 * general purpose flag's bit 11 (language encoding, APPNOTE.TXT 4.4.4 and appendix D) on every
 * entry, so Windows' Explorer and 7-Zip read the names as UTF-8 and show the Chinese. Entries are
 * added one at a time and each is pumped through before the next is made: the reader of `output`
 * sets the pace (back-pressure), and only the entry being written is in memory. What stays is the
 * central directory, a few hundred bytes per entry, which a ZIP must end with (see unpoolLastName).
 */

export interface EntryOptions {
  /** Deflate the entry (text, the documents, stored inside); false stores it as it is (XLSX and attachments: compressed already, or binary). */
  compress: boolean;
  mtime?: Date;
}

export class ZipWriter {
  private readonly zip = new ZipFile();
  /** The archive's bytes, to be piped to the client. */
  readonly output = this.zip.outputStream as Readable;
  private current: Readable | null = null;
  private stopped = false;

  /** `timeZone`: the zone whose wall-clock time the entries' DOS timestamps show (they carry no zone). */
  constructor(
    signal: AbortSignal,
    private readonly timeZone: string,
  ) {
    // The output is destroyed when the client goes away; yazl may still write a header into it.
    this.output.on('error', () => undefined);
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
    const mtime = dosTime(options.mtime ?? new Date(), this.timeZone);
    // Level 1: a third of level 6's time for 20 % more bytes, on thousands of small documents.
    // yazl keeps this callback with the entry until the end (for the central directory): it must
    // not keep the stream, or every document made would stay in memory.
    let pending: Readable | null = source;
    this.zip.addReadStreamLazy(name, { compressionLevel: options.compress ? 1 : 0, mtime, forceDosTimestamp: true }, (callback) => {
      const stream = pending!;
      pending = null;
      callback(null, stream);
    });
    this.unpoolLastName();
    try {
      await finished(source);
    } catch (error) {
      throw this.stopped ? new DossierAborted() : error;
    } finally {
      this.current = null;
    }
    if (this.stopped) throw new DossierAborted();
  }

  /**
   * yazl encodes each entry's name with Buffer.from, a slice of Node's shared 8 KiB buffer pool,
   * and keeps it until the central directory: each small slice keeps its whole slab alive, which
   * made ~150 MiB for 30,000 entries. An exact-size copy of its own keeps a few dozen bytes.
   */
  private unpoolLastName(): void {
    const entries = (this.zip as unknown as { entries?: { utf8FileName?: unknown }[] }).entries;
    const entry = entries?.[entries.length - 1];
    if (!entry || !Buffer.isBuffer(entry.utf8FileName)) return;
    const own = Buffer.allocUnsafeSlow(entry.utf8FileName.length);
    entry.utf8FileName.copy(own);
    entry.utf8FileName = own;
  }

  /** Writes the central directory and ends the output. */
  async finish(): Promise<void> {
    if (this.stopped) throw new DossierAborted();
    this.zip.end();
    await finished(this.output, { readable: true, writable: false }).catch((error: unknown) => {
      if (!this.stopped) throw error;
    });
  }

  /** Stops: the entry being read is destroyed (releasing what feeds it) and the output is cut. */
  fail(error: Error): void {
    this.stop();
    this.output.destroy(error);
  }

  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.current?.destroy(new DossierAborted());
  }
}

/**
 * A ZIP entry's time is a DOS date and time with no zone (APPNOTE 4.4.6), which yazl takes from
 * the Date's fields in the process's zone: so the Date given is the one whose local fields are the
 * wall-clock time in `timeZone`, and Explorer in Shanghai shows 17:00 for a report sent at 17:00
 * there, whatever the server's zone. Without the UT extra field, no tool shifts it again.
 */
function dosTime(instant: Date, timeZone: string): Date {
  const wall = new TZDate(instant.getTime(), timeZone);
  return new Date(wall.getFullYear(), wall.getMonth(), wall.getDate(), wall.getHours(), wall.getMinutes(), wall.getSeconds());
}

/** The client went away: the dossier's work stops where it is. */
export class DossierAborted extends Error {
  constructor() {
    super('the client closed the connection');
    this.name = 'DossierAborted';
  }
}
