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
});
