import request from 'supertest';
import { Scope } from '../src/auth/scope';
import { User } from '../src/users/user.entity';
import { UsersService } from '../src/users/users.service';
import { createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';

const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** A browser on one server: shows the sign-in form and sends it. */
async function signIn(server: TestApp, email: string, password: string) {
  const agent = request.agent(server.app.getHttpServer());
  const page = await agent.get('/sign-in').set('Accept', 'text/html').expect(200);
  const res = await agent.post('/sign-in').type('form').set('Accept', 'text/html').send({ email, password, _csrf: csrfFrom(page.text), next: '/staff' });
  return { agent, res, cookie: (res.headers['set-cookie'] as unknown as string[] | undefined)?.map((c) => c.split(';')[0]).join('; ') ?? '' };
}

describeEachDatabase('Two servers on one database', (kind) => {
  let a: TestApp;
  let b: TestApp;
  const email = 'lead@two-servers.test';
  const settings = { LOGIN_RATE_LIMIT: '5', LOCKOUT_THRESHOLD: '2', LOCKOUT_MINUTES: '15' };

  beforeAll(async () => {
    a = await createTestApp(kind, settings);
    const shared: Record<string, string> =
      kind === 'postgres'
        ? { DATABASE_URL: String((a.dataSource.options as { url?: string }).url), DATABASE_SCHEMA: String((a.dataSource.options as { schema?: string }).schema) }
        : { DATABASE_PATH: String(a.dataSource.options.database) };
    b = await createTestApp(kind, { ...settings, ...shared });
    await a.app.get(UsersService).create(Scope.system(), { email, displayName: 'Lee', role: 'admin', organisationCode: null, password: TEST_PASSWORD });
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.close();
  });

  it('share sign-ins, lock-outs and the sign-in rate limit', async () => {
    // Signed in on A, the session works on B.
    const first = await signIn(a, email, TEST_PASSWORD);
    expect([first.res.status, first.res.headers.location]).toEqual([303, '/staff']);
    await request(b.app.getHttpServer()).get('/staff').set('Cookie', first.cookie).set('Accept', 'text/html').expect(200);

    // One wrong password on each server locks the account (LOCKOUT_THRESHOLD 2) on both.
    expect((await signIn(a, email, 'not the password')).res.status).toBe(401);
    expect((await signIn(b, email, 'not the password')).res.status).toBe(401);
    // The right password is refused now, answered as a wrong one is (so a lock-out tells nobody an account exists).
    const locked = await signIn(a, email, TEST_PASSWORD);
    expect(locked.res.status).toBe(401);
    expect(locked.res.text).toMatch(/The email address or password is not right/);
    expect((await b.dataSource.getRepository(User).findOneByOrFail({ email })).lockedUntil).toEqual(expect.any(String));

    // Five attempts a minute from this address (LOGIN_RATE_LIMIT 5), counted across both: four so far.
    expect((await signIn(b, email, TEST_PASSWORD)).res.status).toBe(401);
    expect((await signIn(a, email, TEST_PASSWORD)).res.status).toBe(429);
    expect((await signIn(b, email, TEST_PASSWORD)).res.status).toBe(429);
  });
});
