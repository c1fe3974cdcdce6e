import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Who may see what is decided in src/access alone. These checks read the source: a hand-written
 * subtree query anywhere else (the closure table, its columns) fails the build, as does a scoped
 * listing of accounts, audit entries or requirements that skips the layer.
 */
const SRC = join(__dirname, '..');
const LAYER = join(SRC, 'access');
/** The schema itself (migrations and the entity list) is the only other place that names the tree's table. */
const SCHEMA = join(SRC, 'database');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

const outsideLayer = sourceFiles(SRC).filter((f) => !f.startsWith(LAYER) && !f.startsWith(SCHEMA));

/** Subtree SQL written by hand: the closure table or its columns. */
const SUBTREE_SQL = /organisation_closure|OrganisationClosure|\bdescendant_id\b|\bancestor_id\b|\bdescendantId\b|\bancestorId\b/;
/** Reads of records whose visibility the layer decides, bypassing its scoped query builders. */
const UNSCOPED_READS = /getRepository\((AuditEntry|Requirement)\)|\.find(One|OneBy|By)?\((AuditEntry|Requirement)\b|InjectRepository\(AuditEntry\)/;

function offenders(pattern: RegExp, files: string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ line, i }))
      .filter(({ line }) => pattern.test(line) && !line.trim().startsWith('*') && !line.trim().startsWith('//'))
      .map(({ line, i }) => `${relative(SRC, file)}:${i + 1}: ${line.trim()}`),
  );
}

describe('the access layer decides scope alone', () => {
  it('no file outside src/access writes subtree SQL or reads the closure table', () => {
    expect(offenders(SUBTREE_SQL, outsideLayer)).toEqual([]);
  });

  it('audit entries and requirements are listed only through the scoped query builders', () => {
    expect(offenders(UNSCOPED_READS, outsideLayer)).toEqual([]);
  });

  it('would catch a hand-written subtree query (the check itself can fail)', () => {
    const handWritten = "qb.andWhere('s.organisation_id IN (SELECT descendant_id FROM organisation_closure WHERE ancestor_id = :root)')";
    expect(SUBTREE_SQL.test(handWritten)).toBe(true);
    expect(UNSCOPED_READS.test('this.dataSource.getRepository(AuditEntry).createQueryBuilder("a")')).toBe(true);
  });

  it('the layer itself is where the closure table is named', () => {
    expect(offenders(/organisation_closure/, sourceFiles(LAYER)).length).toBeGreaterThan(0);
  });
});
