import { Browser, BrowserContext, Page } from 'playwright-core';
import { DemoSeeder } from '../../src/demo/demo.seeder';
import { OutboxService } from '../../src/notifications/outbox.service';
import { DEMO_PASSWORD } from '../../src/demo/demo-accounts';
import { axeViolations } from './axe';
import { BrowserApp, startBrowserApp } from './support';

/**
 * Every demo role, every page its navigation offers and the main record pages behind them: on a
 * phone (390 x 844) no page scrolls sideways, and axe finds no WCAG 2.2 AA violation there nor at
 * desktop width (each page once, for the first role offered it; home for every role). Failures are
 * collected per page, so one run lists every page that needs work.
 */
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1200, height: 900 };
const ROLES = ['coordinator', 'trainer', 'manager', 'viewer', 'admin'] as const;

/** Why the page scrolls sideways, or null: the widths, and the element reaching furthest right that is not inside a scrolling box. */
async function sidewaysScroll(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const root = document.documentElement;
    if (root.scrollWidth <= root.clientWidth) return null;
    const scrolls = (el: Element | null): boolean => {
      for (let e = el; e && e !== document.body && e !== root; e = e.parentElement) {
        if (getComputedStyle(e).overflowX !== 'visible') return true;
      }
      return false;
    };
    let widest: Element | null = null;
    let right = root.clientWidth;
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > right + 0.5 && !scrolls(el.parentElement)) {
        right = r.right;
        widest = el;
      }
    }
    const name = widest
      ? `<${widest.tagName.toLowerCase()}${widest.id ? ` id="${widest.id}"` : ''}${widest.className && typeof widest.className === 'string' ? ` class="${widest.className}"` : ''}> "${(widest.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60)}" reaching ${Math.round(right)} px`
      : 'no single element';
    return `scrollWidth ${root.scrollWidth} > clientWidth ${root.clientWidth}; widest: ${name}`;
  });
}

async function signIn(context: BrowserContext, base: string, role: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email address').fill(`${role}@demo.test`);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  return page;
}

/** The first link on `path` whose address matches, as a path. */
async function firstLink(page: Page, base: string, path: string, pattern: RegExp): Promise<string | null> {
  await page.goto(`${base}${path}`);
  const hrefs = await page.locator('main a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.find((h) => pattern.test(h)) ?? null;
}

/** Home, the navigation's sections, the account page, each report, the admin and import pages, and a person, a session and a register where the role has them. */
async function pagesFor(page: Page, base: string, role: (typeof ROLES)[number]): Promise<string[]> {
  await page.goto(`${base}/`);
  const nav = await page.locator('.govuk-service-navigation__link').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  const pages = ['/', ...nav, '/account'];
  if (nav.includes('/reports')) {
    await page.goto(`${base}/reports`);
    const reports = await page.locator('main a[href^="/reports/"]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
    pages.push(...reports.filter((h) => !/\.(csv|xlsx|pdf)|format=/.test(h)));
  }
  if (nav.includes('/staff')) {
    const person = await firstLink(page, base, '/staff', /^\/staff\/\d+$/);
    if (person) pages.push(person);
  }
  if (nav.includes('/sessions')) {
    const session = (await firstLink(page, base, '/sessions', /^\/sessions\/\d+$/)) ?? (await firstLink(page, base, '/sessions?when=past', /^\/sessions\/\d+$/));
    if (session) pages.push(session);
    const past = await firstLink(page, base, '/sessions?when=past', /^\/sessions\/\d+$/);
    if (past) pages.push(past);
    // Managers book people; only the others take registers.
    if (past && role !== 'manager') pages.push(`${past}/register`);
  }
  if (nav.includes('/admin')) pages.push('/admin/users', '/admin/audit', '/admin/outbox');
  if (nav.includes('/imports')) pages.push('/imports/new', '/imports/course-mappings', '/imports/role-rules');
  return [...new Set(pages)];
}

describe('every page on a phone and to axe, as each demo role', () => {
  let app: BrowserApp;
  let browser: Browser;
  let base: string;
  const axed = new Set<string>();

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ browser, base } = app);
    await app.t.app.get(DemoSeeder).seedIfEmpty();
    // A message in the outbox, so its page is checked with a row in its table.
    await app.t.dataSource.transaction((m) =>
      app.t.app.get(OutboxService).enqueue(m, {
        to: 'a.very.long.address.for.a.phone@warwickshire-county-council.example.gov.uk',
        subject: 'Your place on WRAP for frontline staff working with children and young people on 3 March 2026',
        text: 'Dear Ann,',
        key: 'browser-outbox',
        kind: 'booking-confirmed',
      }),
    );
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  });

  it('the axe check itself finds a violation where there is one', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.setContent('<!DOCTYPE html><html lang="en"><head><title>Broken</title></head><body><main><h1>Broken</h1><img src="/x.png"></main></body></html>');
    expect((await axeViolations(page)).join('\n')).toMatch(/^image-alt/m);
    await context.close();
  });

  for (const role of ROLES) {
    it(`${role}: no page scrolls sideways at 390 px, and axe finds nothing on a phone or at desktop width`, async () => {
      const problems: string[] = [];
      const phone = await browser.newContext({ viewport: PHONE, bypassCSP: true });
      const desktop = await browser.newContext({ viewport: DESKTOP, bypassCSP: true });
      const onPhone = await signIn(phone, base, role);
      const onDesktop = await signIn(desktop, base, role);
      const pages = await pagesFor(onDesktop, base, role);
      expect(pages.length).toBeGreaterThan(3);
      for (const path of pages) {
        const answer = await onPhone.goto(`${base}${path}`);
        if (!answer || answer.status() >= 400) {
          problems.push(`${path}: answered ${answer?.status()}`);
          continue;
        }
        const sideways = await sidewaysScroll(onPhone);
        if (sideways) problems.push(`${path} at 390 px scrolls sideways: ${sideways}`);
        // A page another role has already had checked by axe is the same template with other rows:
        // it is checked for sideways scroll again (rows change widths), by axe once. Home differs by role.
        if (path !== '/' && axed.has(path)) continue;
        axed.add(path);
        for (const v of await axeViolations(onPhone)) problems.push(`${path} at 390 px: ${v}`);
        await onDesktop.goto(`${base}${path}`);
        for (const v of await axeViolations(onDesktop)) problems.push(`${path} at 1200 px: ${v}`);
      }
      // The menu button folds the navigation away on a phone and opens it again.
      await onPhone.goto(`${base}/`);
      const menu = onPhone.getByRole('button', { name: 'Menu' });
      expect(await menu.isVisible()).toBe(true);
      expect(await onPhone.locator('#navigation').isVisible()).toBe(false);
      await menu.click();
      expect(await onPhone.locator('#navigation').isVisible()).toBe(true);
      expect(await onPhone.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      await phone.close();
      await desktop.close();
      expect(problems).toEqual([]);
    }, 600_000);
  }
});
