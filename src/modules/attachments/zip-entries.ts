/*
 * Entry names of a ZIP file (APPNOTE.TXT 6.3.10, https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT)
 * read from part of its bytes: the local file headers at the start, or the central directory at
 * the end. Enough to tell an OFD package (OFD.xml) or an Office document from any other ZIP
 * without unpacking anything.
 */

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const END_RECORD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Bit 3: sizes follow the data, so the next local header cannot be found from this one. */
const DATA_DESCRIPTOR_FLAG = 0x08;

const decoder = new TextDecoder('utf-8', { fatal: false });

/** `local`: `bytes` is the start of the file; `central`: its end. Names that do not fit in `bytes` are left out. */
export function zipEntryNames(bytes: Uint8Array, where: 'local' | 'central'): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return where === 'local' ? localNames(bytes, view) : centralNames(bytes, view);
}

function localNames(bytes: Uint8Array, view: DataView): string[] {
  const names: string[] = [];
  let offset = 0;
  while (offset + 30 <= bytes.length && view.getUint32(offset, true) === LOCAL_HEADER) {
    const flags = view.getUint16(offset + 6, true);
    const compressedSize = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    if (offset + 30 + nameLength > bytes.length) break;
    names.push(decoder.decode(bytes.subarray(offset + 30, offset + 30 + nameLength)));
    if (flags & DATA_DESCRIPTOR_FLAG) break;
    offset += 30 + nameLength + extraLength + compressedSize;
  }
  return names;
}

function centralNames(bytes: Uint8Array, view: DataView): string[] {
  const end = findEndRecord(bytes, view);
  if (end < 0) return [];
  const size = view.getUint32(end + 12, true);
  // The central directory ends where the end record starts (no ZIP64, nothing between them).
  let offset = end - size;
  if (offset < 0) return [];
  const names: string[] = [];
  while (offset + 46 <= end && view.getUint32(offset, true) === CENTRAL_HEADER) {
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (offset + 46 + nameLength > end) break;
    names.push(decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength)));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/** The end-of-central-directory record, searched backwards over the longest possible comment. */
function findEndRecord(bytes: Uint8Array, view: DataView): number {
  const last = bytes.length - END_RECORD_SIZE;
  for (let offset = last; offset >= 0 && offset >= last - MAX_COMMENT; offset--) {
    if (view.getUint32(offset, true) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  return -1;
}
