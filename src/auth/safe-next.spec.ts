import { safeNext } from './auth.pages.controller';

describe('after signing in, people go only to pages of this site', () => {
  it.each([
    ['/staff?search=khan', '/staff?search=khan'],
    ['/', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    [undefined, '/'],
  ])('%s goes to %s', (next, expected) => expect(safeNext(next)).toBe(expected));
});
