import { randomBytes } from 'node:crypto';
import { deflateSync, crc32 } from 'node:zlib';
import { Document, Packer, Paragraph } from 'docx';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';

/*
 * Small but valid files of each kind an attachment may be, built here rather than committed, and
 * a multipart/form-data body to send them in.
 */

/** A one-page PDF with a correct cross-reference table. `text` varies the content (and so the hash). */
export function pdf(text = 'hazchem'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>',
  ];
  const stream = `BT /F1 12 Tf 20 100 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  objects.push(`<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`);
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

const pngChunk = (type: string, data: Buffer) => {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
};

/** A 1×1 grey PNG. */
export function png(grey = 128): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.from([0, grey]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * An 8×8 grey baseline JPEG (ITU T.81): one component, quantisation all ones, a DC table and an AC
 * table of one code each, and a scan of one block with DC difference 0 and end-of-block.
 */
export function jpeg(): Buffer {
  const segment = (marker: number, data: number[]) => [0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...data];
  const oneCodeTable = (tableClass: number) => [(tableClass << 4) | 0, 1, ...new Array(15).fill(0), 0x00];
  return Buffer.from([
    0xff, 0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0x00, ...new Array(64).fill(1)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, oneCodeTable(0)),
    ...segment(0xc4, oneCodeTable(1)),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x3f,
    0xff, 0xd9,
  ]);
}

export async function docx(text = '佐证材料'): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph(text)] }] }));
}

export async function xlsx(value = '佐证材料'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.addWorksheet('Sheet1').getCell('A1').value = value;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** An OLE2 compound file (MS-CFB): the 512-byte header and one empty sector, as Word 97–2003 and WPS files start. */
export function ole2(): Buffer {
  const header = Buffer.alloc(1024, 0);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x003e, 24); // minor version
  header.writeUInt16LE(0x0003, 26); // major version 3: 512-byte sectors
  header.writeUInt16LE(0xfffe, 28); // little-endian
  header.writeUInt16LE(9, 30); // sector shift
  header.writeUInt16LE(6, 32); // mini sector shift
  header.writeUInt32LE(0x1000, 56); // mini stream cut-off
  header.fill(0xff, 76, 512); // no more FAT sectors
  return header;
}

/**
 * An OFD package (GB/T 33190-2016): OFD.xml at the root, naming its document. `ofdFirst` false puts
 * it last, so only the central directory tells.
 */
export async function ofd(ofdFirst = true): Promise<Buffer> {
  const zip = new JSZip();
  const entry = () => zip.file('OFD.xml', '<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>');
  if (ofdFirst) entry();
  zip.file('Doc_0/Document.xml', '<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData></ofd:Document>');
  if (!ofdFirst) entry();
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** A ZIP of anything else. */
export async function plainZip(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('readme.txt', 'not evidence');
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** The start of a Windows executable (MZ … PE). */
export function exe(): Buffer {
  const bytes = Buffer.alloc(512, 0);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}

/** A PDF of exactly `size` bytes (its header, then random bytes): big files without a big fixture. */
export function pdfOfSize(size: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  return Buffer.concat([head, randomBytes(size - head.length)]);
}

export interface FilePart {
  fileName: string;
  content: Buffer;
  /** What the client claims; the service ignores it. */
  contentType?: string;
}

/** A multipart/form-data body: `parts` in order, strings as fields and FileParts as the file. */
export function multipart(parts: Array<[string, string | FilePart]>): { payload: Buffer; headers: { 'content-type': string } } {
  const boundary = `----hazchem${randomBytes(8).toString('hex')}`;
  const pieces: Buffer[] = [];
  for (const [name, value] of parts) {
    if (typeof value === 'string') {
      pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    } else {
      const encoded = value.fileName.replace(/"/g, '%22');
      pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${encoded}"\r\nContent-Type: ${value.contentType ?? 'application/octet-stream'}\r\n\r\n`));
      pieces.push(value.content, Buffer.from('\r\n'));
    }
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(pieces), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The same body with only the file field and a name: the common case. */
export const fileForm = (fileName: string, content: Buffer, fields: Array<[string, string]> = []) => multipart([...fields, ['file', { fileName, content }]]);
