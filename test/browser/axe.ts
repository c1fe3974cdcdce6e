import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** axe-core's own build, injected into the page under test (the context needs bypassCSP: the app allows only its own scripts). */
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG 2.2 AA rules (with the 2.0 and 2.1 A and AA rules they include). */
export const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

/**
 * Every WCAG 2.2 AA violation axe finds on the page as it is now, one line each: the rule, what it
 * asks, and the first few elements that break it. Empty when the page passes.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = (await page.evaluate(
    (tags) => (window as unknown as { axe: { run: (c: Document, o: unknown) => Promise<unknown> } }).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    WCAG_22_AA,
  )) as AxeResult;
  return result.violations.map(
    (v) => `${v.id} (${v.impact ?? 'unknown'}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.map(String).join(' ')).join('; ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`,
  );
}
