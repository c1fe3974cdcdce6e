import request from 'supertest';
import { Scope } from '../src/auth/scope';
import { UsersService } from '../src/users/users.service';
import { createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';

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

/** HTML with the entities Handlebars writes turned back into characters (it escapes = and &). */
function decoded(html: string): string {
  return html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
}

/** The value of the form's hidden CSRF field. */
function csrfToken(html: string): string {
  const token = /name="_csrf" value="([^"]*)"/.exec(html)?.[1];
  if (!token) throw new Error('The page has no CSRF field');
  return decoded(token);
}

/** The <tbody> of the first table on the page: the rows of results. */
function tableBody(html: string): string {
  return /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
}

const ISO_DAYS_AGO = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

describeEachDatabase('staff and organisation pages', (kind) => {
  let t: TestApp;
  const ids: Record<string, number> = {};

  const organisation = (code: string, name: string, sector: string, parentCode: string | null, isEmployer = false) =>
    t.http().post('/api/organisations').send({ code, name, sector, parentCode, isEmployer }).expect(201);

  const person = async (body: Record<string, unknown>) => {
    const res = await t.http().post('/api/staff').send(body).expect(201);
    ids[body.employeeRef as string] = res.body.id;
    return res.body;
  };

  const staffCount = async () => (await t.http().get('/api/staff?status=all').expect(200)).body.total as number;

  beforeAll(async () => {
    t = await createTestApp(kind);
    await organisation('WPP', 'Warwickshire Prevent Partnership', 'other', null);
    await organisation('WCC', 'Warwickshire County Council', 'local_authority', 'WPP', true);
    await organisation('WCC-CYP', 'Children and Young People', 'local_authority', 'WCC');
    await organisation('NHS-SWFT', 'South Warwickshire NHS Trust', 'health', 'WPP', true);
    await t.http().post('/api/roles').send({ code: 'ALL', name: 'All staff' }).expect(201);
    await t.http().post('/api/roles').send({ code: 'DSL', name: 'Designated safeguarding lead' }).expect(201);
    await person({ employeeRef: 'E1', firstName: 'Amira', lastName: 'Khan', email: 'amira.khan@example.gov.uk', organisationCode: 'WCC', roleCodes: ['ALL'], startDate: '2020-01-06' });
    await person({ employeeRef: 'E2', firstName: 'Ben', lastName: 'Cole', organisationCode: 'WCC-CYP', roleCodes: ['ALL', 'DSL'], managerEmployeeRef: 'E1', startDate: '2021-03-01' });
    await person({ employeeRef: 'E3', firstName: 'Chloe', lastName: 'Dunn', organisationCode: 'WCC-CYP', roleCodes: ['ALL'], startDate: '2019-05-01', endDate: '2024-12-31' });
    await person({ employeeRef: 'N1', firstName: 'Dev', lastName: 'Patel', email: 'dev.patel@swft.example.nhs.uk', organisationCode: 'NHS-SWFT', roleCodes: ['ALL'], startDate: '2022-09-05' });
    await t.http().post('/api/completions').send({ employeeRef: 'E2', organisationCode: 'WCC', levelCode: 'L1', completedOn: '2022-04-04', source: 'elearning', evidence: 'Certificate 4411' }).expect(201);
    await t.http().post('/api/completions').send({ employeeRef: 'E2', organisationCode: 'WCC', levelCode: 'L2', completedOn: '2024-10-15', source: 'external' }).expect(201);
  });
  afterAll(() => t.close());

  describe('/organisations', () => {
    it('shows the tree in order with sector names, employers and current head counts per subtree', async () => {
      const res = await t.http().get('/organisations').expect(200);
      const body = tableBody(res.text);
      const order = ['Warwickshire Prevent Partnership', 'South Warwickshire NHS Trust', 'Warwickshire County Council', 'Children and Young People'];
      const positions = order.map((name) => body.indexOf(name));
      expect(positions.every((p) => p >= 0)).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      const rows = body.split('</tr>').map(visibleText);
      const row = (name: string) => rows.find((r) => r.includes(name))!;
      // Chloe left in 2024: 3 current people in the whole partnership, 2 in the council, 1 in CYP.
      expect(row('Warwickshire Prevent Partnership')).toMatch(/WPP Other .*\b3\b/);
      expect(row('Warwickshire County Council')).toMatch(/WCC Local authority Employer \b2\b/);
      expect(row('Children and Young People')).toMatch(/\b1\b/);
      expect(row('South Warwickshire NHS Trust')).toContain('Health Employer');
      expect(decoded(body)).toContain('href="/staff?organisation=WCC-CYP&status=current"');
    });
  });

  describe('/staff', () => {
    it('lists current staff by surname, linking each to their record, with a result count', async () => {
      const res = await t.http().get('/staff').expect(200);
      const body = tableBody(res.text);
      expect(visibleText(res.text)).toContain('Showing 1 to 3 of 3 people');
      expect(body.indexOf('Ben Cole')).toBeLessThan(body.indexOf('Amira Khan'));
      expect(body.indexOf('Amira Khan')).toBeLessThan(body.indexOf('Dev Patel'));
      expect(body).not.toContain('Chloe Dunn');
      expect(body).toContain(`href="/staff/${ids.E2}"`);
      expect(visibleText(body)).toContain('All staff, Designated safeguarding lead');
    });

    it('narrows to a search by name, email or employee reference', async () => {
      const byName = tableBody((await t.http().get('/staff?search=khan').expect(200)).text);
      expect(byName).toContain('Amira Khan');
      expect(byName).not.toContain('Ben Cole');
      const byEmail = tableBody((await t.http().get('/staff?search=swft.example').expect(200)).text);
      expect(visibleText(byEmail)).toContain('Dev Patel');
      expect(byEmail).not.toContain('Amira Khan');
      const byRef = await t.http().get('/staff?search=E2').expect(200);
      expect(visibleText(byRef.text)).toContain('Showing 1 to 1 of 1 person');
      const none = await t.http().get('/staff?search=nobody-here').expect(200);
      expect(visibleText(none.text)).toContain('No people match your search');
      expect(none.text).toContain('value="nobody-here"');
    });

    it('filters by organisation subtree, role and status, keeping the choices selected', async () => {
      const council = await t.http().get('/staff?organisation=WCC&status=all').expect(200);
      const councilBody = visibleText(tableBody(council.text));
      expect(councilBody).toContain('Amira Khan');
      expect(councilBody).toContain('Chloe Dunn');
      expect(councilBody).not.toContain('Dev Patel');
      expect(council.text).toMatch(/<option value="WCC" selected>/);
      const dsl = visibleText(tableBody((await t.http().get('/staff?role=DSL').expect(200)).text));
      expect(dsl).toContain('Ben Cole');
      expect(dsl).not.toContain('Amira Khan');
      const leavers = await t.http().get('/staff?status=leavers').expect(200);
      expect(visibleText(tableBody(leavers.text))).toMatch(/Chloe Dunn .*Leaver/);
      expect(visibleText(tableBody(leavers.text))).not.toContain('Amira Khan');
      expect(leavers.text).toMatch(/<option value="leavers" selected>/);
    });

    it('offers every organisation in tree order, indented, and an organisation added or renamed at once', async () => {
      const options = async () =>
        [...(await t.http().get('/staff').expect(200)).text.matchAll(/<option value="([A-Z][A-Z-]*)"[^>]*>([^<]*)<\/option>/g)].map(([, code, text]) => `${code}:${text.replace(/\u00a0/g, '.')}`);
      const before = await options();
      expect(before.slice(0, 4)).toEqual([
        'WPP:Warwickshire Prevent Partnership (WPP)',
        'NHS-SWFT:...South Warwickshire NHS Trust (NHS-SWFT)',
        'WCC:...Warwickshire County Council (WCC)',
        'WCC-CYP:......Children and Young People (WCC-CYP)',
      ]);
      await organisation('WCC-ADULTS', 'Adult Social Care', 'local_authority', 'WCC');
      expect(await options()).toContain('WCC-ADULTS:......Adult Social Care (WCC-ADULTS)');
      await t.http().patch('/api/organisations/WCC-ADULTS').send({ name: 'Adults and Communities' }).expect(200);
      const after = await options();
      expect(after).toContain('WCC-ADULTS:......Adults and Communities (WCC-ADULTS)');
      expect(after.indexOf('WCC-ADULTS:......Adults and Communities (WCC-ADULTS)')).toBe(after.indexOf('WCC:...Warwickshire County Council (WCC)') + 1);
      await t.http().delete('/api/organisations/WCC-ADULTS').expect(204);
      expect(await options()).toEqual(before);
    });

    it('pages through results with the GOV.UK pagination, keeping the filters', async () => {
      const first = await t.http().get('/staff?status=all&pageSize=2').expect(200);
      expect(visibleText(first.text)).toContain('Showing 1 to 2 of 4 people');
      expect(first.text).toContain('class="govuk-pagination"');
      expect(decoded(first.text)).toContain('href="/staff?status=all&pageSize=2&page=2" rel="next"');
      const second = await t.http().get('/staff?status=all&pageSize=2&page=2').expect(200);
      expect(visibleText(second.text)).toContain('Showing 3 to 4 of 4 people');
      expect(second.text).toContain('rel="prev"');
      expect(second.text).not.toContain('rel="next"');
    });

    it('answers an unknown organisation filter with a 404 page', async () => {
      const res = await t.http().get('/staff?organisation=NOPE').expect(404);
      expect(visibleText(res.text)).toContain('No organisation with code NOPE');
    });
  });

  describe('/staff/:id', () => {
    it("shows a person's details and their completions, newest first, with links to record and edit", async () => {
      const res = await t.http().get(`/staff/${ids.E2}`).expect(200);
      const text = visibleText(res.text);
      expect(text).toContain('Ben Cole');
      expect(text).toMatch(/Employee reference E2/);
      expect(text).toMatch(/Organisation Children and Young People \(WCC-CYP\)/);
      expect(text).toMatch(/Roles All staff Designated safeguarding lead/);
      expect(text).toMatch(/Manager Amira Khan/);
      expect(text).toMatch(/Start date 1 March 2021/);
      const training = visibleText(tableBody(res.text));
      expect(training).toMatch(/L2 .*15 October 2024 External provider .*L1 .*4 April 2022 E-learning Certificate 4411/);
      expect(res.text).toContain(`href="/staff/${ids.E2}/completions/new"`);
      expect(res.text).toContain(`href="/staff/${ids.E2}/edit"`);
    });

    it('shows the status for every level the person needs, by the compliance rules', async () => {
      await t.http().post('/api/requirements').send({ roleCode: 'ALL', levelCode: 'L1' }).expect(201);
      await t.http().post('/api/requirements').send({ roleCode: 'DSL', levelCode: 'L3', graceDays: 30 }).expect(201);
      const res = await t.http().get(`/staff/${ids.E2}`).expect(200);
      const text = visibleText(res.text);
      // L1 is met through the 2024 WRAP (a higher level counts), valid until 15 October 2027. L3 for a DSL also
      // means L2 is required (rule 2). No L3 at all, due 30 days after starting on 1 March 2021.
      expect(text).toMatch(/Status by level .* L1 Prevent awareness e-learning Compliant Refresher due by 15 October 2027 L2 WRAP: Workshop to Raise Awareness of Prevent on 15 October 2024 /);
      expect(text).toMatch(/ L2 WRAP: Workshop to Raise Awareness of Prevent Compliant Refresher due by 15 October 2027 L2 WRAP: Workshop to Raise Awareness of Prevent on 15 October 2024 /);
      expect(text).toMatch(/ L3 WRAP train the trainer Missing Was due by 31 March 2021 None /);
      await t.http().delete(`/api/requirements/${(await t.http().get('/api/requirements').expect(200)).body[0].id}`).expect(204);
      await t.http().delete(`/api/requirements/${(await t.http().get('/api/requirements').expect(200)).body[0].id}`).expect(204);
    });

    it('tags a leaver', async () => {
      const res = await t.http().get(`/staff/${ids.E3}`).expect(200);
      expect(visibleText(res.text)).toMatch(/Chloe Dunn Leaver/);
      expect(visibleText(res.text)).toContain('End date 31 December 2024');
    });

    it('answers 404 with a page for someone who does not exist', async () => {
      const res = await t.http().get('/staff/999999').expect(404);
      expect(res.headers['content-type']).toMatch(/html/);
      expect(visibleText(res.text)).toContain('Page not found');
    });
  });

  describe('adding a person', () => {
    it('shows the empty form (and /staff/new is not mistaken for a person)', async () => {
      const res = await t.http().get('/staff/new').expect(200);
      expect(res.text).toContain('<h1 class="govuk-heading-l">Add a person</h1>');
      expect(res.text).toContain('name="_csrf"');
      expect(res.text).toContain('id="startDate-day"');
      expect(res.text).toMatch(/<input class="govuk-checkboxes__input" id="roleCodes" name="roleCodes" type="checkbox" value="ALL"/);
    });

    it('refuses a bad form with 422, every problem at once in the error summary linked to its input and at the field, and writes nothing', async () => {
      const before = await staffCount();
      const res = await t
        .http()
        .post('/staff/new')
        .type('form')
        .send({ _csrf: 'x', employeeRef: 'E9', firstName: 'Erin', lastName: '', email: 'not-an-email', organisationCode: 'WCC', 'startDate-day': '31', 'startDate-month': '2', 'startDate-year': '2024' })
        .expect(422);
      expect(res.text).toContain('govuk-error-summary');
      expect(res.text).toContain('<a href="#lastName">Enter the last name</a>');
      expect(res.text).toContain('<a href="#email">Enter an email address in the correct format, like name@example.gov.uk</a>');
      expect(res.text).toContain('<a href="#startDate-day">Start date must be a real date</a>');
      // The message at each field too, and the summary links to inputs that exist.
      expect(res.text).toContain('<p id="lastName-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Enter the last name</p>');
      expect(res.text).toContain('<p id="startDate-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Start date must be a real date</p>');
      for (const href of res.text.match(/(?<=govuk-error-summary__list">[\s\S]*?<a href="#)[^"]+/g) ?? []) expect(res.text).toContain(`id="${href}"`);
      // No internal field name reaches the page.
      expect(visibleText(res.text)).not.toMatch(/lastName|startDate|organisationCode|employeeRef/);
      expect(res.text).toContain('<title>Error: Add a person');
      // What was typed is kept.
      expect(res.text).toContain('value="Erin"');
      expect(res.text).toContain('value="31"');
      expect(res.text).toMatch(/<option value="WCC" selected>/);
      expect(await staffCount()).toBe(before);
    });

    it("shows the service's refusal against its field: an unknown manager, a reference already used", async () => {
      const before = await staffCount();
      const base = { firstName: 'Erin', lastName: 'Fox', organisationCode: 'WCC-CYP', 'startDate-day': '1', 'startDate-month': '9', 'startDate-year': '2024' };
      const manager = await t.http().post('/staff/new').type('form').send({ ...base, employeeRef: 'E9', managerEmployeeRef: 'ZZZ' }).expect(422);
      expect(manager.text).toContain('<a href="#managerEmployeeRef">No one called ZZZ in the same employer</a>');
      const duplicate = await t.http().post('/staff/new').type('form').send({ ...base, employeeRef: 'E1' }).expect(409);
      expect(duplicate.text).toContain('<a href="#employeeRef">Employee reference E1 is already used in Warwickshire County Council</a>');
      expect(await staffCount()).toBe(before);
    });

    it('creates the person from a good form (express parses urlencoded bodies) and shows them with a flash', async () => {
      const res = await t
        .http()
        .post('/staff/new')
        .type('form')
        .send('_csrf=x&employeeRef=E10&firstName=Erin&lastName=Fox&email=&organisationCode=WCC-CYP&roleCodes=ALL&roleCodes=DSL&managerEmployeeRef=E1&startDate-day=1&startDate-month=9&startDate-year=2024&endDate-day=&endDate-month=&endDate-year=')
        .expect(303);
      const created = (await t.http().get('/api/staff?search=E10').expect(200)).body.items[0];
      expect(created).toMatchObject({ employeeRef: 'E10', firstName: 'Erin', lastName: 'Fox', email: null, organisationCode: 'WCC-CYP', roleCodes: ['ALL', 'DSL'], managerEmployeeRef: 'E1', startDate: '2024-09-01', endDate: null });
      expect(res.headers.location).toBe(`/staff/${created.id}?done=added`);
      const page = await t.http().get(res.headers.location).expect(200);
      expect(visibleText(page.text)).toContain('Success Person added');
      expect(visibleText(page.text)).toContain('Erin Fox');
    });

    it('escapes what people type', async () => {
      const res = await t.http().post('/staff/new').type('form').send({ employeeRef: 'X<1>', firstName: '<script>alert(1)</script>', lastName: '' }).expect(422);
      expect(res.text).not.toContain('<script>alert(1)</script>');
      expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    });
  });

  describe('changing a person', () => {
    it('shows the form filled in with their details', async () => {
      const res = await t.http().get(`/staff/${ids.E2}/edit`).expect(200);
      expect(res.text).toContain('value="Cole"');
      // The manager as the person picker shows a chosen person: name and reference.
      expect(res.text).toMatch(/id="managerEmployeeRef" name="managerEmployeeRef" type="text" value="Amira Khan \(E1\)"/);
      expect(res.text).toMatch(/id="roleCodes-2" name="roleCodes" type="checkbox" value="DSL" checked/);
      expect(res.text).toMatch(/id="startDate-month" name="startDate-month" type="text" inputmode="numeric" value="3"/);
      expect(res.text).toContain(`action="/staff/${ids.E2}/edit"`);
    });

    it('refuses an end date before the start date, naming the end date, and changes nothing', async () => {
      const res = await t
        .http()
        .post(`/staff/${ids.N1}/edit`)
        .type('form')
        .send({ employeeRef: 'N1', firstName: 'Dev', lastName: 'Patel-Smith', organisationCode: 'NHS-SWFT', roleCodes: 'ALL', 'startDate-day': '5', 'startDate-month': '9', 'startDate-year': '2022', 'endDate-day': '1', 'endDate-month': '1', 'endDate-year': '2020' })
        .expect(422);
      expect(res.text).toContain('<a href="#endDate-day">End date must be the same as or after the start date</a>');
      expect((await t.http().get(`/api/staff/${ids.N1}`).expect(200)).body.lastName).toBe('Patel');
    });

    it('saves the changes and returns to the person', async () => {
      const res = await t
        .http()
        .post(`/staff/${ids.N1}/edit`)
        .type('form')
        .send({ employeeRef: 'N1', firstName: 'Dev', lastName: 'Patel-Smith', email: 'dev.patel@swft.example.nhs.uk', organisationCode: 'NHS-SWFT', roleCodes: 'ALL', 'startDate-day': '5', 'startDate-month': '9', 'startDate-year': '2022' })
        .expect(303);
      expect(res.headers.location).toBe(`/staff/${ids.N1}?done=updated`);
      expect((await t.http().get(`/api/staff/${ids.N1}`).expect(200)).body).toMatchObject({ lastName: 'Patel-Smith', roleCodes: ['ALL'], endDate: null });
    });

    it('answers 404 for someone who does not exist', async () => {
      await t.http().get('/staff/999999/edit').expect(404);
    });
  });

  describe('recording a completion', () => {
    const completionsOf = async (id: number) => (await t.http().get(`/api/completions?staffId=${id}`).expect(200)).body.total as number;

    it('shows the form with the levels to choose from', async () => {
      const res = await t.http().get(`/staff/${ids.E1}/completions/new`).expect(200);
      expect(visibleText(res.text)).toContain('Record training for Amira Khan');
      expect(res.text).toMatch(/id="levelCode" name="levelCode" type="radio" value="L1"/);
      expect(res.text).toContain('name="_csrf"');
    });

    it('refuses a bad form with 422 naming each problem in plain words, and writes nothing', async () => {
      const res = await t
        .http()
        .post(`/staff/${ids.E1}/completions/new`)
        .type('form')
        .send({ 'completedOn-day': '3', 'completedOn-month': '13', 'completedOn-year': '2025', source: 'elearning' })
        .expect(422);
      expect(res.text).toContain('<a href="#levelCode">Choose the level completed</a>');
      expect(res.text).toContain('<a href="#completedOn-day">Date completed must be a real date</a>');
      expect(res.text).toContain('<p id="completedOn-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> Date completed must be a real date</p>');
      expect(res.text).toMatch(/<option value="elearning" selected>/);
      expect(await completionsOf(ids.E1)).toBe(0);
    });

    it('refuses a date in the future', async () => {
      const future = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10).split('-');
      const res = await t
        .http()
        .post(`/staff/${ids.E1}/completions/new`)
        .type('form')
        .send({ levelCode: 'L1', 'completedOn-day': future[2], 'completedOn-month': future[1], 'completedOn-year': future[0], source: 'elearning' })
        .expect(422);
      expect(res.text).toContain('<a href="#completedOn-day">Date completed must be today or in the past</a>');
      expect(await completionsOf(ids.E1)).toBe(0);
    });

    it('records a good one and shows it on the person', async () => {
      const day = ISO_DAYS_AGO(10).split('-');
      const res = await t
        .http()
        .post(`/staff/${ids.E1}/completions/new`)
        .type('form')
        .send({ _csrf: 'x', levelCode: 'L3', 'completedOn-day': day[2], 'completedOn-month': day[1], 'completedOn-year': day[0], source: 'external', evidence: 'Home Office course' })
        .expect(303);
      expect(res.headers.location).toBe(`/staff/${ids.E1}?done=completion`);
      expect(await completionsOf(ids.E1)).toBe(1);
      const page = await t.http().get(res.headers.location).expect(200);
      expect(visibleText(page.text)).toContain('Training recorded');
      expect(visibleText(tableBody(page.text))).toMatch(/L3 .*External provider Home Office course Test admin \d+/);
    });

    it('shows a second completion on the same day as a conflict on the date', async () => {
      const day = ISO_DAYS_AGO(10).split('-');
      const res = await t
        .http()
        .post(`/staff/${ids.E1}/completions/new`)
        .type('form')
        .send({ levelCode: 'L3', 'completedOn-day': day[2], 'completedOn-month': day[1], 'completedOn-year': day[0], source: 'external' })
        .expect(409);
      expect(res.text).toMatch(/<a href="#completedOn-day">Amira Khan \(E1\) already has a L3 completion on/);
      expect(await completionsOf(ids.E1)).toBe(1);
    });
  });

  describe('correcting and deleting a completion, with a reason', () => {
    type CompletionBody = { id: number; levelCode: string; completedOn: string; evidence: string | null };
    let id: number;
    const completionNow = async () => (await t.http().get(`/api/completions/${id}`).expect(200)).body as CompletionBody;
    const auditOf = async (action: string) =>
      ((await t.http().get(`/api/audit?entity=completions&action=${action}`).expect(200)).body.items as Array<{ reason: string | null; beforeJson: string | null; afterJson: string | null }>)[0];

    beforeAll(async () => {
      const res = await t.http().post('/api/completions').send({ employeeRef: 'E1', levelCode: 'L3', completedOn: ISO_DAYS_AGO(30), source: 'external', evidence: 'Home Office course' }).expect(201);
      id = res.body.id;
    });

    it('offers Correct and Delete on the record to coordinators and administrators, not to managers', async () => {
      const coordinator = await t.as('coordinator', 'WCC');
      const record = await coordinator.get(`/staff/${ids.E1}`).expect(200);
      expect(record.text).toContain(`href="/staff/${ids.E1}/completions/${id}/change"`);
      expect(record.text).toContain(`href="/staff/${ids.E1}/completions/${id}/delete"`);
      const manager = await t.as('manager', 'WCC-CYP', 'E2');
      await manager.get(`/staff/${ids.E1}/completions/${id}/change`).expect(403);
      await manager.post(`/staff/${ids.E1}/completions/${id}/delete`).type('form').send({ reason: 'Not mine to delete' }).expect(403);
      // Someone outside the coordinator's organisation, or a completion of another person: not found.
      const other = await t.as('coordinator', 'NHS-SWFT');
      await other.get(`/staff/${ids.E1}/completions/${id}/change`).expect(404);
      await t.http().get(`/staff/${ids.N1}/completions/${id}/delete`).expect(404);
    });

    it('shows every problem of a correction at once, at its field, and changes nothing', async () => {
      const before = await completionNow();
      const form = await t.http().get(`/staff/${ids.E1}/completions/${id}/change`).expect(200);
      expect(form.text).toMatch(/id="levelCode-3" name="levelCode" type="radio" value="L3" checked/);
      expect(form.text).toContain('>Home Office course</textarea>');
      const res = await t
        .http()
        .post(`/staff/${ids.E1}/completions/${id}/change`)
        .type('form')
        .send({ levelCode: 'L3', 'completedOn-day': '30', 'completedOn-month': '2', 'completedOn-year': '2025', source: 'external', evidence: 'x', reason: '  ' })
        .expect(422);
      const list = res.text.indexOf('govuk-error-summary__list');
      const summary = res.text.slice(list, res.text.indexOf('</ul>', list));
      expect(summary).toContain('<a href="#completedOn-day">Date completed must be a real date</a>');
      expect(summary).toContain('<a href="#reason">Enter why you are making this change, for example the certificate shows another date</a>');
      expect(res.text).toContain('<p id="reason-error" class="govuk-error-message">');
      expect(res.text).toContain('id="completedOn-day"');
      expect(visibleText(res.text)).not.toMatch(/completedOn|levelCode|reason must/);
      expect(await completionNow()).toEqual(before);
    });

    it('corrects the level, date and evidence, and the audit log keeps the reason beside the change', async () => {
      const day = ISO_DAYS_AGO(20).split('-');
      const res = await t
        .http()
        .post(`/staff/${ids.E1}/completions/${id}/change`)
        .type('form')
        .send({ levelCode: 'L2', 'completedOn-day': day[2], 'completedOn-month': day[1], 'completedOn-year': day[0], source: 'external', evidence: 'Certificate WRAP-77', reason: 'The certificate shows WRAP, 20 days ago' })
        .expect(303);
      expect(res.headers.location).toBe(`/staff/${ids.E1}?done=corrected`);
      expect(visibleText((await t.http().get(res.headers.location).expect(200)).text)).toContain('Training record corrected');
      expect(await completionNow()).toMatchObject({ id, levelCode: 'L2', completedOn: ISO_DAYS_AGO(20), evidence: 'Certificate WRAP-77' });
      const entry = await auditOf('update');
      expect(entry.reason).toBe('The certificate shows WRAP, 20 days ago');
      expect(JSON.parse(entry.afterJson!)).toMatchObject({ completedOn: ISO_DAYS_AGO(20), evidence: 'Certificate WRAP-77' });
    });

    it('the API corrects only with a reason, in the same words', async () => {
      const refused = await t.http().patch(`/api/completions/${id}`).send({ evidence: 'Seen' }).expect(400);
      expect(refused.body).toMatchObject({ field: 'reason', message: ['reason: Enter why you are making this change, for example the certificate shows another date'] });
      await t.http().delete(`/api/completions/${id}`).send({}).expect(400);
      await t.http().patch(`/api/completions/${id}`).send({ evidence: 'Seen', reason: 'Checked the certificate' }).expect(200);
      expect((await auditOf('update')).reason).toBe('Checked the certificate');
    });

    it('deletes only after asking on its own page, with a reason the audit log keeps with the record as it was', async () => {
      const confirm = await t.http().get(`/staff/${ids.E1}/completions/${id}/delete`).expect(200);
      expect(visibleText(confirm.text)).toContain('Are you sure you want to delete Amira Khan’s L2 training record?');
      expect(confirm.text).toContain('name="_csrf"');
      const refused = await t.http().post(`/staff/${ids.E1}/completions/${id}/delete`).type('form').send({ reason: '' }).expect(422);
      expect(refused.text).toContain('<a href="#reason">Enter why you are making this change, for example the certificate shows another date</a>');
      expect(refused.text).toContain('<title>Error: Are you sure');
      await t.http().get(`/api/completions/${id}`).expect(200);
      const done = await t.http().post(`/staff/${ids.E1}/completions/${id}/delete`).type('form').send({ reason: 'Recorded for the wrong person' }).expect(303);
      expect(done.headers.location).toBe(`/staff/${ids.E1}?done=deleted`);
      await t.http().get(`/api/completions/${id}`).expect(404);
      const entry = await auditOf('delete');
      expect(entry.reason).toBe('Recorded for the wrong person');
      expect(JSON.parse(entry.beforeJson!)).toMatchObject({ evidence: 'Seen' });
    });
  });

  describe('what each account may see', () => {
    it('refuses viewers the staff pages with a 403 page, but shows them the organisations without staff links', async () => {
      const viewer = await t.as('viewer', 'WPP');
      const res = await viewer.get('/staff').expect(403);
      expect(res.headers['content-type']).toMatch(/html/);
      expect(visibleText(res.text)).toContain('You cannot see this page');
      await viewer.get(`/staff/${ids.E1}`).expect(403);
      const organisations = await viewer.get('/organisations').expect(200);
      expect(organisations.text).toContain('Warwickshire County Council');
      expect(tableBody(organisations.text)).not.toContain('href="/staff');
    });

    it('limits a coordinator to their organisation: others are absent from lists and answer 404', async () => {
      const coordinator = await t.as('coordinator', 'NHS-SWFT');
      const list = visibleText(tableBody((await coordinator.get('/staff?status=all').expect(200)).text));
      expect(list).toContain('Dev Patel');
      expect(list).not.toContain('Amira Khan');
      await coordinator.get(`/staff/${ids.E1}`).expect(404);
      await coordinator.get(`/staff/${ids.E1}/edit`).expect(404);
      await coordinator.get(`/staff/${ids.E1}/completions/new`).expect(404);
      await coordinator.get('/staff?organisation=WCC').expect(404);
      const organisations = tableBody((await coordinator.get('/organisations').expect(200)).text);
      expect(organisations).toContain('South Warwickshire NHS Trust');
      expect(organisations).not.toContain('Warwickshire County Council');
      // The form offers only their organisations, and refuses one typed in from elsewhere.
      const form = await coordinator.get('/staff/new').expect(200);
      expect(form.text).not.toContain('value="WCC"');
      const before = await staffCount();
      const refused = await coordinator
        .post('/staff/new')
        .type('form')
        .send({ employeeRef: 'N2', firstName: 'Gus', lastName: 'Hale', organisationCode: 'WCC', 'startDate-day': '1', 'startDate-month': '1', 'startDate-year': '2025' })
        .expect(422);
      expect(refused.text).toContain('<a href="#organisationCode">No organisation with code WCC</a>');
      expect(await staffCount()).toBe(before);
    });

    it('lets managers read but not change records, and hides the buttons that would', async () => {
      const manager = await t.as('manager', 'WCC-CYP', 'E2');
      const person = await manager.get(`/staff/${ids.E2}`).expect(200);
      expect(person.text).not.toContain(`href="/staff/${ids.E2}/edit"`);
      expect(person.text).not.toContain('/completions/new');
      expect((await manager.get('/staff').expect(200)).text).not.toContain('href="/staff/new"');
      await manager.get('/staff/new').expect(403);
      await manager.get(`/staff/${ids.E2}/edit`).expect(403);
      await manager.post(`/staff/${ids.E2}/completions/new`).type('form').send({ levelCode: 'L1' }).expect(403);
    });
  });

  describe('forms in a signed-in browser session', () => {
    it('carry a working CSRF token, and a post without it is refused', async () => {
      await t.app.get(UsersService).create(Scope.system(), {
        email: 'coordinator@wcc.example',
        displayName: 'Sam Coordinator',
        role: 'coordinator',
        organisationCode: 'WCC',
        password: TEST_PASSWORD,
      });
      const browser = request.agent(t.app.getHttpServer());
      const signIn = await browser.get('/sign-in').expect(200);
      await browser
        .post('/sign-in')
        .type('form')
        .send({ _csrf: csrfToken(signIn.text), email: 'coordinator@wcc.example', password: TEST_PASSWORD, next: '/staff' })
        .expect(303);
      const form = await browser.get('/staff/new').expect(200);
      const fields = { employeeRef: 'E20', firstName: 'Hana', lastName: 'Ito', organisationCode: 'WCC', roleCodes: 'ALL', 'startDate-day': '6', 'startDate-month': '1', 'startDate-year': '2025' };
      await browser.post('/staff/new').type('form').send(fields).expect(403);
      // A form shown again with its errors still carries a token that works.
      const refused = await browser.post('/staff/new').type('form').send({ ...fields, lastName: '', _csrf: csrfToken(form.text) }).expect(422);
      const created = await browser.post('/staff/new').type('form').send({ ...fields, _csrf: csrfToken(refused.text) }).expect(303);
      const page = await browser.get(created.headers.location).expect(200);
      expect(visibleText(page.text)).toContain('Hana Ito');
      expect(visibleText(page.text)).toContain('Sam Coordinator');
    });
  });
});
