/**
 * PDFs are printed by one Chromium kept running between them (starting it for every PDF took
 * about half a second each): a PDF is still made when that Chromium has stopped meanwhile, and
 * closing the app stops it. The printer does not read the database, so this runs on SQLite only.
 */
import type { Browser } from 'playwright-core';
import { chromiumPath, PdfPrinter } from '../src/reports/shared/pdf-printer';
import { createTestApp, TestApp } from './support/app';

const page = (title: string) => `<!doctype html><html lang="en-GB"><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`;

// Without Chromium on a developer's machine these are skipped; under CI=true they run, and fail.
(chromiumPath() || process.env.CI === 'true' ? describe : describe.skip)('PDF printer', () => {
  let t: TestApp;
  let printer: PdfPrinter;
  /** The Chromium the printer is keeping, if any. */
  const kept = () => (printer as unknown as { browser: Promise<Browser> | null }).browser;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    printer = t.app.get(PdfPrinter);
  });
  afterAll(() => t?.close());

  it('prints with one Chromium, kept between PDFs', async () => {
    const first = await printer.print(page('First'), { footer: 'Test' });
    expect(first.subarray(0, 5).toString()).toBe('%PDF-');
    const browser = await kept();
    expect(browser?.isConnected()).toBe(true);
    const second = await printer.print(page('Second'), { footer: 'Test' });
    expect(second.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await kept()).toBe(browser);
  });

  it('starts another Chromium when the one kept has stopped', async () => {
    const browser = await kept();
    await browser!.close();
    const pdf = await printer.print(page('After a crash'), { footer: 'Test' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const again = await kept();
    expect(again).not.toBe(browser);
    expect(again?.isConnected()).toBe(true);
  });

  it('stops Chromium when the app closes', async () => {
    const browser = (await kept())!;
    await t.close();
    expect(browser.isConnected()).toBe(false);
    t = null as unknown as TestApp;
  });
});
