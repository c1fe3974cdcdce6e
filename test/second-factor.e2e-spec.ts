import { generateSync } from 'otplib';
import request from 'supertest';
import { Scope, UserRole } from '../src/auth/scope';
import { SecondFactorService } from '../src/second-factor/second-factor.service';
import { UsersService } from '../src/users/users.service';
import { createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';
import { organisation } from './support/builders';

const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const now = () => Math.floor(Date.now() / 1000);
/** The code an app shows now. */
const codeNow = (secret: string) => generateSync({ secret, epoch: now() });
/**
 * The code of the next 30-second step: still accepted (one step of drift is allowed) and always
 * later than a code used a moment ago, however fast or slow the machine is.
 */
const nextCode = (secret: string) => generateSync({ secret, epoch: now() + 30 });

describeEachDatabase('a second factor for local accounts', (kind) => {
  let t: TestApp;
  let accounts = 0;

  beforeAll(async () => {
    t = await createTestApp(kind, { SECOND_FACTOR_REQUIRED_FOR: 'admin,coordinator', LOCKOUT_THRESHOLD: '5', LOGIN_RATE_LIMIT: '1000' });
    await organisation(t.http(), 'ROOT', null, { sector: 'other' });
    await organisation(t.http(), 'NORTH', 'ROOT', { sector: 'other' });
    await organisation(t.http(), 'SOUTH', 'ROOT', { sector: 'other' });
  });
  afterAll(() => t.close());

  async function account(role: UserRole, organisationCode = 'NORTH') {
    const email = `${role}-${++accounts}@second-factor.test`;
    const { user } = await t.app.get(UsersService).create(Scope.system(), { email, displayName: `Person ${accounts}`, role, organisationCode, password: TEST_PASSWORD });
    return { email, id: user.id };
  }

  /** An account whose authenticator app is already set up, with the secret the app holds and its recovery codes. */
  async function accountWithApp(role: UserRole = 'viewer', organisationCode = 'NORTH') {
    const { email, id } = await account(role, organisationCode);
    const service = t.app.get(SecondFactorService);
    const { secret } = await service.newSetUp(email);
    const recoveryCodes = await service.confirmSetUp(id, secret, codeNow(secret));
    return { email, id, secret, recoveryCodes };
  }

  async function passwordStep(email: string, next = '/staff') {
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get('/sign-in').set('Accept', 'text/html');
    const res = await agent.post('/sign-in').type('form').send({ email, password: TEST_PASSWORD, next, _csrf: csrfFrom(page.text) });
    return { agent, res };
  }

  async function codeStep(agent: ReturnType<typeof request.agent>, code: string) {
    const page = await agent.get('/sign-in/second-factor').set('Accept', 'text/html').expect(200);
    return agent.post('/sign-in/second-factor').type('form').send({ code, _csrf: csrfFrom(page.text) });
  }

  it('sets up an authenticator app from Your account: a QR code, a code to confirm it, recovery codes shown once and stored hashed', async () => {
    const { email, id } = await account('viewer');
    const { agent, res } = await passwordStep(email, '/');
    expect(res.headers.location).toBe('/');
    const status = await agent.get('/account/second-factor').set('Accept', 'text/html').expect(200);
    expect(status.text).toContain('Set up an authenticator app');
    const setUp = await agent.get('/account/second-factor/set-up').set('Accept', 'text/html').expect(200);
    const qr = /<img src="data:image\/svg\+xml;base64,([^"]+)" alt="QR code for your authenticator app"/.exec(setUp.text);
    expect(Buffer.from(qr![1], 'base64').toString()).toMatch(/^<svg[^>]*viewBox/);
    const secret = /<code class="app-secret" id="secret">([A-Z2-7]+)<\/code>/.exec(setUp.text)![1];

    const wrong = await agent.post('/account/second-factor/set-up').type('form').send({ code: '000000', _csrf: csrfFrom(setUp.text) });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('<title>Error: Set up an authenticator app');
    expect(wrong.text).toContain('The code is not right');

    const done = await agent.post('/account/second-factor/set-up').type('form').send({ code: codeNow(secret), _csrf: csrfFrom(wrong.text) }).expect(200);
    const codes = [...done.text.matchAll(/<li><code class="app-secret">([\w-]+)<\/code><\/li>/g)].map((m) => m[1]);
    expect(codes).toHaveLength(10);
    expect(codes[0]).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
    const stored = await t.dataSource.query(`SELECT code_hash FROM recovery_codes WHERE user_id = ${id}`);
    expect(stored).toHaveLength(10);
    for (const { code_hash } of stored) for (const code of codes) expect(code_hash).not.toContain(code.replace(/-/g, ''));

    const again = await agent.get('/account/second-factor').set('Accept', 'text/html').expect(200);
    expect(again.text).toContain('<strong>10</strong> unused recovery codes');
    expect(again.text).not.toContain(codes[0]);
    const [entry] = await t.dataSource.query(`SELECT after_json FROM audit_log WHERE action = 'second_factor_set_up' AND entity_key = '${email}'`);
    expect(JSON.parse(entry.after_json)).toEqual({ method: 'authenticator app', recoveryCodes: 10 });
    expect(JSON.stringify(await t.dataSource.query(`SELECT before_json, after_json FROM audit_log`))).not.toContain(secret);
  });

  it('asks for a code after the password; until then the browser is not signed in', async () => {
    const { email, secret } = await accountWithApp('viewer');
    const { agent, res } = await passwordStep(email, '/reports');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/sign-in/second-factor');
    // A right password alone reaches nothing.
    const page = await agent.get('/reports').set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/sign-in?next=%2Freports');
    await agent.get('/api/auth/me').expect(401);

    const signedIn = await codeStep(agent, nextCode(secret));
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/reports');
    expect((await agent.get('/api/auth/me').expect(200)).body.email).toBe(email);
    const [entry] = await t.dataSource.query(`SELECT after_json FROM audit_log WHERE action = 'sign_in' AND entity_key = '${email}'`);
    expect(JSON.parse(entry.after_json)).toEqual({ via: 'password and authenticator app' });
  });

  it('refuses a wrong code, and a right code used a second time', async () => {
    const { email, secret } = await accountWithApp('viewer');
    const first = await passwordStep(email);
    const wrong = await codeStep(first.agent, '123456' === nextCode(secret) ? '654321' : '123456');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('<title>Error: Enter the code from your authenticator app');
    expect(wrong.text).toContain('The code is not right');
    await first.agent.get('/api/auth/me').expect(401);
    const [failure] = await t.dataSource.query(`SELECT after_json FROM audit_log WHERE action = 'sign_in_failed' AND entity_key = '${email}'`);
    expect(JSON.parse(failure.after_json)).toEqual({ reason: 'wrong code', failedAttempts: 1 });

    const blank = await codeStep(first.agent, '  ');
    expect(blank.status).toBe(422);
    expect(blank.text).toContain('<a href="#code">Enter the 6-digit code from your authenticator app, or a recovery code</a>');
    expect(blank.text).toContain('id="code-error"');

    const code = nextCode(secret);
    expect((await codeStep(first.agent, code)).status).toBe(303);
    const second = await passwordStep(email);
    const replayed = await codeStep(second.agent, code);
    expect(replayed.status).toBe(401);
    await second.agent.get('/api/auth/me').expect(401);
  });

  it('locks the account after LOCKOUT_THRESHOLD wrong codes in a row, like wrong passwords', async () => {
    const { email, secret } = await accountWithApp('viewer');
    const { agent } = await passwordStep(email);
    for (let i = 0; i < 5; i++) expect((await codeStep(agent, `00000${i}`)).status).toBe(401);
    const refused = await codeStep(agent, nextCode(secret));
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('too many wrong attempts');
    await agent.get('/api/auth/me').expect(401);
    const actions = (await t.dataSource.query(`SELECT action FROM audit_log WHERE entity_key = '${email}'`)).map((r: { action: string }) => r.action);
    expect(actions).toContain('account_locked');
  });

  it('signs in with a recovery code once, says how many are left, and records its use', async () => {
    const { email, recoveryCodes } = await accountWithApp('viewer');
    const first = await passwordStep(email);
    const used = await codeStep(first.agent, recoveryCodes[3].toUpperCase());
    expect(used.status).toBe(303);
    expect(used.headers.location).toBe('/account/second-factor?done=recovery-used');
    const page = await first.agent.get(used.headers.location).set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('You signed in with a recovery code. You have 9 left');
    const [entry] = await t.dataSource.query(`SELECT after_json FROM audit_log WHERE action = 'recovery_code_used' AND entity_key = '${email}'`);
    expect(JSON.parse(entry.after_json)).toEqual({ left: 9 });

    const second = await passwordStep(email);
    expect((await codeStep(second.agent, recoveryCodes[3])).status).toBe(401);
    await second.agent.get('/api/auth/me').expect(401);
  });

  it('makes administrators and coordinators set up an app before a password signs them in; other roles may go without', async () => {
    const { email } = await account('coordinator');
    const { agent, res } = await passwordStep(email, '/staff');
    expect(res.headers.location).toBe('/sign-in/second-factor/set-up');
    await agent.get('/api/auth/me').expect(401);
    expect((await agent.get('/sign-in/second-factor').set('Accept', 'text/html')).headers.location).toBe('/sign-in/second-factor/set-up');
    const setUp = await agent.get('/sign-in/second-factor/set-up').set('Accept', 'text/html').expect(200);
    expect(setUp.text).toContain('Your role must use a second factor');
    const secret = /id="secret">([A-Z2-7]+)</.exec(setUp.text)![1];
    const blank = await agent.post('/sign-in/second-factor/set-up').type('form').send({ code: '', _csrf: csrfFrom(setUp.text) }).expect(422);
    expect(blank.text).toContain('<a href="#code">Enter the 6-digit code your authenticator app shows now</a>');
    expect(blank.text).toContain(`id="secret">${secret}<`);
    // Someone whose password step has expired (here: never made) goes back to the password, whatever they sent.
    const stranger = request.agent(t.app.getHttpServer());
    const signInPage = await stranger.get('/sign-in').set('Accept', 'text/html');
    for (const path of ['/sign-in/second-factor', '/sign-in/second-factor/set-up']) {
      const sent = await stranger.post(path).set('Accept', 'text/html').type('form').send({ code: '', _csrf: csrfFrom(signInPage.text) }).expect(303);
      expect(sent.headers.location).toBe('/sign-in');
    }
    const done = await agent.post('/sign-in/second-factor/set-up').type('form').send({ code: codeNow(secret), _csrf: csrfFrom(blank.text) }).expect(200);
    expect(done.text).toContain('they will not be shown again');
    expect(done.text).toContain('href="/staff"');
    expect((await agent.get('/api/auth/me').expect(200)).body.role).toBe('coordinator');

    // It cannot be turned off while the role requires it.
    const status = await agent.get('/account/second-factor').set('Accept', 'text/html').expect(200);
    expect(status.text).not.toContain('Turn off the second factor');
    const off = await agent.post('/account/second-factor/turn-off').type('form').send({ code: nextCode(secret), _csrf: csrfFrom(status.text) });
    expect(off.status).toBe(403);

    const admin = await account('admin', 'ROOT');
    await t.anonymous().post('/api/auth/token').send({ email: admin.email, password: TEST_PASSWORD }).expect(403);
    const viewer = await account('viewer');
    const plain = await passwordStep(viewer.email, '/reports');
    expect(plain.res.headers.location).toBe('/reports');
  });

  it('asks scripts for a code with the password; API tokens already issued keep working', async () => {
    const { email, id } = await account('viewer');
    const before = await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD, name: 'before' }).expect(201);
    const service = t.app.get(SecondFactorService);
    const setUp = await service.newSetUp(email);
    await service.confirmSetUp(id, setUp.secret, codeNow(setUp.secret));

    const missing = await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD }).expect(401);
    expect(missing.body.message).toContain('send code');
    await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD, code: '000000' === nextCode(setUp.secret) ? '111111' : '000000' }).expect(401);
    const issued = await t.anonymous().post('/api/auth/token').send({ email, password: TEST_PASSWORD, code: nextCode(setUp.secret) }).expect(201);
    await t.anonymous().get('/api/auth/me').set('Authorization', `Bearer ${issued.body.token}`).expect(200);
    await t.anonymous().get('/api/auth/me').set('Authorization', `Bearer ${before.body.token}`).expect(200);
  });

  it('lets an administrator reset a lost second factor: the app and codes go, the account is signed out, the audit log records it', async () => {
    const { email, id, secret } = await accountWithApp('viewer', 'NORTH');
    const { agent } = await passwordStep(email);
    expect((await codeStep(agent, nextCode(secret))).status).toBe(303);

    const southAdmin = await t.as('admin', 'SOUTH');
    await southAdmin.delete(`/api/users/${id}/second-factor`).expect(404);
    const northAdmin = await t.as('admin', 'NORTH');
    const form = await northAdmin.get(`/admin/users/${id}`).set('Accept', 'text/html').expect(200);
    expect(form.text).toContain('Reset the second factor');
    await northAdmin.delete(`/api/users/${id}/second-factor`).expect(204);

    await agent.get('/api/auth/me').expect(401);
    const [row] = await t.dataSource.query(`SELECT totp_secret, totp_enabled_at FROM users WHERE id = ${id}`);
    expect(row).toEqual({ totp_secret: null, totp_enabled_at: null });
    const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = ${id}`);
    expect(Number(n)).toBe(0);
    const [entry] = await t.dataSource.query(`SELECT actor_email, after_json FROM audit_log WHERE action = 'second_factor_reset' AND entity_key = '${email}'`);
    expect(entry.actor_email).toMatch(/^admin-/);
    expect(JSON.parse(entry.after_json)).toEqual({ signedOutSessions: 1 });
    expect((await northAdmin.get(`/api/users/${id}`).expect(200)).body.secondFactor).toBe(false);
    // A viewer may go without: the next password sign-in needs no code.
    expect((await passwordStep(email, '/reports')).res.headers.location).toBe('/reports');
  });
});
