import { loadConfig } from '../config/app-config';
import { issuerProblem, parseDomains, parseEnvironmentProviders } from './provider-settings';

const entra = {
  id: 'entra',
  label: 'Microsoft',
  issuer: 'https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0',
  clientId: 'client-id',
  clientSecret: 'a-very-secret-value',
};

describe('OIDC_PROVIDERS', () => {
  it('reads providers, with their domains in lower case and account creation off unless asked for', () => {
    const [p] = parseEnvironmentProviders(JSON.stringify([{ ...entra, domains: ['Warwickshire.gov.uk', '@warwickshire.police.uk'], passwordsOff: true }]));
    expect(p).toMatchObject({ slug: 'entra', label: 'Microsoft', domains: ['warwickshire.gov.uk', 'warwickshire.police.uk'], passwordsOff: true, createAccounts: null, source: 'environment' });
  });

  it('reads the role and organisation of accounts it creates, never administrator', () => {
    const [p] = parseEnvironmentProviders(JSON.stringify([{ ...entra, createAccounts: { role: 'viewer', organisation: 'WCC' } }]));
    expect(p.createAccounts).toEqual({ role: 'viewer', organisationCode: 'WCC' });
    expect(() => parseEnvironmentProviders(JSON.stringify([{ ...entra, createAccounts: { role: 'admin', organisation: 'WCC' } }]))).toThrow(/createAccounts/);
  });

  it.each([
    ['not JSON', '{', /not valid JSON/],
    ['an http issuer off this machine', JSON.stringify([{ ...entra, issuer: 'http://login.example.org' }]), /\[0\]\.issuer: The issuer must start with https:\/\//],
    ['a missing client secret', JSON.stringify([{ ...entra, clientSecret: '' }]), /\[0\]\.clientSecret: required/],
    ['the same id twice', JSON.stringify([entra, entra]), /\[1\]\.id: used twice/],
    ['no passwords without domains', JSON.stringify([{ ...entra, passwordsOff: true }]), /passwordsOff: needs the domains/],
    ['a domain that is not one', JSON.stringify([{ ...entra, domains: ['not a domain'] }]), /domains: not an email domain/],
  ])('stops the server on %s, naming the field but never echoing a value', (_case, text, message) => {
    expect(() => parseEnvironmentProviders(text)).toThrow(message);
    try {
      parseEnvironmentProviders(text);
    } catch (error) {
      expect(String(error)).not.toContain('a-very-secret-value');
    }
  });

  it('goes through loadConfig, which also reads SECOND_FACTOR_REQUIRED_FOR', () => {
    const config = loadConfig({ OIDC_PROVIDERS: JSON.stringify([entra]), SECOND_FACTOR_REQUIRED_FOR: 'admin, coordinator' });
    expect(config.environmentProviders.map((p) => p.slug)).toEqual(['entra']);
    expect(config.secondFactorRoles).toEqual(['admin', 'coordinator']);
    expect(loadConfig({}).secondFactorRoles).toEqual([]);
    expect(() => loadConfig({ SECOND_FACTOR_REQUIRED_FOR: 'admin,wizard' })).toThrow(/SECOND_FACTOR_REQUIRED_FOR must list roles/);
  });
});

describe('issuers and domains', () => {
  it('accepts https issuers, and http only on this machine', () => {
    expect(issuerProblem('https://accounts.google.com')).toBeNull();
    expect(issuerProblem('http://127.0.0.1:4000')).toBeNull();
    expect(issuerProblem('http://localhost:4000')).toBeNull();
    expect(issuerProblem('http://idp.example.org')).toMatch(/https/);
    expect(issuerProblem('https://idp.example.org/?tenant=x')).toMatch(/query/);
    expect(issuerProblem('nonsense')).toMatch(/web address/);
  });

  it('reads a list of domains written as people write them', () => {
    expect(parseDomains('warwickshire.gov.uk, @NHS.net; nhs.net')).toEqual({ domains: ['warwickshire.gov.uk', 'nhs.net'], bad: null });
    expect(parseDomains('warwickshire').bad).toBe('warwickshire');
  });
});
