import type ExcelJS from 'exceljs';
import type { Cell, Sheet } from './exports.js';
import { DEFAULT_MAX_COLUMN_WIDTH, fitWidth, LINE_HEIGHT, linesIn, MAX_ROW_HEIGHT, MIN_COLUMN_WIDTH, minutesInZone, rowHeight, wallClock } from './print-layout.js';

/** The plans' reporting time zone (reportingRule.timeZone of every seeded and copied plan): the zone dates are shown in. */
export const SPREADSHEET_TIME_ZONE = 'Asia/Shanghai';

/** Every sheet: title, subtitle, then the header row (repeated on each printed page), then the rows. */
export const XLSX_TITLE_ROW = 1;
export const XLSX_SUBTITLE_ROW = 2;
export const XLSX_HEADER_ROW = 3;

export const DATE_FORMAT = 'yyyy-mm-dd hh:mm';

/*
 * Page set-up for the office's printer: A4 (paperSize 9 in ECMA-376 Part 1, 18.3.1.63) landscape,
 * all columns on one page wide and as many pages long as needed, margins in inches (~1 cm at the
 * sides), page numbers in the footer (&P page, &N pages: ECMA-376 18.3.1.39).
 */
const PAGE_SETUP: Partial<ExcelJS.PageSetup> = {
  paperSize: 9,
  orientation: 'landscape',
  fitToPage: true,
  fitToWidth: 1,
  fitToHeight: 0,
  horizontalCentered: true,
  margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.25, footer: 0.3 },
};
const FOOTER = '&C第 &P 页 共 &N 页';

const TITLE_SIZE = 16;
const SUBTITLE_SIZE = 10;
const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF808080' } };
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };

const cellText = (cell: Cell, timeZone: string) => (cell === null || cell === undefined ? '' : cell instanceof Date ? minutesInZone(cell, timeZone) : String(cell));

/** Text a larger font takes more digit widths for: lines of a title across the whole table. */
const linesAt = (text: string, size: number, width: number) => linesIn(text, (width * 11) / size);

type Layout = Pick<Sheet<any>, 'name' | 'title' | 'subtitle' | 'columns'>;

/** A titled worksheet for printing: A4 landscape, header row repeated on each page and frozen, title and subtitle across the table. */
function openPrintSheet(workbook: ExcelJS.Workbook, sheet: Layout, widths: number[], options: { timeZone: string; generatedAt?: Date | undefined }) {
  const tableWidth = widths.reduce((sum, width) => sum + width, 0);
  const columns = sheet.columns.length;
  const worksheet = workbook.addWorksheet(sheet.name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: XLSX_HEADER_ROW, topLeftCell: `A${XLSX_HEADER_ROW + 1}` }],
    pageSetup: { ...PAGE_SETUP, printTitlesRow: `${XLSX_HEADER_ROW}:${XLSX_HEADER_ROW}` },
    headerFooter: { oddFooter: FOOTER, evenFooter: FOOTER },
  });
  worksheet.columns = widths.map((width) => ({ width }));

  const banner = (rowNumber: number, text: string, size: number, bold: boolean) => {
    const row = worksheet.getRow(rowNumber);
    row.getCell(1).value = text;
    row.getCell(1).font = { size, bold };
    row.getCell(1).alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    row.height = Math.min(MAX_ROW_HEIGHT, linesAt(text, size, tableWidth) * size * 1.4 + 6);
    if (columns > 1) worksheet.mergeCells(rowNumber, 1, rowNumber, columns);
  };
  const generated = options.generatedAt ? `生成于 ${minutesInZone(options.generatedAt, options.timeZone)}` : '';
  banner(XLSX_TITLE_ROW, sheet.title ?? sheet.name, TITLE_SIZE, true);
  banner(XLSX_SUBTITLE_ROW, [sheet.subtitle, generated].filter(Boolean).join(' · '), SUBTITLE_SIZE, false);

  const header = worksheet.getRow(XLSX_HEADER_ROW);
  header.values = sheet.columns.map((column) => column.header);
  header.height = rowHeight(sheet.columns.map((column, index) => ({ text: column.header, width: widths[index]! })));
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
    cell.border = BORDER;
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
  });
  return worksheet;
}

/**
 * A streamed row's cells share these style objects: exceljs recognises a style object it has seen
 * (a WeakMap) instead of serialising it again for every cell, most of a long sheet’s time.
 * Never modified: in-memory sheets, which `decorate` may restyle cell by cell, get their own.
 */
const SHARED_CELL: Partial<ExcelJS.Style> = { border: BORDER, alignment: { wrapText: true, vertical: 'top' } };
const SHARED_DATE_CELL: Partial<ExcelJS.Style> = { ...SHARED_CELL, numFmt: DATE_FORMAT };

/** Appends one table row: bordered, wrapped, dates as date cells in the zone, as tall as its text. */
function addTableRow(worksheet: ExcelJS.Worksheet, cells: Cell[], texts: string[], widths: number[], timeZone: string, shareStyles = false) {
  const row = worksheet.addRow(cells.map((cell) => (cell instanceof Date ? wallClock(cell, timeZone) : cell ?? null)));
  row.height = rowHeight(texts.map((text, column) => ({ text, width: widths[column]! })), LINE_HEIGHT);
  for (let column = 1; column <= cells.length; column += 1) {
    const cell = row.getCell(column);
    const isDate = cells[column - 1] instanceof Date;
    if (shareStyles) {
      cell.style = isDate ? SHARED_DATE_CELL : SHARED_CELL;
      continue;
    }
    cell.border = BORDER;
    cell.alignment = { wrapText: true, vertical: 'top' };
    if (isDate) cell.numFmt = DATE_FORMAT;
  }
  return row;
}

/** Adds `sheet` to `workbook` laid out for printing: titled, A4 landscape, header row repeated and frozen, rows tall enough for their text. */
export function addPrintSheet(workbook: ExcelJS.Workbook, sheet: Sheet<any>, options: { timeZone: string; generatedAt?: Date }) {
  const { timeZone } = options;
  const values = sheet.rows.map((row) => sheet.columns.map((column) => column.value(row)));
  const texts = values.map((cells) => cells.map((cell) => cellText(cell, timeZone)));
  const widths = sheet.columns.map((column, index) => fitWidth([column.header, ...texts.map((cells) => cells[index]!)], column.width));
  const worksheet = openPrintSheet(workbook, sheet, widths, options);
  values.forEach((cells, index) => addTableRow(worksheet, cells, texts[index]!, widths, timeZone));
  sheet.decorate?.(worksheet, XLSX_HEADER_ROW + 1);
  return worksheet;
}

/**
 * The same print-ready sheet in a streaming workbook (exceljs stream.xlsx.WorkbookWriter), for
 * tables too long to hold: each row is written out as it is added. The rows are not known in
 * advance, so each column is as wide as it declares (`width`, or the default maximum).
 */
export function streamPrintSheet<Row>(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheet: Omit<Sheet<Row>, 'rows' | 'decorate'>, options: { timeZone: string; generatedAt?: Date }) {
  const { timeZone } = options;
  const widths = sheet.columns.map((column) => Math.max(column.width ?? DEFAULT_MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH));
  const worksheet = openPrintSheet(workbook, sheet, widths, options);
  for (let number = XLSX_TITLE_ROW; number <= XLSX_HEADER_ROW; number += 1) worksheet.getRow(number).commit();
  return {
    add(row: Row) {
      const cells = sheet.columns.map((column) => column.value(row));
      // A date cell is one line (yyyy-mm-dd hh:mm): its text is not needed for the row's height.
      const texts = cells.map((cell) => (cell instanceof Date ? '' : cellText(cell, timeZone)));
      addTableRow(worksheet, cells, texts, widths, timeZone, true).commit();
    },
    commit: () => worksheet.commit(),
  };
}
