import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import request from 'supertest';

/** People known to the test identity provider, by subject (the login typed on its page). */
export type ProviderAccounts = Record<string, { email: string; email_verified?: boolean; name?: string }>;

export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** The tracker's callback, built on its PUBLIC_URL. */
  redirectUri: string;
  postLogoutRedirectUri: string;
}

export interface RunningProvider {
  issuer: string;
  close: () => Promise<void>;
}

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * A real OpenID Connect provider (oidc-provider, certified) on loopback, with its development
 * sign-in pages: any login and password are accepted and the login is the subject.
 */
export async function startOidcProvider(clients: TestClient[], accounts: ProviderAccounts): Promise<RunningProvider> {
  const server = createServer();
  const issuer = await listen(server);
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: [c.redirectUri],
      post_logout_redirect_uris: [c.postLogoutRedirectUri],
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    cookies: { keys: ['a cookie key for the test provider only'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // Claims in the ID token itself, as Entra ID and Google send them.
    conformIdTokenClaims: false,
    ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    features: { devInteractions: { enabled: true } },
    findAccount: async (_ctx: unknown, id: string) => {
      const person = accounts[id];
      if (!person) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, email: person.email, email_verified: person.email_verified ?? true, name: person.name ?? id }) };
    },
    // Consent is taken as given, as an organisation's own provider does for its own applications.
    loadExistingGrant: async (ctx: any) => {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    },
  } as never);
  server.on('request', provider.callback());
  return { issuer, close: () => closeServer(server) };
}

/**
 * Follows the tracker's redirect through the provider's pages, signing in as `login`, and returns
 * the tracker callback (path and query) the provider sends the browser back to.
 */
export async function throughProvider(authorizationUrl: string, login: string, trackerUrl: string): Promise<string> {
  const url = new URL(authorizationUrl);
  const idp = request.agent(url.origin);
  let location = url.pathname + url.search;
  for (let hop = 0; hop < 10; hop++) {
    const res = await idp.get(location);
    if (res.status === 200) {
      const action = /action="([^"]+)"/.exec(res.text)?.[1];
      if (!action) throw new Error(`No form on the provider's page: ${res.text.slice(0, 200)}`);
      const prompt = /name="prompt" value="(\w+)"/.exec(res.text)?.[1];
      const submitted = await idp.post(action.replace(url.origin, '')).type('form').send({ prompt, login, password: 'anything' });
      location = String(submitted.headers.location);
    } else if (res.status === 302 || res.status === 303) {
      location = String(res.headers.location);
    } else {
      throw new Error(`The provider answered ${res.status}: ${res.text.slice(0, 300)}`);
    }
    if (location.startsWith(trackerUrl)) return location.slice(trackerUrl.length);
    if (location.startsWith(url.origin)) location = location.slice(url.origin.length);
  }
  throw new Error('The provider never sent the browser back to the tracker');
}

/** What the next ID token from the fake issuer gets wrong, if anything. */
export interface TokenFault {
  audience?: string;
  issuer?: string;
  /** Signed with a key the issuer does not publish (under the published key's id). */
  foreignKey?: boolean;
  expiresIn?: number;
  nonce?: string;
}

/**
 * A minimal issuer made with jose, for ID tokens a certified provider would never issue: its
 * token endpoint answers with a token shaped by `next`.
 */
export async function startFakeIssuer(clientId: string): Promise<RunningProvider & { next: (claims: { sub: string; email: string; nonce: string }, fault?: TokenFault) => void }> {
  const good = await generateKeyPair('RS256', { extractable: true });
  const foreign = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(good.publicKey)), kid: 'fake-key', alg: 'RS256', use: 'sig' };
  let planned: { claims: { sub: string; email: string; nonce: string }; fault: TokenFault } | null = null;
  const server = createServer();
  const issuer = await listen(server);
  server.on('request', (req, res) => {
    const json = (body: unknown) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      return json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.url === '/jwks') return json({ keys: [publicJwk] });
    if (req.url === '/token' && req.method === 'POST') {
      req.resume();
      req.on('end', async () => {
        if (!planned) {
          res.statusCode = 400;
          return json({ error: 'invalid_grant' });
        }
        const { claims, fault } = planned;
        planned = null;
        const now = Math.floor(Date.now() / 1000);
        const expiresIn = fault.expiresIn ?? 300;
        const idToken = await new SignJWT({ email: claims.email, email_verified: true, nonce: fault.nonce ?? claims.nonce })
          .setProtectedHeader({ alg: 'RS256', kid: 'fake-key' })
          .setIssuer(fault.issuer ?? issuer)
          .setAudience(fault.audience ?? clientId)
          .setSubject(claims.sub)
          .setIssuedAt(now + Math.min(0, expiresIn) - 60)
          .setExpirationTime(now + expiresIn)
          .sign(fault.foreignKey ? foreign.privateKey : good.privateKey);
        json({ access_token: 'fake-access-token', token_type: 'Bearer', expires_in: 300, id_token: idToken });
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  return {
    issuer,
    next: (claims, fault = {}) => {
      planned = { claims, fault };
    },
    close: () => closeServer(server),
  };
}
