import { TZDate } from '@date-fns/tz';
import { formatInZone } from '../modules/periods/deadlines.js';

/*
 * Sizes for spreadsheets that print well. exceljs neither measures text nor sizes rows, and Excel
 * only re-fits a row's height when someone edits it, so the workbook carries its own estimates:
 * widths in Excel's unit (the width of one digit of the default 11 pt font), heights in points.
 */

/** Excel's largest row height, in points. */
export const MAX_ROW_HEIGHT = 409;
/**
 * One line of 11 pt text, in points: Excel's default row is 15 pt, but CJK fonts set lines wider
 * (Noto Sans CJK, what LibreOffice and WPS fall back to, about 1.45 em: 16 pt).
 */
export const LINE_HEIGHT = 16;
/** Columns never get narrower than this, so a short header still reads on one or two lines. */
export const MIN_COLUMN_WIDTH = 6;
/** A column without a declared width grows to at most this. */
export const DEFAULT_MAX_COLUMN_WIDTH = 20;

/*
 * East Asian wide and full-width characters (Unicode UAX #11: W and F) take two digit widths
 * (an 11 pt Chinese glyph is 14.7 px, a Calibri 11 digit 7 px), and so do the ambiguous ones
 * Chinese text uses (“”‘’ — … · ×), which Chinese fonts draw full width.
 */
const WIDE =
  /[\u00b7\u00d7\u2010-\u2027\u2030-\u203e\u2460-\u24ff\u2500-\u27bf\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;

const charWidth = (character: string) => (WIDE.test(character) ? 2 : 1);

/** How many digit widths `text` takes on one line. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += charWidth(character);
  return width;
}

/**
 * Lines `text` wraps to in a column `width` wide, each paragraph on its own lines: filled
 * character by character as a spreadsheet wraps Chinese (a wide character that does not fit
 * starts the next line), with about one digit of the column kept as cell padding.
 */
export function linesIn(text: string, width: number): number {
  const usable = Math.max(2, width - 1);
  let lines = 0;
  for (const paragraph of text.split('\n')) {
    let used = 0;
    lines += 1;
    for (const character of paragraph) {
      const size = charWidth(character);
      if (used + size > usable) {
        lines += 1;
        used = 0;
      }
      used += size;
    }
  }
  return lines;
}

/** A column's width: as wide as its longest line (header included), within [MIN_COLUMN_WIDTH, declared maximum]. */
export function fitWidth(texts: readonly string[], maximum = DEFAULT_MAX_COLUMN_WIDTH): number {
  // A loop, not Math.max(...): a column of a large campaign has more cells than a call takes arguments.
  let longest = 0;
  for (const text of texts) for (const line of text.split('\n')) longest = Math.max(longest, displayWidth(line));
  return Math.min(Math.max(longest + 2, MIN_COLUMN_WIDTH), Math.max(maximum, MIN_COLUMN_WIDTH));
}

/** The height that shows every line of the row's cells, in points, up to Excel's maximum. */
export function rowHeight(cells: readonly { text: string; width: number }[], lineHeight = LINE_HEIGHT): number {
  const lines = Math.max(1, ...cells.map((cell) => (cell.text === '' ? 1 : linesIn(cell.text, cell.width))));
  return Math.min(MAX_ROW_HEIGHT, lines * lineHeight + 3);
}

/**
 * A spreadsheet cell has no time zone: exceljs writes a Date as the serial number of its UTC
 * fields. So an instant is written as the Date whose UTC fields are its wall-clock time in
 * `timeZone`, and the office reads the time it knows (17:00 in Shanghai, not 09:00 UTC).
 */
export function wallClock(instant: Date, timeZone: string): Date {
  const local = new TZDate(instant.getTime(), timeZone);
  return new Date(Date.UTC(local.getFullYear(), local.getMonth(), local.getDate(), local.getHours(), local.getMinutes(), local.getSeconds()));
}

/** An instant as the office reads it on paper: `2018-07-06 17:00`, in `timeZone`. */
export const minutesInZone = (instant: Date, timeZone: string) => formatInZone(instant, timeZone).slice(0, 16).replace('T', ' ');

/** The first `max` characters of `text` (code points, so no surrogate pair is split), then … if any were cut. */
export function truncate(text: string, max: number): string {
  const characters = Array.from(text);
  return characters.length <= max ? text : `${characters.slice(0, max).join('')}…`;
}

/** At most `length` characters of `text`, … included (a long 具体任务 in a narrow column). */
export const shorten = (text: string, length: number) => (Array.from(text).length <= length ? text : truncate(text, length - 1));
