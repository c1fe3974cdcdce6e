/**
 * PDFs of report pages: the server renders the page's print view itself and has headless Chromium
 * (through playwright-core) print it on A4. Chromium never signs in or reaches the network: the
 * page's stylesheets, fonts and chart images are answered from disk and memory by request routing.
 */
import { Injectable, Logger, OnModuleDestroy, ServiceUnavailableException } from '@nestjs/common';
import type { Browser } from 'playwright-core';
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

/** How long Chromium is kept running after the last PDF, for the next one (starting it takes about half a second of CPU). */
const BROWSER_IDLE_MS = 60_000;

@Injectable()
export class PdfPrinter implements OnModuleDestroy {
  private readonly logger = new Logger(PdfPrinter.name);
  /** One print at a time: Chromium is heavy and the machine small. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The running Chromium, started for the first PDF and stopped once idle for BROWSER_IDLE_MS. */
  private browser: Promise<Browser> | null = null;
  private idle: NodeJS.Timeout | null = null;
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

  async onModuleDestroy(): Promise<void> {
    await this.stopBrowser();
  }

  /** Chromium, started if it is not running (or has stopped). */
  private async running(executablePath: string): Promise<Browser> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    if (!this.browser) {
      const starting = (async () => {
        // Loaded on first use: the app starts without it when PDFs are never asked for.
        const { chromium } = await import('playwright-core');
        const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS, timeout: 30_000 });
        browser.on('disconnected', () => {
          if (this.browser === starting) this.browser = null;
        });
        return browser;
      })();
      this.browser = starting;
      starting.catch(() => {
        if (this.browser === starting) this.browser = null;
      });
    }
    try {
      return await this.browser;
    } catch (error) {
      this.logger.error(`Chromium did not start: ${error instanceof Error ? error.message : String(error)}`);
      throw new ServiceUnavailableException(CHROMIUM_MISSING);
    }
  }

  private async stopBrowser(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    const browser = this.browser;
    this.browser = null;
    if (browser) await browser.then((b) => b.close()).catch(() => undefined);
  }

  private async printNow(executablePath: string, html: string, options: PrintOptions): Promise<Buffer> {
    let browser = await this.running(executablePath);
    if (!browser.isConnected()) {
      // It stopped since the last PDF (it crashed, or was killed): start another.
      await this.stopBrowser();
      browser = await this.running(executablePath);
    }
    // Each PDF in a context of its own (no cookies, cache or storage shared with the one before).
    const context = await browser.newContext({ javaScriptEnabled: false, offline: false });
    try {
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
      await context.close().catch(() => undefined);
      this.idle = setTimeout(() => void this.stopBrowser(), BROWSER_IDLE_MS);
      this.idle.unref();
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
