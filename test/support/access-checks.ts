/** Sending one call of the access suites and finding what of B (or whose names) an answer shows. */
import request from 'supertest';
import { Client } from './app';
import { answerText, B_MARKER, binaryParser } from './access-fixture';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Call {
  url: string;
  json?: unknown;
  /** An HTML form, as a browser posts it. */
  form?: Record<string, string | string[]>;
  /** multipart/form-data with a file in `file`. */
  upload?: { fields?: Record<string, string>; file: Buffer; name: string };
}

export interface Answer {
  status: number;
  text: string;
  body: unknown;
  type: string;
  location?: string;
}

const DOWNLOAD = /\.(csv|xlsx|pdf|ics|svg)(\?|$)|^\/api\/|^\/health/;
const BINARY = /\.(xlsx|pdf)(\?|$)/;

/** Pages are asked for as a browser asks (HTML, so errors come as pages); downloads and the API as they are. */
export async function send(client: Client, method: Method, call: Call): Promise<Answer> {
  let test: request.Test = client[method](call.url);
  if (!DOWNLOAD.test(call.url)) test = test.set('Accept', 'text/html');
  if (BINARY.test(call.url)) test = test.buffer(true).parse(binaryParser as never);
  if (call.json !== undefined) test = test.send(call.json as object);
  if (call.form) test = test.type('form').send(call.form);
  if (call.upload) {
    for (const [k, v] of Object.entries(call.upload.fields ?? {})) test = test.field(k, v);
    test = test.attach('file', call.upload.file, call.upload.name);
  }
  const res = await test;
  return { status: res.status, text: await answerText(res), body: res.body, type: String(res.headers['content-type'] ?? ''), location: res.headers.location };
}

/** The characters that end a word in JSON, HTML and CSV. */
const WORD_END = new Set([...'"\'<>,;:()[]{}=&?/']);
const endsWord = (c: string) => WORD_END.has(c) || /\s/.test(c);

/**
 * Words of a text that contain the B marker ("bravo"). Each place the marker occurs is widened to
 * the word around it: one pass over the text (a regular expression with a run of word characters
 * before the marker tries every starting place, and took seconds on the longer pages).
 */
function markedWords(text: string): string[] {
  const lower = text.toLowerCase();
  // Lower case of the odd character is longer (İ): positions would not line up, so the slow way.
  if (lower.length !== text.length) return [...text.matchAll(new RegExp(`[^\\s"'<>,;:()\\[\\]{}=&?/]*${B_MARKER.source}[^\\s"'<>,;:()\\[\\]{}=&?/]*`, 'gi'))].map((m) => m[0]);
  const marker = B_MARKER.source.toLowerCase();
  const words: string[] = [];
  let wordEnd = -1;
  for (let at = lower.indexOf(marker); at !== -1; at = lower.indexOf(marker, at + 1)) {
    if (at < wordEnd) continue;
    let start = at;
    while (start > 0 && !endsWord(text[start - 1])) start--;
    wordEnd = at + marker.length;
    while (wordEnd < text.length && !endsWord(text[wordEnd])) wordEnd++;
    words.push(text.slice(start, wordEnd));
  }
  return words;
}

/** What the call itself carried, so an answer repeating it back is not taken for a leak. */
function sentWords(call: Call): Set<string> {
  const sent = [decodeURIComponent(call.url), JSON.stringify(call.json ?? ''), JSON.stringify(call.form ?? ''), JSON.stringify(call.upload?.fields ?? ''), call.upload?.name ?? '', call.upload?.file.toString('utf8') ?? ''];
  return new Set(sent.flatMap(markedWords).map((w) => w.toLowerCase()));
}

/**
 * Everything of B in an answer: words containing "bravo" (every B name, email, reference, title
 * and file name has one) other than those the call carried itself, and in JSON any code field
 * equal to "B".
 */
export function bLeaks(answer: Answer, call: Call): string[] {
  const sent = sentWords(call);
  const words = new Set(markedWords(answer.text).filter((w) => !sent.has(w.toLowerCase())));
  const codes: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${path}[${i}]`));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (/code$/i.test(k) && v === 'B') codes.push(`${path}.${k}="B"`);
        else walk(v, `${path}.${k}`);
      }
    }
  };
  if (answer.type.includes('json')) walk(answer.body, '$');
  return [...words, ...codes];
}

/** A short account of an answer for a failure message. */
export function describeAnswer(answer: Answer): string {
  const text = answer.type.includes('html') ? htmlText(answer.text) : answer.text;
  return `${answer.status}${answer.location ? ` -> ${answer.location}` : ''} ${text.replace(/\s+/g, ' ').trim().slice(0, 220)}`;
}

/** The visible text of a page, roughly: the error summary or message first. */
function htmlText(html: string): string {
  const main = /<main[\s\S]*?<\/main>/i.exec(html)?.[0] ?? html;
  return main.replace(/<script[\s\S]*?<\/script>/gi, '').replace(/<[^>]+>/g, ' ').replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** POST forms of an HTML answer that carry no CSRF token (or an empty one): each one a button that always fails with 403. */
export function formsWithoutCsrf(answer: Answer): string[] {
  if (!answer.type.includes('text/html')) return [];
  const forms = answer.text.match(/<form\b[^>]*method="post"[^>]*>[\s\S]*?<\/form>/gi) ?? [];
  return forms
    .filter((form) => !/<input type="hidden" name="_csrf" value="[^"]+"/.test(form))
    .map((form) => /action="([^"]*)"/.exec(form)?.[1] ?? '(no action)');
}
