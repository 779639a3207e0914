import yauzl from 'yauzl';

export interface ZipEntry {
  name: string;
  /** The general purpose bit flag of the central directory record (APPNOTE 4.4.4): bit 11 is UTF-8 names. */
  flags: number;
  /** 0 stored, 8 deflated. */
  compressionMethod: number;
  /** DOS time and date as written (no zone). */
  dosTime: { hour: number; minute: number; day: number; month: number; year: number };
  data: Buffer;
}

/** Every entry of a ZIP in archive order, read with yauzl (which refuses absolute and `..` paths). */
export function readZip(body: Buffer): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(body, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (error, zip) => {
      if (error) return reject(error);
      const entries: ZipEntry[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            const time = entry.lastModFileTime;
            const date = entry.lastModFileDate;
            entries.push({
              name: entry.fileName,
              flags: entry.generalPurposeBitFlag,
              compressionMethod: entry.compressionMethod,
              dosTime: { hour: time >> 11, minute: (time >> 5) & 0x3f, day: date & 0x1f, month: (date >> 5) & 0x0f, year: (date >> 9) + 1980 },
              data: Buffer.concat(chunks),
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
