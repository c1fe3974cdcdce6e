import request from 'supertest';
import { Scope, UserRole } from '../src/auth/scope';
import { addDays, todayIso } from '../src/common/dates';
import { UsersService } from '../src/users/users.service';
import { Client, createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

/** The text a person reads: tags stripped, whitespace and entities tidied. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/&nbsp;|\u00a0/g, ' ')
    .replace(/\s+/g, ' ');
}

/** The page's own content, without the header and its navigation. */
const mainOf = (html: string) => html.slice(html.indexOf('<main'), html.indexOf('</main>'));
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const csv = (...lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

describeEachDatabase('the home page and the page around every page', (kind) => {
  let t: TestApp;
  let http: Client;
  const today = todayIso();
  const lastWeek = addDays(today, -7);
  const nextWeek = addDays(today, 7);
  let counter = 0;

  /** A browser signed in with a password as a new account: keeps cookies, sends Accept: text/html. */
  async function signedIn(role: UserRole, organisationCode: string | null, staffEmployeeRef: string | null = null, displayName?: string) {
    const email = `home-${role}-${++counter}@home.test`;
    await t.app.get(UsersService).create(Scope.system(), { email, displayName: displayName ?? `Home ${role} ${counter}`, role, organisationCode, staffEmployeeRef, password: TEST_PASSWORD });
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/sign-in').set('Accept', 'text/html').expect(200);
    await agent.post('/sign-in').type('form').send({ email, password: TEST_PASSWORD, _csrf: csrfOf(form.text), next: '/' }).expect(303);
    return { agent, page: (url: string) => agent.get(url).set('Accept', 'text/html') };
  }

  const session = (over: Record<string, unknown>) =>
    http
      .post('/api/sessions')
      .send({ levelCode: 'L2', title: 'WRAP', startsAt: `${nextWeek}T09:30`, endsAt: `${nextWeek}T12:30`, venue: 'Shire Hall', hostOrganisationCode: 'WCC-CYP', capacity: 20, trainerEmployeeRefs: ['T1'], ...over })
      .expect(201);

  beforeAll(async () => {
    t = await createTestApp(kind);
    http = t.http();
    await organisation(http, 'WPP', null, { name: 'Warwickshire Prevent Partnership', sector: 'other' });
    await organisation(http, 'WCC', 'WPP', { name: 'Warwickshire County Council', isEmployer: true });
    await organisation(http, 'WCC-CYP', 'WCC', { name: 'Children and Young People' });
    await organisation(http, 'NHS', 'WPP', { name: 'South Warwickshire NHS Trust', sector: 'health', isEmployer: true });
    await role(http, 'ALL', 'All staff');
    await requirement(http, 'ALL', 'L1');
    await person(http, { employeeRef: 'T1', organisationCode: 'WCC', firstName: 'Tara', lastName: 'Trainer', roleCodes: ['ALL'] });
    await person(http, { employeeRef: 'M1', organisationCode: 'WCC-CYP', firstName: 'Mo', lastName: 'Manager', roleCodes: ['ALL'] });
    await person(http, { employeeRef: 'B1', organisationCode: 'WCC-CYP', firstName: 'Bea', lastName: 'Booked', roleCodes: ['ALL'], managerEmployeeRef: 'M1' });
    await person(http, { employeeRef: 'O1', organisationCode: 'WCC-CYP', firstName: 'Owen', lastName: 'Overdue', roleCodes: ['ALL'], managerEmployeeRef: 'M1' });
    await person(http, { employeeRef: 'N1', organisationCode: 'NHS', firstName: 'Nia', lastName: 'Nurse', roleCodes: ['ALL'] });
    await completion(http, 'T1', 'L3', addDays(today, -100));
    await completion(http, 'B1', 'L1', addDays(today, -100));
    await completion(http, 'N1', 'L1', addDays(today, -100));
    const upcoming = (await session({ title: 'WRAP for schools' })).body.id as number;
    await http.post(`/api/sessions/${upcoming}/bookings`).send({ employeeRefs: ['B1'] }).expect((res) => expect([200, 201]).toContain(res.status));
    await session({ title: 'WRAP last week', startsAt: `${lastWeek}T09:30`, endsAt: `${lastWeek}T12:30` });
    await http
      .post('/api/imports/completions?keep=true&organisation=WCC')
      .attach('file', csv('employee_ref,level_code,completed_on', `O1,L1,${today}`), 'october-elearning.csv')
      .expect((res) => expect([200, 201]).toContain(res.status));
    // Administrators: of the council, of the NHS trust (another branch) and of the whole partnership.
    const users = t.app.get(UsersService);
    await users.create(Scope.system(), { email: 'wendy@wcc.test', displayName: 'Wendy Council-Admin', role: 'admin', organisationCode: 'WCC', password: TEST_PASSWORD });
    await users.create(Scope.system(), { email: 'nadia@nhs.test', displayName: 'Nadia Trust-Admin', role: 'admin', organisationCode: 'NHS', password: TEST_PASSWORD });
    await users.create(Scope.system(), { email: 'paul@wpp.test', displayName: 'Paul Partnership-Admin', role: 'admin', organisationCode: 'WPP', password: TEST_PASSWORD });
  });
  afterAll(() => t.close());

  it('shows a coordinator the gap analysis headline for their organisation and what needs attention', async () => {
    const { page } = await signedIn('coordinator', 'WCC');
    const res = await page('/').expect(200);
    const text = visibleText(mainOf(res.text));
    // The same figure the gap analysis gives: T1 and B1 hold L1 (T1 through L3), M1 and O1 do not: 50%.
    const gap = (await http.get('/api/reports/gap-analysis?organisation=WCC').expect(200)).body.levels[0];
    expect(gap.compliancePct).toBe(50);
    expect(text).toContain('Compliance in Warwickshire County Council');
    expect(text).toContain('L1: Prevent awareness e-learning 50% 2 trained, 2 overdue');
    expect(text).not.toContain('Nia');
    expect(text).toContain('1 import is waiting for you to check and confirm: october-elearning.csv');
    expect(text).toContain('1 session has ended without a register');
    expect(text).toContain('WRAP last week');
    expect(mainOf(res.text)).toContain('href="/staff/new"');
    expect(res.text).not.toContain('Start now');
  });

  it('shows a trainer their next sessions and the registers they have to take', async () => {
    const { page } = await signedIn('trainer', 'WCC', 'T1');
    const text = visibleText(mainOf((await page('/').expect(200)).text));
    expect(text).toMatch(/Your next sessions WRAP for schools \(L2: WRAP: Workshop to Raise Awareness of Prevent\) 09:30 on \d+ \w+ \d{4}, Shire Hall\. 1 of 20 places taken\./);
    expect(text).toMatch(/Registers to take .* WRAP last week ?, 09:30 on/);
    expect(text).not.toContain('Needs attention');
  });

  it('shows a manager their team’s overdue count and who is booked, and offers no coordinator tasks', async () => {
    const { page } = await signedIn('manager', 'WCC-CYP', 'M1');
    const res = await page('/').expect(200);
    const main = mainOf(res.text);
    const text = visibleText(main);
    expect(text).toContain('People in your team 2');
    expect(text).toContain('Overdue training 1 person');
    expect(text).toMatch(/Booked onto sessions Bea Booked: WRAP for schools ?, \d+ \w+ \d{4} /);
    expect(text).not.toContain('Owen Overdue: WRAP');
    for (const href of ['/imports', '/staff/new', '/admin', '/reports/gap-analysis']) expect(main).not.toContain(`href="${href}`);
    expect(text).not.toContain('Needs attention');
    expect(text).not.toContain('Compliance in');
    // The navigation offers My team, and no Imports or Admin.
    const nav = res.text.slice(res.text.indexOf('govuk-service-navigation'), res.text.indexOf('<main'));
    expect(nav).toContain('href="/my-team"');
    expect(nav).not.toContain('href="/imports"');
    expect(nav).not.toContain('href="/admin"');
  });

  it('shows an administrator the accounts and settings links', async () => {
    const { page } = await signedIn('admin', 'WCC');
    const text = visibleText(mainOf((await page('/').expect(200)).text));
    expect(text).toContain('Accounts and settings User accounts');
    expect(text).toContain('Audit log');
  });

  it('shows a viewer the figures only, never a person', async () => {
    const { page } = await signedIn('viewer', 'WCC');
    const main = mainOf((await page('/').expect(200)).text);
    expect(visibleText(main)).toContain('L1: Prevent awareness e-learning 50%');
    expect(main).not.toContain('href="/staff');
    expect(main).toContain('href="/reports"');
  });

  it('marks the current section in the navigation', async () => {
    const { page } = await signedIn('coordinator', 'WCC');
    const res = await page('/sessions').expect(200);
    expect(res.text).toMatch(/<li class="govuk-service-navigation__item govuk-service-navigation__item--active">\s*<a class="govuk-service-navigation__link" href="\/sessions" aria-current="page"><strong class="govuk-service-navigation__active-fallback">Sessions<\/strong><\/a>/);
    const header = res.text.slice(0, res.text.indexOf('<main'));
    expect((header.match(/aria-current=/g) ?? []).length).toBe(1);
    const inside = await page('/sessions/calendar').expect(200);
    expect(inside.text).toMatch(/href="\/sessions" aria-current="true"/);
    expect(inside.text).toContain('govuk-js-service-navigation-toggle');
  });

  it('signs out from the header of any page, without JavaScript: a form with its token', async () => {
    const { agent, page } = await signedIn('coordinator', 'WCC');
    const res = await page('/organisations').expect(200);
    const form = /<form method="post" action="\/sign-out" class="app-sign-out">([\s\S]*?)<\/form>/.exec(res.text);
    expect(form?.[1]).toContain('Sign out</button>');
    const token = /name="_csrf" value="([^"]+)"/.exec(form![1])?.[1];
    expect(token).toBeTruthy();
    await agent.post('/sign-out').type('form').send({ _csrf: token }).expect(303).expect('Location', '/sign-in');
    await agent.get('/organisations').set('Accept', 'text/html').expect(303);
    // The account page keeps its own button.
    const again = await signedIn('viewer', 'WCC');
    const account = await again.page('/account').expect(200);
    expect(mainOf(account.text)).toContain('Sign out</button>');
  });

  it('names the administrators for the refused person’s organisation or above, and nobody of other branches', async () => {
    const { page } = await signedIn('manager', 'WCC-CYP', 'M1');
    const res = await page('/imports').expect(403);
    const text = visibleText(res.text);
    expect(text).toContain('You cannot see this page');
    expect(text).toContain('Who can help');
    expect(text).toContain('Wendy Council-Admin (wendy@wcc.test), Warwickshire County Council');
    expect(text).toContain('Paul Partnership-Admin (paul@wpp.test), Warwickshire Prevent Partnership');
    expect(text.indexOf('Wendy')).toBeLessThan(text.indexOf('Paul'));
    expect(text).not.toContain('Nadia');
    expect(text).not.toContain('nadia@nhs.test');

    const nhs = await signedIn('viewer', 'NHS');
    const refused = visibleText((await nhs.page('/staff').expect(403)).text);
    expect(refused).toContain('Nadia Trust-Admin');
    expect(refused).not.toContain('Wendy');
  });

  it('says plainly that a page is not found', async () => {
    const { page } = await signedIn('coordinator', 'WCC');
    const text = visibleText((await page('/staff/999999').expect(404)).text);
    expect(text).toContain('Page not found');
    expect(text).toContain('If you typed the web address, check it is correct.');
    expect(text).not.toContain('999999');
    expect(visibleText((await page('/staff?organisation=NOPE').expect(404)).text)).toContain('No organisation with code NOPE');
  });
});
