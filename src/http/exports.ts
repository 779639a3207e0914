import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  onRequestAsyncHookHandler,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addPrintSheet, SPREADSHEET_TIME_ZONE } from './print-sheet.js';
import { formatInZone } from '../modules/periods/deadlines.js';

/** A Date is an instant: CSV writes it as ISO 8601 with the offset, XLSX as a date cell in the plans' time zone. */
export type Cell = string | number | boolean | Date | null | undefined;

export interface Column<Row> {
  header: string;
  /** In XLSX, the widest the column gets (in digit widths, a Chinese character being two); it narrows to fit its content. */
  width?: number;
  value(row: Row): Cell;
}

export interface Sheet<Row = never> {
  name: string;
  /** XLSX only: the title printed above the table (default: the sheet's name). CSV is for machines and has none. */
  title?: string;
  /** XLSX only: the line under the title (period, deadline); the workbook adds when it was generated. */
  subtitle?: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  /** XLSX only: last touches on the written worksheet (conditional formats, fills); `firstRow` is the row of rows[0]. */
  decorate?(worksheet: ExcelJS.Worksheet, firstRow: number): void;
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
export function toCsv<Row>(sheet: Sheet<Row>, timeZone = SPREADSHEET_TIME_ZONE): Buffer {
  return Buffer.from(csvPart(sheet.columns, sheet.rows, { first: true, timeZone }), 'utf8');
}

/**
 * CSV lines of `rows`, cells written as toCsv writes them, for a CSV too long to hold that is
 * written in parts; the `first` part starts with the byte-order mark and the header line.
 */
export function csvPart<Row>(columns: readonly Column<Row>[], rows: readonly Row[], options: { first: boolean; timeZone?: string }): string {
  const timeZone = options.timeZone ?? SPREADSHEET_TIME_ZONE;
  const text = (cell: Cell) => (cell instanceof Date ? formatInZone(cell, timeZone) : neutralise(cell));
  const records = rows.map((row) => columns.map((column) => text(column.value(row)) ?? ''));
  const csv = stringify(options.first ? [columns.map((column) => column.header), ...records] : records);
  return options.first ? `\uFEFF${csv}` : csv;
}

export interface WorkbookOptions {
  /** Printed under each title as 生成于 …. */
  generatedAt?: Date;
  timeZone?: string;
}

/** One print-ready worksheet per sheet (src/http/print-sheet.ts). */
export async function toXlsx(sheets: Sheet<any>[], options: WorkbookOptions = {}): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'hazchem-tracker';
  const timeZone = options.timeZone ?? SPREADSHEET_TIME_ZONE;
  for (const sheet of sheets) addPrintSheet(workbook, sheet, { timeZone, generatedAt: options.generatedAt });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * `Content-Disposition: attachment` for a file name that may be Chinese or come from a user: an
 * ASCII fallback in `filename` (anything else, quotes and backslashes become _) and the exact name
 * in `filename*` (RFC 6266 §4.3, RFC 8187 §3.2: UTF-8, percent-encoding all but attr-char).
 */
export function contentDisposition(fileName: string): string {
  const asciiName = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${asciiName}"; filename*=UTF-8''${encoded}`;
}

/** Sends a download; the Chinese file name goes in filename* (RFC 6266 / RFC 8187). */
export function sendFile(reply: FastifyReply, contentType: string, fileName: string, body: Buffer) {
  return reply.type(contentType).header('content-disposition', contentDisposition(fileName)).send(body);
}

type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** A request typed by a route schema's params, querystring… as fastify-type-provider-zod resolves them. */
export type SchemaRequest<S extends FastifySchema> = FastifyRequest<RouteGenericInterface, RawServerDefault, RawRequestDefaultExpression, S, ZodTypeProvider>;

interface DownloadDoc {
  operationId: string;
  summary: string;
  description: string;
}

export interface Downloads<S extends FastifySchema, Data> {
  /** The JSON route's path: the downloads are `${path}.csv` and `${path}.xlsx`. */
  path: string;
  onRequest: onRequestAsyncHookHandler;
  /** What both downloads' schemas share (tags, security, params…); it also types `load`'s request. */
  schema: S;
  /** The documented error responses. */
  errors: Record<number, unknown>;
  csv: DownloadDoc;
  xlsx: DownloadDoc;
  load(request: SchemaRequest<S>): Promise<Data>;
  fileName(data: Data, extension: 'csv' | 'xlsx'): string;
  csvSheet(data: Data): Sheet<unknown>;
  workbook(data: Data): Sheet<unknown>[];
}

/** Declares the .csv and .xlsx downloads of one piece of data: loaded once per request, then written as one sheet or a workbook. */
export function registerDownloads<const S extends FastifySchema, Data>(app: ZodApp, downloads: Downloads<S, Data>) {
  const formats = [
    { extension: 'csv', type: CSV_TYPE, doc: downloads.csv, response: fileResponse(CSV_TYPE, 'UTF-8 CSV with a byte-order mark'), write: async (data: Data) => toCsv(downloads.csvSheet(data)) },
    { extension: 'xlsx', type: XLSX_TYPE, doc: downloads.xlsx, response: fileResponse(XLSX_TYPE, 'Excel workbook'), write: (data: Data) => toXlsx(downloads.workbook(data), { generatedAt: app.clock.now() }) },
  ] as const;
  for (const { extension, type, doc, response, write } of formats) {
    const schema: FastifySchema = {
      ...downloads.schema,
      operationId: doc.operationId,
      summary: doc.summary,
      description: doc.description,
      response: { 200: response, ...downloads.errors },
    };
    app.get(
      `${downloads.path}.${extension}`,
      { onRequest: downloads.onRequest, schema },
      async (request, reply) => {
        // Fastify validated the request against downloads.schema before this runs, so it has S's params and querystring;
        // the route itself is typed loosely because a reply's return type cannot be resolved while S is generic.
        const data = await downloads.load(request as SchemaRequest<S>);
        return sendFile(reply, type, downloads.fileName(data, extension), await write(data));
      },
    );
  }
}
