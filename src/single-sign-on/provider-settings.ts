import { USER_ROLES, type UserRole } from '../auth/scope';

/** A provider as the sign-in code uses it, whether it came from OIDC_PROVIDERS or from the admin pages. */
export interface ProviderSettings {
  slug: string;
  label: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Email domains (lower case) the provider speaks for; empty: any, with a verified email. */
  domains: string[];
  passwordsOff: boolean;
  /** When set, unknown people get an account with this role in this organisation. */
  createAccounts: { role: UserRole; organisationCode: string } | null;
  source: 'environment' | 'admin';
  /** Row id of a provider added on the admin pages. */
  id?: number;
  /** Changes when the settings do, so cached discovery is refreshed. */
  version: string;
}

/** Roles an account made at sign-in may have: never administrator (those are created by hand). */
export const CREATABLE_ROLES: UserRole[] = USER_ROLES.filter((r) => r !== 'admin');

export const SLUG_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
const DOMAIN_PATTERN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why an issuer URL will not do, or null: https (http only on this machine, for tests and trying it out). */
export function issuerProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'Enter the issuer as a web address, such as https://login.microsoftonline.com/{tenant id}/v2.0';
  }
  if (url.username || url.password || url.search || url.hash) return 'The issuer must not contain a user name, password, query or #fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return null;
  return 'The issuer must start with https://';
}

export const isLoopbackIssuer = (issuer: string) => new URL(issuer).protocol === 'http:';

/** "warwickshire.gov.uk, @nhs.net" → ['warwickshire.gov.uk', 'nhs.net'], or the first entry that is not a domain. */
export function parseDomains(input: string | string[]): { domains: string[]; bad: string | null } {
  const parts = (Array.isArray(input) ? input : input.split(/[\s,;]+/)).map((d) => d.trim().toLowerCase().replace(/^@/, '')).filter(Boolean);
  const bad = parts.find((d) => !DOMAIN_PATTERN.test(d)) ?? null;
  return { domains: [...new Set(parts)], bad };
}

export const domainOf = (email: string) => email.trim().toLowerCase().split('@').pop() ?? '';

/**
 * OIDC_PROVIDERS: a JSON array of providers. Problems are described without echoing values,
 * so a client secret never reaches a log.
 */
export function parseEnvironmentProviders(text: string | undefined): ProviderSettings[] {
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('OIDC_PROVIDERS: must be a JSON array of providers (it is not valid JSON)');
  }
  if (!Array.isArray(parsed)) throw new Error('OIDC_PROVIDERS: must be a JSON array of providers');
  const seen = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    const where = `OIDC_PROVIDERS[${index}]`;
    if (!entry || typeof entry !== 'object') throw new Error(`${where}: must be an object`);
    const e = entry as Record<string, unknown>;
    const text = (key: string, max: number) => {
      const value = e[key];
      if (typeof value !== 'string' || !value.trim() || value.length > max) throw new Error(`${where}.${key}: required, text of up to ${max} characters`);
      return value.trim();
    };
    const slug = text('id', 40);
    if (!SLUG_PATTERN.test(slug)) throw new Error(`${where}.id: lower-case letters, digits and hyphens only`);
    if (seen.has(slug)) throw new Error(`${where}.id: used twice`);
    seen.add(slug);
    const issuer = text('issuer', 500);
    const problem = issuerProblem(issuer);
    if (problem) throw new Error(`${where}.issuer: ${problem}`);
    const { domains, bad } = parseDomains(Array.isArray(e.domains) ? (e.domains as string[]).map(String) : typeof e.domains === 'string' ? e.domains : []);
    if (bad) throw new Error(`${where}.domains: not an email domain`);
    if (e.passwordsOff !== undefined && typeof e.passwordsOff !== 'boolean') throw new Error(`${where}.passwordsOff: true or false`);
    if (e.passwordsOff && domains.length === 0) throw new Error(`${where}.passwordsOff: needs the domains it applies to`);
    let createAccounts: ProviderSettings['createAccounts'] = null;
    if (e.createAccounts !== undefined && e.createAccounts !== null && e.createAccounts !== false) {
      const c = e.createAccounts as Record<string, unknown>;
      if (typeof c !== 'object' || !CREATABLE_ROLES.includes(c.role as UserRole) || typeof c.organisation !== 'string' || !c.organisation) {
        throw new Error(`${where}.createAccounts: {"role": one of ${CREATABLE_ROLES.join(', ')}, "organisation": an organisation code}`);
      }
      createAccounts = { role: c.role as UserRole, organisationCode: c.organisation };
    }
    return {
      slug,
      label: text('label', 100),
      issuer,
      clientId: text('clientId', 255),
      clientSecret: text('clientSecret', 2000),
      domains,
      passwordsOff: e.passwordsOff === true,
      createAccounts,
      source: 'environment' as const,
      version: 'environment',
    };
  });
}
