// Every e2e suite creates accounts and signs in: argon2id at the production cost (about 300 ms a
// hash on the 2-core machine) was a large share of `npm test`. Tests hash with argon2id at its
// cheapest settings instead; verifying reads the settings from the hash, so signing in is cheap
// too. The production settings are held by src/users/passwords.spec.ts, which sees the real module.
// The suites' own password (TEST_PASSWORD in support/app.ts, on every account they create) is
// checked for strength once per run: the real estimator judges it in global-setup.ts, and that
// answer stands for every suite (its words are not in any test account's email or name), so a
// suite that checks no other password never loads the estimator's dictionaries.
jest.mock('../../src/users/passwords', () => {
  const actual = jest.requireActual('../../src/users/passwords');
  const argon2 = jest.requireActual('argon2');
  const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });
  let decoyHash: Promise<string> | null = null;
  const judged = process.env.TEST_PASSWORD_PROBLEM;
  let testPasswordProblem: { problem: string | null } | null = judged === undefined ? null : { problem: JSON.parse(judged) as string | null };
  const passwordProblem = (password: string, personal?: (string | null | undefined)[]) =>
    password === 'correct horse battery staple'
      ? (testPasswordProblem ??= { problem: actual.passwordProblem(password, personal) }).problem
      : actual.passwordProblem(password, personal);
  return { ...actual, hashPassword, passwordProblem, decoy: () => (decoyHash ??= hashPassword(`decoy-${Math.random()}`)) };
});
