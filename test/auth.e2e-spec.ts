import { MetadataScanner } from '@nestjs/core';
import type { NestContainer } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants';
import request from 'supertest';
import { ALLOW_KEY, PUBLIC_KEY } from '../src/auth/allow.decorator';
import { Scope } from '../src/auth/scope';
import { FirstAdmin } from '../src/users/first-admin';
import { UsersService } from '../src/users/users.service';
import { createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';
import { organisation } from './support/builders';

const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** A browser: keeps cookies, reads the CSRF token from each form page. */
async function browserSignIn(t: TestApp, email: string, password: string) {
  const agent = request.agent(t.app.getHttpServer());
  const page = await agent.get('/sign-in').set('Accept', 'text/html').expect(200);
  const res = await agent.post('/sign-in').type('form').send({ email, password, _csrf: csrfFrom(page.text), next: '/staff' });
  return { agent, res };
}

describeEachDatabase('signing in', (kind) => {
  let t: TestApp;
  let email: string;

  beforeAll(async () => {
    t = await createTestApp(kind, { LOCKOUT_THRESHOLD: '20', LOCKOUT_MINUTES: '15' });
    await organisation(t.http(), 'ROOT', null, { sector: 'other' });
    email = 'coordinator@signin.test';
    await t.app.get(UsersService).create(Scope.system(), { email, displayName: 'Cora', role: 'coordinator', organisationCode: 'ROOT', password: TEST_PASSWORD });
  });
  afterAll(() => t.close());

  it('with the right password, sends the person on to the page they asked for, with a session cookie kept in the database', async () => {
    const { agent, res } = await browserSignIn(t, email, TEST_PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/tracker\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    await agent.get('/staff').set('Accept', 'text/html').expect(200);
    const [{ n }] = await t.dataSource.query('SELECT COUNT(*) AS n FROM web_sessions');
    expect(Number(n)).toBeGreaterThan(0);
  });

  it('with a wrong password, says so and stays on the sign-in page', async () => {
    const { res } = await browserSignIn(t, email, 'not the password');
    expect(res.status).toBe(401);
    expect(res.text).toContain('The email address or password is not right');
  });

  it('refuses a form without a valid CSRF token, and writes nothing', async () => {
    const { agent } = await browserSignIn(t, email, TEST_PASSWORD);
    const form = { employeeRef: 'CSRF1', firstName: 'No', lastName: 'Token', organisationCode: 'ROOT', 'startDate-day': '1', 'startDate-month': '1', 'startDate-year': '2024' };
    const refused = await agent.post('/staff/new').type('form').set('Accept', 'text/html').send(form);
    expect(refused.status).toBe(403);
    const forged = await agent.post('/staff/new').type('form').set('Accept', 'text/html').send({ ...form, _csrf: 'forged' });
    expect(forged.status).toBe(403);
    const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM staff WHERE employee_ref = 'CSRF1'`);
    expect(Number(n)).toBe(0);
    const page = await agent.get('/account').set('Accept', 'text/html').expect(200);
    await agent.post('/account/tokens').type('form').send({ name: 'with token', _csrf: csrfFrom(page.text) }).expect(200);
  });

  it('refuses a cookie-signed-in API call without the CSRF header', async () => {
    const { agent } = await browserSignIn(t, email, TEST_PASSWORD);
    await agent.post('/api/auth/tokens').send({ name: 'x' }).expect(403);
  });

  it('marks the cookie Secure behind a TLS proxy', async () => {
    const proxied = await createTestApp(kind, { TRUST_PROXY: '1' });
    try {
      await organisation(proxied.http(), 'ROOT', null, { sector: 'other' });
      const page = await request(proxied.app.getHttpServer()).get('/sign-in').set('Accept', 'text/html').set('X-Forwarded-Proto', 'https');
      expect(String(page.headers['set-cookie'])).toMatch(/tracker\.sid=[^;]+;.*Secure/);
    } finally {
      await proxied.close();
    }
  });

  it('locks the account after 20 wrong passwords in a row, refuses even the right one, and logs it', async () => {
    const lockEmail = 'lock@signin.test';
    await t.app.get(UsersService).create(Scope.system(), { email: lockEmail, displayName: 'L', role: 'viewer', organisationCode: 'ROOT', password: TEST_PASSWORD });
    for (let i = 0; i < 20; i++) {
      await t.anonymous().post('/api/auth/token').send({ email: lockEmail, password: `wrong ${i}` }).expect(401);
    }
    const locked = await t.anonymous().post('/api/auth/token').send({ email: lockEmail, password: TEST_PASSWORD }).expect(401);
    // Said as for a wrong password, so a lock-out does not tell anyone the account exists.
    expect(locked.body.message).toBe('The email address or password is not right');
    const entries = await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_key = '${lockEmail}'`);
    const actions = entries.map((e: { action: string }) => e.action);
    expect(actions.filter((a: string) => a === 'sign_in_failed')).toHaveLength(21);
    expect(actions).toContain('account_locked');
  });

  it('logs sign-ins and failed sign-ins, including unknown emails', async () => {
    await t.anonymous().post('/api/auth/token').send({ email: 'nobody@nowhere.test', password: 'whatever' }).expect(401);
    await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD }).expect(201);
    const rows = await t.dataSource.query(`SELECT action, entity_key FROM audit_log WHERE action IN ('sign_in', 'sign_in_failed')`);
    expect(rows).toEqual(expect.arrayContaining([{ action: 'sign_in_failed', entity_key: 'nobody@nowhere.test' }, { action: 'sign_in', entity_key: email }]));
  });

  it('gives scripts a token for email and password, which works until revoked', async () => {
    const issued = await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD, name: 'nightly' }).expect(201);
    const bearer = `Bearer ${issued.body.token}`;
    const me = await t.anonymous().get('/api/auth/me').set('Authorization', bearer).expect(200);
    expect(me.body.role).toBe('coordinator');
    await t.anonymous().delete(`/api/auth/tokens/${issued.body.id}`).set('Authorization', bearer).expect(204);
    await t.anonymous().get('/api/auth/me').set('Authorization', bearer).expect(401);
    const [row] = await t.dataSource.query(`SELECT token_hash FROM api_tokens WHERE id = ${issued.body.id}`);
    expect(row.token_hash).not.toContain(issued.body.token);
  });

  it('records every change with who, before and after', async () => {
    await t.http().post('/api/roles').send({ code: 'AUDITED', name: 'Before' }).expect(201);
    await t.http().patch('/api/roles/AUDITED').send({ name: 'After' }).expect(200);
    const rows = await t.dataSource.query(`SELECT action, actor_email, before_json, after_json FROM audit_log WHERE entity = 'roles' ORDER BY id`);
    expect(rows.map((r: { action: string }) => r.action)).toEqual(['create', 'update']);
    expect(rows[1].actor_email).toMatch(/^admin-/);
    expect(JSON.parse(rows[1].before_json).name).toBe('Before');
    expect(JSON.parse(rows[1].after_json).name).toBe('After');
    const page = await t.http().get('/admin/audit?entity=roles').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('AUDITED');
  });

  it('lets a person change their own password', async () => {
    const userEmail = 'changer@signin.test';
    await t.app.get(UsersService).create(Scope.system(), { email: userEmail, displayName: 'C', role: 'viewer', organisationCode: 'ROOT', password: TEST_PASSWORD });
    const { agent } = await browserSignIn(t, userEmail, TEST_PASSWORD);
    const page = await agent.get('/account/password').set('Accept', 'text/html').expect(200);
    const form = { currentPassword: TEST_PASSWORD, newPassword: 'a new long password', confirmPassword: 'a new long password', _csrf: csrfFrom(page.text) };
    await agent.post('/account/password').type('form').send({ ...form, currentPassword: 'wrong' }).expect(422);
    await agent.post('/account/password').type('form').send(form).expect(303);
    await t.anonymous().post('/api/auth/token').send({ email: userEmail, password: 'a new long password' }).expect(201);
  });

  it('lets an administrator create, re-scope and disable accounts', async () => {
    const created = await t.http().post('/api/users').send({ email: 'New.Person@Example.test', displayName: 'New', role: 'manager', organisationCode: 'ROOT' }).expect(201);
    expect(created.body.email).toBe('new.person@example.test');
    expect(created.body.temporaryPassword).toHaveLength(16);
    await t.http().post('/api/users').send({ email: 'bad', displayName: 'x', role: 'boss' }).expect(400);
    await t.http().post('/api/users').send({ email: 'norg@example.test', displayName: 'x', role: 'viewer' }).expect(422);
    await t.http().patch(`/api/users/${created.body.id}`).send({ role: 'viewer' }).expect(200);
    await t.http().patch(`/api/users/${created.body.id}`).send({ disabled: true }).expect(200);
    const refused = await t.anonymous().post('/api/auth/token').send({ email: 'new.person@example.test', password: created.body.temporaryPassword }).expect(401);
    expect(refused.body.message).toMatch(/disabled/);
  });

  it('creates the first administrator from ADMIN_EMAIL and ADMIN_PASSWORD', async () => {
    const first = await createTestApp(kind, { ADMIN_EMAIL: 'First.Admin@example.test', ADMIN_PASSWORD: 'first admin password' });
    try {
      await first.app.get(FirstAdmin).ensure();
      await first.app.get(FirstAdmin).ensure();
      const res = await first.anonymous().post('/api/auth/token').send({ email: 'first.admin@example.test', password: 'first admin password' }).expect(201);
      expect(res.body.role).toBe('admin');
    } finally {
      await first.close();
    }
  });

  it('limits sign-in attempts from one address', async () => {
    const limited = await createTestApp(kind, { LOGIN_RATE_LIMIT: '3' });
    try {
      for (let i = 0; i < 3; i++) await limited.anonymous().post('/api/auth/token').send({ email: 'x@y.test', password: 'nope' }).expect(401);
      await limited.anonymous().post('/api/auth/token').send({ email: 'x@y.test', password: 'nope' }).expect(429);
    } finally {
      await limited.close();
    }
  });

  it('every route declares who may use it (@Allow or @Public): none is open by omission', () => {
    const scanner = new MetadataScanner();
    const undeclared: string[] = [];
    const container = (t.app as unknown as { container: NestContainer }).container;
    const controllers = [...container.getModules().values()].flatMap((m) => [...m.controllers.values()]);
    expect(controllers.length).toBeGreaterThan(10);
    for (const wrapper of controllers) {
      const instance = wrapper.instance as object | undefined;
      if (!instance) continue;
      const prototype = Object.getPrototypeOf(instance);
      for (const method of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[method];
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const declared = [ALLOW_KEY, PUBLIC_KEY].some((key) => Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, wrapper.metatype as object));
        if (!declared) undeclared.push(`${wrapper.name}.${method}`);
      }
    }
    expect(undeclared).toEqual([]);
  });
});
