/**
 * Web security (OWASP ASVS level 2): password strength, what changing a password ends, a locked
 * account answering like an unknown one, no caching of personal data, and links built on
 * PUBLIC_URL rather than on the Host header.
 */
jest.mock('../src/users/passwords', () => {
  const actual = jest.requireActual('../src/users/passwords');
  return { ...actual, verifyPassword: jest.fn(actual.verifyPassword) };
});

import request from 'supertest';
import { Scope } from '../src/auth/scope';
import { addDays, todayIso } from '../src/common/dates';
import * as passwords from '../src/users/passwords';
import { UsersService } from '../src/users/users.service';
import { createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';
import { organisation } from './support/builders';

const verifyPassword = passwords.verifyPassword as jest.MockedFunction<typeof passwords.verifyPassword>;
const PUBLIC_URL = 'https://prevent.example.gov.uk';
const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
/** The message shown at a form field (a GOV.UK error message), entities decoded. */
const fieldError = (html: string, field: string) =>
  new RegExp(`<p id="${field}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ([^<]*)</p>`)
    .exec(html)?.[1]
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=');

describeEachDatabase('web security', (kind) => {
  let t: TestApp;
  let accounts = 0;

  beforeAll(async () => {
    t = await createTestApp(kind, { LOCKOUT_THRESHOLD: '3', LOCKOUT_MINUTES: '15', PUBLIC_URL: `${PUBLIC_URL}/` });
    await organisation(t.http(), 'ROOT', null, { sector: 'other', name: 'Test Partnership' });
  });
  afterAll(() => t.close());

  /** A new viewer account with the test password. */
  async function account(name?: string) {
    const n = ++accounts;
    const email = `person-${n}-${kind}@security.test`;
    const { user } = await t.app.get(UsersService).create(Scope.system(), { email, displayName: name ?? `Person ${n}`, role: 'viewer', organisationCode: 'ROOT', password: TEST_PASSWORD });
    return { id: user.id, email };
  }

  /** A browser signed in as the account: keeps its cookies. */
  async function browser(email: string, password = TEST_PASSWORD) {
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get('/sign-in').set('Accept', 'text/html').expect(200);
    await agent.post('/sign-in').type('form').send({ email, password, _csrf: csrfFrom(page.text), next: '/account' }).expect(303);
    return agent;
  }

  /** Posts the change-password form (with its CSRF token); the answer. */
  async function changePasswordForm(agent: ReturnType<typeof request.agent>, fields: Record<string, string>, status: number) {
    const page = await agent.get('/account/password').set('Accept', 'text/html').expect(200);
    return await agent
      .post('/account/password')
      .type('form')
      .set('Accept', 'text/html')
      .send({ currentPassword: TEST_PASSWORD, _csrf: csrfFrom(page.text), ...fields })
      .expect(status);
  }

  describe('passwords', () => {
    it('refuses a common password through the API, saying why in plain English', async () => {
      const res = await t.http().post('/api/users').send({ email: 'weak@security.test', displayName: 'Weak', role: 'viewer', organisationCode: 'ROOT', password: 'password1234' }).expect(400);
      expect(res.body.message).toContain('password: Choose a password that is harder to guess: this is similar to a commonly used password. Add more words that are less common.');
      const short = await t.http().post('/api/users').send({ email: 'short@security.test', displayName: 'Short', role: 'viewer', organisationCode: 'ROOT', password: 'elevenchars' }).expect(400);
      expect(short.body.message).toContain('password: Password must be at least 12 characters');
      const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM users WHERE email IN ('weak@security.test', 'short@security.test')`);
      expect(Number(n)).toBe(0);
    });

    it('counts the account’s own email address and name as guessable', async () => {
      const res = await t
        .http()
        .post('/api/users')
        .send({ email: 'sam.okonkwo@warwickshire.example', displayName: 'Sam Okonkwo', role: 'viewer', organisationCode: 'ROOT', password: 'okonkwowarwickshire' })
        .expect(400);
      expect(res.body.message).toEqual(['password: Choose a password that is harder to guess: it contains your name or email address. Add more words that are less common.']);
    });

    it('shows the reason at the password field of the admin form', async () => {
      const page = await t
        .http()
        .post('/admin/users/new')
        .type('form')
        .set('Accept', 'text/html')
        .send({ email: 'form@security.test', displayName: 'Form', role: 'viewer', organisationCode: 'ROOT', password: 'qwertyuiop123' })
        .expect(422);
      expect(fieldError(page.text, 'password')).toMatch(/^Choose a password that is harder to guess: /);
      expect(page.text).toContain('href="#password"');
    });

    it('gives temporary passwords that pass the rules and work', async () => {
      const created = await t.http().post('/api/users').send({ email: 'temp@security.test', displayName: 'Temp', role: 'viewer', organisationCode: 'ROOT' }).expect(201);
      expect(passwords.passwordProblem(created.body.temporaryPassword, ['temp@security.test', 'Temp'])).toBeNull();
      await t.anonymous().post('/api/auth/token').send({ email: 'temp@security.test', password: created.body.temporaryPassword }).expect(201);
    });

    it('refuses a weak new password on the change-password page, at the field, and keeps the old one', async () => {
      const { email } = await account('Robin Weak');
      const agent = await browser(email);
      const weak = await changePasswordForm(agent, { newPassword: 'password1234', confirmPassword: 'password1234' }, 400);
      expect(fieldError(weak.text, 'newPassword')).toBe(
        'Choose a password that is harder to guess: this is similar to a commonly used password. Add more words that are less common.',
      );
      const short = await changePasswordForm(agent, { newPassword: 'too short', confirmPassword: 'too short' }, 400);
      expect(fieldError(short.text, 'newPassword')).toBe('Password must be at least 12 characters');
      const wrong = await changePasswordForm(agent, { currentPassword: 'not my password', newPassword: 'a new long password', confirmPassword: 'a new long password' }, 422);
      expect(fieldError(wrong.text, 'currentPassword')).toBe('That is not your current password');
      await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD }).expect(201);
    });

    it('refuses a weak new password through the JSON API', async () => {
      const { email } = await account();
      const token = (await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD }).expect(201)).body.token;
      const res = await t.anonymous().post('/api/auth/password').set('Authorization', `Bearer ${token}`).send({ currentPassword: TEST_PASSWORD, newPassword: 'password1234' }).expect(400);
      expect(res.body.message).toMatch(/^newPassword: Choose a password that is harder to guess/);
    });
  });

  describe('changing a password', () => {
    it('signs the account out everywhere else, keeps this session signed in, and keeps API tokens unless asked', async () => {
      const { id, email } = await account();
      const here = await browser(email);
      const elsewhere = await browser(email);
      const other = await browser((await account()).email);
      const token = (await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD }).expect(201)).body.token;
      await elsewhere.get('/account').set('Accept', 'text/html').expect(200);

      const done = await changePasswordForm(here, { newPassword: 'a new long password', confirmPassword: 'a new long password' }, 303);
      expect(done.headers.location).toBe('/account?done=password');

      const mine = await here.get('/account?done=password').set('Accept', 'text/html').expect(200);
      expect(mine.text).toContain('you have been signed out everywhere else');
      const signedOut = await elsewhere.get('/account').set('Accept', 'text/html').expect(303);
      expect(signedOut.headers.location).toBe('/sign-in?next=%2Faccount');
      await other.get('/account').set('Accept', 'text/html').expect(200);
      const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM web_sessions WHERE user_id = ${id}`);
      expect(Number(n)).toBe(1);
      await t.anonymous().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
      await t.anonymous().post('/api/auth/token').send({ email, password: 'a new long password' }).expect(201);
    });

    it('revokes the account’s API tokens when "Also revoke my API tokens" is ticked', async () => {
      const { email } = await account();
      const here = await browser(email);
      const tokens = await Promise.all(
        [1, 2].map(async () => (await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD }).expect(201)).body.token as string),
      );
      const form = await here.get('/account/password').set('Accept', 'text/html').expect(200);
      expect(form.text).toContain('Also revoke my API tokens');
      const done = await changePasswordForm(here, { newPassword: 'a new long password', confirmPassword: 'a new long password', revokeTokens: 'true' }, 303);
      expect(done.headers.location).toBe('/account?done=password-tokens');
      for (const token of tokens) await t.anonymous().get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
      await here.get('/account').set('Accept', 'text/html').expect(200);
    });

    it('through the JSON API, says how many sessions ended and tokens were revoked', async () => {
      const { email } = await account();
      const elsewhere = await browser(email);
      const token = (await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD }).expect(201)).body.token;
      const bearer = `Bearer ${token}`;
      const kept = await t.anonymous().post('/api/auth/password').set('Authorization', bearer).send({ currentPassword: TEST_PASSWORD, newPassword: 'a new long password' }).expect(200);
      expect(kept.body).toEqual({ signedOutSessions: 1, revokedTokens: 0 });
      await elsewhere.get('/account').set('Accept', 'text/html').expect(303);
      const audit = (await t.http().get(`/api/audit?action=password_changed`).expect(200)).body.items as { entityKey: string; afterJson: string }[];
      expect(audit.find((e) => e.entityKey === email)?.afterJson).toBe(JSON.stringify({ signedOutSessions: 1, revokedTokens: 0 }));
      const revoked = await t
        .anonymous()
        .post('/api/auth/password')
        .set('Authorization', bearer)
        .send({ currentPassword: 'a new long password', newPassword: 'another long password', revokeTokens: true })
        .expect(200);
      expect(revoked.body).toEqual({ signedOutSessions: 0, revokedTokens: 1 });
      await t.anonymous().get('/api/auth/me').set('Authorization', bearer).expect(401);
    });
  });

  describe('a locked account', () => {
    it('answers exactly as an unknown email does, after the same decoy password check', async () => {
      const { email } = await account('Lockie');
      for (let i = 0; i < 3; i++) await t.anonymous().post('/api/auth/token').send({ email, password: `wrong password ${i}` }).expect(401);

      verifyPassword.mockClear();
      const locked = await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD });
      const lockedChecks = verifyPassword.mock.calls.map(([hash]) => hash);
      verifyPassword.mockClear();
      const unknown = await t.anonymous().post('/api/auth/token').send({ email: 'nobody-at-all@security.test', password: TEST_PASSWORD });
      const unknownChecks = verifyPassword.mock.calls.map(([hash]) => hash);

      expect(locked.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(locked.body).toEqual(unknown.body);
      expect(locked.body.message).toBe('The email address or password is not right');
      expect(lockedChecks).toEqual([await passwords.decoy()]);
      expect(unknownChecks).toEqual(lockedChecks);

      const page = (e: string) => browserSignInAttempt(e);
      const [lockedPage, unknownPage] = [await page(email), await page('nobody-at-all@security.test')];
      expect(lockedPage.status).toBe(unknownPage.status);
      expect(errorSummary(lockedPage.text)).toEqual(errorSummary(unknownPage.text));
      expect(errorSummary(lockedPage.text)).toEqual(['The email address or password is not right']);
    });

    it('shows "Locked until" on the admin pages and keeps the reason in the audit log', async () => {
      const { id, email } = await account('Lockie Two');
      for (let i = 0; i < 4; i++) await t.anonymous().post('/api/auth/token').send({ email, password: `wrong password ${i}` }).expect(401);
      const [user] = await t.dataSource.query(`SELECT locked_until FROM users WHERE id = ${id}`);
      const until = new Date(user.locked_until).toLocaleString('en-GB', { timeZone: 'Europe/London', dateStyle: 'long', timeStyle: 'short' });
      const list = await t.http().get('/admin/users').set('Accept', 'text/html').expect(200);
      expect(list.text).toContain(`Locked until ${until}`);
      const form = await t.http().get(`/admin/users/${id}`).set('Accept', 'text/html').expect(200);
      expect(form.text).toContain(`Locked until ${until}`);
      const reasons = await t.dataSource.query(`SELECT action, after_json FROM audit_log WHERE entity_key = '${email}' ORDER BY id`);
      expect(reasons.map((r: { action: string }) => r.action)).toContain('account_locked');
      expect(reasons.filter((r: { after_json: string | null }) => JSON.parse(r.after_json ?? '{}').reason === 'locked')).toHaveLength(1);
    });
  });

  /** A sign-in from a fresh browser; the answer as it came. */
  async function browserSignInAttempt(email: string) {
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get('/sign-in').set('Accept', 'text/html').expect(200);
    return agent.post('/sign-in').type('form').send({ email, password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
  }
  const errorSummary = (html: string) => [...html.matchAll(/<li><a href="#[^"]*">([^<]*)<\/a><\/li>/g)].map((m) => m[1]);

  describe('caching', () => {
    it('answers pages, JSON and downloads with Cache-Control: no-store', async () => {
      const pages = ['/sign-in', '/account', '/admin/users', '/organisations'];
      for (const url of pages) {
        const res = await t.http().get(url).set('Accept', 'text/html');
        expect([url, res.status, res.headers['cache-control']]).toEqual([url, 200, 'no-store']);
      }
      for (const url of ['/api/auth/me', '/api/organisations', '/api/reports/gap-analysis?organisation=ROOT']) {
        const res = await t.http().get(url).expect(200);
        expect([url, res.headers['cache-control']]).toEqual([url, 'no-store']);
      }
      const csv = await t.http().get('/api/reports/gap-analysis?organisation=ROOT&format=csv').expect(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      expect(csv.headers['cache-control']).toBe('no-store');
      const xlsx = await t.http().get('/reports/needs-analysis.xlsx?organisation=ROOT').expect(200);
      expect(xlsx.headers['cache-control']).toBe('no-store');
      const refused = await t.anonymous().get('/api/staff').expect(401);
      expect(refused.headers['cache-control']).toBe('no-store');
    });

    it('lets static files and /health be cached', async () => {
      const css = await t.anonymous().get('/static/app.css').expect(200);
      expect(css.headers['cache-control']).not.toContain('no-store');
      const govuk = await t.anonymous().get('/govuk/govuk-frontend.min.css').expect(200);
      expect(govuk.headers['cache-control']).not.toContain('no-store');
      const health = await t.anonymous().get('/health').expect(200);
      expect(health.headers['cache-control']).toBeUndefined();
    });
  });

  describe('links that leave the tracker', () => {
    it('are built on PUBLIC_URL, whatever Host header the request came with', async () => {
      const day = addDays(todayIso(), 7);
      const session = await t
        .http()
        .post('/api/sessions')
        .send({
          levelCode: 'L3',
          title: 'Train the trainer',
          startsAt: `${day}T09:00`,
          endsAt: `${day}T16:00`,
          venue: 'Shire Hall',
          hostOrganisationCode: 'ROOT',
          capacity: 10,
          trainerEmployeeRefs: [],
          externalTrainer: 'Police Prevent team',
        })
        .expect(201);
      const id = session.body.id;
      const opened = await t.http().post(`/api/sessions/${id}/feedback-link`).set('Host', 'evil.example').set('X-Forwarded-Host', 'evil.example').send({}).expect(200);
      expect(opened.body.link).toBe(`${PUBLIC_URL}/feedback/${opened.body.token}`);
      const summary = await t.http().get(`/api/sessions/${id}/feedback`).set('Host', 'evil.example:8443').expect(200);
      expect(summary.body.link).toBe(`${PUBLIC_URL}/feedback/${opened.body.token}`);
      const page = await t.http().get(`/sessions/${id}/feedback`).set('Host', 'evil.example').set('Accept', 'text/html').expect(200);
      expect(page.text).toContain(`href="${PUBLIC_URL}/feedback/${opened.body.token}"`);
      expect(page.text).not.toContain('evil.example');
    });
  });
});
