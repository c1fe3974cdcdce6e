import request from 'supertest';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import { Scope } from '../src/auth/scope';
import type { UserRole } from '../src/auth/scope';
import { UsersService } from '../src/users/users.service';
import { createTestApp, databaseKinds, TEST_PASSWORD, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';

/**
 * The statements the busiest pages send to PostgreSQL (issue 14). Under load the server's one main
 * thread sets the pace, and each statement costs it a write to the socket and the reading of its
 * answer: a person's record once took twelve, four of them reading again what another part of
 * the page had read. Each page is asked for as a browser does (signed in through the sign-in
 * page, with its session cookie), once to warm up, then counted; a page that needs a new
 * statement should raise its number here knowingly.
 */
const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
(databaseKinds().includes('postgres') ? describe : describe.skip)('Statements a page sends to PostgreSQL', () => {
  let t: TestApp;
  let counting = false;
  const seen: string[] = [];
  const original = PostgresQueryRunner.prototype.query;
  let recordId = 0;

  beforeAll(async () => {
    t = await createTestApp('postgres');
    const http = t.http();
    await organisation(http, 'STM', null, { isEmployer: true });
    await organisation(http, 'STM-A', 'STM');
    await role(http, 'ALL');
    await requirement(http, 'ALL', 'L1');
    await requirement(http, 'ALL', 'L2');
    const boss = await person(http, { employeeRef: 'BOSS', lastName: 'Boss', organisationCode: 'STM-A', roleCodes: ['ALL'], startDate: '2023-01-01' });
    for (let i = 0; i < 30; i++) {
      const p = await person(http, { employeeRef: `S${i}`, lastName: `Smith${i}`, organisationCode: i % 2 ? 'STM-A' : 'STM', roleCodes: ['ALL'], startDate: '2023-01-01', managerEmployeeRef: 'BOSS' });
      if (i === 0) recordId = p.id;
      await completion(http, `S${i}`, 'L1', `2025-0${(i % 6) + 1}-10`);
    }
    const users = t.app.get(UsersService);
    await users.create(Scope.system(), { email: 'coordinator@statements.test', displayName: 'Cora', role: 'coordinator', organisationCode: 'STM', password: TEST_PASSWORD });
    await users.create(Scope.system(), { email: 'manager@statements.test', displayName: 'Bo', role: 'manager', organisationCode: 'STM-A', staffEmployeeRef: 'BOSS', password: TEST_PASSWORD });
    expect(boss.id).toBeGreaterThan(0);
    jest.spyOn(PostgresQueryRunner.prototype, 'query').mockImplementation(function (this: PostgresQueryRunner, query: string, parameters?: unknown[], structured?: boolean) {
      if (counting && !/^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SET |SAVEPOINT|RELEASE)/i.test(query)) seen.push(query.replace(/\s+/g, ' ').slice(0, 160));
      return original.call(this, query, parameters, structured as false);
    } as typeof original);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });

  /** A browser signed in as `role` through the sign-in page. */
  async function signedIn(role: UserRole): Promise<ReturnType<typeof request.agent>> {
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get('/sign-in').set('Accept', 'text/html').expect(200);
    await agent.post('/sign-in').type('form').send({ _csrf: csrfFrom(page.text), email: `${role}@statements.test`, password: TEST_PASSWORD }).expect(303);
    return agent;
  }

  /** The statements of one page view (after one view to warm up), with the page's text. */
  async function statementsOf(path: string, role: UserRole): Promise<{ count: number; text: string; list: string[] }> {
    const browser = await signedIn(role);
    await browser.get(path).set('Accept', 'text/html').expect(200);
    seen.length = 0;
    counting = true;
    try {
      const page = await browser.get(path).set('Accept', 'text/html').expect(200);
      // Writes the response does not wait for (a named-access log entry) land straight after.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { count: seen.length, text: page.text, list: [...seen] };
    } finally {
      counting = false;
    }
  }

  const pages: [string, () => string, UserRole, number, string][] = [
    ['a staff search', () => '/staff?search=smith', 'coordinator', 8, 'Smith1'],
    ["a person's record", () => `/staff/${recordId}`, 'coordinator', 7, 'Smith0'],
    ['My team', () => '/my-team', 'manager', 9, 'Smith2'],
    ['the gap analysis', () => '/reports/gap-analysis?organisation=STM', 'coordinator', 11, 'Gap analysis'],
  ];

  it.each(pages)('%s takes at most its number of statements', async (_name, path, role, most, shows) => {
    const { count, text, list } = await statementsOf(path(), role);
    expect(text).toContain(shows);
    if (count > most) throw new Error(`${count} statements, at most ${most} expected:\n${list.join('\n')}`);
    expect(count).toBeGreaterThan(0);
  });
});
