import { passwordProblem } from '../../src/users/passwords';
import { TEST_PASSWORD } from './password';
import { POSTGRES_URL, postgresReachable } from './postgres';

/**
 * PostgreSQL suites run against the real server. Under CI=true an unreachable server fails the
 * run; on a developer machine without one, those suites are skipped with a warning.
 */
export default async function globalSetup(): Promise<void> {
  // The suites' shared password, judged by the real strength estimator once for every suite (test-passwords.ts).
  process.env.TEST_PASSWORD_PROBLEM = JSON.stringify(passwordProblem(TEST_PASSWORD));
  if (await postgresReachable()) {
    process.env.TEST_POSTGRES = 'on';
    return;
  }
  if (process.env.CI === 'true') {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL}: the PostgreSQL tests cannot run (CI=true)`);
  }
  process.env.TEST_POSTGRES = 'off';
  console.warn(`\n!! PostgreSQL not reachable at ${POSTGRES_URL}: PostgreSQL suites are SKIPPED on this machine.\n`);
}
