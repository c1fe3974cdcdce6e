/**
 * The text of a PDF that Chromium printed (the report PDFs), as copying it out would give it:
 * page by page, each content stream's strings decoded through the ToUnicode map of the font its
 * page's resources name (Chromium writes Identity-H fonts with one; names such as /F4 repeat
 * across pages), each text object on a line of its own. Enough for tests to read what a printed
 * report says; not a general PDF reader. (pdf-text.ts reads pdfkit's standard-font PDFs.)
 */
import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function objectsOf(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const pattern = /(\d+) 0 obj([\s\S]*?)endobj/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const body = m[2];
    const at = body.indexOf('stream');
    if (at < 0) {
      objects.set(Number(m[1]), { dict: body, stream: null });
      continue;
    }
    let start = at + 'stream'.length;
    if (body[start] === '\r') start++;
    if (body[start] === '\n') start++;
    const raw = Buffer.from(body.slice(start, body.lastIndexOf('endstream')), 'latin1');
    const dict = body.slice(0, at);
    let stream: Buffer | null = raw;
    if (dict.includes('/FlateDecode')) {
      try {
        stream = inflateSync(raw);
      } catch {
        stream = null;
      }
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  return objects;
}

/** A ToUnicode CMap's bfchar and bfrange entries: code (hex) -> text. */
function cmapOf(source: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of source.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, unicode] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(code.toUpperCase(), utf16(unicode));
  }
  for (const block of source.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, from, to, unicode] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const first = parseInt(from, 16);
      const base = parseInt(unicode, 16);
      for (let c = first; c <= parseInt(to, 16); c++) map.set(c.toString(16).toUpperCase().padStart(from.length, '0'), String.fromCharCode(base + c - first));
    }
  }
  return map;
}

/** The ToUnicode map of each font a /Font dictionary names, by its resource name. */
function fontsOf(fontDict: string, objects: Map<number, PdfObject>): Map<string, Map<string, string>> {
  const fonts = new Map<string, Map<string, string>>();
  for (const [, name, ref] of fontDict.matchAll(/\/(\S+?)\s+(\d+) 0 R/g)) {
    const toUnicode = /\/ToUnicode (\d+) 0 R/.exec(objects.get(Number(ref))?.dict ?? '');
    const cmap = toUnicode ? objects.get(Number(toUnicode[1]))?.stream : null;
    if (cmap) fonts.set(name, cmapOf(cmap.toString('latin1')));
  }
  return fonts;
}

function decodeContent(content: string, fonts: Map<string, Map<string, string>>, lines: string[]): void {
  let font = new Map<string, string>();
  let line = '';
  for (const token of content.matchAll(/\/(\S+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>|\bET\b/g)) {
    if (token[1] !== undefined) font = fonts.get(token[1]) ?? new Map();
    else if (token[2] !== undefined) line += (token[2].toUpperCase().match(/.{4}/g) ?? []).map((code) => font.get(code) ?? '').join('');
    else {
      lines.push(line);
      line = '';
    }
  }
}

export function chromiumPdfText(pdf: Buffer): string {
  const objects = objectsOf(pdf);
  const pages = [...objects.entries()].filter(([, o]) => /\/Type\s*\/Page\b(?!s)/.test(o.dict)).sort(([a], [b]) => a - b);
  const lines: string[] = [];
  for (const [, page] of pages) {
    let resources = page.dict;
    const indirect = /\/Resources (\d+) 0 R/.exec(page.dict);
    if (indirect) resources = objects.get(Number(indirect[1]))?.dict ?? '';
    const fonts = fontsOf(/\/Font\s*<<([^>]*)>>/.exec(resources)?.[1] ?? '', objects);
    const contents = /\/Contents\s*(\[[^\]]*\]|\d+ 0 R)/.exec(page.dict)?.[1] ?? '';
    for (const [, ref] of contents.matchAll(/(\d+) 0 R/g)) decodeContent(objects.get(Number(ref))?.stream?.toString('latin1') ?? '', fonts, lines);
  }
  return lines.join('\n');
}
