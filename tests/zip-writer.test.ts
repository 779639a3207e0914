import { PassThrough, Readable } from 'node:stream';
import { buffer as readAll } from 'node:stream/consumers';
import { describe, expect, it, vi } from 'vitest';
import { ZipFile } from 'yazl';
import { DossierAborted, ZipWriter } from '../src/modules/dossier/zip-writer.js';
import { centralRecordSize, writeCentralRecord } from '../src/modules/dossier/zip-records.js';
import { readZip } from './helpers/zip.js';

/*
 * The dossier's own streaming ZIP writer (src/modules/dossier/zip-writer.ts) against yazl, whose
 * layout it follows and which Explorer, Archive Utility, 7-Zip and Info-ZIP read: the same entries
 * give the same bytes. Then what the dossier test cannot reach at its size: ZIP64 records.
 */

// yazl writes DOS times from the Date's local fields: in this process's own zone the two agree.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const mtime = new Date(2017, 9, 10, 17, 3, 27);

const ENTRIES: { name: string; content: Buffer; compress: boolean; stream: boolean }[] = [
  { name: '索引.xlsx', content: Buffer.from('PK\u0003\u0004 not really a workbook'), compress: false, stream: true },
  { name: '2017年第三季度/市安全监管局/报告.docx', content: Buffer.from('报告正文 '.repeat(5000)), compress: true, stream: false },
  { name: '2017年第三季度/市安全监管局/附件/监管人员配备(2).pdf', content: Buffer.alloc(300_000, 7), compress: false, stream: true },
  { name: '2017年第三季度/市安全监管局/附件/空.pdf', content: Buffer.alloc(0), compress: false, stream: false },
  { name: '审计记录.csv', content: Buffer.from('时间,操作\n'.repeat(20_000)), compress: true, stream: true },
];

/** A stream of the content in 16 KiB pieces, as the database and exceljs give them. */
const pieces = (content: Buffer) => Readable.from(Array.from({ length: Math.ceil(content.length / 16384) }, (_, index) => content.subarray(index * 16384, (index + 1) * 16384)));

async function withYazl(): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of ENTRIES) {
    zip.addReadStreamLazy(entry.name, { compressionLevel: entry.compress ? 1 : 0, mtime, forceDosTimestamp: true }, (callback) => callback(null, Readable.from([entry.content])));
  }
  zip.end();
  return readAll(zip.outputStream);
}

async function withZipWriter(): Promise<Buffer> {
  const zip = new ZipWriter(new AbortController().signal, zone);
  const bytes = readAll(zip.output);
  for (const entry of ENTRIES) await zip.add(entry.name, entry.stream ? pieces(entry.content) : entry.content, { compress: entry.compress, mtime });
  await zip.finish();
  return bytes;
}

describe('the dossier’s ZIP writer', () => {
  it('writes, for the same entries, the same bytes as yazl', async () => {
    const [ours, theirs] = await Promise.all([withZipWriter(), withYazl()]);
    expect(ours.length).toBe(theirs.length);
    expect(ours.equals(theirs)).toBe(true);
  });

  it('gives back every entry, its UTF-8 name flagged and its content intact', async () => {
    const entries = await readZip(await withZipWriter());
    expect(entries.map((entry) => entry.name)).toEqual(ENTRIES.map((entry) => entry.name));
    for (const [index, entry] of entries.entries()) {
      expect(entry.flags & 0x800, entry.name).toBe(0x800);
      expect(entry.data.equals(ENTRIES[index]!.content), entry.name).toBe(true);
      expect(entry.compressionMethod).toBe(ENTRIES[index]!.compress ? 8 : 0);
    }
  });

  it('with 65,535 entries or more, ends with the ZIP64 end records that readers need to find them all', async () => {
    const zip = new ZipWriter(new AbortController().signal, zone);
    const bytes = readAll(zip.output);
    const count = 0x10000 + 5;
    for (let index = 0; index < count; index += 1) await zip.add(`附件/${index}.pdf`, Buffer.from(String(index)), { compress: false, mtime });
    await zip.finish();
    const archive = await bytes;
    const entries = await readZip(archive);
    expect(entries).toHaveLength(count);
    expect(entries.at(-1)).toMatchObject({ name: `附件/${count - 1}.pdf` });
    expect(entries.at(-1)!.data.toString()).toBe(String(count - 1));
    // The classic end record says "see ZIP64" for the count; the ZIP64 record holds it.
    expect(archive.readUInt16LE(archive.length - 22 + 10)).toBe(0xffff);
    const zip64End = archive.length - 22 - 20 - 56;
    expect(archive.readUInt32LE(zip64End)).toBe(0x06064b50);
    expect(Number(archive.readBigUInt64LE(zip64End + 32))).toBe(count);
  }, 120_000);

  it('writes an entry past 4 GiB with the ZIP64 extra field: 64-bit sizes and offset, all-ones in the 32-bit fields', () => {
    const entry = { name: Buffer.from('附件/大.pdf'), method: 0 as const, dos: { time: 0, date: 0 }, crc32: 0x1234abcd, compressedSize: 5 * 2 ** 30, uncompressedSize: 5 * 2 ** 30, offset: 6 * 2 ** 30 };
    const record = Buffer.alloc(centralRecordSize(entry));
    writeCentralRecord(entry, record, 0);
    expect(record.length).toBe(46 + entry.name.length + 28);
    expect(record.readUInt16LE(6)).toBe(45);
    expect([record.readUInt32LE(20), record.readUInt32LE(24), record.readUInt32LE(42)]).toEqual([0xffffffff, 0xffffffff, 0xffffffff]);
    const extra = 46 + entry.name.length;
    expect([record.readUInt16LE(extra), record.readUInt16LE(extra + 2)]).toEqual([1, 24]);
    expect([extra + 4, extra + 12, extra + 20].map((at) => Number(record.readBigUInt64LE(at)))).toEqual([5 * 2 ** 30, 5 * 2 ** 30, 6 * 2 ** 30]);
  });

  it('when the client goes away during an entry, rejects with DossierAborted and destroys the entry’s source', async () => {
    const controller = new AbortController();
    const zip = new ZipWriter(controller.signal, zone);
    // Nobody reads the output: the entry waits on the client, as a slow download would.
    const source = new Readable({ read() { this.push(Buffer.alloc(64 * 1024)); } });
    const adding = zip.add('附件/大.pdf', source, { compress: false });
    await vi.waitFor(() => expect((zip.output as PassThrough).writableNeedDrain).toBe(true));
    controller.abort();
    await expect(adding).rejects.toBeInstanceOf(DossierAborted);
    expect(source.destroyed).toBe(true);
    expect(zip.aborted).toBe(true);
    await expect(zip.add('审计记录.csv', Buffer.from('x'), { compress: true })).rejects.toBeInstanceOf(DossierAborted);
  });
});
