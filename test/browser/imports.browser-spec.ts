import { Browser } from 'playwright-core';
import { Scope } from '../../src/auth/scope';
import { sql } from '../../src/database/sql';
import { UsersService } from '../../src/users/users.service';
import { TEST_PASSWORD, TestApp } from '../support/app';
import { BrowserApp, countyCouncil, SCREENSHOTS, startBrowserApp, watchedPage } from './support';


describe('a coordinator imports a staff list in a real browser', () => {
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

  it('uploads a file, reads the preview and confirms it', async () => {
    const { page, problems } = await watchedPage(browser);

    await page.goto(`${base}/imports/new`);
    await page.getByLabel('Email address').fill('sam@wcc.example');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Upload a file' }).waitFor();

    const lines = ['Employee Ref,First Name,Last Name,Organisation Code,Roles,Start Date'];
    for (let i = 1; i <= 250; i++) lines.push(`S${i},Person,Number ${i},${i % 2 ? 'WCC' : 'WCC-CYP'},ALL,${i === 42 ? '31/02/2024' : '06/04/2021'}`);
    await page.screenshot({ path: `${SCREENSHOTS}/import-upload.png`, fullPage: true });
    await page.getByLabel('A staff list').check();
    await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'hr-export.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) });
    await page.getByRole('button', { name: 'Upload and check' }).click();

    await page.waitForURL(/\/imports\/\d+$/);
    await page.getByRole('heading', { level: 1, name: /hr-export\.csv/ }).waitFor();
    const counts = await page.locator('#import-counts').innerText();
    expect(counts).toMatch(/People to add\s+249/);
    expect(counts).toMatch(/Rows with errors\s+1/);
    const errors = page.locator('#import-errors tbody tr');
    expect(await errors.count()).toBe(1);
    expect(await errors.first().innerText()).toMatch(/43\s+Start Date\s+31\/02\/2024\s+31\/02\/2024 is not a real date/);
    expect(await sql(t.dataSource, 'SELECT id FROM staff')).toHaveLength(0);
    await page.screenshot({ path: `${SCREENSHOTS}/import-preview.png`, fullPage: true });

    await page.getByRole('button', { name: 'Import the valid rows only' }).click();
    await page.locator('.govuk-notification-banner--success').waitFor();
    expect(await page.locator('.govuk-notification-banner--success').innerText()).toContain('Import complete: the valid rows only were imported');
    expect(await page.locator('#import-counts').innerText()).toMatch(/People added\s+249/);
    expect(await sql(t.dataSource, 'SELECT id FROM staff')).toHaveLength(249);
    await page.screenshot({ path: `${SCREENSHOTS}/import-done.png`, fullPage: true });

    await page.getByRole('link', { name: 'Back to imports' }).click();
    await page.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();
    expect(await page.locator('table tbody tr').first().innerText()).toContain('hr-export.csv');

    await page.goto(`${base}/imports/course-mappings`);
    await page.getByRole('heading', { level: 1, name: 'Course names and levels' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/import-course-mappings.png`, fullPage: true });

    expect(problems).toEqual([]);
  });
});
