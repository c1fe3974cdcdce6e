/**
 * Whose names each report, page and download shows to a trainer, a manager and a viewer limited to
 * A (support/access-fixture.ts has the partnership). DOMAIN.md and the README:
 * - a trainer sees figures, and names only of themselves and the people booked on their sessions
 *   (Tara trains SA and SA_OPEN; Bella is booked on them). Trainer and lead coverage name no
 *   other trainer or lead (Olga, Lena);
 * - a manager (Mona, A1) sees names only of the people in A1 and those who report to them. On
 *   session pages the trainers of the sessions they may book onto (Tara, Olga) are part of the
 *   session, so they are allowed there, but no one booked on those sessions from outside A1;
 * - a viewer sees no name at all: every named list answers 403, the reports figures only.
 * And nobody limited to A sees anything of B. A coordinator of A is the control: the same calls
 * show them the names the others may not see, so an absence means something.
 */
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { AccessFixture, buildAccessFixture, PEOPLE, PersonFacts, PersonKey } from './support/access-fixture';
import { Answer, bLeaks, Call, describeAnswer, send } from './support/access-checks';

type Role = 'trainer' | 'manager' | 'viewer';

interface Route {
  /** Built for the organisation at the top of the caller's subtree (A, or A1 for the manager) and its sector. */
  url: (f: AccessFixture, org: string, sector: string) => string;
  /** About named people: viewers get 403. */
  named?: boolean;
  /** Roles (of these three) refused outright. */
  refused?: Role[];
  /** A list of sessions: their trainers are part of what a manager may see. */
  sessions?: boolean;
  /** PDF printed by Chromium: 503 where it is missing. */
  pdf?: boolean;
}

const ALL_STATUSES = 'compliant,expiring,pending,expired,missing';
const period = (f: AccessFixture, org: string) => `organisation=${org}&year=${f.quarter.year}&quarter=${f.quarter.quarter}`;
const year = (f: AccessFixture, org: string) => `organisation=${org}&year=${f.quarter.year}`;

const ROUTES: Record<string, Route> = {
  // Gap analysis and the people behind its figures.
  'gap analysis (API)': { url: (_, o) => `/api/reports/gap-analysis?organisation=${o}` },
  'gap analysis (CSV)': { url: (_, o) => `/api/reports/gap-analysis?organisation=${o}&format=csv` },
  'gap analysis (page)': { url: (_, o) => `/reports/gap-analysis?organisation=${o}` },
  'gap analysis people, overdue (API)': { named: true, url: (_, o) => `/api/reports/gap-analysis/people?organisation=${o}&level=L1` },
  'gap analysis people, every status (API)': { named: true, url: (_, o) => `/api/reports/gap-analysis/people?organisation=${o}&level=L1&status=${ALL_STATUSES}&pageSize=500` },
  'gap analysis people, L3 leads (API)': { named: true, url: (_, o) => `/api/reports/gap-analysis/people?organisation=${o}&level=L3&status=${ALL_STATUSES}&pageSize=500` },
  'gap analysis people (CSV)': { named: true, url: (_, o) => `/api/reports/gap-analysis/people?organisation=${o}&level=L1&status=${ALL_STATUSES}&format=csv` },
  'gap analysis people (page)': { named: true, url: (_, o) => `/reports/gap-analysis/people?organisation=${o}&level=L1&status=${ALL_STATUSES}` },

  // Quarterly take-up and the annual report.
  'quarterly (API)': { url: (f, o) => `/api/reports/quarterly?${period(f, o)}` },
  'quarterly (page)': { url: (f, o) => `/reports/quarterly?${period(f, o)}` },
  'quarterly (CSV)': { url: (f, o) => `/reports/quarterly.csv?${period(f, o)}` },
  'quarterly (XLSX)': { url: (f, o) => `/reports/quarterly.xlsx?${period(f, o)}` },
  'quarterly (PDF)': { pdf: true, url: (f, o) => `/reports/quarterly.pdf?${period(f, o)}` },
  'quarterly chart (SVG)': { url: (f, o) => `/reports/quarterly/chart.svg?${period(f, o)}&chart=take-up` },
  'annual (API)': { url: (f, o) => `/api/reports/annual?${year(f, o)}` },
  'annual (page)': { url: (f, o) => `/reports/annual?${year(f, o)}` },
  'annual (CSV)': { url: (f, o) => `/reports/annual.csv?${year(f, o)}` },
  'annual (XLSX)': { url: (f, o) => `/reports/annual.xlsx?${year(f, o)}` },
  'annual (PDF)': { pdf: true, url: (f, o) => `/reports/annual.pdf?${year(f, o)}` },
  'annual chart (SVG)': { url: (f, o) => `/reports/annual/chart.svg?${year(f, o)}&chart=compliance` },

  // Needs analysis.
  'needs analysis (API)': { url: (_, o) => `/api/reports/needs-analysis?organisation=${o}` },
  'needs analysis (page)': { url: (_, o) => `/reports/needs-analysis?organisation=${o}` },
  'needs analysis (CSV)': { url: (_, o) => `/reports/needs-analysis.csv?organisation=${o}` },
  'needs analysis (XLSX)': { url: (_, o) => `/reports/needs-analysis.xlsx?organisation=${o}` },

  // Trainer coverage: Tara and Olga sit directly in A, Lena in A1, all with a valid L3.
  'trainer coverage, counts (API)': { url: (_, o) => `/api/reports/trainer-coverage?organisation=${o}` },
  'trainer coverage, trainers (API)': { named: true, url: (_, o) => `/api/reports/trainer-coverage/trainers?organisation=${o}` },
  'trainer coverage (page)': { url: (_, o) => `/reports/trainer-coverage?organisation=${o}` },
  'trainer coverage (CSV)': { url: (_, o) => `/reports/trainer-coverage.csv?organisation=${o}` },

  // Prevent lead coverage: Tara and Olga are DSLs in A, Lena in A1. Directly below, and the organisations of a sector at any depth.
  'lead coverage, counts (API)': { url: (_, o, s) => `/api/reports/lead-coverage?organisation=${o}&sector=${s}` },
  'lead coverage, leads (API)': { named: true, url: (_, o) => `/api/reports/lead-coverage/leads?organisation=${o}` },
  'lead coverage, leads of the sector (API)': { named: true, url: (_, o, s) => `/api/reports/lead-coverage/leads?organisation=${o}&sector=${s}` },
  'lead coverage (page)': { url: (_, o) => `/reports/lead-coverage?organisation=${o}` },
  'lead coverage of the sector (page)': { url: (_, o, s) => `/reports/lead-coverage?organisation=${o}&sector=${s}` },
  'lead coverage (CSV)': { url: (_, o) => `/reports/lead-coverage.csv?organisation=${o}` },
  'lead coverage of the sector (CSV)': { url: (_, o, s) => `/reports/lead-coverage.csv?organisation=${o}&sector=${s}` },

  // Impact figures: entered by coordinators; counts only.
  'impact figures (API)': { refused: ['trainer', 'manager', 'viewer'], url: (f, o) => `/api/impact-figures?${period(f, o)}` },
  'impact figures (page)': { refused: ['trainer', 'manager', 'viewer'], url: (f, o) => `/reports/impact?${period(f, o)}` },

  // The other pages a role lands on, and the named lists behind them.
  'home page': { url: () => '/' },
  'reports list': { url: () => '/reports' },
  'organisations (page)': { url: () => '/organisations' },
  'my team (page)': { named: true, refused: ['trainer', 'viewer'], url: () => '/my-team' },
  'staff (API)': { named: true, url: () => '/api/staff?status=all&pageSize=500' },
  'staff (page)': { named: true, url: () => '/staff?status=all' },
  'completions (API)': { named: true, url: () => '/api/completions?pageSize=500' },
  'sessions (API)': { named: true, sessions: true, url: () => '/api/sessions?when=all&pageSize=500' },
  'sessions (page)': { named: true, sessions: true, url: () => '/sessions?when=all' },
  'sessions calendar (page)': { named: true, sessions: true, url: () => '/sessions/calendar' },
  'session SA (page)': { named: true, sessions: true, url: (f) => `/sessions/${f.sessions.SA}` },
  'session SA_OPEN bookings (API)': { named: true, sessions: true, url: (f) => `/api/sessions/${f.sessions.SA_OPEN}/bookings` },
};

const ROOT_OF: Record<Role | 'coordinator', { org: string; sector: string }> = {
  trainer: { org: 'A', sector: 'local_authority' },
  manager: { org: 'A1', sector: 'education' },
  viewer: { org: 'A', sector: 'local_authority' },
  coordinator: { org: 'A', sector: 'local_authority' },
};

/** The names each role may see (DOMAIN.md roles; see the comment at the top). */
const MAY_SEE: Record<Role, PersonKey[]> = {
  trainer: ['trainer', 'booked'],
  manager: ['manager', 'report', 'booked', 'lead', 'editable'],
  viewer: [],
};
const SESSION_TRAINERS: PersonKey[] = ['trainer', 'otherTrainer'];

/** The people an answer names: by last name, employee reference or email (each unique in the partnership). */
function namesIn(text: string): PersonKey[] {
  const lower = text.toLowerCase();
  return (Object.keys(PEOPLE) as PersonKey[]).filter((key) => {
    const p: PersonFacts = PEOPLE[key];
    return text.includes(p.last) || new RegExp(`(^|[^A-Za-z0-9-])${p.ref}([^A-Za-z0-9-]|$)`).test(text) || (p.email !== undefined && lower.includes(p.email));
  });
}

describeEachDatabase('report visibility: whose names a trainer, a manager and a viewer see', (kind) => {
  let t: TestApp;
  let f: AccessFixture;

  beforeAll(async () => {
    t = await createTestApp(kind);
    f = await buildAccessFixture(t);
  });
  afterAll(() => t?.close());

  const fetch = async (role: Role | 'coordinator', route: Route): Promise<{ call: Call; answer: Answer }> => {
    const { org, sector } = ROOT_OF[role];
    const call = { url: route.url(f, org, sector) };
    return { call, answer: await send(f.clients[role], 'get', call) };
  };

  for (const role of ['trainer', 'manager', 'viewer'] as const) {
    describe(`a ${role} limited to ${ROOT_OF[role].org}`, () => {
      for (const [name, route] of Object.entries(ROUTES)) {
        const refused = route.refused?.includes(role) || (role === 'viewer' && route.named);
        it(`${name}: ${refused ? 'refused (403)' : `names only ${MAY_SEE[role].length ? MAY_SEE[role].map((k) => PEOPLE[k].first).join(', ') : 'nobody'}`}`, async () => {
          const { call, answer } = await fetch(role, route);
          const expected = refused ? [403] : route.pdf ? [200, 503] : [200];
          const allowed = new Set<PersonKey>([...MAY_SEE[role], ...(role === 'manager' && route.sessions ? SESSION_TRAINERS : [])]);
          const shown = namesIn(answer.text);
          expect({
            status: expected.includes(answer.status) ? 'as expected' : describeAnswer(answer),
            namesNotAllowed: shown.filter((k) => !allowed.has(k)).map((k) => `${PEOPLE[k].first} ${PEOPLE[k].last} (${PEOPLE[k].ref})`),
            ofB: bLeaks(answer, call).slice(0, 8),
          }).toEqual({ status: 'as expected', namesNotAllowed: [], ofB: [] });
          if (route.pdf && answer.status === 200) expect(answer.type).toContain('application/pdf');
        });
      }
    });
  }

  describe('the checks are meaningful', () => {
    const text = async (role: Role | 'coordinator', key: string) => {
      const { answer } = await fetch(role, ROUTES[key]);
      expect(describeAnswer(answer)).toMatch(/^200/);
      return answer.text;
    };

    it('a coordinator of A is shown the trainers, leads and people the others may not see', async () => {
      expect(namesIn(await text('coordinator', 'trainer coverage, trainers (API)'))).toEqual(expect.arrayContaining(['trainer', 'otherTrainer', 'lead']));
      expect(namesIn(await text('coordinator', 'trainer coverage (page)'))).toEqual(expect.arrayContaining(['trainer', 'otherTrainer', 'lead']));
      expect(namesIn(await text('coordinator', 'lead coverage, leads of the sector (API)'))).toEqual(expect.arrayContaining(['trainer', 'otherTrainer', 'lead']));
      expect(namesIn(await text('coordinator', 'lead coverage of the sector (CSV)'))).toEqual(expect.arrayContaining(['trainer', 'otherTrainer', 'lead']));
      expect(namesIn(await text('coordinator', 'gap analysis people, every status (API)'))).toEqual(expect.arrayContaining(['outsider', 'report', 'otherBooked', 'booked']));
      expect(namesIn(await text('coordinator', 'gap analysis people (page)'))).toEqual(expect.arrayContaining(['outsider', 'report']));
      expect(namesIn(await text('coordinator', 'staff (page)'))).toEqual(expect.arrayContaining(['outsider', 'otherBooked', 'manager']));
    });

    it('a manager is shown the people of their team: their report, overdue, and their lead', async () => {
      expect(namesIn(await text('manager', 'gap analysis people, overdue (API)'))).toContain('report');
      expect(namesIn(await text('manager', 'my team (page)'))).toContain('report');
      expect(namesIn(await text('manager', 'lead coverage, leads of the sector (API)'))).toContain('lead');
      expect(namesIn(await text('manager', 'staff (API)'))).toEqual(expect.arrayContaining(['manager', 'report', 'booked', 'lead', 'editable']));
    });

    it('a trainer is shown themselves and the person booked on their session', async () => {
      expect(namesIn(await text('trainer', 'staff (API)'))).toEqual(expect.arrayContaining(['trainer', 'booked']));
      expect(namesIn(await text('trainer', 'session SA_OPEN bookings (API)'))).toContain('booked');
    });

    it('a viewer is given the figures the named lists are made of', async () => {
      const counts = JSON.parse(await text('viewer', 'trainer coverage, counts (API)')) as { trainers: number };
      expect(counts.trainers).toBe(3);
      const gap = JSON.parse(await text('viewer', 'gap analysis (API)')) as { levels: { level: string; required: number }[] };
      expect(gap.levels.find((l) => l.level === 'L1')?.required).toBeGreaterThan(0);
    });
  });
});
