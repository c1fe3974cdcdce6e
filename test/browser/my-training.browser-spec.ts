import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import { Scope } from '../../src/auth/scope';
import { addDays, todayIso } from '../../src/common/dates';
import { sql } from '../../src/database/sql';
import { UsersService } from '../../src/users/users.service';
import { TEST_PASSWORD, TestApp } from '../support/app';
import { axeViolations } from './axe';
import { BrowserApp, countyCouncil, freePort, SCREENSHOTS, startBrowserApp } from './support';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(300, 1)]);

describe('a person with no account uses My training from the email alone, in a real browser', () => {
  let app: BrowserApp;
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let evidenceDir: string;
  const today = todayIso();

  beforeAll(async () => {
    evidenceDir = mkdtempSync(join(tmpdir(), 'browser-evidence-'));
    const port = await freePort();
    app = await startBrowserApp({ PUBLIC_URL: `http://127.0.0.1:${port}`, EVIDENCE_DIR: evidenceDir }, port);
    ({ t, base, browser } = app);
    const http = t.http();
    await countyCouncil(t);
    await http.post('/api/roles').send({ code: 'FRONTLINE', name: 'Frontline care and support' }).expect(201);
    await http.post('/api/requirements').send({ roleCode: 'FRONTLINE', levelCode: 'L2' }).expect(201);
    await http.post('/api/staff').send({ employeeRef: 'T1', firstName: 'Tara', lastName: 'Trainer', organisationCode: 'WCC', roleCodes: [], startDate: '2021-04-06' }).expect(201);
    await http
      .post('/api/staff')
      .send({ employeeRef: 'E1', firstName: 'Amira', lastName: 'Khan', email: 'amira.khan@wcc.example', organisationCode: 'WCC-CYP', roleCodes: ['FRONTLINE'], startDate: '2021-04-06' })
      .expect(201);
    await http.post('/api/completions').send({ employeeRef: 'T1', levelCode: 'L3', completedOn: addDays(today, -200), source: 'external' }).expect(201);
    await http
      .post('/api/sessions')
      .send({ levelCode: 'L2', title: 'WRAP for children’s services', startsAt: `${addDays(today, 14)}T09:30`, endsAt: `${addDays(today, 14)}T12:30`, venue: 'Shire Hall, Warwick', hostOrganisationCode: 'WCC', capacity: 12, trainerEmployeeRefs: ['T1'] })
      .expect(201);
    await t.app.get(UsersService).create(Scope.system(), { email: 'cora@wcc.example', displayName: 'Cora Coordinator', role: 'coordinator', organisationCode: 'WCC', password: TEST_PASSWORD });
  });

  afterAll(async () => {
    await app?.close();
    rmSync(evidenceDir, { recursive: true, force: true });
  });

  it('asks for a link, follows it, sees their record, books a session and sends a certificate that a coordinator approves', async () => {
    // bypassCSP lets the test add axe to the page; the tracker's own pages run under its policy otherwise unchanged.
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // The form sent empty on purpose answers 422, which Chromium logs: that one is expected.
      if (message.type() === 'error' && !/status of 422/.test(message.text())) problems.push(message.text());
    });
    // axe (WCAG 2.2 AA) on every page the story passes through.
    const violations: string[] = [];
    const axe = async (p: typeof page) => violations.push(...(await axeViolations(p)).map((v) => `${new URL(p.url()).pathname}: ${v}`));
    await page.goto(`${base}/my-training/sign-in`);
    await axe(page);
    await page.getByLabel('Email address').fill('amira.khan@wcc.example');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    await axe(page);

    // The email, as the outbox holds it: the link is the only way in.
    const [message] = await sql<{ body: string }>(t.dataSource, "SELECT body FROM outbox_messages WHERE kind = 'sign-in-link' AND to_address = $1", ['amira.khan@wcc.example']);
    const link = /https?:\/\/\S+\/my-training\/sign-in\/[A-Za-z0-9_-]{43}/.exec(message.body)![0];
    await page.goto(link);
    await axe(page);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${base}/my-training`);
    await page.getByRole('heading', { level: 1, name: 'My training: Amira Khan' }).waitFor();
    const levels = await page.getByRole('region', { name: 'Your Prevent training' }).innerText();
    expect(levels).toMatch(/L2[\s\S]*Missing/);
    await axe(page);

    await page.getByRole('button', { name: /Book WRAP for children’s services/ }).click();
    await page.waitForURL(/done=booked/);
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('You have a place on the session');
    expect(await page.getByRole('region', { name: 'Your places' }).innerText()).toContain('WRAP for children’s services');

    await page.getByRole('link', { name: 'Send a certificate of training done elsewhere' }).click();
    // Sent empty first: every problem at its field.
    await page.getByRole('button', { name: 'Send certificate' }).click();
    expect(await page.locator('.govuk-error-summary').innerText()).toMatch(/Choose the level of the training[\s\S]*Enter the date you did the training[\s\S]*Choose the certificate file/);
    await axe(page);
    await page.getByLabel(/^L2: /).check();
    const lastYear = String(Number(today.slice(0, 4)) - 1);
    await page.getByLabel('Day').fill('3');
    await page.getByLabel('Month').fill('3');
    await page.getByLabel('Year').fill(lastYear);
    await page.getByLabel('Certificate').setInputFiles({ name: 'wrap-certificate.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: 'Send certificate' }).click();
    await page.waitForURL(/done=evidence/);
    expect(await page.getByRole('region', { name: 'Training done elsewhere' }).innerText()).toContain('Waiting to be checked');
    await page.screenshot({ path: `${SCREENSHOTS}/my-training.png`, fullPage: true });

    // The coordinator, in a browser of their own.
    const coordinatorContext = await browser.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
    const coordinator = await coordinatorContext.newPage();
    await coordinator.goto(`${base}/sign-in?next=${encodeURIComponent('/evidence')}`);
    await coordinator.getByLabel('Email address').fill('cora@wcc.example');
    await coordinator.getByLabel('Password').fill(TEST_PASSWORD);
    await coordinator.getByRole('button', { name: 'Sign in' }).click();
    await coordinator.waitForURL(`${base}/evidence`);
    await coordinator.getByRole('link', { name: /Check the certificate from Amira Khan/ }).click();
    await coordinator.getByRole('heading', { level: 1, name: 'Certificate from Amira Khan' }).waitFor();
    await axe(coordinator);
    await coordinator.getByRole('button', { name: 'Accept and record the training' }).click();
    await coordinator.waitForURL(/done=approved/);
    expect(await coordinator.locator('.govuk-notification-banner').innerText()).toContain('Certificate accepted');
    await coordinatorContext.close();

    await page.goto(`${base}/my-training`);
    expect(await page.getByRole('region', { name: 'Your Prevent training' }).innerText()).toMatch(/L2[\s\S]*Compliant/);
    expect(await page.getByRole('region', { name: 'Training done elsewhere' }).innerText()).toContain('Accepted');
    await axe(page);
    expect(violations).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits a 390 px phone: My training scrolls no page sideways', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${base}/my-training/sign-in`);
    await page.getByLabel('Email address').fill('amira.khan@wcc.example');
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const [message] = await sql<{ body: string }>(t.dataSource, "SELECT body FROM outbox_messages WHERE kind = 'sign-in-link' AND to_address = $1 ORDER BY id DESC", ['amira.khan@wcc.example']);
    await page.goto(/https?:\/\/\S+\/my-training\/sign-in\/[A-Za-z0-9_-]{43}/.exec(message.body)![0]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${base}/my-training`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SCREENSHOTS}/my-training-phone.png`, fullPage: true });
    await context.close();
  });
});
