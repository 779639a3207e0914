import ExcelJS from 'exceljs';
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import { XLSX_HEADER_ROW } from '../../src/http/print-sheet.js';

export interface CarriedRow {
  measureNo: number;
  taskSeq: number;
  required: boolean;
}

export type EntryFor = (row: CarriedRow) => Record<string, unknown> | null;

/**
 * The office enters a unit's report on its behalf (as it does for reports sent on paper) and
 * submits it: one entry per required row, as `entryFor` says (null leaves a row out).
 */
export async function enterAndSubmit(app: App, office: { authorization: string }, plan: string, period: string, code: string, entryFor: EntryFor) {
  const url = `/v1/plans/${plan}/periods/${period}/reports/${code}`;
  const { tasks } = (await app.inject({ method: 'GET', url, headers: office })).json() as { tasks: CarriedRow[] };
  const entries = tasks
    .filter((row) => row.required)
    .flatMap((row) => {
      const entry = entryFor(row);
      return entry ? [{ measureNo: row.measureNo, taskSeq: row.taskSeq, ...entry }] : [];
    });
  const saved = await app.inject({ method: 'PUT', url, headers: office, payload: { entries } });
  expect(saved.statusCode, saved.body).toBe(200);
  const submitted = await app.inject({ method: 'POST', url: `${url}/submit`, headers: office });
  expect(submitted.statusCode, submitted.body).toBe(200);
}

/** Loads a workbook from a download. */
export async function loadWorkbook(app: App, headers: { authorization: string }, url: string) {
  const response = await app.inject({ method: 'GET', url, headers });
  expect(response.statusCode, response.body).toBe(200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
  return { workbook, response };
}

/** The header row's texts, by column number (index 0 unused, as exceljs numbers columns from 1). */
export const headerOf = (sheet: ExcelJS.Worksheet) => (sheet.getRow(XLSX_HEADER_ROW).values as unknown[]).map((value) => (value === undefined ? '' : String(value)));

/** The column number of `header`. */
export function column(sheet: ExcelJS.Worksheet, header: string) {
  const index = headerOf(sheet).indexOf(header);
  expect(index, `column ${header} of ${sheet.name}`).toBeGreaterThan(0);
  return index;
}

/** The data cells (below the header) of one column. */
export function cellsOf(sheet: ExcelJS.Worksheet, header: string) {
  const index = column(sheet, header);
  const cells: ExcelJS.Cell[] = [];
  for (let number = XLSX_HEADER_ROW + 1; number <= sheet.rowCount; number += 1) cells.push(sheet.getRow(number).getCell(index));
  return cells;
}

/** A4 landscape, one page wide, header repeated and frozen, page numbers, a merged bold title and the generation time under it. */
export function expectPrintReady(sheet: ExcelJS.Worksheet, generated: string) {
  expect(sheet.pageSetup, sheet.name).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${XLSX_HEADER_ROW}:${XLSX_HEADER_ROW}` });
  expect(sheet.pageSetup.margins!.left).toBeGreaterThan(0);
  expect(sheet.headerFooter.oddFooter).toBe('&C第 &P 页 共 &N 页');
  expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: XLSX_HEADER_ROW });
  const title = sheet.getCell('A1');
  expect(title.font).toMatchObject({ bold: true, size: 16 });
  expect(title.isMerged || sheet.columnCount === 1).toBe(true);
  expect(String(sheet.getCell('A2').value)).toContain(`生成于 ${generated}`);
  expect(sheet.getRow(XLSX_HEADER_ROW).getCell(1).font).toMatchObject({ bold: true });
}
