import { addDays, todayIso } from '../src/common/dates';
import { STATUSES } from '../src/compliance/rules';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

/** The page's text without tags, spaces collapsed. */
const visibleText = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ');
/** The names in the staff table, in order. */
const namesOn = (html: string) => [...html.matchAll(/<a class="govuk-link" href="\/staff\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
const countOn = (html: string) => {
  const m = /of (\d+) (?:person|people)/.exec(visibleText(html));
  return m ? Number(m[1]) : 0;
};

/**
 * The staff list's training status, today: a team where each status appears for L1 (and some for
 * L2), against the gap analysis of the same organisation. ALL needs L1 (grace 60 days), FRONT L2.
 */
describeEachDatabase('staff list: training status', (kind) => {
  let t: TestApp;
  let admin: Client;
  const today = todayIso();
  const ago = (days: number) => addDays(today, -days);

  beforeAll(async () => {
    t = await createTestApp(kind);
    admin = t.http();
    await organisation(admin, 'WCC', null, { isEmployer: true, name: 'Warwickshire County Council' });
    await organisation(admin, 'WCC-T', 'WCC', { name: 'Early help team' });
    await organisation(admin, 'OTHER', null, { isEmployer: true, name: 'Other Council' });
    await role(admin, 'ALL', 'All staff');
    await role(admin, 'FRONT', 'Frontline');
    await requirement(admin, 'ALL', 'L1', { graceDays: 60 });
    await requirement(admin, 'FRONT', 'L2', { graceDays: 60 });
    const people: [string, string, string, string[], string][] = [
      ['C1', 'Cara', 'Compliant', ['ALL', 'FRONT'], ago(2000)],
      ['E1', 'Eli', 'Expiring', ['ALL'], ago(2000)],
      ['P1', 'Pia', 'Pending', ['ALL', 'FRONT'], ago(10)],
      ['X1', 'Xan', 'Expired', ['ALL'], ago(2000)],
      ['M1', 'Max', 'Missing', ['ALL', 'FRONT'], ago(2000)],
      ['M2', 'Mia', 'Missingtoo', ['ALL'], ago(2000)],
      ['N1', 'Ned', 'Norole', [], ago(2000)],
    ];
    for (const [ref, first, last, roleCodes, startDate] of people) {
      await person(admin, { employeeRef: ref, organisationCode: 'WCC-T', firstName: first, lastName: last, roleCodes, startDate });
    }
    await person(admin, { employeeRef: 'O1', organisationCode: 'OTHER', firstName: 'Oscar', lastName: 'Missingelsewhere', roleCodes: ['ALL'], startDate: ago(2000) });
    await completion(admin, 'C1', 'L2', ago(100));
    // 36 months' validity: lapses within the 90-day look-ahead.
    await completion(admin, 'E1', 'L1', addDays(ago(3 * 365), 30));
    await completion(admin, 'X1', 'L1', ago(4 * 365));
  });
  afterAll(() => t.close());

  const page = async (query: string) => (await admin.get(`/staff?${query}`).set('Accept', 'text/html').expect(200)).text;

  it('shows each person’s status for each level they need, with the level’s name', async () => {
    const html = await page('organisation=WCC-T');
    const text = visibleText(html);
    expect(text).toMatch(/Cara Compliant .* L1 Prevent awareness e-learning: Compliant L2 WRAP: Workshop to Raise Awareness of Prevent: Compliant /);
    expect(text).toMatch(/Eli Expiring .* L1 Prevent awareness e-learning: Expiring /);
    expect(text).toMatch(/Pia Pending .* L1 Prevent awareness e-learning: Pending L2 WRAP: Workshop to Raise Awareness of Prevent: Pending /);
    expect(text).toMatch(/Xan Expired .* L1 Prevent awareness e-learning: Expired /);
    expect(text).toMatch(/Ned Norole .* None needed /);
    expect(html).toContain('<div class="app-table-scroll" role="region" aria-label="People" tabindex="0">');
  });

  it('filters by status for a level and agrees with the gap analysis for the same people', async () => {
    const gap = (await admin.get('/api/reports/gap-analysis?organisation=WCC').expect(200)).body as { levels: Record<string, number | string>[] };
    for (const level of ['L1', 'L2']) {
      const figures = gap.levels.find((l) => l.level === level)!;
      for (const status of STATUSES) {
        const html = await page(`organisation=WCC&level=${level}&training=${status}`);
        expect({ level, status, count: countOn(html) }).toEqual({ level, status, count: figures[status] });
        const listed = (await admin.get(`/api/reports/gap-analysis/people?organisation=WCC&level=${level}&status=${status}`).expect(200)).body.items.map((p: { name: string }) => p.name);
        expect(namesOn(html)).toEqual(listed);
      }
      const overdue = await page(`organisation=WCC&level=${level}&training=overdue`);
      expect(countOn(overdue)).toBe(figures.overdue);
    }
    expect(namesOn(await page('organisation=WCC&level=L1&training=missing'))).toEqual(['Max Missing', 'Mia Missingtoo']);
  });

  it('keeps the filter when paging, and narrows it by a search', async () => {
    const first = await page('organisation=WCC&level=L1&training=missing&pageSize=1');
    expect(namesOn(first)).toEqual(['Max Missing']);
    const next = /href="([^"]+)" rel="next"/.exec(first)![1].replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(Object.fromEntries(new URL(next, 'http://x').searchParams)).toEqual({ organisation: 'WCC', status: 'current', level: 'L1', training: 'missing', pageSize: '1', page: '2' });
    const second = await page('organisation=WCC&level=L1&training=missing&pageSize=1&page=2');
    expect(namesOn(second)).toEqual(['Mia Missingtoo']);
    expect(namesOn(await page('organisation=WCC&level=L1&training=missing&search=mia'))).toEqual(['Mia Missingtoo']);
  });

  it('says on a person’s record who recorded each completion by their name, not their email', async () => {
    const [row] = await t.dataSource.query("SELECT id FROM staff WHERE employee_ref = 'X1'");
    const html = (await admin.get(`/staff/${row.id}`).set('Accept', 'text/html').expect(200)).text;
    expect(visibleText(html)).toMatch(/Recorded by .* Test admin 1 /);
    expect(html).not.toContain('@test.example');
  });

  it('never lists people the asker cannot see', async () => {
    const coordinator = await t.as('coordinator', 'WCC');
    const html = (await coordinator.get('/staff?level=L1&training=missing').set('Accept', 'text/html').expect(200)).text;
    expect(namesOn(html)).toEqual(['Max Missing', 'Mia Missingtoo']);
  });
});
