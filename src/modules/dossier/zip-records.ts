import { TZDate } from '@date-fns/tz';

/*
 * The records of a streamed ZIP (PKWARE's APPNOTE.TXT 6.3.x, https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT),
 * laid out as yazl (https://github.com/thejoshwolfe/yazl) lays them out, which Windows' Explorer,
 * macOS's Archive Utility, 7-Zip and Info-ZIP read: sizes and CRC after the data (bit 3, a data
 * descriptor), names in UTF-8 (bit 11, so Explorer shows the Chinese), ZIP64 fields only where a
 * size or an offset needs them (the whole plan's 台账 is tens of GiB), no extra fields otherwise.
 */

const UTF8_NAMES = 1 << 11;
const SIZES_AFTER_DATA = 1 << 3;
const FLAGS = UTF8_NAMES | SIZES_AFTER_DATA;
const VERSION_UTF8 = 20;
const VERSION_ZIP64 = 45;
/** Made by: 3 = Unix (so the external attributes are a Unix mode), spec 6.3. */
const VERSION_MADE_BY = (3 << 8) | 63;
/** A regular file, rw-rw-r--, as a Unix mode in the high 16 bits. */
const FILE_ATTRIBUTES = (0o100664 << 16) >>> 0;
const MAX_32 = 0xfffffffe;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_RECORD_SIZE = 46;
const ZIP64_EXTRA_SIZE = 28;

export interface DosTime {
  time: number;
  date: number;
}

/** What the central directory needs of an entry once its data is written. */
export interface WrittenEntry {
  name: Buffer;
  method: 0 | 8;
  dos: DosTime;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  offset: number;
}

/** An entry needs the ZIP64 fields when a size or its offset does not fit 32 bits (yazl's rule). */
export const needsZip64 = (entry: Pick<WrittenEntry, 'compressedSize' | 'uncompressedSize' | 'offset'>) =>
  entry.compressedSize > MAX_32 || entry.uncompressedSize > MAX_32 || entry.offset > MAX_32;

function writeUInt64(buffer: Buffer, value: number, at: number): void {
  buffer.writeUInt32LE(value % 0x100000000, at);
  buffer.writeUInt32LE(Math.floor(value / 0x100000000), at + 4);
}

/**
 * A ZIP entry's time is a DOS date and time with no zone (APPNOTE 4.4.6): the wall-clock time in
 * `timeZone`, so Explorer in Shanghai shows 17:00 for a report sent at 17:00 there, whatever the
 * server's zone. Clamped to what the format holds (1980 to 2107).
 */
export function dosTime(instant: Date, timeZone: string): DosTime {
  const wall = new TZDate(instant.getTime(), timeZone);
  const year = Math.min(Math.max(wall.getFullYear(), 1980), 2107);
  const inRange = year === wall.getFullYear();
  const [month, day, hours, minutes, seconds] = inRange
    ? [wall.getMonth() + 1, wall.getDate(), wall.getHours(), wall.getMinutes(), wall.getSeconds()]
    : year === 1980
      ? [1, 1, 0, 0, 0]
      : [12, 31, 23, 59, 58];
  return { date: ((year - 1980) << 9) | (month << 5) | day, time: (hours << 11) | (minutes << 5) | Math.floor(seconds / 2) };
}

/** The local file header: CRC and sizes are zero here, they follow the data (bit 3). */
export function localHeader(name: Buffer, method: 0 | 8, dos: DosTime): Buffer {
  const header = Buffer.alloc(LOCAL_HEADER_SIZE + name.length);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(VERSION_UTF8, 4);
  header.writeUInt16LE(FLAGS, 6);
  header.writeUInt16LE(method, 8);
  header.writeUInt16LE(dos.time, 10);
  header.writeUInt16LE(dos.date, 12);
  header.writeUInt16LE(name.length, 26);
  name.copy(header, LOCAL_HEADER_SIZE);
  return header;
}

/** The data descriptor after an entry's data: 16 bytes, or 24 with 64-bit sizes. */
export function dataDescriptor(entry: WrittenEntry): Buffer {
  const zip64 = needsZip64(entry);
  const descriptor = Buffer.alloc(zip64 ? 24 : 16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(entry.crc32, 4);
  if (zip64) {
    writeUInt64(descriptor, entry.compressedSize, 8);
    writeUInt64(descriptor, entry.uncompressedSize, 16);
  } else {
    descriptor.writeUInt32LE(entry.compressedSize, 8);
    descriptor.writeUInt32LE(entry.uncompressedSize, 12);
  }
  return descriptor;
}

export const centralRecordSize = (entry: WrittenEntry) => CENTRAL_RECORD_SIZE + entry.name.length + (needsZip64(entry) ? ZIP64_EXTRA_SIZE : 0);

/** Writes the entry's central directory record into `target` at `at` (centralRecordSize bytes). */
export function writeCentralRecord(entry: WrittenEntry, target: Buffer, at: number): void {
  const zip64 = needsZip64(entry);
  target.fill(0, at, at + CENTRAL_RECORD_SIZE);
  target.writeUInt32LE(0x02014b50, at);
  target.writeUInt16LE(VERSION_MADE_BY, at + 4);
  target.writeUInt16LE(zip64 ? VERSION_ZIP64 : VERSION_UTF8, at + 6);
  target.writeUInt16LE(FLAGS, at + 8);
  target.writeUInt16LE(entry.method, at + 10);
  target.writeUInt16LE(entry.dos.time, at + 12);
  target.writeUInt16LE(entry.dos.date, at + 14);
  target.writeUInt32LE(entry.crc32, at + 16);
  target.writeUInt32LE(zip64 ? 0xffffffff : entry.compressedSize, at + 20);
  target.writeUInt32LE(zip64 ? 0xffffffff : entry.uncompressedSize, at + 24);
  target.writeUInt16LE(entry.name.length, at + 28);
  target.writeUInt16LE(zip64 ? ZIP64_EXTRA_SIZE : 0, at + 30);
  target.writeUInt32LE(FILE_ATTRIBUTES, at + 38);
  target.writeUInt32LE(zip64 ? 0xffffffff : entry.offset, at + 42);
  entry.name.copy(target, at + CENTRAL_RECORD_SIZE);
  if (!zip64) return;
  const extra = at + CENTRAL_RECORD_SIZE + entry.name.length;
  target.writeUInt16LE(0x0001, extra);
  target.writeUInt16LE(ZIP64_EXTRA_SIZE - 4, extra + 2);
  writeUInt64(target, entry.uncompressedSize, extra + 4);
  writeUInt64(target, entry.compressedSize, extra + 12);
  writeUInt64(target, entry.offset, extra + 20);
}

/** The end of the archive: the ZIP64 end record and locator when counts, size or offset need them, then the classic end record. */
export function endOfCentralDirectory(entries: number, directoryOffset: number, directorySize: number): Buffer {
  const [manyEntries, bigDirectory, farDirectory] = [entries >= 0xffff, directorySize >= 0xffffffff, directoryOffset >= 0xffffffff];
  const zip64 = manyEntries || bigDirectory || farDirectory;
  // Each field that does not fit says so (all ones) and the ZIP64 end record holds it.
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(manyEntries ? 0xffff : entries, 8);
  end.writeUInt16LE(manyEntries ? 0xffff : entries, 10);
  end.writeUInt32LE(bigDirectory ? 0xffffffff : directorySize, 12);
  end.writeUInt32LE(farDirectory ? 0xffffffff : directoryOffset, 16);
  if (!zip64) return end;
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  writeUInt64(record, 56 - 12, 4);
  record.writeUInt16LE(VERSION_MADE_BY, 12);
  record.writeUInt16LE(VERSION_ZIP64, 14);
  writeUInt64(record, entries, 24);
  writeUInt64(record, entries, 32);
  writeUInt64(record, directorySize, 40);
  writeUInt64(record, directoryOffset, 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  writeUInt64(locator, directoryOffset + directorySize, 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([record, locator, end]);
}
