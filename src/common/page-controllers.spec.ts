import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Page controllers translate HTTP only: they reach the database through services, and a refused
 * field reaches the page as a FieldError, never as words a controller takes apart. These checks
 * read the source, so a shortcut back to either fails the build.
 */
const SRC = join(__dirname, '..');

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, suffix);
    return name.endsWith(suffix) ? [path] : [];
  });
}

const pageControllers = files(SRC, '.pages.controller.ts');

function linesMatching(pattern: RegExp, paths: string[]): string[] {
  return paths.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ line, i }))
      .filter(({ line }) => pattern.test(line))
      .map(({ line, i }) => `${relative(SRC, file)}:${i + 1}: ${line.trim()}`),
  );
}

describe('page controllers are thin', () => {
  it('finds the page controllers it checks', () => {
    expect(pageControllers.length).toBeGreaterThan(15);
  });

  it('no page controller injects the DataSource or a repository', () => {
    expect(linesMatching(/InjectDataSource|InjectRepository|\bDataSource\b|getRepository\(/, pageControllers)).toEqual([]);
  });

  it('no code outside the form errors reads a field name out of a refusal message', () => {
    // A field error travels as FieldError(field, message); "field: message" is only how the API words it.
    const everywhere = files(SRC, '.ts').filter((f) => !f.endsWith('.spec.ts') && !f.endsWith('field-error.ts'));
    // Caught: .startsWith(`${field}: `), .replace('employeeRef: ', ''), /^(\w+): /.exec(message).
    const PARSES_FIELD = /(startsWith|replace|split|indexOf)\(\s*(`[^`]*: `|'[^']*: '|"[^"]*: ")|\/\^\(?(\\w|\[\w)[^/]*: ?\//;
    expect(linesMatching(PARSES_FIELD, everywhere)).toEqual([]);
  });
});
