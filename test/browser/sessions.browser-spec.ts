import { Browser, Page } from 'playwright-core';
import { Scope } from '../../src/auth/scope';
import { addDays, todayIso } from '../../src/common/dates';
import { UsersService } from '../../src/users/users.service';
import { TEST_PASSWORD, TestApp } from '../support/app';
import { BrowserApp, countyCouncil, SCREENSHOTS, startBrowserApp, watchedPage } from './support';


describe('a trainer books a person and takes the register in a real browser', () => {
  let app: BrowserApp;
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let sessionId: number;

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ t, base, browser } = app);

    const http = t.http();
    const today = todayIso();
    await countyCouncil(t);
    await http.post('/api/roles').send({ code: 'FRONTLINE', name: 'Frontline care and support' }).expect(201);
    for (const [employeeRef, firstName, lastName, organisationCode] of [
      ['T1', 'Tara', 'Trainer', 'WCC'],
      ['E1', 'Amira', 'Khan', 'WCC-CYP'],
      ['E2', 'Ben', 'Cole', 'WCC-CYP'],
      ['E3', 'Chloe', 'Dunn', 'WCC-CYP'],
    ]) {
      await http.post('/api/staff').send({ employeeRef, firstName, lastName, organisationCode, roleCodes: ['FRONTLINE'], startDate: '2021-04-06' }).expect(201);
    }
    await http.post('/api/completions').send({ employeeRef: 'T1', levelCode: 'L3', completedOn: addDays(today, -200), source: 'external' }).expect(201);
    const session = await http
      .post('/api/sessions')
      .send({
        levelCode: 'L2',
        title: 'WRAP for children’s services',
        startsAt: `${today}T09:30`,
        endsAt: `${today}T12:30`,
        venue: 'Shire Hall, Warwick',
        hostOrganisationCode: 'WCC-CYP',
        capacity: 2,
        trainerEmployeeRefs: ['T1'],
      })
      .expect(201);
    sessionId = session.body.id;
    await http.post(`/api/sessions/${sessionId}/bookings`).send({ employeeRef: 'E1' }).expect(201);
    await t.app.get(UsersService).create(Scope.system(), {
      email: 'tara@wcc.example',
      displayName: 'Tara Trainer',
      role: 'trainer',
      organisationCode: 'WCC',
      staffEmployeeRef: 'T1',
      password: TEST_PASSWORD,
    });

  });

  afterAll(async () => {
    await app?.close();
  });

  async function signIn(page: Page, next: string): Promise<void> {
    await page.goto(`${base}/sign-in?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Email address').fill('tara@wcc.example');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}${next}`);
  }

  it('keeps what was typed before the person box became an autocomplete, and suggests for it', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    // Hold the picker's script back until the trainer has typed, as on a slow connection.
    let typed!: () => void;
    const typedAlready = new Promise<void>((resolve) => (typed = resolve));
    await page.route('**/static/person-picker.js', async (route) => {
      await typedAlready;
      await route.continue();
    });
    await signIn(page, `/sessions/${sessionId}`);
    const box = page.getByLabel('Person 1', { exact: true });
    await box.pressSequentially('be', { delay: 20 });
    typed();
    await page.getByRole('option', { name: /Ben Cole \(E2\)/ }).waitFor();
    await page.keyboard.type('n');
    expect(await page.getByLabel('Person 1', { exact: true }).inputValue()).toBe('ben');
    await page.close();
  });

  it('books people from the session page, the last of them onto the waiting list', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    // Today's session is upcoming or past depending on the time of day: open the list of all sessions.
    await signIn(page, '/sessions?when=all');
    await page.getByRole('link', { name: 'WRAP for children’s services' }).click();
    await page.getByRole('heading', { level: 1, name: /WRAP for children’s services/ }).waitFor();

    // The person picker: type a name, choose the suggestion the autocomplete offers (it fills in "Name (REF)").
    const first = page.getByLabel('Person 1', { exact: true });
    await first.pressSequentially('ben', { delay: 50 });
    await page.getByRole('option', { name: /Ben Cole \(E2\)/ }).click();
    expect(await first.inputValue()).toBe('Ben Cole (E2)');
    // "Add another person" shows the next box; a name typed in full needs no suggestion.
    await page.getByRole('button', { name: 'Add another person' }).click();
    await page.getByLabel('Person 2', { exact: true }).fill('Chloe Dunn');
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    await page.waitForURL(/booked=1&waiting=1/);
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('1 person booked, 1 on the waiting list');
    expect(await page.locator('#bookings').innerText()).toContain('Ben Cole');
    expect(await page.locator('#waiting-list').innerText()).toContain('Chloe Dunn');
    await page.screenshot({ path: `${SCREENSHOTS}/session.png`, fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  it('completes the register on a phone', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, `/sessions/${sessionId}`);
    await page.getByRole('link', { name: 'Take the register' }).click();
    await page.getByRole('heading', { level: 1, name: 'Register' }).waitFor();
    // Nothing wider than the phone: no sideways scrolling to reach a button.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    await page.getByRole('group', { name: /Amira Khan/ }).getByLabel('Attended').check();
    await page.getByRole('button', { name: 'Complete the register' }).click();
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    expect(await summary.innerText()).toContain('Ben Cole (E2)');

    await page.getByRole('group', { name: /Amira Khan/ }).getByLabel('Attended').check();
    await page.getByRole('group', { name: /Ben Cole/ }).getByLabel('Did not attend').check();
    await page.getByLabel('Chloe Dunn (E3) attended').check();
    await page.screenshot({ path: `${SCREENSHOTS}/register-phone.png`, fullPage: true });
    await page.getByRole('button', { name: 'Complete the register' }).click();
    await page.waitForURL(`${base}/sessions/${sessionId}?done=register`);
    expect(await page.locator('.govuk-notification-banner').innerText()).toContain('Register saved');
    const attendance = await page.locator('#bookings').innerText();
    expect(attendance).toMatch(/Amira Khan[\s\S]*Attended/);
    expect(attendance).toMatch(/Ben Cole[\s\S]*Did not attend/);
    expect(attendance).toMatch(/Chloe Dunn[\s\S]*Walk-in/);
    await context.close();

    const desk = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await signIn(desk, `/sessions/${sessionId}/feedback`);
    // The QR code is an image served by the app (SVG), not markup pasted into the page.
    const qr = desk.locator('img.app-qr');
    await qr.waitFor();
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await desk.screenshot({ path: `${SCREENSHOTS}/session-feedback.png`, fullPage: true });
    await desk.goto(`${base}/sessions/calendar`);
    expect(await desk.locator('.app-calendar').innerText()).toContain('WRAP for children’s services');
    await desk.screenshot({ path: `${SCREENSHOTS}/sessions-calendar.png`, fullPage: true });
    await desk.close();

    const completions = await t.http().get('/api/completions?level=L2').expect(200);
    expect(completions.body.items.map((c: { employeeRef: string }) => c.employeeRef).sort()).toEqual(['E1', 'E3']);
  });

  it('fits the session page and the register on a 390 px wide phone: wide tables scroll in their own box', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, `/sessions/${sessionId}`);
    await page.getByRole('heading', { level: 1, name: /WRAP for children’s services/ }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The attendance table (with its certificate links) is reachable by scrolling its own region.
    const region = page.getByRole('region', { name: /Attendance/ });
    expect(await region.evaluate((el) => getComputedStyle(el).overflowX)).toBe('auto');
    expect(await region.getByRole('link', { name: /Certificate for Amira Khan/ }).count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/session-phone.png`, fullPage: true });

    await page.goto(`${base}/sessions/${sessionId}/register`);
    await page.getByRole('heading', { level: 1, name: 'Register' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();
  });
});
