// Every e2e suite creates accounts and signs in: argon2id at the production cost (about 300 ms a
// hash on the 2-core machine) was a large share of `npm test`. Tests hash with argon2id at its
// cheapest settings instead; verifying reads the settings from the hash, so signing in is cheap
// too. The production settings are held by src/users/passwords.spec.ts, which sees the real module.
// The suites' own password (TEST_PASSWORD in support/app.ts, on every account they create) is
// checked for strength once per suite: the real estimator judges it the first time, and that
// answer stands for the rest (its words are not in any test account's email or name).
jest.mock('../../src/users/passwords', () => {
  const actual = jest.requireActual('../../src/users/passwords');
  const argon2 = jest.requireActual('argon2');
  const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
  let decoyHash: Promise<string> | null = null;
  let testPasswordProblem: { problem: string | null } | null = null;
  const passwordProblem = (password: string, personal?: (string | null | undefined)[]) =>
    password === 'correct horse battery staple'
      ? (testPasswordProblem ??= { problem: actual.passwordProblem(password, personal) }).problem
      : actual.passwordProblem(password, personal);
  return { ...actual, hashPassword, passwordProblem, decoy: () => (decoyHash ??= hashPassword(`decoy-${Math.random()}`)) };
});
