import request from 'supertest';
import { Scope } from '../src/auth/scope';
import { UsersService } from '../src/users/users.service';
import { createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';
import { organisation } from './support/builders';

/**
 * Errors the GOV.UK way on the account, sign-in, password and single sign-on forms: every problem
 * of one submit in the error summary, each linked to an input that is on the page, the same words
 * at the field, "Error: " in the title, and no internal field name anywhere a person reads.
 */
const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const visibleText = (html: string) =>
  html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

/** The summary's links, and whether each goes to an input of the page that shows the same words at its field. */
function summaryOf(html: string): Array<{ href: string; text: string; target: boolean; atField: boolean }> {
  const start = html.indexOf('govuk-error-summary__list');
  const list = start < 0 ? '' : html.slice(start, html.indexOf('</ul>', start));
  const decoded = (text: string) => text.replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&');
  const atField = (field: string) => new RegExp(`id="${field}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ([^<]*)</p>`).exec(html)?.[1];
  return [...list.matchAll(/<a href="#([^"]+)">([^<]*)<\/a>/g)].map(([, href, text]) => {
    // A date's or radio group's message belongs to the group ("completedOn", "role"), its link to the first input.
    const message = atField(href) ?? atField(href.replace(/-[^-]+$/, ''));
    return { href, text: decoded(text), target: new RegExp(`<(input|select|textarea)[^>]* id="${href}"`).test(html), atField: message !== undefined && decoded(message) === decoded(text) };
  });
}

const INTERNAL = /\b(displayName|organisationCode|staffEmployeeRef|currentPassword|newPassword|confirmPassword|clientId|clientSecret|defaultRole|defaultOrganisationCode|passwordsOff|createAccounts|must be longer than|must be a string)\b/;

describeEachDatabase('form errors', (kind) => {
  let t: TestApp;
  const email = 'forms@errors.test';

  beforeAll(async () => {
    t = await createTestApp(kind);
    await organisation(t.http(), 'ROOT', null, { sector: 'other' });
    await t.app.get(UsersService).create(Scope.system(), { email, displayName: 'Fran Forms', role: 'coordinator', organisationCode: 'ROOT', password: TEST_PASSWORD });
  });
  afterAll(() => t?.close());

  it('the create-account form says every problem at once, linked to its input and at the field', async () => {
    const res = await t
      .http()
      .post('/admin/users/new')
      .set('Accept', 'text/html')
      .type('form')
      .send({ email: 'not an address', displayName: '', role: 'boss', organisationCode: 'ROOT', staffEmployeeRef: '', password: 'short' })
      .expect(422);
    expect(summaryOf(res.text)).toEqual([
      { href: 'email', text: 'Enter an email address in the correct format, like name@example.gov.uk', target: true, atField: true },
      { href: 'displayName', text: 'Enter a name', target: true, atField: true },
      { href: 'role-admin', text: 'Choose a role', target: true, atField: true },
      { href: 'password', text: 'Password must be at least 12 characters', target: true, atField: true },
    ]);
    expect(res.text).toContain('<title>Error: Create an account');
    expect(res.text).toContain('value="not an address"');
    expect(visibleText(res.text)).not.toMatch(INTERNAL);
  });

  it('the change-account form shows a service refusal at its field, and keeps what was typed', async () => {
    const { id } = (await t.http().post('/api/users').send({ email: 'target@errors.test', displayName: 'Tess Target', role: 'viewer', organisationCode: 'ROOT' }).expect(201)).body;
    const res = await t
      .http()
      .post(`/admin/users/${id}`)
      .set('Accept', 'text/html')
      .type('form')
      .send({ displayName: 'Tess Changed', role: 'manager', organisationCode: 'ROOT', staffEmployeeRef: 'NOBODY', disabled: 'false' })
      .expect(422);
    const [problem] = summaryOf(res.text);
    expect(problem).toMatchObject({ href: 'staffEmployeeRef', target: true, atField: true });
    expect(problem.text).toMatch(/^No person with employee reference NOBODY/);
    expect(res.text).toContain('value="Tess Changed"');
    // Unticking "disabled" is a change the form can make: the hidden "false" goes with it.
    await t.http().post(`/admin/users/${id}`).set('Accept', 'text/html').type('form').send({ displayName: 'Tess', role: 'viewer', organisationCode: 'ROOT', staffEmployeeRef: '', disabled: ['false', 'true'] }).expect(303);
    expect((await t.http().get(`/api/users/${id}`).expect(200)).body.disabled).toBe(true);
    await t.http().post(`/admin/users/${id}`).set('Accept', 'text/html').type('form').send({ displayName: 'Tess', role: 'viewer', organisationCode: 'ROOT', staffEmployeeRef: '', disabled: 'false' }).expect(303);
    expect((await t.http().get(`/api/users/${id}`).expect(200)).body.disabled).toBe(false);
  });

  it('sign-in says both missing answers at once, at their fields; a wrong password is said at the email', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get('/sign-in').set('Accept', 'text/html').expect(200);
    const empty = await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(page.text), email: ' ', password: '' }).expect(422);
    expect(summaryOf(empty.text)).toEqual([
      { href: 'email', text: 'Enter your email address', target: true, atField: true },
      { href: 'password', text: 'Enter your password', target: true, atField: true },
    ]);
    expect(empty.text).toContain('<title>Error: Sign in');
    const wrong = await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(empty.text), email, password: 'not the password' });
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    const [problem] = summaryOf(wrong.text);
    expect(problem).toMatchObject({ href: 'email', target: true, atField: true });
    expect(wrong.text).toContain(`value="${email}"`);
    expect(wrong.text).not.toContain('not the password');
  });

  it('change password says every problem at once at its field, then the service refusal at the current password', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const signIn = await agent.get('/sign-in').set('Accept', 'text/html').expect(200);
    await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(signIn.text), email, password: TEST_PASSWORD }).expect(303);
    const page = await agent.get('/account/password').set('Accept', 'text/html').expect(200);
    const empty = await agent.post('/account/password').type('form').send({ _csrf: csrfFrom(page.text), currentPassword: '', newPassword: 'a new long password', confirmPassword: 'another long password' }).expect(422);
    expect(summaryOf(empty.text)).toEqual([
      { href: 'currentPassword', text: 'Enter your current password', target: true, atField: true },
      { href: 'confirmPassword', text: 'The new passwords do not match', target: true, atField: true },
    ]);
    const wrong = await agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: csrfFrom(empty.text), currentPassword: 'not it at all', newPassword: 'a new long password', confirmPassword: 'a new long password' })
      .expect(422);
    expect(summaryOf(wrong.text)).toEqual([{ href: 'currentPassword', text: 'That is not your current password', target: true, atField: true }]);
    expect(visibleText(wrong.text)).not.toMatch(INTERNAL);
    // A token needs a name: said at the box on the account page.
    const account = await agent.get('/account').set('Accept', 'text/html').expect(200);
    const token = await agent.post('/account/tokens').type('form').send({ _csrf: csrfFrom(account.text), name: '  ' }).expect(422);
    expect(summaryOf(token.text)).toEqual([{ href: 'name', text: 'Enter a name for the token, such as "HR nightly sync"', target: true, atField: true }]);
  });

  it('the impact figures form says every box that is wrong, linked to it and at it', async () => {
    const form = { organisationCode: 'ROOT', year: '2025', quarter: '', education: '', health: 'two', localAuthority: '0', police: '0', community: '0', other: '0', channelReferrals: '-1' };
    const res = await t.http().post('/reports/impact').set('Accept', 'text/html').type('form').send(form).expect(422);
    expect(summaryOf(res.text)).toEqual([
      { href: 'quarter', text: 'Choose the quarter', target: true, atField: true },
      { href: 'education', text: 'Enter the number of concerns from education (0 if there were none)', target: true, atField: true },
      { href: 'health', text: 'The number of concerns from health must be a whole number, like 3', target: true, atField: true },
      { href: 'channelReferrals', text: 'The number of Channel referrals must be a whole number, like 3', target: true, atField: true },
    ]);
    expect(res.text).toContain('value="two"');
  });

  it('the lead roles setting says at the checkboxes that one is needed, linked to the first', async () => {
    const res = await t.http().post('/reports/lead-coverage/settings').set('Accept', 'text/html').type('form').send({}).expect(422);
    expect(res.text).toContain('<a href="#roleCodes-0">Choose at least one role that makes someone a Prevent lead</a>');
    expect(res.text).toContain('<p id="roleCodes-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Choose at least one role that makes someone a Prevent lead</p>');
    expect(res.text).toContain('<title>Error: Who counts as a Prevent lead');
  });

  it('the identity provider form says every problem in plain words, never the field names', async () => {
    const res = await t
      .http()
      .post('/admin/identity-providers/new')
      .set('Accept', 'text/html')
      .type('form')
      .send({ slug: 'Not A Slug', label: '', issuer: '', clientId: '', clientSecret: 's', domains: '', defaultRole: 'admin' })
      .expect(422);
    expect(summaryOf(res.text).map(({ href, target, atField }) => ({ href, target, atField }))).toEqual(
      ['slug', 'label', 'issuer', 'clientId', 'defaultRole'].map((href) => ({ href, target: true, atField: true })),
    );
    expect(summaryOf(res.text)[0].text).toBe('Enter a short name of lower-case letters, digits and hyphens, up to 40, such as entra');
    expect(visibleText(res.text)).not.toMatch(INTERNAL);
    expect(visibleText(res.text)).not.toMatch(/\bslug:/);
  });
});
