import { Browser } from 'playwright-core';
import { Scope } from '../../src/auth/scope';
import { UsersService } from '../../src/users/users.service';
import { TEST_PASSWORD, TestApp } from '../support/app';
import { BrowserApp, countyCouncil, SCREENSHOTS, startBrowserApp, watchedPage } from './support';


describe('a coordinator in a real browser', () => {
  let app: BrowserApp;
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ t, base, browser } = app);

    const http = t.http();
    await countyCouncil(t);
    await http.post('/api/roles').send({ code: 'ALL', name: 'All staff' }).expect(201);
    const people = [
      ['E1', 'Amira', 'Khan', 'WCC'],
      ['E2', 'Ben', 'Cole', 'WCC-CYP'],
      ['E3', 'Chloe', 'Dunn', 'WCC-CYP'],
      ['E4', 'Dev', 'Patel', 'WCC'],
    ];
    for (const [employeeRef, firstName, lastName, organisationCode] of people) {
      await http.post('/api/staff').send({ employeeRef, firstName, lastName, organisationCode, roleCodes: ['ALL'], startDate: '2021-04-06' }).expect(201);
    }
    await http
      .post('/api/completions')
      .send({ employeeRef: 'E1', levelCode: 'L2', completedOn: '2025-11-12', source: 'external', evidence: 'WRAP with the police Prevent team' })
      .expect(201);
    await t.app.get(UsersService).create(Scope.system(), {
      email: 'sam@wcc.example',
      displayName: 'Sam Coordinator',
      role: 'coordinator',
      organisationCode: 'WCC',
      password: TEST_PASSWORD,
    });

  });

  afterAll(async () => {
    await app?.close();
  });

  it('signs in, finds a person by name and sees their training', async () => {
    const { page, problems } = await watchedPage(browser);

    await page.goto(`${base}/staff`);
    // Not signed in yet: the service sends us to sign in, then back to the staff list.
    await page.getByLabel('Email address').fill('sam@wcc.example');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/staff`);
    await page.getByRole('heading', { level: 1, name: 'Staff' }).waitFor();
    expect(await page.locator('#result-count').innerText()).toBe('Showing 1 to 4 of 4 people');
    // GOV.UK Frontend's JavaScript ran (it marks the body once it has initialised).
    expect(await page.locator('body.govuk-frontend-supported').count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/staff-list.png`, fullPage: true });

    await page.getByLabel('Search by name, email or employee reference').fill('khan');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/staff\?search=khan/);
    expect(await page.locator('#result-count').innerText()).toBe('Showing 1 to 1 of 1 person');
    const rows = page.locator('table tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('Amira Khan');

    await page.getByRole('link', { name: 'Amira Khan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Amira Khan' }).waitFor();
    const training = await page.locator('table').filter({ hasText: 'Completed' }).innerText();
    expect(training).toContain('L2');
    expect(training).toContain('12 November 2025');
    expect(training).toContain('WRAP with the police Prevent team');
    await page.screenshot({ path: `${SCREENSHOTS}/person.png`, fullPage: true });

    expect(problems).toEqual([]);
  });

  it('adds a person through the form, correcting a mistake the error summary points to', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/sign-in?next=/staff/new`);
    await page.getByLabel('Email address').fill('sam@wcc.example');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Add a person' }).waitFor();

    await page.getByLabel('Employee reference', { exact: true }).fill('E9');
    await page.getByLabel('First name', { exact: true }).fill('Erin');
    await page.getByLabel('Organisation').selectOption('WCC-CYP');
    await page.getByLabel('All staff').check();
    await page.locator('#startDate-day').fill('31');
    await page.locator('#startDate-month').fill('2');
    await page.locator('#startDate-year').fill('2025');
    await page.getByRole('button', { name: 'Add person' }).click();

    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('Enter the last name');
    expect(await summary.innerText()).toContain('Start date must be a real date');
    // GOV.UK Frontend moves focus to the summary so screen reader users hear it first.
    expect(await page.evaluate(() => document.activeElement?.classList.contains('govuk-error-summary'))).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}/add-person-errors.png`, fullPage: true });

    await summary.getByRole('link', { name: 'Enter the last name' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('lastName');
    await page.getByLabel('Last name', { exact: true }).fill('Fox');
    await page.locator('#startDate-day').fill('28');
    await page.getByRole('button', { name: 'Add person' }).click();
    await page.getByRole('heading', { level: 1, name: 'Erin Fox' }).waitFor();
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Person added');
    expect(await page.locator('.govuk-summary-list').innerText()).toContain('28 February 2025');

    await page.goto(`${base}/organisations`);
    await page.screenshot({ path: `${SCREENSHOTS}/organisations.png`, fullPage: true });
    await context.close();
  });
});
