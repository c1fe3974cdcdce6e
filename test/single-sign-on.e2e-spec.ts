import request from 'supertest';
import { Scope } from '../src/auth/scope';
import { UsersService } from '../src/users/users.service';
import { createTestApp, describeEachDatabase, TEST_PASSWORD, TestApp } from './support/app';
import { organisation } from './support/builders';
import { RunningProvider, startFakeIssuer, startOidcProvider, throughProvider } from './support/oidc';

const TRACKER = 'http://tracker.test';
const csrfFrom = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const client = (slug: string, clientId: string) => ({
  clientId,
  clientSecret: `secret of ${clientId} that is long enough`,
  redirectUri: `${TRACKER}/sign-in/oidc/${slug}/callback`,
  postLogoutRedirectUri: `${TRACKER}/sign-in`,
});

describeEachDatabase('signing in with an identity provider', (kind) => {
  let t: TestApp;
  let idp: RunningProvider;
  let fake: Awaited<ReturnType<typeof startFakeIssuer>>;
  const council = client('council', 'tracker');
  const created = client('create', 'tracker-create');

  beforeAll(async () => {
    idp = await startOidcProvider([council, created], {
      alice: { email: 'Alice@council.example', name: 'Alice Example' },
      newbie: { email: 'newbie@council.example', name: 'Nia Newbie' },
      outsider: { email: 'someone@elsewhere.example', email_verified: true },
      unverified: { email: 'unverified@elsewhere.example', email_verified: false },
    });
    fake = await startFakeIssuer('tracker-fake');
    t = await createTestApp(kind, {
      PUBLIC_URL: TRACKER,
      OIDC_PROVIDERS: JSON.stringify([
        { id: 'council', label: 'Council', issuer: idp.issuer, clientId: council.clientId, clientSecret: council.clientSecret, domains: ['council.example'], passwordsOff: true },
        { id: 'fake', label: 'Fake', issuer: fake.issuer, clientId: 'tracker-fake', clientSecret: 'fake secret', domains: ['fake.example'] },
      ]),
    });
    await organisation(t.http(), 'ROOT', null, { sector: 'other' });
    await organisation(t.http(), 'SCHOOL', 'ROOT', { sector: 'education' });
    const users = t.app.get(UsersService);
    await users.create(Scope.system(), { email: 'alice@council.example', displayName: 'Alice', role: 'coordinator', organisationCode: 'ROOT', password: TEST_PASSWORD });
    await users.create(Scope.system(), { email: 'fran@fake.example', displayName: 'Fran', role: 'viewer', organisationCode: 'ROOT', password: TEST_PASSWORD });
  });
  afterAll(async () => {
    await t?.close();
    await idp?.close();
    await fake?.close();
  });

  /** A browser that asks to sign in with `slug`: its cookies, and where it was sent. */
  async function startSignIn(slug: string, next?: string) {
    const agent = request.agent(t.app.getHttpServer());
    const res = await agent.get(`/sign-in/oidc/${slug}${next ? `?next=${encodeURIComponent(next)}` : ''}`).set('Accept', 'text/html').set('Host', 'attacker.example');
    expect(res.status).toBe(303);
    return { agent, location: String(res.headers.location) };
  }

  async function signInAs(slug: string, login: string, next?: string) {
    const { agent, location } = await startSignIn(slug, next);
    const callback = await throughProvider(location, login, TRACKER);
    const res = await agent.get(callback).set('Accept', 'text/html');
    return { agent, res, callback };
  }

  it('shows a "Sign in with ..." button for each provider on the sign-in page', async () => {
    const page = await t.anonymous().get('/sign-in').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Sign in with Council');
    expect(page.text).toContain('href="/sign-in/oidc/council"');
    expect(page.text).toContain('Sign in with Fake');
  });

  it('sends the browser to the provider with PKCE, state and nonce, and a redirect URL on PUBLIC_URL whatever the Host header says', async () => {
    const { location } = await startSignIn('council');
    const url = new URL(location);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('redirect_uri')).toBe(`${TRACKER}/sign-in/oidc/council/callback`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(url.searchParams.get('nonce')).toBeTruthy();
    expect(url.searchParams.get('scope')).toBe('openid email profile');
  });

  it('signs a known person in through the provider’s pages, matched by verified email, and sends them on to the page they asked for', async () => {
    const { agent, res } = await signInAs('council', 'alice', '/staff');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff');
    const me = await agent.get('/api/auth/me').expect(200);
    expect(me.body).toMatchObject({ email: 'alice@council.example', role: 'coordinator' });
    const [entry] = await t.dataSource.query(`SELECT after_json FROM audit_log WHERE action = 'sign_in' AND entity_key = 'alice@council.example' ORDER BY id DESC`);
    expect(JSON.parse(entry.after_json)).toEqual({ via: 'single sign-on (council)' });
  });

  it('after the first sign-in, knows the person by the provider’s subject even if the email address no longer matches', async () => {
    await signInAs('council', 'alice');
    await t.dataSource.query(`UPDATE users SET email = 'alice.renamed@council.example' WHERE email = 'alice@council.example'`);
    try {
      const { agent, res } = await signInAs('council', 'alice');
      expect(res.status).toBe(303);
      expect((await agent.get('/api/auth/me').expect(200)).body.email).toBe('alice.renamed@council.example');
    } finally {
      await t.dataSource.query(`UPDATE users SET email = 'alice@council.example' WHERE email = 'alice.renamed@council.example'`);
    }
  });

  it('refuses someone with no account, saying what to do, and creates none', async () => {
    const { agent, res } = await signInAs('council', 'newbie');
    expect(res.status).toBe(403);
    expect(res.text).toContain('There is no tracker account for newbie@council.example. Ask your Prevent coordinator or an administrator to create one');
    expect(res.text).toContain('<title>Error: Sign in');
    await agent.get('/api/auth/me').expect(401);
    const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM users WHERE email = 'newbie@council.example'`);
    expect(Number(n)).toBe(0);
  });

  it('refuses an email outside the provider’s own domains', async () => {
    const { res } = await signInAs('council', 'outsider');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Signing in with Council is for accounts at council.example');
  });

  it('refuses a replayed answer: the state is used once, in this browser or any other', async () => {
    const { agent, res, callback } = await signInAs('council', 'alice');
    expect(res.status).toBe(303);
    const again = await agent.get(callback).set('Accept', 'text/html');
    expect(again.status).toBe(401);
    expect(again.text).toContain('This sign-in with Council has expired or was already used');
    const elsewhere = await request(t.app.getHttpServer()).get(callback).set('Accept', 'text/html');
    expect(elsewhere.status).toBe(401);
  });

  it('refuses an answer whose state is not the one this browser was given', async () => {
    const { agent, location } = await startSignIn('council');
    const callback = await throughProvider(location, 'alice', TRACKER);
    const forged = callback.replace(/state=[^&]+/, 'state=forged-state');
    const res = await agent.get(forged).set('Accept', 'text/html');
    expect(res.status).toBe(401);
    expect(res.text).toContain('Signing in with Council did not work');
    await agent.get('/api/auth/me').expect(401);
  });

  describe('ID tokens the tracker must not accept', () => {
    async function withToken(fault: Parameters<typeof fake.next>[1]) {
      const { agent, location } = await startSignIn('fake');
      const url = new URL(location);
      fake.next({ sub: 'fran-subject', email: 'fran@fake.example', nonce: url.searchParams.get('nonce')! }, fault);
      const res = await agent.get(`/sign-in/oidc/fake/callback?code=any-code&state=${url.searchParams.get('state')}`).set('Accept', 'text/html');
      const me = await agent.get('/api/auth/me');
      return { res, signedIn: me.status === 200 };
    }

    it('accepts a good token from the same issuer (so the refusals below are about the fault alone)', async () => {
      const { res, signedIn } = await withToken({});
      expect(res.status).toBe(303);
      expect(signedIn).toBe(true);
    });

    // Each refusal is recorded with the library's reason, which shows it was refused for that fault.
    it.each([
      ['a wrong audience', { audience: 'another-application' }, /"aud" \(audience\)/],
      ['a bad signature (a key the issuer does not publish)', { foreignKey: true }, /signature/i],
      ['an expired token', { expiresIn: -600 }, /"exp" \(expiration time\)/],
      ['another issuer', { issuer: 'https://impostor.example' }, /"iss" \(issuer\)/],
      ['a nonce that is not the one sent', { nonce: 'not-the-nonce' }, /nonce/],
    ])('refuses %s', async (_name, fault, reason) => {
      const { res, signedIn } = await withToken(fault);
      expect(res.status).toBe(401);
      expect(res.text).toContain('Signing in with Fake did not work. Try again; if it keeps happening, tell your administrator.');
      expect(signedIn).toBe(false);
      const [entry] = await t.dataSource.query(`SELECT after_json FROM audit_log WHERE action = 'sign_in_failed' ORDER BY id DESC`);
      expect(JSON.parse(entry.after_json)).toEqual({ provider: 'fake', reason: expect.stringMatching(reason) });
    });
  });

  it('refuses a password for an account at a domain that must use single sign-on, in the pages and the API', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const page = await agent.get('/sign-in').set('Accept', 'text/html');
    const res = await agent.post('/sign-in').type('form').send({ email: 'alice@council.example', password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Accounts at council.example sign in with Council, not with a password');
    await agent.get('/api/auth/me').expect(401);
    const api = await t.anonymous().post('/api/auth/token').send({ email: 'alice@council.example', password: TEST_PASSWORD }).expect(403);
    expect(api.body.message).toContain('sign in with Council');
    // Other domains still sign in with their password.
    await t.anonymous().post('/api/auth/token').send({ email: 'fran@fake.example', password: TEST_PASSWORD }).expect(201);
  });

  it('ends the local session at sign-out and offers the provider’s own sign-out', async () => {
    const { agent } = await signInAs('council', 'alice');
    const account = await agent.get('/account').set('Accept', 'text/html').expect(200);
    const out = await agent.post('/sign-out').type('form').send({ _csrf: csrfFrom(account.text) });
    expect(out.status).toBe(200);
    expect(out.text).toContain('Sign out of Council too');
    const endSession = new URL(/href="([^"]+session\/end[^"]*)"/.exec(out.text)![1].replace(/&amp;/g, '&').replace(/&#x3D;/g, '='));
    expect(endSession.origin).toBe(idp.issuer);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${TRACKER}/sign-in`);
    await agent.get('/api/auth/me').expect(401);
  });

  describe('providers an administrator adds', () => {
    const body = {
      slug: 'create',
      label: 'Schools Google',
      issuer: '',
      clientId: created.clientId,
      clientSecret: created.clientSecret,
      createAccounts: true,
      defaultRole: 'viewer',
      defaultOrganisationCode: 'SCHOOL',
    };

    it('only an administrator for the whole partnership adds one; the secret is never sent back', async () => {
      const schoolAdmin = await t.as('admin', 'SCHOOL');
      await schoolAdmin.post('/api/identity-providers').send({ ...body, issuer: idp.issuer }).expect(403);
      const coordinator = await t.as('coordinator', 'ROOT');
      await coordinator.get('/api/identity-providers').expect(403);
      const refused = await t.http().post('/api/identity-providers').send({ ...body, issuer: 'http://prevent.example.org' }).expect(422);
      expect(refused.body.message).toContain('issuer: The issuer must start with https://');
      const added = await t.http().post('/api/identity-providers').send({ ...body, issuer: idp.issuer }).expect(201);
      expect(added.body).toMatchObject({ slug: 'create', hasClientSecret: true, createAccounts: true, defaultRole: 'viewer', defaultOrganisationCode: 'SCHOOL', source: 'admin' });
      expect(JSON.stringify(added.body)).not.toContain(created.clientSecret);
      const list = await t.http().get('/api/identity-providers').expect(200);
      expect(list.body.map((p: { slug: string }) => p.slug)).toEqual(['council', 'fake', 'create']);
      expect(JSON.stringify(list.body)).not.toContain('secret of');
      const page = await t.http().get(`/admin/identity-providers/${added.body.id}`).set('Accept', 'text/html').expect(200);
      expect(page.text).not.toContain(created.clientSecret);
      expect(page.text).toContain(`${TRACKER}/sign-in/oidc/create/callback`);
      const [row] = await t.dataSource.query(`SELECT after_json FROM audit_log WHERE entity = 'identity_providers' ORDER BY id DESC`);
      expect(row.after_json).not.toContain(created.clientSecret);
    });

    it('gives a new person an account with the default role in the default organisation, when the provider allows it', async () => {
      const { agent, res } = await signInAs('create', 'newbie');
      expect(res.status).toBe(303);
      const me = await agent.get('/api/auth/me').expect(200);
      expect(me.body).toMatchObject({ email: 'newbie@council.example', displayName: 'Nia Newbie', role: 'viewer' });
      const [account] = await t.dataSource.query(`SELECT o.code FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.email = 'newbie@council.example'`);
      expect(account.code).toBe('SCHOOL');
      const [entry] = await t.dataSource.query(`SELECT after_json FROM audit_log WHERE action = 'account_created_at_sign_in'`);
      expect(JSON.parse(entry.after_json)).toEqual({ provider: 'create', role: 'viewer', organisationCode: 'SCHOOL' });
    });

    it('still refuses an email the provider has not verified', async () => {
      const { res } = await signInAs('create', 'unverified');
      expect(res.status).toBe(403);
      expect(res.text).toContain('did not give a verified email address');
      const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM users WHERE email = 'unverified@elsewhere.example'`);
      expect(Number(n)).toBe(0);
    });
  });
});
