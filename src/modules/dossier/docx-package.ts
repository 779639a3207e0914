import { Document, Packer } from 'docx';
import { strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { fontTableOverride, pageNumberFooters, paragraphStyles, sectionProperties, STYLE, text, TEXT_WIDTH, type TableColumn } from '../documents/gbt9704.js';

/*
 * The dossier's Word documents, made cheaply enough for thousands per archive. docx's Packer
 * takes ~15 ms a document, nearly all of it rebuilding and serialising what every document
 * shares (styles, font table, footers, settings, theme: ~40 KB of XML). So docx builds one
 * package once, with the GB/T 9704 styles, page and footers of src/modules/documents/gbt9704.ts
 * and a marker paragraph for the body; each document is that package with its own body spliced
 * into word/document.xml, stored without compression (the archive deflates it once, outside).
 * The body is plain WordprocessingML (ECMA-376 Part 1, 17.3 paragraphs, 17.4 tables) naming the
 * template's paragraph styles, so the layout stays that of gbt9704.ts.
 */

const MARKER = 'hazchem-dossier-body-marker';
const DOCUMENT_XML = 'word/document.xml';

interface Template {
  parts: Zippable;
  before: string;
  after: string;
}

let template: Template | undefined;

function buildTemplate(): Promise<Template> {
  const document = new Document({
    creator: 'hazchem-tracker',
    evenAndOddHeaderAndFooters: true,
    styles: { paragraphStyles },
    sections: [{ properties: sectionProperties, footers: pageNumberFooters(), children: [text(MARKER)] }],
  });
  return Packer.toBuffer(document, false, [fontTableOverride]).then((buffer) => {
    const files = unzipSync(new Uint8Array(buffer));
    const xml = Buffer.from(files[DOCUMENT_XML]!).toString('utf8');
    const at = xml.indexOf(MARKER);
    const start = Math.max(xml.lastIndexOf('<w:p>', at), xml.lastIndexOf('<w:p ', at));
    const end = xml.indexOf('</w:p>', at) + '</w:p>'.length;
    if (at < 0 || start < 0) throw new Error('docx template: body marker not found');
    const parts: Zippable = {};
    for (const [path, data] of Object.entries(files)) if (path !== DOCUMENT_XML) parts[path] = data;
    return { parts, before: xml.slice(0, start), after: xml.slice(end) };
  });
}

let building: Promise<Template> | undefined;

/** Loads the shared package once per process; call before `packDocx`. */
export async function docxTemplate(): Promise<void> {
  building ??= buildTemplate().then((built) => (template = built));
  await building;
}

/** A .docx of the body's paragraphs and tables (made with the functions below), stored, not compressed; its parts dated `at`. */
export function packDocx(body: string[], at: Date): Buffer {
  if (!template) throw new Error('docxTemplate() has not been awaited');
  const documentXml = strToU8(template.before + body.join('') + template.after);
  return Buffer.from(zipSync({ ...template.parts, [DOCUMENT_XML]: documentXml }, { level: 0, mtime: at }));
}

/** Characters XML 1.0 cannot carry (controls other than tab and newline, U+FFFE/U+FFFF, lone surrogates) are dropped. */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const escape = (value: string) => value.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface Run {
  text: string;
  bold?: boolean;
}

/** A run; line breaks in the text become <w:br/> (a user's paragraph keeps its lines). */
function run({ text: content, bold }: Run): string {
  const properties = bold ? '<w:rPr><w:b/><w:bCs/></w:rPr>' : '';
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  return `<w:r>${properties}${lines.map((line, index) => `${index > 0 ? '<w:br/>' : ''}<w:t xml:space="preserve">${escape(line)}</w:t>`).join('')}</w:r>`;
}

export interface ParagraphOptions {
  style?: string;
  keepNext?: boolean;
  align?: 'left' | 'center';
}

export function paragraph(content: string | Run[], options: ParagraphOptions = {}): string {
  const runs = typeof content === 'string' ? [{ text: content }] : content;
  const properties = [
    options.style ? `<w:pStyle w:val="${options.style}"/>` : '',
    options.keepNext ? '<w:keepNext/>' : '',
    options.align ? `<w:jc w:val="${options.align}"/>` : '',
  ].join('');
  return `<w:p>${properties ? `<w:pPr>${properties}</w:pPr>` : ''}${runs.map(run).join('')}</w:p>`;
}

/** The styles of gbt9704.ts by role. */
export const titleLines = (lines: string[]) =>
  `<w:p><w:pPr><w:pStyle w:val="${STYLE.title}"/></w:pPr>${lines.map((line, index) => `<w:r>${index > 0 ? '<w:br/>' : ''}<w:t xml:space="preserve">${escape(line)}</w:t></w:r>`).join('')}</w:p>`;
export const issuer = (content: string) => paragraph(content, { style: STYLE.issuer });
export const heading1 = (content: string) => paragraph(content, { style: STYLE.heading1 });
export const heading2 = (content: string) => paragraph(content, { style: STYLE.heading2 });
export const blank = () => '<w:p/>';
/** A label in bold and its text, as the summary report writes 存在问题：…. */
export const labelled = (label: string, value: string) => paragraph([{ text: label, bold: true }, { text: value }]);

const BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>';
const borders = `<w:tblBorders>${['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((side) => BORDER.replace('{side}', side)).join('')}</w:tblBorders>`;

/** A bordered table across the 版心, header row bold and repeated on each page, rows kept whole (as gbt9704's `table`). */
export function table(columns: TableColumn[], rows: string[][]): string {
  const total = columns.reduce((sum, column) => sum + column.weight, 0);
  const widths = columns.map((column) => Math.floor((TEXT_WIDTH * column.weight) / total));
  const cell = (content: string, index: number, header: boolean) =>
    `<w:tc><w:tcPr><w:tcW w:w="${widths[index]}" w:type="dxa"/><w:tcMar><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tcMar><w:vAlign w:val="center"/></w:tcPr>` +
    paragraph([{ text: content, bold: header }], { style: STYLE.table, align: header || columns[index]!.align !== 'left' ? 'center' : 'left' }) +
    '</w:tc>';
  const row = (cells: string[], header: boolean) =>
    `<w:tr><w:trPr><w:cantSplit/>${header ? '<w:tblHeader/>' : ''}</w:trPr>${cells.map((content, index) => cell(content, index, header)).join('')}</w:tr>`;
  return (
    `<w:tbl><w:tblPr><w:tblW w:w="${TEXT_WIDTH}" w:type="dxa"/><w:jc w:val="center"/>${borders}<w:tblLayout w:type="fixed"/></w:tblPr>` +
    `<w:tblGrid>${widths.map((width) => `<w:gridCol w:w="${width}"/>`).join('')}</w:tblGrid>` +
    row(
      columns.map((column) => column.header),
      true,
    ) +
    rows.map((cells) => row(cells, false)).join('') +
    // A table may not end a cell or the body: Word wants a paragraph after it.
    '</w:tbl><w:p/>'
  );
}
