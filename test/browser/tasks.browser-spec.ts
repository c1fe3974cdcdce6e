import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { Browser, BrowserContext, Download, Page } from 'playwright-core';
import { Scope, type UserRole } from '../../src/auth/scope';
import { addDays, formatUkDate, todayIso } from '../../src/common/dates';
import { UsersService } from '../../src/users/users.service';
import { TEST_PASSWORD, TestApp } from '../support/app';
import { axeViolations } from './axe';
import { BrowserApp, countyCouncil, startBrowserApp } from './support';

/**
 * The three everyday tasks, done by someone new to the tracker through the pages alone: they start
 * at the home page and go by what the pages say (links, buttons, labels), never by an address or
 * an id. On every page a task passes through axe finds no WCAG 2.2 AA violation, and on the phone
 * no page scrolls sideways.
 */
const DESKTOP = { width: 1200, height: 900 };
const PHONE = { width: 390, height: 844 };
const WRAP = 'WRAP for children’s services';
const NEXT_WRAP = 'WRAP for new starters';
/** The five people the trainer books, by what they type and the suggestion they choose. */
const TRAINEES = [
  ['ami', 'Amira Khan (E1)'],
  ['cole', 'Ben Cole (E2)'],
  ['chlo', 'Chloe Dunn (E3)'],
  ['pat', 'Dev Patel (E4)'],
  ['erin', 'Erin Walsh (E5)'],
] as const;

describe('three tasks a new user does through the pages alone, in Chromium', () => {
  let app: BrowserApp;
  let t: TestApp;
  let browser: Browser;
  let base: string;
  const today = todayIso();

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ t, base, browser } = app);
    const http = t.http();
    await countyCouncil(t);
    await http.post('/api/roles').send({ code: 'FRONTLINE', name: 'Frontline care and support' }).expect(201);
    await http.post('/api/requirements').send({ roleCode: 'FRONTLINE', levelCode: 'L2' }).expect(201);
    const people: [string, string, string, string, string?][] = [
      ['T1', 'Tara', 'Trainer', 'WCC'],
      ['E1', 'Amira', 'Khan', 'WCC-CYP'],
      ['E2', 'Ben', 'Cole', 'WCC-CYP'],
      ['E3', 'Chloe', 'Dunn', 'WCC-CYP'],
      ['E4', 'Dev', 'Patel', 'WCC-CYP'],
      ['E5', 'Erin', 'Walsh', 'WCC-CYP'],
      ['M1', 'Mo', 'Ahmed', 'WCC-CYP'],
      ['F1', 'Fay', 'Green', 'WCC-CYP', 'M1'],
      ['G1', 'Gus', 'Hill', 'WCC-CYP', 'M1'],
    ];
    for (const [employeeRef, firstName, lastName, organisationCode, managerEmployeeRef] of people) {
      await http
        .post('/api/staff')
        .send({ employeeRef, firstName, lastName, organisationCode, managerEmployeeRef, roleCodes: ['FRONTLINE'], startDate: '2021-04-06' })
        .expect(201);
    }
    const completions: [string, string, string][] = [
      ['T1', 'L3', addDays(today, -200)],
      ['G1', 'L2', addDays(today, -100)],
      // Q3 2025/26 (October to December 2025): three L1 completions; the days either side and this year's Q3 hold others.
      ['E1', 'L1', '2025-10-01'],
      ['E2', 'L1', '2025-11-20'],
      ['E3', 'L1', '2025-12-31'],
      ['E4', 'L1', '2025-09-30'],
      ['E5', 'L1', '2026-01-01'],
      ['M1', 'L1', '2026-10-05'],
    ];
    for (const [employeeRef, levelCode, completedOn] of completions) {
      await http.post('/api/completions').send({ employeeRef, levelCode, completedOn, source: 'external' }).expect(201);
    }
    // The session a manager books onto: a WRAP in two weeks, hosted by the council above the manager's directorate.
    await http
      .post('/api/sessions')
      .send({
        levelCode: 'L2',
        title: NEXT_WRAP,
        startsAt: `${addDays(today, 14)}T13:00`,
        endsAt: `${addDays(today, 14)}T16:00`,
        venue: 'Shire Hall, Warwick',
        hostOrganisationCode: 'WCC',
        capacity: 10,
        trainerEmployeeRefs: ['T1'],
      })
      .expect(201);
    const users = t.app.get(UsersService);
    const accounts: [string, string, UserRole, string, string?][] = [
      ['tara@wcc.example', 'Tara Trainer', 'trainer', 'WCC', 'T1'],
      ['mo@wcc.example', 'Mo Ahmed', 'manager', 'WCC-CYP', 'M1'],
      ['cora@wcc.example', 'Cora Coordinator', 'coordinator', 'WCC'],
    ];
    for (const [email, displayName, role, organisationCode, staffEmployeeRef] of accounts) {
      await users.create(Scope.system(), { email, displayName, role, organisationCode, staffEmployeeRef, password: TEST_PASSWORD });
    }
  });

  afterAll(async () => {
    await app?.close();
  });

  /** What went wrong on the pages so far: script errors, axe violations, sideways scrolling on a phone. */
  let problems: string[];
  beforeEach(() => {
    problems = [];
  });

  async function newUser(viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
    // bypassCSP: axe is injected into the page, which otherwise allows only the app's own scripts.
    const phone = viewport.width < 600;
    const context = await browser.newContext({ viewport, bypassCSP: true, ...(phone ? { isMobile: true, hasTouch: true } : {}) });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    return { context, page };
  }

  /** The page as it stands passes axe, and on a phone it does not scroll sideways. */
  async function check(page: Page, name: string): Promise<void> {
    for (const v of await axeViolations(page)) problems.push(`${name}: ${v}`);
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
    if (scrollWidth > clientWidth) problems.push(`${name} scrolls sideways: ${scrollWidth} px wide on a ${clientWidth} px screen`);
  }

  /** From the home page, as a person who has only been told the service's address and their account. */
  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto(`${base}/`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await check(page, 'sign in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** A section of the service navigation; on a phone (below GOV.UK's 641 px breakpoint) it is behind the Menu button. */
  async function openSection(page: Page, name: string): Promise<void> {
    if (page.viewportSize()!.width < 641) await page.getByRole('button', { name: 'Menu' }).click();
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name }).click();
  }

  /** The person box once the autocomplete has taken it over (text typed before then would not be searched). */
  function personBox(page: Page, label: string) {
    return page.getByRole('combobox', { name: label, exact: true });
  }

  /** Types part of a name into a person box and chooses the suggestion the autocomplete offers. */
  async function choosePerson(page: Page, box: string, typed: string, suggestion: string): Promise<void> {
    const input = personBox(page, box);
    await input.pressSequentially(typed);
    await page.getByRole('option', { name: new RegExp(`^${suggestion.replace(/[()]/g, '\\$&')}`) }).click();
    expect(await input.inputValue()).toBe(suggestion);
  }

  it('a trainer schedules a WRAP session, books five people by name and takes the register on a phone', async () => {
    const { context, page } = await newUser();
    await signIn(page, 'tara@wcc.example');
    await openSection(page, 'Sessions');
    await page.getByRole('link', { name: 'Schedule a session' }).click();
    await page.getByRole('heading', { level: 1, name: 'Schedule a session' }).waitFor();
    await check(page, 'schedule a session');

    await page.getByLabel(/^L2: WRAP/).check();
    await page.getByLabel('Title').fill(WRAP);
    const date = page.getByRole('group', { name: 'Date' });
    const [year, month, day] = today.split('-').map(Number);
    await date.getByLabel('Day').fill(String(day));
    await date.getByLabel('Month').fill(String(month));
    await date.getByLabel('Year').fill(String(year));
    await page.getByLabel('Start time (UK time)').fill('9:30am');
    await page.getByLabel('End time (UK time)').fill('12:30pm');
    await page.getByLabel('Host organisation').selectOption({ label: 'Children and Young People' });
    await page.getByLabel('Venue').fill('Shire Hall, Warwick');
    await page.getByLabel('Places').fill('12');
    await choosePerson(page, 'Trainer 1', 'tara', 'Tara Trainer (T1)');
    await page.getByRole('button', { name: 'Schedule session' }).click();

    await page.getByRole('heading', { level: 1, name: new RegExp(WRAP) }).waitFor();
    const details = await page.locator('.govuk-summary-list').first().innerText();
    expect(details).toContain(formatUkDate(today));
    expect(details).toContain('09:30 to 12:30');
    await check(page, 'the new session');

    // Five people at once: a name in each box, "Add another person" for the next box.
    for (const [i, [typed, suggestion]] of TRAINEES.entries()) {
      if (i > 0) await page.getByRole('button', { name: 'Add another person' }).click();
      await choosePerson(page, `Person ${i + 1}`, typed, suggestion);
    }
    await check(page, 'the session with five people chosen');
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await page.locator('.govuk-notification-banner').getByText('5 people booked').waitFor();
    const booked = await page.getByRole('region', { name: 'Booked' }).innerText();
    for (const [, suggestion] of TRAINEES) expect(booked).toContain(suggestion.replace(/ \(.*/, ''));
    await check(page, 'the session with five people booked');
    await context.close();

    // At the session, on a phone.
    const phone = await newUser(PHONE);
    await signIn(phone.page, 'tara@wcc.example');
    await check(phone.page, 'home on a phone');
    // Today's session is under "Your next sessions" until it ends, then under "Registers to take".
    await phone.page.getByRole('link', { name: WRAP }).click();
    const register = phone.page.getByRole('heading', { level: 1, name: 'Register' });
    const take = phone.page.getByRole('link', { name: 'Take the register' });
    await register.or(take).waitFor();
    if (await take.isVisible()) {
      await check(phone.page, 'the session on a phone');
      await take.click();
    }
    await register.waitFor();
    await check(phone.page, 'the register on a phone');
    await phone.page.getByRole('button', { name: 'Mark everyone attended' }).click();
    await phone.page.getByText('Everyone booked is marked as attended').waitFor();
    await phone.page.getByRole('group', { name: /Dev Patel/ }).getByLabel('Did not attend').check();
    await check(phone.page, 'the register filled in on a phone');
    await phone.page.getByRole('button', { name: 'Complete the register' }).click();
    await phone.page.locator('.govuk-notification-banner').getByText('Register saved').waitFor();
    const attendance = phone.page.getByRole('region', { name: 'Attendance' });
    for (const [, suggestion] of TRAINEES) {
      const name = suggestion.replace(/ \(.*/, '');
      expect(await attendance.getByRole('row', { name: new RegExp(name) }).innerText()).toContain(name === 'Dev Patel' ? 'Did not attend' : 'Attended');
    }
    expect(await phone.page.locator('.govuk-summary-list').first().innerText()).toContain('4 attended, 1 did not attend');
    await check(phone.page, 'the session after the register, on a phone');
    await phone.context.close();
    expect(problems).toEqual([]);
  });

  it('on a slow connection, suggestions answered after a person was chosen do not open the list again over the buttons', async () => {
    const { context, page } = await newUser();
    await signIn(page, 'tara@wcc.example');
    await openSection(page, 'Sessions');
    await page.getByRole('link', { name: 'Schedule a session' }).click();
    const box = personBox(page, 'Trainer 1');
    await box.pressSequentially('ta');
    await page.getByRole('option', { name: /^Tara Trainer \(T1\)/ }).waitFor();
    // The answer to "tar" is held back until after the person has been chosen from the list for "ta".
    let answer: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (answer = resolve));
    await page.route(/\/api\/people\?q=tar&/, async (route) => {
      await held;
      await route.continue();
    });
    await box.pressSequentially('r');
    await page.getByRole('option', { name: /^Tara Trainer \(T1\)/ }).click();
    expect(await box.inputValue()).toBe('Tara Trainer (T1)');
    const late = page.waitForResponse(/\/api\/people\?q=tar&/);
    answer();
    await (await late).finished();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve)));
    expect(await page.getByRole('listbox').filter({ has: page.getByRole('option') }).count()).toBe(0);
    await page.getByRole('button', { name: 'Add another trainer' }).click();
    await personBox(page, 'Trainer 2').waitFor();
    await context.close();
    expect(problems).toEqual([]);
  });

  it('a manager finds who in their team is overdue and books them onto a session from My team', async () => {
    const { context, page } = await newUser();
    await signIn(page, 'mo@wcc.example');
    await check(page, 'home');
    await openSection(page, 'My team');
    await page.getByRole('heading', { level: 1, name: 'My team' }).waitFor();
    await check(page, 'My team');
    const team = page.getByRole('region', { name: 'Your team' });
    const fay = team.getByRole('row', { name: /Fay Green/ });
    const gus = team.getByRole('row', { name: /Gus Hill/ });
    expect(await fay.innerText()).toMatch(/missing/i);
    expect(await gus.innerText()).not.toMatch(/missing|expired/i);
    expect(await fay.innerText()).toContain('Not booked');

    await fay.getByRole('link', { name: /Book onto a session for Fay Green, L2/ }).click();
    await page.getByRole('heading', { level: 1, name: /Book onto a L2 session/ }).waitFor();
    await check(page, 'book Fay Green onto a session');
    await page.getByLabel(new RegExp(`^${NEXT_WRAP}, ${formatUkDate(addDays(today, 14))}`)).check();
    await page.getByRole('button', { name: 'Book Fay Green' }).click();

    await page.getByRole('heading', { level: 1, name: new RegExp(NEXT_WRAP) }).waitFor();
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('1 person booked');
    expect(await page.getByRole('region', { name: 'Booked' }).getByRole('row', { name: /Fay Green/ }).innerText()).toContain('Booked');
    await check(page, 'the session Fay Green is booked on');

    await openSection(page, 'My team');
    await page.getByRole('heading', { level: 1, name: 'My team' }).waitFor();
    const bookedRow = await page.getByRole('region', { name: 'Your team' }).getByRole('row', { name: /Fay Green/ }).innerText();
    expect(bookedRow).toContain(`${NEXT_WRAP} (L2), ${formatUkDate(addDays(today, 14))}`);
    await check(page, 'My team after booking');
    await context.close();
    expect(problems).toEqual([]);
  });

  it('a coordinator chooses Q3 2025/26 on the quarterly report and downloads it as PDF and XLSX', async () => {
    const { context, page } = await newUser();
    await signIn(page, 'cora@wcc.example');
    await openSection(page, 'Reports');
    await page.getByRole('link', { name: 'Quarterly take-up' }).click();
    await page.getByRole('heading', { level: 1, name: /Prevent training take-up/ }).waitFor();
    await check(page, 'the quarterly report');

    // Chosen on the form and downloaded straight away: the files follow the choice, not the quarter shown.
    await page.getByLabel('Financial year').selectOption({ label: '2025/26' });
    await page.getByLabel('Quarter', { exact: true }).selectOption({ label: 'Q3 (Oct to Dec)' });
    const pdf = await download(page, 'Download PDF');
    expect(pdf.name).toBe('prevent-take-up-WCC-2025-Q3.pdf');
    const pdfText = pdf.body.toString('latin1');
    expect(pdfText.startsWith('%PDF-')).toBe(true);
    expect(pdfText).toContain('/Title (Prevent training take-up, Q3 2025/26: Warwickshire County Council)');
    expect(pdfText).toContain('/StructTreeRoot');

    const xlsx = await download(page, 'Download Excel (XLSX)');
    expect(xlsx.name).toBe('prevent-take-up-WCC-2025-Q3.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const summary = workbook.getWorksheet('Summary')!;
    expect(summary.getCell('A3').value).toBe('Q3 2025/26 (October to December 2025)');
    const rows = sheetRows(summary, 'Completions');
    const l1 = rows.find((r) => r.Level === 'L1')!;
    expect(l1).toMatchObject({ Period: 'Q3 2025/26', Name: 'Warwickshire County Council', Completions: 3, 'People trained': 3 });

    await page.getByRole('button', { name: 'Show report' }).click();
    await page.getByRole('heading', { level: 1, name: 'Prevent training take-up, Q3 2025/26' }).waitFor();
    await check(page, 'the quarterly report for Q3 2025/26');
    await context.close();
    expect(problems).toEqual([]);
  });
});

/** Presses a download button and waits for the file it gives. */
async function download(page: Page, button: string): Promise<{ name: string; body: Buffer }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return { name: (file as Download).suggestedFilename(), body: await readFile(await file.path()) };
}

/** A sheet's rows below its header row (the first row holding `firstHeader`), as header to value. */
function sheetRows(sheet: ExcelJS.Worksheet, firstHeader: string): Record<string, unknown>[] {
  let headers: string[] | null = null;
  const rows: Record<string, unknown>[] = [];
  sheet.eachRow((row) => {
    const values = (row.values as unknown[]).slice(1);
    if (!headers) {
      if (values.includes(firstHeader)) headers = values.map(String);
      return;
    }
    rows.push(Object.fromEntries(headers.map((h, i) => [h, values[i]])));
  });
  return rows;
}
