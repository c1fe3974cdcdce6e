/**
 * The organisation tree in SQL. The closure table (one row per ancestor and descendant, depth 0 for
 * an organisation itself) is named here and nowhere else outside src/access: every "inside this
 * subtree?" in a query is one of these fragments, so who may see what stays decided in one layer
 * (test/structure.e2e-spec.ts fails on any other use).
 *
 * Arguments are SQL expressions: a placeholder (`$1`, `:root`) or a column (`s.organisation_id`).
 * The alias names the closure table inside the fragment, so fragments can nest.
 */
const CLOSURE = 'organisation_closure';

/** `SELECT id` of every organisation in the subtree under `root` (root included), for `x IN (...)`. */
export function subtreeIds(root: string, alias = 'oc'): string {
  return `SELECT ${alias}.descendant_id FROM ${CLOSURE} ${alias} WHERE ${alias}.ancestor_id = ${root}`;
}

/** Like subtreeIds for several roots: `roots` is a comma-separated list of expressions. */
export function subtreesIds(roots: string, alias = 'oc'): string {
  return `SELECT ${alias}.descendant_id FROM ${CLOSURE} ${alias} WHERE ${alias}.ancestor_id IN (${roots})`;
}

/** `SELECT id` of `organisation` and every organisation above it. */
export function ancestorIds(organisation: string, alias = 'oa'): string {
  return `SELECT ${alias}.ancestor_id FROM ${CLOSURE} ${alias} WHERE ${alias}.descendant_id = ${organisation}`;
}

/** True when `organisation` lies in the subtree under `root` (root included). */
export function within(organisation: string, root: string, alias = 'rc'): string {
  return `EXISTS (SELECT 1 FROM ${CLOSURE} ${alias} WHERE ${alias}.ancestor_id = ${root} AND ${alias}.descendant_id = ${organisation})`;
}

/** The ancestor of `organisation` that is `depthBelow` levels above it: a scalar subquery. */
export function ancestorAt(organisation: string, depthBelow: string, alias = 'gc'): string {
  return `(SELECT ${alias}.ancestor_id FROM ${CLOSURE} ${alias} WHERE ${alias}.descendant_id = ${organisation} AND ${alias}.depth = ${depthBelow})`;
}

/**
 * A setting kept per organisation that applies to its subtree, nearest wins: `table.column` of the
 * nearest of `organisation` and its ancestors with a row in `table` (keyed by organisation_id), as
 * a scalar subquery; NULL where none has one (the partnership-wide value applies).
 */
export function nearestOwn(organisation: string, table: string, column: string, alias = 'nc'): string {
  return `(SELECT ${alias}_v.${column} FROM ${CLOSURE} ${alias} JOIN ${table} ${alias}_v ON ${alias}_v.organisation_id = ${alias}.ancestor_id
           WHERE ${alias}.descendant_id = ${organisation} ORDER BY ${alias}.depth ASC LIMIT 1)`;
}

/**
 * The closure rows of `organisation` as a table source, one per ancestor, with columns
 * `ancestor_id`, `descendant_id` and `depth` (how far above): for `FROM ... JOIN`.
 */
export function ancestorRows(alias: string, organisation: string): string {
  return `${CLOSURE} ${alias} ON ${alias}.descendant_id = ${organisation}`;
}

/** The closure rows under `root` as a table source (`descendant_id`, `depth` below the root). */
export function descendantRows(alias: string, root: string): string {
  return `${CLOSURE} ${alias} ON ${alias}.ancestor_id = ${root}`;
}

/** The closure table is an index of the tree, not a business record: the audit log skips it. */
export function isClosureTable(tableName: string): boolean {
  return tableName === CLOSURE;
}
