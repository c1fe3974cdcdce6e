import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { Browser, chromium, Page } from 'playwright-core';
import { createTestApp, TestApp } from '../support/app';

/** Debian's chromium package. Missing is a failure, not a skip: these suites exist to run it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? '/tmp';

export interface BrowserApp {
  t: TestApp;
  /** http://127.0.0.1:PORT of the running app. */
  base: string;
  browser: Browser;
  close: () => Promise<void>;
}

/** A port free on loopback now, for an app whose PUBLIC_URL must be known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The real app on a free port (fresh SQLite database) and a headless Chromium to drive it. With
 * `port`, it listens there (PUBLIC_URL in `extraEnv` can then name it).
 */
export async function startBrowserApp(extraEnv: Record<string, string> = {}, port = 0): Promise<BrowserApp> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM} (apt-get install chromium): the browser tests cannot run`);
  const t = await createTestApp('sqlite', extraEnv);
  await t.app.listen(port, '127.0.0.1');
  const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // Without the networking flags Chromium tries to reach Google's hosts, which this machine refuses.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    t,
    base,
    browser,
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/** The county council and one directorate, as most browser stories begin. */
export async function countyCouncil(t: TestApp): Promise<void> {
  const http = t.http();
  await http.post('/api/organisations').send({ code: 'WCC', name: 'Warwickshire County Council', sector: 'local_authority', isEmployer: true }).expect(201);
  await http.post('/api/organisations').send({ code: 'WCC-CYP', name: 'Children and Young People', sector: 'local_authority', parentCode: 'WCC' }).expect(201);
}

/** A page that collects script errors and console errors, which every story expects to be none. */
export async function watchedPage(browser: Browser, viewport = { width: 1200, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  return { page, problems };
}
