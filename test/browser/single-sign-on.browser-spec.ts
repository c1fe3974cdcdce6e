import { Browser } from 'playwright-core';
import { Scope } from '../../src/auth/scope';
import { UsersService } from '../../src/users/users.service';
import { TEST_PASSWORD } from '../support/app';
import { RunningProvider, startOidcProvider } from '../support/oidc';
import { BrowserApp, countyCouncil, freePort, SCREENSHOTS, startBrowserApp } from './support';

describe('signing in with the organisation’s own account in a real browser', () => {
  let app: BrowserApp;
  let idp: RunningProvider;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    const tracker = `http://127.0.0.1:${port}`;
    const client = { clientId: 'tracker', clientSecret: 'browser test client secret', redirectUri: `${tracker}/sign-in/oidc/council/callback`, postLogoutRedirectUri: `${tracker}/sign-in` };
    idp = await startOidcProvider([client], { sam: { email: 'sam@wcc.example', name: 'Sam Coordinator' } });
    app = await startBrowserApp(
      {
        PUBLIC_URL: tracker,
        OIDC_PROVIDERS: JSON.stringify([{ id: 'council', label: 'Warwickshire', issuer: idp.issuer, clientId: client.clientId, clientSecret: client.clientSecret, domains: ['wcc.example'] }]),
      },
      port,
    );
    ({ base, browser } = app);
    await countyCouncil(app.t);
    await app.t.app.get(UsersService).create(Scope.system(), { email: 'sam@wcc.example', displayName: 'Sam Coordinator', role: 'coordinator', organisationCode: 'WCC', password: TEST_PASSWORD });
  });

  afterAll(async () => {
    await app?.close();
    await idp?.close();
  });

  it('goes from "Sign in with ..." through the provider’s pages to the home page, signed in', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    // Only the tracker's own pages are held to "no script or console errors"; the provider's are not ours.
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && message.location().url.startsWith(base)) problems.push(message.text());
    });

    await page.goto(`${base}/sign-in`);
    await page.screenshot({ path: `${SCREENSHOTS}/sign-in-with-provider.png`, fullPage: true });
    await page.getByRole('button', { name: 'Sign in with Warwickshire' }).click();

    // The provider's own sign-in page (oidc-provider's development pages).
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill('sam');
    await page.locator('input[name="password"]').fill('anything');
    await page.locator('button[type="submit"]').click();

    await page.waitForURL(`${base}/`);
    await page.getByRole('heading', { level: 1, name: 'Prevent training tracker' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sam Coordinator' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Staff' }).count()).toBe(1);
    await page.screenshot({ path: `${SCREENSHOTS}/signed-in-with-provider.png`, fullPage: true });

    // Signing out ends the tracker's session and offers the provider's sign-out.
    // Sign out is in the header of every page.
    await page.locator('.govuk-service-navigation').getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'You have signed out of the tracker' }).waitFor();
    expect(await page.getByRole('link', { name: 'Sign out of Warwickshire too' }).getAttribute('href')).toMatch(new RegExp(`^${idp.issuer}/session/end\\?`));
    await page.goto(`${base}/staff`);
    await page.waitForURL(/\/sign-in\?next=%2Fstaff$/);

    expect(problems).toEqual([]);
    await context.close();
  });
});
