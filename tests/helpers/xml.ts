import JSZip from 'jszip';
import { SaxesParser } from 'saxes';

/** An element of a parsed XML document: just enough to query .docx parts and SVG. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The text directly inside this element. */
  text: string;
}

/** Parses XML with a strict, namespace-unaware parser; malformed XML throws. */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  parser.on('opentag', (tag) => {
    const element: XmlElement = { name: tag.name, attributes: tag.attributes as Record<string, string>, children: [], text: '' };
    stack.at(-1)!.children.push(element);
    stack.push(element);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (text) => void (stack.at(-1)!.text += text));
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(xml).close();
  return root.children[0]!;
}

/** Every descendant named `name`, in document order. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  return element.children.flatMap((child) => [...(child.name === name ? [child] : []), ...findAll(child, name)]);
}

export const find = (element: XmlElement, name: string): XmlElement | undefined => findAll(element, name)[0];

/** The text of an element and its descendants, concatenated in order. */
export const textOf = (element: XmlElement): string => element.text + element.children.map(textOf).join('');

/** A .docx (or any OOXML zip): its part names and each part parsed. */
export async function openOoxml(body: Buffer) {
  const zip = await JSZip.loadAsync(body);
  return {
    parts: Object.keys(zip.files).filter((name) => !zip.files[name]!.dir),
    raw: (part: string) => zip.file(part)!.async('nodebuffer'),
    xml: async (part: string) => parseXml(await zip.file(part)!.async('string')),
  };
}

/** The PNG signature and the size in its IHDR chunk (https://www.w3.org/TR/png/#5PNG-file-signature). */
export function pngInfo(body: Buffer) {
  const signature = body.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { signature, width: body.readUInt32BE(16), height: body.readUInt32BE(20) };
}

/** A .docx body's paragraphs in document order, each with its style id and text. */
export const paragraphsOf = (document: XmlElement): { style: string | undefined; text: string }[] =>
  findAll(document, 'w:p').map((paragraph) => ({
    style: find(paragraph, 'w:pStyle')?.attributes['w:val'],
    text: findAll(paragraph, 'w:t').map(textOf).join(''),
  }));
