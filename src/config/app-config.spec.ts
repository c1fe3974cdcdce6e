import { loadConfig } from './app-config';

describe('configuration from the environment', () => {
  it('has sensible defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_PATH).toBe('data/tracker.sqlite');
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.LOCKOUT_THRESHOLD).toBe(20);
  });

  it('reads numbers and strings, ignoring empty values', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://x@y/z', ADMIN_EMAIL: '' });
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_URL).toBe('postgres://x@y/z');
    expect(config.ADMIN_EMAIL).toBeUndefined();
  });

  it('stops with a message naming each bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud' })).toThrow(/PORT: .*LOG_LEVEL: /);
  });

  describe('PUBLIC_URL', () => {
    it('defaults to localhost on the configured port', () => {
      expect(loadConfig({}).PUBLIC_URL).toBe('http://localhost:3000');
      expect(loadConfig({ PORT: '8080' }).PUBLIC_URL).toBe('http://localhost:8080');
    });

    it.each([
      ['https://prevent.example.gov.uk', 'https://prevent.example.gov.uk'],
      ['https://prevent.example.gov.uk/', 'https://prevent.example.gov.uk'],
      ['HTTPS://Prevent.Example.gov.uk:443/', 'https://prevent.example.gov.uk'],
      ['http://10.0.0.5:8080', 'http://10.0.0.5:8080'],
    ])('takes %j as %j', (value, expected) => expect(loadConfig({ PUBLIC_URL: value }).PUBLIC_URL).toBe(expected));

    it.each([
      ['prevent.example.gov.uk', /PUBLIC_URL: PUBLIC_URL must be a web address/],
      ['ftp://prevent.example.gov.uk', /must start with https:\/\//],
      ['javascript:alert(1)', /must start with https:\/\//],
      ['https://prevent.example.gov.uk/tracker', /no path, query or #fragment/],
      ['https://prevent.example.gov.uk/?x=1', /no path, query or #fragment/],
      ['https://user:secret@prevent.example.gov.uk', /must not contain a user name or password/],
    ])('refuses %j', (value, message) => expect(() => loadConfig({ PUBLIC_URL: value })).toThrow(message));
  });
});
