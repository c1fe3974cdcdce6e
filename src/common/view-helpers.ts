import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatUkDate } from './dates';
// hbs is CommonJS with no types of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hbs = require('hbs') as {
  registerHelper: (name: string, fn: (...args: unknown[]) => unknown) => void;
  registerPartials: (dir: string, options?: { rename?: (name: string) => string }, done?: () => void) => void;
  registerPartial: (name: string, text: string) => void;
  handlebars: { Utils: { escapeExpression: (s: string) => string }; compile: (text: string) => (context: unknown) => string };
};
import { readFileSync } from 'node:fs';

let registered = false;

const partialTemplates = new Map<string, (context: unknown) => string>();

/**
 * One of views/partials drawn on its own (escaped as every page is), for a page that keeps a part
 * of itself drawn: with `context` as its root.
 */
export function renderPartial(name: string, context: unknown): string {
  let template = partialTemplates.get(name);
  if (!template) {
    template = hbs.handlebars.compile(`{{> ${name}}}`);
    partialTemplates.set(name, template);
  }
  return template(context);
}

/** Handlebars helpers used across the views. Output stays escaped: no helper returns SafeString. */
export function registerViewHelpers(partialsDir: string): void {
  if (registered) return;
  registered = true;
  // Synchronously, so the first request already finds every partial (hbs loads them lazily otherwise).
  for (const file of readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'))) {
    hbs.registerPartial(file.replace(/\.hbs$/, ''), readFileSync(join(partialsDir, file), 'utf8'));
  }
  hbs.registerHelper('ukDate', (d: unknown) => formatUkDate(typeof d === 'string' ? d : null));
  hbs.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hbs.registerHelper('ne', (a: unknown, b: unknown) => a !== b);
  hbs.registerHelper('gt', (a: unknown, b: unknown) => Number(a) > Number(b));
  hbs.registerHelper('or', (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hbs.registerHelper('and', (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hbs.registerHelper('not', (a: unknown) => !a);
  hbs.registerHelper('json', (a: unknown) => JSON.stringify(a));
  hbs.registerHelper('plural', (n: unknown, one: unknown, many: unknown) => (Number(n) === 1 ? one : many));
  hbs.registerHelper('number', (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-GB') : n));
  hbs.registerHelper('substr', (s: unknown, start: unknown, length: unknown) => String(s ?? '').substr(Number(start), Number(length)));
  hbs.registerHelper('add', (a: unknown, b: unknown) => Number(a) + Number(b));
  hbs.registerHelper('dateTime', (d: unknown) =>
    d ? new Date(d as string).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' }) : '',
  );
  hbs.registerHelper('includes', (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item));
  hbs.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).map((a) => String(a ?? '')).join(''));
  hbs.registerHelper('either', (a: unknown, b: unknown) => a || b);
  // The person picker's rows: the values as posted (so row n keeps its error), then blank boxes up to `rows`, and always one blank.
  hbs.registerHelper('personRows', (values: unknown, rows: unknown) => {
    const given = (Array.isArray(values) ? values : typeof values === 'string' && values !== '' ? [values] : []).map((v) => String(v ?? ''));
    while (given.length > 0 && given[given.length - 1].trim() === '' && given.length > Number(rows || 1)) given.pop();
    const padded = [...given];
    while (padded.length < Math.max(Number(rows) || 1, given.filter((v) => v.trim() !== '').length + 1)) padded.push('');
    return padded;
  });
}
