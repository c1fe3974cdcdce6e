import { parse } from 'csv-parse/sync';
import { addDays, todayIso } from '../src/common/dates';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';

/**
 * A small partnership where each status appears once for L1 on 15 January 2026 (look-ahead 90 days):
 *   WPP (other) > WCC (local authority) > WCC-T (team); WPP > SCH (school, education)
 *   a1 WCC-T ALL          L1 2024-06-01                 compliant (lapses 2027-06-01)
 *   a2 WCC-T ALL          L1 2023-03-01                 expiring (lapses 2026-03-01, inside 90 days)
 *   a3 WCC   ALL, FRONT   started 2025-12-01            pending (grace 90 days for L1, 180 for L2)
 *   a4 WCC   ALL          L1 2021-01-31                 expired (lapsed 2024-01-31); manages a1, a2
 *   a5 SCH   ALL, DSL     nothing                       missing L1, L2 and L3 (DSL: L3 in SCH only)
 *   a6 SCH   ALL          left 2025-12-31               not counted
 */
const AS_OF = '2026-01-15';
const Q = `asOf=${AS_OF}&window=90`;

describeEachDatabase('gap analysis API and pages', (kind) => {
  let t: TestApp;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp(kind);
    const http = () => t.http();
    const org = (code: string, name: string, sector: string, parentCode: string | null) =>
      http().post('/api/organisations').send({ code, name, sector, parentCode, isEmployer: parentCode === 'WPP' }).expect(201);
    await org('WPP', 'Warwickshire Prevent Partnership', 'other', null);
    await org('WCC', 'Warwickshire County Council', 'local_authority', 'WPP');
    await org('WCC-T', 'Early help team', 'local_authority', 'WCC');
    await org('SCH', 'Riverside School', 'education', 'WPP');
    for (const [code, name] of [['ALL', 'All staff'], ['FRONT', 'Frontline'], ['DSL', 'Designated safeguarding lead']]) {
      await http().post('/api/roles').send({ code, name }).expect(201);
    }
    await http().post('/api/requirements').send({ roleCode: 'ALL', levelCode: 'L1', graceDays: 90 }).expect(201);
    await http().post('/api/requirements').send({ roleCode: 'FRONT', levelCode: 'L2', graceDays: 180 }).expect(201);
    await http().post('/api/requirements').send({ roleCode: 'DSL', levelCode: 'L3', organisationCode: 'SCH', graceDays: 0 }).expect(201);
    const person = async (ref: string, lastName: string, organisationCode: string, roleCodes: string[], startDate: string, extra: object = {}) => {
      const res = await http()
        .post('/api/staff')
        .send({ employeeRef: ref, firstName: 'Sam', lastName, organisationCode, roleCodes, startDate, ...extra })
        .expect(201);
      ids[ref] = res.body.id;
    };
    await person('a4', 'Dunn', 'WCC', ['ALL'], '2019-01-01');
    await person('a1', 'Abbot', 'WCC-T', ['ALL'], '2020-01-01', { managerEmployeeRef: 'a4' });
    await person('a2', 'Baker', 'WCC-T', ['ALL'], '2020-01-01', { managerEmployeeRef: 'a4' });
    await person('a3', 'Cole', 'WCC', ['ALL', 'FRONT'], '2025-12-01');
    await person('a5', 'Evans', 'SCH', ['ALL', 'DSL'], '2018-01-01', { firstName: '=HYPERLINK("x")' });
    await person('a6', 'Gone', 'SCH', ['ALL'], '2018-01-01', { endDate: '2025-12-31' });
    for (const [ref, levelCode, completedOn, organisationCode] of [
      ['a1', 'L1', '2024-06-01', 'WCC'],
      ['a2', 'L1', '2023-03-01', 'WCC'],
      ['a4', 'L1', '2021-01-31', 'WCC'],
    ]) {
      await http().post('/api/completions').send({ employeeRef: ref, organisationCode, levelCode, completedOn, source: 'manual' }).expect(201);
    }
  });

  afterAll(() => t?.close());

  const l1 = (levels: { level: string }[]) => levels.find((l) => l.level === 'L1');

  it('counts each status for the whole partnership, and the compliance percentage', async () => {
    const res = await t.http().get(`/api/reports/gap-analysis?organisation=WPP&${Q}`).expect(200);
    expect(res.body.organisation).toEqual({ code: 'WPP', name: 'Warwickshire Prevent Partnership' });
    expect(res.body).toMatchObject({ asOf: AS_OF, windowDays: 90 });
    expect(l1(res.body.levels)).toEqual({
      level: 'L1',
      required: 5,
      met: 2,
      compliant: 1,
      expiring: 1,
      pending: 1,
      expired: 1,
      missing: 1,
      overdue: 2,
      compliancePct: 50,
    });
    // L2: a3 (frontline, pending) and a5 (DSL needs L3, so L2 too: missing).
    expect(res.body.levels.find((l: { level: string }) => l.level === 'L2')).toMatchObject({ required: 2, pending: 1, missing: 1, compliancePct: 0 });
  });

  it('breaks the figures down by child organisation, sector and role', async () => {
    const { body } = await t.http().get(`/api/reports/gap-analysis?organisation=WPP&${Q}`).expect(200);
    expect(body.byOrganisation.map((g: { organisation: { code: string } }) => g.organisation.code)).toEqual(['SCH', 'WCC']);
    const wcc = body.byOrganisation.find((g: { organisation: { code: string } }) => g.organisation.code === 'WCC');
    expect(l1(wcc.levels)).toMatchObject({ required: 4, compliant: 1, expiring: 1, pending: 1, expired: 1, missing: 0 });
    const education = body.bySector.find((g: { sector: string }) => g.sector === 'education');
    expect(l1(education.levels)).toMatchObject({ required: 1, missing: 1, compliancePct: 0 });
    const dsl = body.byRole.find((g: { role: { code: string } }) => g.role.code === 'DSL');
    expect(dsl.levels.map((l: { required: number }) => l.required)).toEqual([1, 1, 1]);
  });

  it('leaves the percentage empty when nobody is due', async () => {
    const { body } = await t.http().get(`/api/reports/gap-analysis?organisation=WCC-T&asOf=2019-06-01`).expect(200);
    expect(l1(body.levels)).toMatchObject({ required: 0, compliancePct: null });
  });

  it('gives the same figures as CSV, with formula-like text made safe', async () => {
    const res = await t.http().get(`/api/reports/gap-analysis?organisation=WPP&${Q}&format=csv`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="gap-analysis-WPP-2026-01-15.csv"/);
    const rows = parse(res.text.replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];
    const all = rows.find((r) => r.Group === 'All' && r.Level === 'L1')!;
    expect(all).toMatchObject({ Required: '5', Compliant: '1', Expiring: '1', Pending: '1', Expired: '1', Missing: '1', 'Compliance %': '50' });

    const people = await t.http().get(`/api/reports/gap-analysis/people?organisation=WPP&level=L1&status=missing&${Q}&format=csv`).expect(200);
    const listed = parse(people.text.replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ 'Employee reference': 'a5', Name: `'=HYPERLINK("x") Evans`, Status: 'Missing', 'Due or lapsed on': '2018-01-01' });
  });

  it('lists the people behind a figure, with their dates, a page at a time', async () => {
    const res = await t.http().get(`/api/reports/gap-analysis/people?organisation=WPP&level=L1&${Q}&pageSize=1`).expect(200);
    expect(res.body).toMatchObject({ level: 'L1', statuses: ['expired', 'missing'], total: 2, pages: 2, page: 1 });
    expect(res.body.items).toEqual([
      {
        id: ids.a4,
        employeeRef: 'a4',
        name: 'Sam Dunn',
        organisation: { code: 'WCC', name: 'Warwickshire County Council' },
        status: 'expired',
        dueOn: '2024-01-31',
        lastCompletion: { level: 'L1', completedOn: '2021-01-31' },
      },
    ]);
    const expiring = await t.http().get(`/api/reports/gap-analysis/people?organisation=WCC&level=L1&status=expiring,pending&${Q}`).expect(200);
    expect(expiring.body.items.map((p: { employeeRef: string; status: string; dueOn: string }) => [p.employeeRef, p.status, p.dueOn])).toEqual([
      ['a2', 'expiring', '2026-03-01'],
      ['a3', 'pending', '2026-03-01'],
    ]);
    const byRole = await t.http().get(`/api/reports/gap-analysis/people?organisation=WPP&level=L3&status=missing&role=DSL&${Q}`).expect(200);
    expect(byRole.body.items.map((p: { employeeRef: string }) => p.employeeRef)).toEqual(['a5']);
  });

  it("gives a person's status for every level they require", async () => {
    const res = await t.http().get(`/api/staff/${ids.a5}/compliance?asOf=${AS_OF}`).expect(200);
    expect(res.body.levels.map((l: { level: string; status: string; dueOn: string }) => [l.level, l.status, l.dueOn])).toEqual([
      // The shortest grace among the requirements covering L1: DSL's 0 days, not ALL's 90.
      ['L1', 'missing', '2018-01-01'],
      ['L2', 'missing', '2018-01-01'],
      ['L3', 'missing', '2018-01-01'],
    ]);
    const leaver = await t.http().get(`/api/staff/${ids.a6}/compliance?asOf=${AS_OF}`).expect(200);
    expect(leaver.body.levels).toEqual([]);
    await t.http().get('/api/staff/999999/compliance').expect(404);
  });

  it('refuses bad input with a message naming the field', async () => {
    const bad = async (url: string, status: number, pattern: RegExp) => {
      const res = await t.http().get(url).expect(status);
      expect(JSON.stringify(res.body.message)).toMatch(pattern);
    };
    await bad('/api/reports/gap-analysis?asOf=2026-02-30', 400, /asOf/);
    await bad('/api/reports/gap-analysis?window=-1', 400, /window/);
    await bad('/api/reports/gap-analysis?format=pdf', 400, /format/);
    await bad('/api/reports/gap-analysis?organisation=NOPE', 404, /NOPE/);
    await bad('/api/reports/gap-analysis/people?level=L9', 422, /level/);
    await bad('/api/reports/gap-analysis/people?level=L1&status=late', 400, /status/);
    await bad('/api/reports/gap-analysis/people?level=L1&asOf=2026-13-01', 400, /asOf/);
    await bad('/api/reports/gap-analysis/people?level=L1&window=ninety', 400, /window must be a whole number of days/);
    await bad('/api/reports/gap-analysis/people?level=L1&pageSize=501', 400, /pageSize/);
    await bad(`/api/staff/${ids.a1}/compliance?asOf=tomorrow`, 400, /asOf/);
    expect((await t.http().get('/api/reports/gap-analysis/people?level=L1').expect(200)).body).toMatchObject({ page: 1, pageSize: 50 });
    await bad('/api/reports/gap-analysis/people?level=L1&role=NOPE', 422, /role/);
  });

  it("shows a manager only their own organisation's people", async () => {
    const manager = await t.as('manager', 'WCC-T', 'a4');
    const own = await manager.get(`/api/reports/gap-analysis?${Q}`).expect(200);
    expect(own.body.organisation.code).toBe('WCC-T');
    expect(l1(own.body.levels)).toMatchObject({ required: 2, compliant: 1, expiring: 1 });
    await manager.get(`/api/reports/gap-analysis?organisation=WPP&${Q}`).expect(404);
    const people = await manager.get(`/api/reports/gap-analysis/people?level=L1&status=compliant,expiring&${Q}`).expect(200);
    expect(people.body.items.map((p: { employeeRef: string }) => p.employeeRef)).toEqual(['a1', 'a2']);
  });

  it('limits a trainer to the people they can see', async () => {
    const trainer = await t.as('trainer', 'WPP', 'a1');
    const res = await trainer.get(`/api/reports/gap-analysis?organisation=WPP&${Q}`).expect(200);
    // A trainer sees themselves and the people booked on their sessions: here only a1.
    expect(l1(res.body.levels)).toMatchObject({ required: 1, compliant: 1 });
  });

  it('shows a viewer figures but not names', async () => {
    const viewer = await t.as('viewer', 'WPP');
    const res = await viewer.get(`/api/reports/gap-analysis?${Q}`).expect(200);
    expect(l1(res.body.levels)).toMatchObject({ required: 5 });
    await viewer.get(`/api/reports/gap-analysis/people?level=L1&${Q}`).expect(403);
    await viewer.get(`/api/staff/${ids.a1}/compliance`).expect(403);
    const page = await viewer.get(`/reports/gap-analysis?organisation=WPP&asOf-day=15&asOf-month=1&asOf-year=2026`).expect(200);
    expect(page.text).toContain('Early help team');
    expect(page.text).not.toContain('/reports/gap-analysis/people');
    await viewer.get('/reports/gap-analysis/people?level=L1').expect(403);
  });

  it('shows the gap analysis page with every status, drill-down and people links', async () => {
    const page = await t.http().get(`/reports/gap-analysis?organisation=WPP&asOf-day=15&asOf-month=1&asOf-year=2026&window=90`).expect(200);
    for (const text of ['Compliant', 'Expiring', 'Pending', 'Expired', 'Missing', '50%', 'By sector', 'By role', 'L1 Prevent awareness e-learning', 'Download CSV']) {
      expect(page.text).toContain(text);
    }
    expect(page.text).not.toContain('Not yet due');
    expect(page.text).not.toContain('Expiring soon');
    // Every table scrolls inside its own box on a phone.
    expect(page.text.match(/<table/g)!.length).toBe(page.text.match(/<div class="app-table-scroll" role="region" aria-label="[^"]+" tabindex="0">\s*<table/g)!.length);
    const html = page.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(html).toContain('href="/reports/gap-analysis?organisation=WCC&asOf=2026-01-15&window=90"');
    expect(html).toContain('href="/reports/gap-analysis/people?organisation=WPP&asOf=2026-01-15&window=90&level=L1&status=expired"');
  });

  it('keeps the form and says what to type when a filter is wrong, at the field and in the summary', async () => {
    const wrong = await t.http().get('/reports/gap-analysis?asOf-day=31&asOf-month=2&asOf-year=2026&window=soon').expect(400);
    expect(wrong.text).toContain('<title>Error: Gap analysis');
    expect(wrong.text).toContain('<a href="#asOf-day">Date must be a real date between 1900 and 2199, for example 31 3 2026</a>');
    expect(wrong.text).toContain('<a href="#window">Look-ahead must be a whole number of days from 0 to 3650</a>');
    expect(wrong.text).toContain('<p id="asOf-error" class="govuk-error-message">');
    expect(wrong.text).toContain('<p id="window-error" class="govuk-error-message">');
    expect(wrong.text).toContain('id="asOf-day" name="asOf-day" type="text" inputmode="numeric" value="31"');
    expect(wrong.text).toContain('value="soon"');
  });

  it('downloads the CSV of what the form has chosen (the button submits the form)', async () => {
    const page = await t.http().get('/reports/gap-analysis').expect(200);
    expect(page.text).toMatch(/<form method="get" action="\/reports\/gap-analysis"[\s\S]*<button type="submit"[^>]* name="format" value="csv">Download CSV<\/button>[\s\S]*<\/form>/);
    const res = await t.http().get('/reports/gap-analysis?organisation=WCC&asOf-day=15&asOf-month=1&asOf-year=2026&window=30&format=csv').expect(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="gap-analysis-WCC-2026-01-15.csv"');
    const rows = parse(res.text.replace(/^\ufeff/, ''), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ Organisation: 'Warwickshire County Council', 'Organisation code': 'WCC', 'As of': '2026-01-15', 'Window (days)': '30' });
  });

  it('shows the people page with status tags and dates', async () => {
    const page = await t.http().get(`/reports/gap-analysis/people?organisation=WPP&level=L1&status=expired,missing&${Q}`).expect(200);
    expect(page.text).toContain('Sam Dunn');
    expect(page.text).toContain('Lapsed on 31 January 2024');
    expect(page.text).toContain('govuk-tag--orange');
    expect(page.text).toContain('L1 Prevent awareness e-learning: people expired or missing');
    const bySector = await t.http().get(`/reports/gap-analysis/people?organisation=WPP&level=L1&status=missing&sector=local_authority&${Q}`).expect(200);
    expect(bySector.text).toContain('in the Local authority sector');
    expect(bySector.text).not.toContain('local_authority sector');
  });

  it("shows a manager their team, the most urgent first", async () => {
    const manager = await t.as('manager', 'WCC', 'a4');
    const page = await manager.get(`/my-team?asOf=${AS_OF}`).expect(200);
    const text = page.text;
    expect(text.indexOf('Sam Baker')).toBeGreaterThan(-1);
    expect(text.indexOf('Sam Baker')).toBeLessThan(text.indexOf('Sam Abbot'));
    expect(text).toContain('Expiring');
    expect(text).not.toContain('Expiring soon');
    expect(text).toContain('Refresher due by 1 March 2026');
    const unlinked = await t.as('manager', 'WCC');
    expect((await unlinked.get('/my-team').expect(200)).text).toContain('not linked to a staff record');
  });
  /** The first table's (L1) figures for the whole organisation: required, then each status. */
  const pageFigures = (html: string) => {
    const at = html.indexOf('All of ');
    const row = html.slice(at, html.indexOf('</tr>', at));
    return [...row.matchAll(/<td class="govuk-table__cell govuk-table__cell--numeric">(?:<a [^>]*>)?([\d,]+)/g)].map((m) => Number(m[1].replace(/,/g, '')));
  };
  const PAGE = `/reports/gap-analysis?organisation=WPP&asOf-day=15&asOf-month=1&asOf-year=2026&window=90`;

  // The page keeps its tables drawn for what they show (GapAnalysisPagesController): never one
  // account's for another's, nor the figures from before a change.
  it("draws each account's tables as that account may see them, though it keeps them drawn", async () => {
    const admin = (await t.http().get(PAGE).expect(200)).text;
    const viewer = await t.as('viewer', 'WPP');
    const seen = (await viewer.get(PAGE).expect(200)).text;
    const again = (await t.http().get(PAGE).expect(200)).text;
    expect(pageFigures(seen)).toEqual(pageFigures(admin));
    expect(pageFigures(admin).length).toBe(6);
    expect(admin).toContain('/reports/gap-analysis/people');
    expect(seen).not.toContain('/reports/gap-analysis/people');
    expect(again).toContain('/reports/gap-analysis/people');
  });

  // Figures are kept between views while nothing they read changes (GapAnalysisService): these
  // change one thing at a time and look again. Last, as they add to the partnership.
  it('works the figures out afresh after a change, and a trainer\'s after a booking onto their session', async () => {
    type L1 = { level: string; compliant: number; missing: number };
    const figures = async (client = t.http()) => l1((await client.get(`/api/reports/gap-analysis?${Q}`).expect(200)).body.levels) as L1;
    const before = await figures();
    expect(await figures()).toEqual(before);
    const pageBefore = pageFigures((await t.http().get(PAGE).expect(200)).text);
    await t.http().post('/api/completions').send({ employeeRef: 'a5', organisationCode: 'SCH', levelCode: 'L1', completedOn: '2026-01-10', source: 'manual' }).expect(201);
    expect(await figures()).toMatchObject({ compliant: before.compliant + 1, missing: before.missing - 1 });
    // The page too, though it had drawn its tables for the figures before.
    const [required, compliant, , , , missing] = pageFigures((await t.http().get(PAGE).expect(200)).text);
    expect({ required, compliant, missing }).toEqual({ required: pageBefore[0], compliant: pageBefore[1] + 1, missing: pageBefore[5] - 1 });

    // a1 trains an L2 session (so holds a valid L3); booking a3 onto it lets the trainer see a3.
    await t.http().post('/api/completions').send({ employeeRef: 'a1', organisationCode: 'WCC', levelCode: 'L3', completedOn: addDays(todayIso(), -30), source: 'manual' }).expect(201);
    const session = await t
      .http()
      .post('/api/sessions')
      .send({ levelCode: 'L2', title: 'WRAP', startsAt: `${todayIso()}T09:30`, endsAt: `${todayIso()}T12:30`, venue: 'Shire Hall', hostOrganisationCode: 'WCC', capacity: 5, trainerEmployeeRefs: ['a1'] })
      .expect(201);
    const trainer = await t.as('trainer', 'WPP', 'a1');
    expect(await figures(trainer)).toMatchObject({ required: 1 });
    await t.http().post(`/api/sessions/${session.body.id}/bookings`).send({ employeeRef: 'a3', organisationCode: 'WCC' }).expect(201);
    expect(await figures(trainer)).toMatchObject({ required: 2, pending: 1 });
  });

  it('offers the top of the partnership and two levels below in its picker, and a deeper organisation when it is the one shown', async () => {
    await t.http().post('/api/organisations').send({ code: 'WCC-T-N', name: 'North locality', sector: 'local_authority', parentCode: 'WCC-T' }).expect(201);
    const options = (html: string) => [...html.matchAll(/<option value="([^"]+)"( selected)?>/g)].map((m) => `${m[1]}${m[2] ? '*' : ''}`);
    const top = await t.http().get('/reports/gap-analysis?organisation=WPP').expect(200);
    expect(options(top.text)).toEqual(['WPP*', 'SCH', 'WCC', 'WCC-T']);
    expect(top.text).toContain('Early help team</option>');
    const deep = await t.http().get('/reports/gap-analysis?organisation=WCC-T-N').expect(200);
    expect(options(deep.text)).toEqual(['WPP', 'SCH', 'WCC', 'WCC-T', 'WCC-T-N*']);
    // A manager of the council is offered the council and what is below it, never the school.
    const manager = await t.as('manager', 'WCC');
    expect(options((await manager.get('/reports/gap-analysis').expect(200)).text)).toEqual(['WCC*', 'WCC-T', 'WCC-T-N']);
  });
});
