import {
  AlignmentType,
  BorderStyle,
  Footer,
  ImageRun,
  LineRuleType,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IParagraphStyleOptions,
  type ISectionPropertiesOptions,
} from 'docx';

/*
 * The layout of a government document after GB/T 9704-2012《党政机关公文格式》 (full text in the
 * national standards' public system, https://openstd.samr.gov.cn, searching "9704"):
 * A4 paper; 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, giving a 版心 of 156 × 225 mm;
 * title 2号小标宋体, text 3号仿宋体 (22 lines of 28 characters), headings 一、 in 黑体 and
 * （一） in 楷体; page numbers 4号半角宋体 between one-character dashes, "— 1 —", 7 mm below the
 * 版心, odd pages on the right and even pages on the left, each one character in from the edge.
 * Fonts are named, not embedded (README: Office documents, for what each office suite shows).
 */

const TWIPS_PER_MM = 1440 / 25.4;
export const mm = (value: number) => Math.round(value * TWIPS_PER_MM);
/** Font sizes in points; docx takes half-points. */
const halfPoints = (points: number) => points * 2;

export const PAGE = { width: mm(210), height: mm(297) };
export const MARGIN = { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) };
/** Width of the 版心 (156 mm), the most a table or a figure may take. */
export const TEXT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;

/** 字号 in points: 2号 22 pt, 3号 16 pt, 4号 14 pt, 小4号 12 pt. */
export const SIZE = { title: 22, text: 16, pageNumber: 14, table: 12 } as const;

/** The font names office suites know these faces by (see the README for what each suite substitutes). */
export const FONT = {
  title: '方正小标宋简体',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  text: '仿宋_GB2312',
  pageNumber: '宋体',
} as const;

/** 28 pt exact: 22 lines of 3号 text fill the 225 mm 版心. */
const TEXT_LINE = 28 * 20;
const TITLE_LINE = 36 * 20;
const TABLE_LINE = 20 * 20;
/** Two characters of 3号 text. */
const TEXT_INDENT = { firstLine: 2 * SIZE.text * 20, firstLineChars: 200 };

const fonts = (name: string) => ({ ascii: name, eastAsia: name, hAnsi: name, cs: name, hint: 'eastAsia' as const });
const exact = (line: number, extra: { before?: number; after?: number } = {}) => ({ line, lineRule: LineRuleType.EXACT, before: 0, after: 0, ...extra });

export const STYLE = { title: 'GwTitle', issuer: 'GwIssuer', heading1: 'Heading1', heading2: 'Heading2', caption: 'GwCaption', figure: 'GwFigure', table: 'GwTable', pageNumber: 'GwPageNumber' } as const;

/** The paragraph styles; Normal is the body text, so every paragraph without a style reads as 正文. */
export const paragraphStyles: IParagraphStyleOptions[] = [
  {
    id: 'Normal',
    name: 'Normal',
    // East Asian text tagged Simplified Chinese, so font fallback picks its glyphs; Latin text (figures) stays
    // en-US, as Word writes it, so numbers are not broken across lines like CJK characters.
    run: { font: fonts(FONT.text), size: halfPoints(SIZE.text), language: { value: 'en-US', eastAsia: 'zh-CN' } },
    paragraph: { spacing: exact(TEXT_LINE), indent: TEXT_INDENT, alignment: AlignmentType.BOTH },
  },
  {
    id: STYLE.title,
    name: '公文标题',
    basedOn: 'Normal',
    next: 'Normal',
    run: { font: fonts(FONT.title), size: halfPoints(SIZE.title) },
    paragraph: { alignment: AlignmentType.CENTER, spacing: exact(TITLE_LINE), indent: { firstLine: 0, firstLineChars: 0 }, keepNext: true },
  },
  {
    id: STYLE.issuer,
    name: '发文机关及日期',
    basedOn: 'Normal',
    run: { font: fonts(FONT.heading2), size: halfPoints(SIZE.text) },
    paragraph: { alignment: AlignmentType.CENTER, indent: { firstLine: 0, firstLineChars: 0 } },
  },
  {
    id: STYLE.heading1,
    name: 'heading 1',
    basedOn: 'Normal',
    next: 'Normal',
    run: { font: fonts(FONT.heading1), size: halfPoints(SIZE.text) },
    paragraph: { outlineLevel: 0, keepNext: true },
  },
  {
    id: STYLE.heading2,
    name: 'heading 2',
    basedOn: 'Normal',
    next: 'Normal',
    run: { font: fonts(FONT.heading2), size: halfPoints(SIZE.text) },
    paragraph: { outlineLevel: 1, keepNext: true },
  },
  {
    id: STYLE.caption,
    name: '图表题注',
    basedOn: 'Normal',
    run: { font: fonts(FONT.text), size: halfPoints(SIZE.pageNumber) },
    paragraph: { alignment: AlignmentType.CENTER, indent: { firstLine: 0, firstLineChars: 0 }, spacing: exact(TEXT_LINE) },
  },
  {
    // An inline picture is cut to the line height under exact spacing: figures get automatic spacing.
    id: STYLE.figure,
    name: '插图',
    basedOn: 'Normal',
    next: STYLE.caption,
    paragraph: { alignment: AlignmentType.CENTER, indent: { firstLine: 0, firstLineChars: 0 }, spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 120, after: 0 }, keepNext: true },
  },
  {
    id: STYLE.table,
    name: '表格文字',
    basedOn: 'Normal',
    run: { font: fonts(FONT.text), size: halfPoints(SIZE.table) },
    paragraph: { alignment: AlignmentType.CENTER, indent: { firstLine: 0, firstLineChars: 0 }, spacing: exact(TABLE_LINE) },
  },
  {
    id: STYLE.pageNumber,
    name: '页码',
    basedOn: 'Normal',
    run: { font: fonts(FONT.pageNumber), size: halfPoints(SIZE.pageNumber) },
    paragraph: { indent: { firstLine: 0, firstLineChars: 0 }, spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 0, after: 0 } },
  },
];

/*
 * The font table names each font with the face office suites have under another name (altName,
 * e.g. 仿宋 for 仿宋_GB2312 on Windows), its GB2312 character set (86) and its kind, which is what
 * Word substitutes by when a font is missing. docx writes no font table unless fonts are embedded,
 * so it is passed as an override of word/fontTable.xml. The names are constants, not user text.
 */
const FONT_TABLE: { name: string; altName: string; family: 'roman' | 'modern' | 'auto'; pitch: 'fixed' | 'variable' }[] = [
  { name: FONT.title, altName: '宋体', family: 'auto', pitch: 'variable' },
  { name: FONT.heading1, altName: 'SimHei', family: 'modern', pitch: 'fixed' },
  { name: FONT.heading2, altName: '楷体', family: 'modern', pitch: 'fixed' },
  { name: FONT.text, altName: '仿宋', family: 'modern', pitch: 'fixed' },
  { name: FONT.pageNumber, altName: 'SimSun', family: 'auto', pitch: 'variable' },
];

export const fontTableOverride = {
  path: 'word/fontTable.xml',
  data:
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">' +
    FONT_TABLE.map(
      (font) =>
        `<w:font w:name="${font.name}"><w:altName w:val="${font.altName}"/><w:charset w:val="86"/><w:family w:val="${font.family}"/><w:pitch w:val="${font.pitch}"/></w:font>`,
    ).join('') +
    '</w:fonts>',
};

/** A4 portrait with the standard's margins; the page number sits about 7 mm below the 版心. */
export const sectionProperties: ISectionPropertiesOptions = {
  page: {
    size: { width: PAGE.width, height: PAGE.height },
    margin: { ...MARGIN, header: mm(15), footer: mm(35 - 7 - 6), gutter: 0 },
  },
};

/** "— 1 —" on the right of odd pages and the left of even ones, one 4号 character in from the edge. */
export function pageNumberFooters() {
  const oneCharacter = SIZE.pageNumber * 20;
  const footer = (alignment: 'right' | 'left') =>
    new Footer({
      children: [
        new Paragraph({
          style: STYLE.pageNumber,
          alignment: alignment === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
          indent: alignment === 'right' ? { right: oneCharacter } : { left: oneCharacter },
          children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'] })],
        }),
      ],
    });
  return { default: footer('right'), even: footer('left') };
}

/** Body text: plain, or runs of which some are bold (labels such as 存在问题：). */
export const text = (content: string | { text: string; bold?: boolean }[], options: { keepNext?: boolean } = {}) =>
  new Paragraph({
    keepNext: options.keepNext ?? false,
    children: (typeof content === 'string' ? [{ text: content }] : content).map((run) => new TextRun({ text: run.text, bold: run.bold ?? false })),
  });

/** A bold lead-in line (a measure "1.…", a row "（1）…", a kind of flag), kept on the page of what follows it. */
export const leadLine = (content: { text: string; bold?: boolean }[]) => text(content, { keepNext: true });

/** A title of one or more lines (the standard breaks long titles by meaning, not by width). */
export const title = (lines: string[]) =>
  new Paragraph({ style: STYLE.title, children: lines.map((line, index) => new TextRun({ text: line, break: index > 0 ? 1 : 0 })) });

export const issuerLine = (content: string) => new Paragraph({ style: STYLE.issuer, children: [new TextRun(content)] });
export const heading1 = (content: string) => new Paragraph({ style: STYLE.heading1, children: [new TextRun(content)] });
export const heading2 = (content: string) => new Paragraph({ style: STYLE.heading2, children: [new TextRun(content)] });
/** A blank body line, as the standard leaves between the title and the text. */
export const blankLine = () => new Paragraph({ children: [] });
/** A figure's caption (below it); a table's caption goes above the table and stays on its page. */
export const caption = (content: string, options: { aboveTable?: boolean } = {}) =>
  new Paragraph({ style: STYLE.caption, keepNext: options.aboveTable ?? false, children: [new TextRun(content)] });

/** A chart as a PNG, centred, at `widthMm` across (height kept in proportion). */
export function figure(png: Buffer, size: { width: number; height: number }, widthMm = 140) {
  const widthPx = Math.round((widthMm / 25.4) * 96);
  return new Paragraph({
    style: STYLE.figure,
    children: [new ImageRun({ type: 'png', data: png, transformation: { width: widthPx, height: Math.round((widthPx * size.height) / size.width) } })],
  });
}

const border = { style: BorderStyle.SINGLE, size: 4, color: '000000' };
const borders = { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border };

export interface TableColumn {
  header: string;
  /** Share of the 版心 width; the shares are scaled to fill it. */
  weight: number;
  align?: 'left' | 'center';
}

/** A bordered table across the 版心, header row bold and repeated on every page, rows kept whole. */
export function table(columns: TableColumn[], rows: string[][]) {
  const total = columns.reduce((sum, column) => sum + column.weight, 0);
  const widths = columns.map((column) => Math.floor((TEXT_WIDTH * column.weight) / total));
  const cell = (content: string, index: number, header: boolean) =>
    new TableCell({
      width: { size: widths[index]!, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      margins: { left: 80, right: 80, top: 40, bottom: 40 },
      children: [
        new Paragraph({
          style: STYLE.table,
          alignment: header || columns[index]!.align !== 'left' ? AlignmentType.CENTER : AlignmentType.LEFT,
          children: [new TextRun({ text: content, bold: header })],
        }),
      ],
    });
  return new Table({
    width: { size: TEXT_WIDTH, type: WidthType.DXA },
    columnWidths: widths,
    layout: TableLayoutType.FIXED,
    alignment: AlignmentType.CENTER,
    borders,
    rows: [
      new TableRow({ tableHeader: true, cantSplit: true, children: columns.map((column, index) => cell(column.header, index, true)) }),
      ...rows.map((row) => new TableRow({ cantSplit: true, children: row.map((content, index) => cell(content, index, false)) })),
    ],
  });
}
