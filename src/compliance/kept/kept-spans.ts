/**
 * Keeping compliance_spans (migration 1763900002300) up to date: the people the triggers marked
 * stale get their spans worked out again by the pure rules (spans.ts), from the one loader of the
 * rules' facts, and written in the transaction that made them stale.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { inStatements, isPostgres, paddedList, sql } from '../../database/sql';
import { recordsOf } from '../facts';
import { levelFacts, loadFramework, requirementFacts } from '../framework';
import type { Status } from '../rules';
import { spansOf } from './spans';

/** People worked out per batch: the loader's statements stay well within both databases' parameter limits. */
export const REFRESH_BATCH = 500;

/**
 * A transaction refreshes the stale people before it commits while there are at most this many
 * (a person's edit, a session's register, a small import); more (a large import, an edit of the
 * framework, a backlog the keeper is working through) are left to the keeper, so no request's
 * transaction takes on more than about 20 ms of it.
 */
export const IN_TRANSACTION_LIMIT = 200;

/** Whether every person's spans are up to date, so the kept table may answer for them. */
export async function spansAreCurrent(db: DataSource | EntityManager): Promise<boolean> {
  const rows = await sql(db, 'SELECT staff_id FROM compliance_stale LIMIT 1');
  return rows.length === 0;
}

/**
 * Works out again the spans of the stale people, in the transaction of `m`, and returns how many
 * it refreshed. More than `limit` stale: none of them (null), or with `atMost` the first `limit`.
 * On PostgreSQL transactions that refresh take turns (a lock held to their commit), so each reads
 * the facts as the others left them and no two write one person's spans at once.
 */
export async function refreshStale(m: EntityManager, limit: number, options: { atMost?: boolean } = {}): Promise<number | null> {
  const staleNow = async () => {
    const rows = await sql<{ staff_id: number }>(m, `SELECT staff_id FROM compliance_stale ORDER BY staff_id LIMIT ${limit + 1}`);
    return rows.map((r) => Number(r.staff_id));
  };
  let stale = await staleNow();
  if (stale.length === 0) return 0;
  // Left to the keeper: no need to wait for the lock.
  if (stale.length > limit && !options.atMost) return null;
  if (isPostgres(m)) {
    await m.query(`SELECT pg_advisory_xact_lock(hashtext('ptt compliance spans'))`);
    // What is stale now, after any transaction that held the lock committed.
    stale = await staleNow();
  }
  if (stale.length > limit) {
    if (!options.atMost) return null;
    stale = stale.slice(0, limit);
  }
  await refreshPeople(m, stale);
  return stale.length;
}

/** Writes these people's spans afresh (none for those no longer there) and clears them from the stale list. */
export async function refreshPeople(m: EntityManager, staffIds: number[]): Promise<void> {
  const f = await loadFramework(m);
  const levels = levelFacts(f);
  const requirements = requirementFacts(f);
  const levelIdOfRank = new Map(f.levels.map((l) => [l.rank, l.id]));
  const roleIdOfCode = new Map(f.roles.map((r) => [r.code, r.id]));
  for (let from = 0; from < staffIds.length; from += REFRESH_BATCH) {
    const ids = staffIds.slice(from, from + REFRESH_BATCH);
    const records = await recordsOf(m, f, ids);
    const rows: unknown[][] = [];
    for (const person of records.values()) {
      const roleIds = person.fact.roleCodes
        .map((code) => roleIdOfCode.get(code))
        .filter((id): id is number => id !== undefined)
        .sort((a, b) => a - b)
        .join(',');
      for (const span of spansOf(person.fact, person.completions, levels, requirements)) {
        rows.push([person.id, levelIdOfRank.get(span.levelRank), person.organisationId, roleIds, span.fromOn, span.untilOn, span.metUntil, span.graceEnds]);
      }
    }
    // A few statement lengths only, however many people and spans (sql.ts, "Statement shapes").
    const padded = paddedList(ids);
    const list = padded.map((_, i) => `$${i + 1}`).join(', ');
    await sql(m, `DELETE FROM compliance_spans WHERE staff_id IN (${list})`, padded);
    for (const some of inStatements(rows, REFRESH_BATCH)) {
      const values = some.map((_, r) => `(${Array.from({ length: 8 }, (__, c) => `$${r * 8 + c + 1}`).join(', ')})`).join(', ');
      await sql(
        m,
        `INSERT INTO compliance_spans (staff_id, level_id, organisation_id, role_ids, from_on, until_on, met_until, grace_ends) VALUES ${values}`,
        some.flat(),
      );
    }
    await sql(m, `DELETE FROM compliance_stale WHERE staff_id IN (${list})`, padded);
  }
}

/** What keptCountsSql counts. */
export const KEPT_COUNTS = ['people', 'compliant', 'met', 'pending', 'expired'] as const;

/**
 * Rule 4 over spans `k` covering day D, with the window ending on E (placeholders or literals), as
 * counts over a group of them: how many are compliant, met (compliant or expiring), pending and
 * expired; the rest are missing (statusCounts). See spans.ts for why these comparisons are
 * rules.assess. Counting rather than grouping by the status lets the groups follow the index.
 */
export function keptCountsSql(k: string, D: string, E: string, postgres: boolean): Record<(typeof KEPT_COUNTS)[number], string> {
  const count = (condition: string) => (postgres ? `COUNT(*) FILTER (WHERE ${condition})` : `SUM(${condition})`);
  return {
    people: 'COUNT(*)',
    compliant: count(`${k}.met_until > ${E}`),
    met: count(`${k}.met_until > ${D}`),
    pending: count(`${D} < ${k}.grace_ends AND (${k}.met_until IS NULL OR ${k}.met_until <= ${D})`),
    expired: count(`${k}.met_until <= ${D} AND ${D} >= ${k}.grace_ends`),
  };
}

/** How many of a group have each status, from a row of keptCountsSql's counts. */
export function statusCounts(row: Record<string, unknown>): Record<Status, number> {
  const [people, compliant, met, pending, expired] = KEPT_COUNTS.map((name) => Number(row[name] ?? 0));
  return { compliant, expiring: met - compliant, pending, expired, missing: people - met - pending - expired };
}

/** The span `k` covers day D. */
export function spanCovers(k: string, D: string): string {
  return `${k}.until_on > ${D} AND ${k}.from_on <= ${D}`;
}
