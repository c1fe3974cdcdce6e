import { inflateSync } from 'node:zlib';

/** WinAnsi bytes that differ from Latin-1 (the standard fonts' encoding): the ones our words use. */
const WIN_ANSI: Record<number, string> = { 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—', 0x85: '…' };

const decode = (bytes: Buffer) => [...bytes].map((b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join('');

/**
 * The text of a PDF written with the standard fonts (pdfkit): each content stream is inflated and
 * the strings of its text operators (Tj, TJ) read back, one line per operator. Enough to check a
 * PDF carries its words as text (not pictures of them), not a general PDF reader.
 */
export function pdfText(pdf: Buffer): string {
  const source = pdf.toString('latin1');
  const lines: string[] = [];
  // Each stream is exactly as long as its dictionary's /Length says: searching for "endstream"
  // instead lost a stream's last byte whenever its compressed data ended in a carriage return (one
  // in 256), and with it that stream's text.
  const streams = /<<([^<>]*)>>\s*stream\r?\n/g;
  for (let m = streams.exec(source); m; m = streams.exec(source)) {
    const length = /\/Length (\d+)(?! \d+ R)/.exec(m[1]);
    if (!length) continue;
    const start = m.index + m[0].length;
    let content: string;
    try {
      content = inflateSync(Buffer.from(source.slice(start, start + Number(length[1])), 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    // Each Tj or TJ operator: its hex <...> and literal (...) strings, in order.
    for (const op of content.matchAll(/(\[(?:[^\]\\]|\\.)*\]|<[0-9A-Fa-f]*>|\((?:[^()\\]|\\.)*\))\s*T[jJ]/g)) {
      let line = '';
      for (const part of op[1].matchAll(/<([0-9A-Fa-f]*)>|\(((?:[^()\\]|\\.)*)\)/g)) {
        if (part[1] !== undefined) line += decode(Buffer.from(part[1], 'hex'));
        else line += decode(Buffer.from(part[2].replace(/\\([()\\])/g, '$1'), 'latin1'));
      }
      lines.push(line);
    }
  }
  return lines.join('\n');
}
