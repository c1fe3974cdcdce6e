/** The password of every account the suites create (test-passwords.ts has it too, as jest.mock factories must). */
export const TEST_PASSWORD = 'correct horse battery staple';
