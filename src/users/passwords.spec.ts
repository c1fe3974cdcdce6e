// The e2e suites hash cheaply (test/support/test-passwords.ts); this spec holds the real settings.
jest.unmock('./passwords');
import { hashPassword, MIN_PASSWORD_LENGTH, passwordProblem, personalWords, temporaryPassword, verifyPassword } from './passwords';

describe('hashPassword', () => {
  it('hashes with argon2id at the library defaults (64 MiB, three passes), and verifies only the same password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
  });
});

describe('passwordProblem', () => {
  it('accepts the demo, test and documented passwords', () => {
    for (const password of ['prevent-demo-password', 'correct horse battery staple', 'a new long password', 'first admin password']) {
      expect(passwordProblem(password)).toBeNull();
    }
  });

  it('accepts the demo password for every demo account, with its email and name', () => {
    for (const [email, name] of [
      ['admin@demo.test', 'Demo Administrator'],
      ['coordinator@demo.test', 'Demo Coordinator'],
      ['viewer@demo.test', 'Demo Viewer'],
    ]) {
      expect(passwordProblem('prevent-demo-password', [email, name])).toBeNull();
    }
  });

  it(`refuses fewer than ${MIN_PASSWORD_LENGTH} characters`, () => {
    expect(passwordProblem('eleven char')).toBe('Password must be at least 12 characters');
    expect(passwordProblem('x'.repeat(201))).toBe('Password must be 200 characters or fewer');
  });

  it.each(['password1234', 'passwordpassword', 'qwertyuiop123', 'aaaaaaaaaaaa', 'letmein123456', 'Password2024!'])(
    'refuses the common or guessable %j, saying why in plain English',
    (password) => {
      const problem = passwordProblem(password);
      expect(problem).toMatch(/^Choose a password that is harder to guess: [a-z]/);
      expect(problem).toMatch(/\.$/);
    },
  );

  it('says a password is similar to a commonly used one', () => {
    expect(passwordProblem('password1234')).toBe(
      'Choose a password that is harder to guess: this is similar to a commonly used password. Add more words that are less common.',
    );
  });

  it('counts the account’s own email address and name as guessable', () => {
    const mine = ['sam.okonkwo@warwickshire.gov.uk', 'Sam Okonkwo'];
    expect(passwordProblem('okonkwowarwickshire', [])).toBeNull();
    expect(passwordProblem('okonkwowarwickshire', mine)).toMatch(/harder to guess: it contains your name or email address/);
  });

  it('splits emails and names into the words people build passwords from', () => {
    expect(personalWords('Sam.Patel@example.gov.uk', 'Sam Patel', null)).toEqual(
      expect.arrayContaining(['sam.patel@example.gov.uk', 'sam.patel', 'sam', 'patel', 'example', 'sam patel']),
    );
  });

  it('generates temporary passwords that pass its own rules', () => {
    for (let i = 0; i < 20; i++) {
      const password = temporaryPassword();
      expect(password).toHaveLength(16);
      expect(passwordProblem(password)).toBeNull();
    }
  });
});
