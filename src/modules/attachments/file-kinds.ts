import { fileTypeFromBuffer } from 'file-type';
import { zipEntryNames } from './zip-entries.js';

/**
 * The kinds of evidence a unit may attach, decided by the content (magic bytes), never by the name
 * or the Content-Type the client sends: a renamed .exe stays an .exe.
 */
export interface FileKind {
  /** The extension a file of this kind is saved with. */
  ext: string;
  mediaType: string;
  /** Extensions a name may already end with (a name ending otherwise gets `.ext` added). */
  names: readonly string[];
}

const kind = (ext: string, mediaType: string, names: readonly string[] = [ext]): FileKind => ({ ext, mediaType, names });

export const PDF = kind('pdf', 'application/pdf');
export const JPEG = kind('jpg', 'image/jpeg', ['jpg', 'jpeg', 'jpe']);
export const PNG = kind('png', 'image/png');
/** GB/T 33190-2016 版式文档 (OFD): a ZIP package whose root holds OFD.xml. */
export const OFD = kind('ofd', 'application/ofd');
export const DOCX = kind('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
export const XLSX = kind('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');

/**
 * The OLE2 compound file (Office 97–2003 and WPS Office's own formats): the content says only
 * "compound file", which installers (.msi) and Outlook messages are too, so the name must say
 * which document it is.
 */
const COMPOUND_FILE_TYPES: Record<string, string> = {
  doc: 'application/msword',
  dot: 'application/msword',
  xls: 'application/vnd.ms-excel',
  xlt: 'application/vnd.ms-excel',
  wps: 'application/vnd.ms-works',
  wpt: 'application/vnd.ms-works',
  et: 'application/vnd.ms-excel',
  ett: 'application/vnd.ms-excel',
};

/** What the README and the 415 message list. */
export const ALLOWED_KINDS_TEXT = { en: 'PDF, JPEG, PNG, OFD, DOC/XLS/WPS/ET, DOCX or XLSX', zh: 'PDF、JPEG、PNG、OFD、DOC/XLS/WPS/ET、DOCX 或 XLSX' };

export type Detection =
  /** An allowed kind. */
  | { outcome: 'allowed'; kind: FileKind }
  /** A ZIP whose entries at the start did not say what it is: the central directory at the end decides. */
  | { outcome: 'zip' }
  /** Not allowed: `detected` names what it is, or null when nothing was recognised (text, say). */
  | { outcome: 'refused'; detected: string | null };

/** Decides from the first bytes of a file (up to a chunk; the whole file when it is smaller). */
export async function detectKind(head: Uint8Array, fileName: string): Promise<Detection> {
  const found = await fileTypeFromBuffer(head);
  if (!found) return { outcome: 'refused', detected: null };
  switch (found.ext) {
    case 'pdf':
      return { outcome: 'allowed', kind: PDF };
    case 'jpg':
      return { outcome: 'allowed', kind: JPEG };
    case 'png':
      return { outcome: 'allowed', kind: PNG };
    case 'docx':
      return { outcome: 'allowed', kind: DOCX };
    case 'xlsx':
      return { outcome: 'allowed', kind: XLSX };
    case 'cfb': {
      const ext = extensionOf(fileName);
      const mediaType = COMPOUND_FILE_TYPES[ext];
      if (!mediaType) return { outcome: 'refused', detected: 'an OLE2 compound file not named .doc, .xls, .wps or .et' };
      return { outcome: 'allowed', kind: kind(ext, mediaType) };
    }
    case 'zip': {
      const first = zipEntryNames(head, 'local')[0];
      return first === 'OFD.xml' ? { outcome: 'allowed', kind: OFD } : { outcome: 'zip' };
    }
    default:
      return { outcome: 'refused', detected: `${found.mime} (.${found.ext})` };
  }
}

/** A ZIP decided by its central directory (the last bytes of the file): OFD, DOCX or XLSX, else refused. */
export function detectZipKind(tail: Uint8Array): Detection {
  const names = new Set(zipEntryNames(tail, 'central'));
  // Macro-enabled documents (.docm, .xlsm) carry VBA; they are not evidence anyone needs.
  if ([...names].some((name) => name.endsWith('vbaProject.bin'))) return { outcome: 'refused', detected: 'a macro-enabled Office document' };
  if (names.has('OFD.xml')) return { outcome: 'allowed', kind: OFD };
  if (names.has('[Content_Types].xml') && names.has('word/document.xml')) return { outcome: 'allowed', kind: DOCX };
  if (names.has('[Content_Types].xml') && names.has('xl/workbook.xml')) return { outcome: 'allowed', kind: XLSX };
  return { outcome: 'refused', detected: 'application/zip (.zip)' };
}

const extensionOf = (name: string) => /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';

/** The longest name kept, in characters (file systems allow 255 bytes; a Chinese character is 3 in UTF-8). */
export const FILE_NAME_MAX = 80;

/**
 * A file name as the client sent it, made safe to store and to hand back in Content-Disposition
 * and ZIP entries: the last path segment only, without control, bidirectional-override or
 * Windows-reserved characters, at most FILE_NAME_MAX characters (the extension kept), and ending
 * in an extension of its detected kind. An empty name becomes 附件.<ext>.
 */
export function safeFileName(sent: string, fileKind: FileKind): string {
  const segment = sent.split(/[\\/]/).pop() ?? '';
  let name = segment
    // C0, DEL, C1, bidi embeddings/overrides/isolates and marks, the BOM, lone surrogates.
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^[.\s]+|[.\s]+$/g, '');
  if (!fileKind.names.includes(extensionOf(name))) name = name === '' ? `附件.${fileKind.ext}` : `${name}.${fileKind.ext}`;
  const characters = [...name];
  if (characters.length <= FILE_NAME_MAX) return name;
  const ext = `.${extensionOf(name)}`;
  return `${characters.slice(0, FILE_NAME_MAX - ext.length).join('').trimEnd()}${ext}`;
}
