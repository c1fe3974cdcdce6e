import { describeEachDatabase, freshDatabaseEnv } from './support/app';
import { ServerProcess, startServerProcess } from './support/server-process';

const ADMIN = { ADMIN_EMAIL: 'jo.bloggs@council.example', ADMIN_PASSWORD: 'a long pass phrase only the tests know' };

async function signInAndFail(server: ServerProcess): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const signedIn = await fetch(`${server.url}/api/auth/token`, { method: 'POST', headers: json, body: JSON.stringify({ email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD, name: 'logs test' }) });
  expect(signedIn.status).toBe(201);
  const wrong = await fetch(`${server.url}/api/auth/token`, { method: 'POST', headers: json, body: JSON.stringify({ email: 'sam.smith@council.example', password: 'not the password at all', name: 'x' }) });
  expect(wrong.status).toBe(401);
  const page = await fetch(`${server.url}/staff?search=sam.smith@council.example`, { headers: { authorization: `Bearer ${(await signedIn.json()).token}` } });
  expect(page.status).toBe(200);
}

describeEachDatabase('Logs', (kind) => {
  let drop: () => Promise<void>;
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  beforeEach(async () => ({ env, drop } = await freshDatabaseEnv(kind)));
  afterEach(async () => {
    await server?.stop();
    await drop();
  });

  it('in a terminal: where it listens, which database, then one short line a request and no route mapping', async () => {
    server = await startServerProcess({ ...env, ...ADMIN, LOG_FORMAT: 'pretty' });
    await signInAndFail(server);
    await server.waitFor(/GET \/staff\S* 200/);
    const lines = server.output().split('\n');
    expect(lines.some((l) => /listening on http:\/\/localhost:\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => (kind === 'sqlite' ? /Using the SQLite database \S+\.sqlite$/ : /Using the PostgreSQL database test on 127\.0\.0\.1:5432, schema test_/).test(l))).toBe(true);
    expect(lines.filter((l) => /POST \/api\/auth\/token (201|401) \d+ ms$/.test(l))).toHaveLength(2);
    expect(server.output()).not.toMatch(/Mapped \{/);
    expect(server.output()).not.toMatch(/"level"|\{"/);
  });

  it('as JSON for a log collector: a JSON object a line, with no email, name, query, cookie or token in any of it', async () => {
    server = await startServerProcess({ ...env, ...ADMIN, LOG_FORMAT: 'json', LOG_LEVEL: 'debug' });
    await signInAndFail(server);
    await server.waitFor(/GET \/staff\S* 200/);
    const entries = server.output().trim().split('\n').map((line) => JSON.parse(line));
    const requests = entries.filter((e) => e.req);
    expect(requests.map((e) => `${e.req.method} ${e.req.path} ${e.res.statusCode}`)).toEqual(['POST /api/auth/token 201', 'POST /api/auth/token 401', 'GET /staff 200']);
    // At debug level Nest's route mapping is there too.
    expect(entries.some((e) => e.level === 20 && /Mapped \{\/health, GET\}/.test(e.msg))).toBe(true);
    const all = server.output();
    expect(all).not.toMatch(/jo\.bloggs|sam\.smith|council\.example/i);
    expect(all).not.toMatch(/Bearer|tracker\.sid|search=/);
  });
});
