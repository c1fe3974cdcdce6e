/**
 * PDFs of report pages: the server renders the page's print view itself and has headless Chromium
 * (through playwright-core) print it on A4. Chromium never signs in or reaches the network: the
 * page's stylesheets, fonts and chart images are answered from disk and memory by request routing.
 */
import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { projectRoot } from '../../config/project-root';

/** The made-up origin the print view is given (<base href>), so its relative links can be answered. */
export const PRINT_ORIGIN = 'http://report.invalid';

export const CHROMIUM_MISSING = "PDF export needs Chromium on the server; use your browser's Print > Save as PDF";

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/** An answer for one request the print view makes (e.g. a chart), or null to let static files answer. */
export type PrintResource = (pathAndQuery: string) => Promise<{ body: string | Buffer; contentType: string } | null>;

export interface PrintOptions {
  /** Plain text shown in the footer of every page, beside the page number. */
  footer: string;
  /** Answers for non-file requests, such as chart images. */
  resources?: PrintResource;
}

export function chromiumPath(): string | null {
  const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

@Injectable()
export class PdfPrinter {
  private readonly logger = new Logger(PdfPrinter.name);
  /** One print at a time: Chromium is heavy and the machine small. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly root = projectRoot();
  private readonly staticDirs: [string, string][] = [
    ['/assets/', join(this.root, 'node_modules/govuk-frontend/dist/govuk/assets')],
    ['/govuk/', join(this.root, 'node_modules/govuk-frontend/dist/govuk')],
    ['/static/', join(this.root, 'views/static')],
  ];

  /** Whether PDFs can be made here. */
  get available(): boolean {
    return chromiumPath() !== null;
  }

  async print(html: string, options: PrintOptions): Promise<Buffer> {
    const executablePath = chromiumPath();
    if (!executablePath) throw new ServiceUnavailableException(CHROMIUM_MISSING);
    const run = this.queue.then(() => this.printNow(executablePath, html, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async printNow(executablePath: string, html: string, options: PrintOptions): Promise<Buffer> {
    // Loaded on first use: the app starts without it when PDFs are never asked for.
    const { chromium } = await import('playwright-core');
    let browser: Awaited<ReturnType<typeof chromium.launch>>;
    try {
      browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
    } catch (error) {
      this.logger.error(`Chromium did not start: ${error instanceof Error ? error.message : String(error)}`);
      throw new ServiceUnavailableException(CHROMIUM_MISSING);
    }
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: false });
      const page = await context.newPage();
      await page.route('**/*', async (route) => {
        const url = new URL(route.request().url());
        if (url.origin !== PRINT_ORIGIN) return route.abort();
        const answer = (await options.resources?.(url.pathname + url.search)) ?? this.staticFile(url.pathname);
        if (!answer) return route.fulfill({ status: 404, body: '' });
        return route.fulfill({ status: 200, contentType: answer.contentType, body: answer.body });
      });
      await page.setContent(html, { waitUntil: 'load', timeout: 30_000 });
      const footer = escapeHtml(options.footer);
      const pdf = await page.pdf({
        format: 'A4',
        printBackground: true,
        // Tagged: headings, tables and images carry their structure, so screen readers can follow the
        // document; its language and title come from the print layout's <html lang> and <title>.
        tagged: true,
        displayHeaderFooter: true,
        headerTemplate: '<div></div>',
        footerTemplate: `<div style="font-family: Arial, sans-serif; font-size: 8px; color: #484949; width: 100%; margin: 0 12mm; display: flex; justify-content: space-between;"><span>${footer}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`,
        margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
      });
      return Buffer.from(pdf);
    } finally {
      await browser.close().catch(() => undefined);
    }
  }

  /** A stylesheet, font or image the print view links to, from the same folders the app serves. */
  private staticFile(pathname: string): { body: Buffer; contentType: string } | null {
    for (const [prefix, dir] of this.staticDirs) {
      if (!pathname.startsWith(prefix)) continue;
      const file = normalize(join(dir, decodeURIComponent(pathname.slice(prefix.length))));
      if (!file.startsWith(dir + sep)) return null;
      if (!existsSync(file) || !statSync(file).isFile()) return null;
      return { body: readFileSync(file), contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' };
    }
    return null;
  }
}
