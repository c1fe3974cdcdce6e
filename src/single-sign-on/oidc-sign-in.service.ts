import { ForbiddenException, HttpException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Scope } from '../auth/scope';
import { AppConfig } from '../config/app-config';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { domainOf, isLoopbackIssuer, ProviderSettings } from './provider-settings';
import { UserIdentity } from './user-identity.entity';

/** What is kept in the browser's session between leaving for the provider and coming back. */
export interface PendingProviderSignIn {
  slug: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
  /** ISO time after which the round trip counts as abandoned. */
  until: string;
}

const ROUND_TRIP_MINUTES = 10;
/** Discovery documents (and the keys behind them) are fetched again after this long. */
const DISCOVERY_TTL_MS = 60 * 60_000;
const SCOPES = 'openid email profile';

/**
 * OpenID Connect sign-in through openid-client: the authorization code flow with PKCE, state and
 * nonce, the ID token's signature checked against the provider's published keys (as well as its
 * issuer, audience and expiry), and the account it belongs to.
 */
@Injectable()
export class OidcSignInService {
  private readonly logger = new Logger(OidcSignInService.name);
  private readonly discovered = new Map<string, { version: string; at: number; configuration: Promise<oidc.Configuration> }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  /** Always on PUBLIC_URL, never on a request's Host header: it must match what the provider has registered. */
  redirectUri(slug: string): string {
    return `${this.config.PUBLIC_URL}/sign-in/oidc/${slug}/callback`;
  }

  /** Where to send the browser, and what to remember until it comes back. */
  async start(provider: ProviderSettings, next: string): Promise<{ url: string; pending: PendingProviderSignIn }> {
    const configuration = await this.configuration(provider);
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const pending: PendingProviderSignIn = {
      slug: provider.slug,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier,
      next,
      until: new Date(Date.now() + ROUND_TRIP_MINUTES * 60_000).toISOString(),
    };
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri(provider.slug),
      scope: SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /**
   * The account for the provider's answer (the query string of the callback), or an error to
   * show. `pending` is what start() kept; without it (used already, or never started here) the
   * answer is refused.
   */
  async finish(provider: ProviderSettings, pending: PendingProviderSignIn | undefined, query: string, ip: string | null): Promise<User> {
    if (!pending || pending.slug !== provider.slug || pending.until < new Date().toISOString()) {
      await this.refused(provider, ip, 'no sign-in in progress (replayed or expired state)');
      throw new UnauthorizedException(`This sign-in with ${provider.label} has expired or was already used. Start again with "Sign in with ${provider.label}".`);
    }
    let claims: oidc.IDToken;
    try {
      const configuration = await this.configuration(provider);
      const callback = new URL(`${this.redirectUri(provider.slug)}?${query}`);
      const tokens = await oidc.authorizationCodeGrant(configuration, callback, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims()!;
    } catch (error) {
      // Said to the log in the library's words (never a secret); to the person in plain ones.
      const cause = (error as { cause?: unknown } | null)?.cause;
      const detail = cause instanceof Error ? ` (${cause.message})` : '';
      const reason = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}${detail}` : String(error);
      this.logger.warn(`Sign-in with ${provider.slug} refused: ${reason}`);
      await this.refused(provider, ip, reason);
      throw new UnauthorizedException(`Signing in with ${provider.label} did not work. Try again; if it keeps happening, tell your administrator.`);
    }
    return this.accountFor(provider, claims, ip);
  }

  /** The provider's address for signing out there too, when it publishes one. */
  async endSessionUrl(provider: ProviderSettings): Promise<string | null> {
    try {
      const configuration = await this.configuration(provider);
      if (!configuration.serverMetadata().end_session_endpoint) return null;
      return oidc.buildEndSessionUrl(configuration, { post_logout_redirect_uri: `${this.config.PUBLIC_URL}/sign-in` }).href;
    } catch {
      return null;
    }
  }

  /**
   * Matched by the stored subject first, then by a verified email: `email_verified: true`, or an
   * email at one of the provider's own domains (Entra ID does not send email_verified). A
   * provider with domains speaks only for them. Unknown people are refused unless the provider
   * creates accounts.
   */
  private async accountFor(provider: ProviderSettings, claims: oidc.IDToken, ip: string | null): Promise<User> {
    const identities = this.dataSource.getRepository(UserIdentity);
    const linked = await identities.findOne({ where: { issuer: claims.iss, subject: claims.sub }, relations: { user: true } });
    let user = linked?.user ?? null;
    const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : null;
    if (!user) {
      const ownDomain = email !== null && provider.domains.includes(domainOf(email));
      if (!email || !(claims.email_verified === true || ownDomain)) {
        await this.refused(provider, ip, 'no verified email', email);
        throw new ForbiddenException(`${provider.label} did not give a verified email address for you, so the tracker cannot tell which account is yours. Ask your administrator.`);
      }
      if (provider.domains.length > 0 && !ownDomain) {
        await this.refused(provider, ip, 'email outside the provider domains', email);
        throw new ForbiddenException(`Signing in with ${provider.label} is for accounts at ${provider.domains.join(', ')}. Use the way of signing in your administrator told you about.`);
      }
      user = await this.dataSource.getRepository(User).findOneBy({ email });
      if (user && (await identities.existsBy({ userId: user.id, issuer: claims.iss }))) {
        // The address now belongs to someone else at the provider (a re-used mailbox): not the same person.
        await this.refused(provider, ip, 'email linked to another subject', email);
        throw new ForbiddenException(`The tracker account for ${email} is linked to a different ${provider.label} account. Ask your administrator.`);
      }
      if (!user) {
        if (!provider.createAccounts) {
          await this.refused(provider, ip, 'unknown person', email);
          throw new ForbiddenException(`There is no tracker account for ${email}. Ask your Prevent coordinator or an administrator to create one, then sign in again.`);
        }
        user = await this.createAccount(provider, claims, email, ip);
      }
      await identities.insert({ userId: user.id, issuer: claims.iss, subject: claims.sub });
    }
    if (user.disabled) {
      await this.refused(provider, ip, 'disabled', user.email);
      throw new UnauthorizedException('This account has been disabled. Ask an administrator if you need access.');
    }
    return user;
  }

  /** The provider's default role and organisation (an organisation an administrator for the whole partnership chose). */
  private async createAccount(provider: ProviderSettings, claims: oidc.IDToken, email: string, ip: string | null): Promise<User> {
    const { role, organisationCode } = provider.createAccounts!;
    const name = [claims.name, [claims.given_name, claims.family_name].filter(Boolean).join(' ')].find((n) => typeof n === 'string' && n.trim()) as string | undefined;
    try {
      // The password is random and never shown: the account signs in through the provider.
      const { user } = await this.users.create(Scope.system(), {
        email,
        displayName: (name ?? email.split('@')[0]).trim().slice(0, 200),
        role,
        organisationCode,
      });
      await this.audit.record(
        { action: 'account_created_at_sign_in', entity: 'users', entityKey: email, after: { provider: provider.slug, role, organisationCode } },
        { userId: user.id, email, ip },
      );
      return user;
    } catch (error) {
      if (!(error instanceof HttpException)) throw error;
      this.logger.error(`Sign-in with ${provider.slug} could not create an account: ${error.message}`);
      throw new ForbiddenException(`The tracker could not create an account for ${email}. Tell your administrator (the provider's default organisation may have changed).`);
    }
  }

  private async refused(provider: ProviderSettings, ip: string | null, reason: string, email: string | null = null): Promise<void> {
    await this.audit.record(
      { action: 'sign_in_failed', entity: 'users', entityKey: email, organisationId: email ? undefined : null, after: { reason, provider: provider.slug } },
      { userId: null, email, ip },
    );
  }

  private configuration(provider: ProviderSettings): Promise<oidc.Configuration> {
    // The secret's hash is part of the key, so a changed secret in OIDC_PROVIDERS is picked up on restart and on edit.
    const version = `${provider.version}:${provider.issuer}:${provider.clientId}:${createHash('sha256').update(provider.clientSecret).digest('hex')}`;
    const cached = this.discovered.get(provider.slug);
    if (cached && cached.version === version && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.configuration;
    const configuration = oidc.discovery(new URL(provider.issuer), provider.clientId, undefined, oidc.ClientSecretBasic(provider.clientSecret), {
      timeout: 10,
      // http:// issuers are accepted on this machine only (issuerProblem refuses them elsewhere).
      execute: isLoopbackIssuer(provider.issuer) ? [oidc.allowInsecureRequests, oidc.enableNonRepudiationChecks] : [oidc.enableNonRepudiationChecks],
    });
    this.discovered.set(provider.slug, { version, at: Date.now(), configuration });
    configuration.catch(() => this.discovered.delete(provider.slug));
    return configuration;
  }
}
