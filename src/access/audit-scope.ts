import type { EntityManager, ObjectLiteral } from 'typeorm';
import { sql } from '../database/sql';

/** Tables whose rows belong to one person: the entry is about that person's organisation. */
const BY_PERSON = new Set(['completions', 'bookings']);
/** Tables whose rows belong to a session: the entry is about its host. */
const BY_SESSION = new Set(['session_feedback']);
/** Columns naming the organisation a row itself belongs to, per table. */
const OWN_COLUMN: Record<string, string> = {
  staff: 'organisationId',
  users: 'organisationId',
  requirements: 'organisationId',
  impact_figures: 'organisationId',
  // An organisation's own target is about it; partnership and sector targets (no organisation) are partnership-wide.
  targets: 'organisationId',
  training_sessions: 'hostOrganisationId',
  imports: 'scopeOrganisationId',
  organisations: 'id',
};

const idOf = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/**
 * The organisation an audit entry is about, which decides who may read it: the row's own
 * organisation, its person's or its session's host's, or that of the account a token belongs to.
 * Null for partnership-wide things (levels, roles, settings, course mappings): those entries are
 * read by administrators of everything only.
 */
export async function auditOrganisationOf(m: EntityManager, table: string, row: ObjectLiteral | null): Promise<number | null> {
  if (!row) return null;
  const own = OWN_COLUMN[table];
  if (own) return idOf(row[own]);
  if (BY_PERSON.has(table) && row.staffId) {
    const [found] = await sql<{ id: number }>(m, 'SELECT organisation_id AS id FROM staff WHERE id = $1', [row.staffId]);
    return idOf(found?.id);
  }
  if ((BY_SESSION.has(table) || table === 'bookings') && row.sessionId) {
    const [found] = await sql<{ id: number }>(m, 'SELECT host_organisation_id AS id FROM training_sessions WHERE id = $1', [row.sessionId]);
    return idOf(found?.id);
  }
  if (table === 'api_tokens' && row.userId) {
    const [found] = await sql<{ id: number | null }>(m, 'SELECT organisation_id AS id FROM users WHERE id = $1', [row.userId]);
    return idOf(found?.id);
  }
  if (table === 'import_errors' && row.importId) {
    const [found] = await sql<{ id: number | null }>(m, 'SELECT scope_organisation_id AS id FROM imports WHERE id = $1', [row.importId]);
    return idOf(found?.id);
  }
  return null;
}

/** The organisation of the account with this email, for sign-in entries (none for an unknown email). */
export async function accountOrganisationOf(m: EntityManager, email: string | null | undefined): Promise<number | null> {
  if (!email) return null;
  const [found] = await sql<{ id: number | null }>(m, 'SELECT organisation_id AS id FROM users WHERE email = $1', [email]);
  return idOf(found?.id);
}
