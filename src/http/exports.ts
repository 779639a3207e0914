import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';

export type Cell = string | number | boolean | null | undefined;

export interface Column<Row> {
  header: string;
  width?: number;
  value(row: Row): Cell;
}

export interface Sheet<Row = never> {
  name: string;
  columns: Column<Row>[];
  rows: readonly Row[];
}

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** OpenAPI description of a file download response. */
export const fileResponse = (contentType: string, description: string) => ({
  description,
  content: { [contentType.split(';')[0]!]: { schema: z.string().meta({ format: 'binary' }) } },
});

/*
 * A text cell a spreadsheet would run as a formula (CSV injection): one starting with = + - @,
 * tab or CR, also after leading white space (Excel and LibreOffice may skip blanks and NBSP
 * before the =). OWASP's advice is to prefix such a cell with ' so it reads as text:
 * https://owasp.org/www-community/attacks/CSV_Injection
 */
const FORMULA_TRIGGER = /^(?:[\t\r]|\s*[=+\-@])/;

/** The one place CSV cells pass through: text that could start a formula gets a leading '; numbers stay numbers. */
export const neutralise = (cell: Cell): Cell => (typeof cell === 'string' && FORMULA_TRIGGER.test(cell) ? `'${cell}` : cell);

/** CSV with a UTF-8 byte-order mark, so Excel opens the Chinese text correctly. XLSX needs no neutralising: its cells are typed strings. */
export function toCsv<Row>(sheet: Sheet<Row>): Buffer {
  const records = sheet.rows.map((row) => sheet.columns.map((column) => neutralise(column.value(row)) ?? ''));
  const text = stringify([sheet.columns.map((column) => column.header), ...records]);
  return Buffer.from(`\uFEFF${text}`, 'utf8');
}

/** One worksheet per sheet, header row bold and frozen, text wrapped. */
export async function toXlsx(sheets: Sheet<any>[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'hazchem-tracker';
  for (const sheet of sheets) {
    const worksheet = workbook.addWorksheet(sheet.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    worksheet.columns = sheet.columns.map((column) => ({ header: column.header, width: column.width ?? 16 }));
    worksheet.getRow(1).font = { bold: true };
    for (const row of sheet.rows) worksheet.addRow(sheet.columns.map((column) => column.value(row) ?? null));
    worksheet.eachRow((row) => {
      row.alignment = { wrapText: true, vertical: 'top' };
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Sends a download; the Chinese file name goes in filename* (RFC 6266 / RFC 8187). */
export function sendFile(reply: FastifyReply, contentType: string, fileName: string, body: Buffer) {
  const asciiName = fileName.replace(/[^\x20-\x7e]/g, '_');
  return reply
    .type(contentType)
    .header('content-disposition', `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`)
    .send(body);
}
