/*
 * Names inside the dossier's ZIP. A name made of user text (a unit's name, an uploaded file's
 * name) is one path component: it cannot climb out of the folder it is put in (`..`), make a
 * folder of its own (`/`, `\`), hide its extension (bidirectional overrides, as in
 * `报告\u202Efdp.exe`), or stop Windows from extracting it (`<>:"|?*`, a trailing dot or space,
 * a device name such as CON or NUL). Names are Unicode NFC, so the same name typed on a Mac and
 * on Windows is one name.
 */

/** Control characters (C0, DEL, C1) and the invisible format characters that reorder or hide text. */
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/g;
/** Separators and what Windows refuses in a file name (https://learn.microsoft.com/windows/win32/fileio/naming-a-file). */
const RESERVED = /[/\\<>:"|?*]/g;
const DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
/** Bytes of a name's UTF-8: file systems take 255; the rest is room for `(2)`. */
const MAX_BYTES = 240;

/** One safe path component from user text; `fallback` when nothing printable is left. */
export function safeComponent(raw: string, fallback = '未命名'): string {
  let name = raw.normalize('NFC').replace(INVISIBLE, '').replace(RESERVED, '_').trim();
  name = name.replace(/[. ]+$/, '');
  if (/^\.+$/.test(name) || name === '') name = fallback;
  if (DEVICE.test(name)) name = `_${name}`;
  return clip(name);
}

/** Cuts a name to MAX_BYTES of UTF-8 keeping its extension (code points, never half a character). */
function clip(name: string): string {
  if (Buffer.byteLength(name) <= MAX_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const characters = Array.from(name.slice(0, name.length - extension.length));
  let stem = '';
  for (const character of characters) {
    if (Buffer.byteLength(stem + character + extension) > MAX_BYTES) break;
    stem += character;
  }
  return stem + extension;
}

/**
 * Names within one folder, each given once: a second `名称.pdf` becomes `名称(2).pdf`, then
 * `名称(3).pdf`. Compared case-insensitively, as Windows and macOS file systems do.
 */
export class FolderNames {
  private readonly used = new Set<string>();

  take(name: string): string {
    const dot = name.lastIndexOf('.');
    const [stem, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    let candidate = name;
    for (let n = 2; this.used.has(candidate.toLowerCase()); n += 1) candidate = `${stem}(${n})${extension}`;
    this.used.add(candidate.toLowerCase());
    return candidate;
  }
}
