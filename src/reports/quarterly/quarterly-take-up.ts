/**
 * Take-up figures of DOMAIN.md ("Report definitions", quarterly take-up) as set-based SQL that
 * runs on SQLite and PostgreSQL. Three queries cover any run of periods at once; each counts per
 * period, level and organisation, then adds those up per place (the child of the report's root
 * the organisation is under, and its sector), so the same rows add up to the whole subtree, each
 * child organisation and each sector (a person belongs to one organisation, a session to one host,
 * so distinct people and sessions add up exactly). Only those few hundred sums leave the database:
 * at 500,000 people, rows per organisation were some 90,000 a quarterly report.
 */
import type { EntityManager } from 'typeorm';
import type { IsoDate } from '../../common/dates';
import { sql } from '../../database/sql';
import { meanOf } from '../shared/groups';
import { ancestorAt, subtreeIds } from '../../access/subtree';

export interface Period {
  start: IsoDate;
  end: IsoDate;
}

/** Raw counts that add up across organisations. */
export interface TakeUpFacts {
  completions: number;
  peopleTrained: number;
  refresher: number;
  sessionsDelivered: number;
  placesBooked: number;
  attended: number;
  noShows: number;
  feedbackCount: number;
  ratingSum: number;
  /** Feedback answering both before and after, and their sums (confidence 1-5). */
  recognisePairs: number;
  recogniseBeforeSum: number;
  recogniseAfterSum: number;
  referPairs: number;
  referBeforeSum: number;
  referAfterSum: number;
}

/** The figures a report shows for one level, named as in DOMAIN.md. */
export interface TakeUpFigures {
  completions: number;
  peopleTrained: number;
  firstTime: number;
  refresher: number;
  sessionsDelivered: number;
  placesBooked: number;
  attended: number;
  noShows: number;
  feedbackCount: number;
  averageRating: number | null;
}

export function emptyFacts(): TakeUpFacts {
  return {
    completions: 0,
    peopleTrained: 0,
    refresher: 0,
    sessionsDelivered: 0,
    placesBooked: 0,
    attended: 0,
    noShows: 0,
    feedbackCount: 0,
    ratingSum: 0,
    recognisePairs: 0,
    recogniseBeforeSum: 0,
    recogniseAfterSum: 0,
    referPairs: 0,
    referBeforeSum: 0,
    referAfterSum: 0,
  };
}

const FACT_KEYS = Object.keys(emptyFacts()) as (keyof TakeUpFacts)[];

export function addFacts(into: TakeUpFacts, more: TakeUpFacts): TakeUpFacts {
  for (const key of FACT_KEYS) into[key] += more[key];
  return into;
}

export function figuresOf(f: TakeUpFacts): TakeUpFigures {
  return {
    completions: f.completions,
    peopleTrained: f.peopleTrained,
    firstTime: f.peopleTrained - f.refresher,
    refresher: f.refresher,
    sessionsDelivered: f.sessionsDelivered,
    placesBooked: f.placesBooked,
    attended: f.attended,
    noShows: f.noShows,
    feedbackCount: f.feedbackCount,
    averageRating: meanOf(f.ratingSum, f.feedbackCount),
  };
}

/**
 * Where take-up is counted: the child of the report's root an organisation is under (the root's
 * own id for the root itself) and the organisation's sector.
 */
export interface TakeUpPlace {
  child: number;
  sector: string;
}

/** Take-up facts by period index, level id and place. */
export class TakeUpRows {
  /** By period and level ("period:level"), then by place: a sum reads only its own period and level. */
  private readonly rows = new Map<string, Map<string, { place: TakeUpPlace; facts: TakeUpFacts }>>();

  /** How many rows (a period, level and place each) it holds. */
  get size(): number {
    let rows = 0;
    for (const byPlace of this.rows.values()) rows += byPlace.size;
    return rows;
  }

  private static key(period: number, levelId: number): string {
    return `${period}:${levelId}`;
  }

  at(period: number, levelId: number, place: TakeUpPlace): TakeUpFacts {
    const key = TakeUpRows.key(period, levelId);
    let byPlace = this.rows.get(key);
    if (!byPlace) this.rows.set(key, (byPlace = new Map()));
    const placeKey = `${place.child}|${place.sector}`;
    let row = byPlace.get(placeKey);
    if (!row) byPlace.set(placeKey, (row = { place, facts: emptyFacts() }));
    return row.facts;
  }

  /** Adds up the rows of one period and level over every place. */
  sum(period: number, levelId: number): TakeUpFacts {
    const total = emptyFacts();
    for (const { facts } of this.rows.get(TakeUpRows.key(period, levelId))?.values() ?? []) addFacts(total, facts);
    return total;
  }

  /** Adds up the rows of one period and level by group, in one pass: `by` names each place's group (undefined: none). */
  sumsBy(period: number, levelId: number, by: (place: TakeUpPlace) => unknown): Map<unknown, TakeUpFacts> {
    const sums = new Map<unknown, TakeUpFacts>();
    for (const { place, facts } of this.rows.get(TakeUpRows.key(period, levelId))?.values() ?? []) {
      const group = by(place);
      if (group === undefined) continue;
      let into = sums.get(group);
      if (!into) sums.set(group, (into = emptyFacts()));
      addFacts(into, facts);
    }
    return sums;
  }
}

/** One group of places: those `by` maps to `value`. */
export interface TakeUpGroup {
  by: (place: TakeUpPlace) => unknown;
  value: unknown;
}

/**
 * Sums of take-up rows for one report: over every organisation (group null) or over one group.
 * Each grouping's sums are made once, in one pass, so a report of thousands of groups reads each
 * row once. Made for each report, not kept with the rows (which are kept between reports).
 */
export function takeUpSums(rows: TakeUpRows): (period: number, levelId: number, group: TakeUpGroup | null) => TakeUpFacts {
  const made = new Map<TakeUpGroup['by'], Map<string, Map<unknown, TakeUpFacts>>>();
  return (period, levelId, group) => {
    if (group === null) return rows.sum(period, levelId);
    let byPeriodLevel = made.get(group.by);
    if (!byPeriodLevel) made.set(group.by, (byPeriodLevel = new Map()));
    const key = `${period}:${levelId}`;
    let sums = byPeriodLevel.get(key);
    if (!sums) byPeriodLevel.set(key, (sums = rows.sumsBy(period, levelId, group.by)));
    return { ...(sums.get(group.value) ?? emptyFacts()) };
  };
}

/**
 * Runs the three take-up queries for the subtree of `rootId` over consecutive, non-overlapping
 * periods (in date order) and returns their rows.
 */
export async function takeUpRows(m: EntityManager, rootId: number, periods: Period[]): Promise<TakeUpRows> {
  if (periods.length === 0) throw new Error('at least one period is needed');
  const out = new TakeUpRows();
  const from = periods[0].start;
  const to = periods[periods.length - 1].end;
  // $1 root, $2 first day, $3 last day, then each period's last day for the bucket.
  const params: unknown[] = [rootId, from, to, ...(periods.length === 1 ? [] : periods.map((p) => p.end))];
  const bucket = (column: string) =>
    periods.length === 1 ? '0' : `CASE ${periods.map((_, i) => `WHEN ${column} <= $${i + 4} THEN ${i}`).join(' ')} END`;
  const subtree = subtreeIds('$1');
  // A query's rows per organisation `q`, added up per place: the child of the root `q` is under (NULL for the root) and its sector.
  const child = ancestorAt('q.organisation_id', 'og.depth - (SELECT ro.depth FROM organisations ro WHERE ro.id = $1) - 1');
  const perPlace = (perOrganisation: string, sums: string[]) =>
    `SELECT q.period, q.level_id, ${child} AS child, og.sector, ${sums.map((c) => `SUM(q.${c}) AS ${c}`).join(', ')}
     FROM (${perOrganisation}) q JOIN organisations og ON og.id = q.organisation_id
     GROUP BY q.period, q.level_id, 3, og.sector`;
  type Place = { child: number | string | null; sector: string };
  const placeOf = (r: Place): TakeUpPlace => ({ child: r.child === null ? rootId : Number(r.child), sector: String(r.sector) });

  // Completions at each level in the period by people of the subtree; a person is a refresher when
  // they held a completion at that rank or above dated before their first one at the level in the period.
  const people = await sql<Place & { period: number; level_id: number; completions: number; people_trained: number; refresher: number }>(
    m,
    perPlace(
      `SELECT f.period, f.level_id, f.organisation_id,
            SUM(f.n) AS completions,
            COUNT(*) AS people_trained,
            SUM(CASE WHEN EXISTS (
                  SELECT 1 FROM completions p JOIN levels pl ON pl.id = p.level_id
                  WHERE p.staff_id = f.staff_id AND pl.rank >= l.rank AND p.completed_on < f.first_on)
                THEN 1 ELSE 0 END) AS refresher
     FROM (
       SELECT x.period, x.staff_id, x.level_id, x.organisation_id, COUNT(*) AS n, MIN(x.completed_on) AS first_on
       FROM (
         SELECT ${bucket('c.completed_on')} AS period, c.staff_id, c.level_id, s.organisation_id, c.completed_on
         FROM completions c JOIN staff s ON s.id = c.staff_id
         WHERE c.completed_on >= $2 AND c.completed_on <= $3 AND s.organisation_id IN (${subtree})
       ) x
       GROUP BY x.period, x.staff_id, x.level_id, x.organisation_id
     ) f JOIN levels l ON l.id = f.level_id
     GROUP BY f.period, f.level_id, f.organisation_id`,
      ['completions', 'people_trained', 'refresher'],
    ),
    params,
  );
  for (const r of people) {
    const facts = out.at(Number(r.period), Number(r.level_id), placeOf(r));
    facts.completions += Number(r.completions);
    facts.peopleTrained += Number(r.people_trained);
    facts.refresher += Number(r.refresher);
  }

  // Delivered sessions hosted in the subtree that start in the period (by the date they start on).
  const deliveredSessions = `
    SELECT ${bucket('substr(ts.starts_at, 1, 10)')} AS period, ts.id, ts.level_id, ts.host_organisation_id AS organisation_id
    FROM training_sessions ts
    WHERE ts.status = 'delivered' AND substr(ts.starts_at, 1, 10) >= $2 AND substr(ts.starts_at, 1, 10) <= $3
      AND ts.host_organisation_id IN (${subtree})`;

  // Places booked leave out cancellations, the waiting list and walk-ins; walk-ins count as attended.
  const sessions = await sql<Place & { period: number; level_id: number; sessions: number; booked: number; attended: number; no_shows: number }>(
    m,
    perPlace(
      `SELECT d.period, d.level_id, d.organisation_id,
            COUNT(DISTINCT d.id) AS sessions,
            SUM(CASE WHEN b.status = 'booked' AND NOT b.walk_in THEN 1 ELSE 0 END) AS booked,
            SUM(CASE WHEN b.status = 'booked' AND b.attendance = 'attended' THEN 1 ELSE 0 END) AS attended,
            SUM(CASE WHEN b.status = 'booked' AND b.attendance = 'no_show' THEN 1 ELSE 0 END) AS no_shows
     FROM (${deliveredSessions}) d LEFT JOIN bookings b ON b.session_id = d.id
     GROUP BY d.period, d.level_id, d.organisation_id`,
      ['sessions', 'booked', 'attended', 'no_shows'],
    ),
    params,
  );
  for (const r of sessions) {
    const facts = out.at(Number(r.period), Number(r.level_id), placeOf(r));
    facts.sessionsDelivered += Number(r.sessions);
    facts.placesBooked += Number(r.booked ?? 0);
    facts.attended += Number(r.attended ?? 0);
    facts.noShows += Number(r.no_shows ?? 0);
  }

  const feedback = await sql<
    Place & {
      period: number;
      level_id: number;
      responses: number;
      rating_sum: number;
      recognise_pairs: number;
      recognise_before: number | null;
      recognise_after: number | null;
      refer_pairs: number;
      refer_before: number | null;
      refer_after: number | null;
    }
  >(
    m,
    perPlace(
      `SELECT d.period, d.level_id, d.organisation_id,
            COUNT(*) AS responses,
            SUM(f.overall_rating) AS rating_sum,
            SUM(CASE WHEN f.recognise_before IS NOT NULL AND f.recognise_after IS NOT NULL THEN 1 ELSE 0 END) AS recognise_pairs,
            SUM(CASE WHEN f.recognise_before IS NOT NULL AND f.recognise_after IS NOT NULL THEN f.recognise_before ELSE 0 END) AS recognise_before,
            SUM(CASE WHEN f.recognise_before IS NOT NULL AND f.recognise_after IS NOT NULL THEN f.recognise_after ELSE 0 END) AS recognise_after,
            SUM(CASE WHEN f.refer_before IS NOT NULL AND f.refer_after IS NOT NULL THEN 1 ELSE 0 END) AS refer_pairs,
            SUM(CASE WHEN f.refer_before IS NOT NULL AND f.refer_after IS NOT NULL THEN f.refer_before ELSE 0 END) AS refer_before,
            SUM(CASE WHEN f.refer_before IS NOT NULL AND f.refer_after IS NOT NULL THEN f.refer_after ELSE 0 END) AS refer_after
     FROM (${deliveredSessions}) d JOIN session_feedback f ON f.session_id = d.id
     GROUP BY d.period, d.level_id, d.organisation_id`,
      ['responses', 'rating_sum', 'recognise_pairs', 'recognise_before', 'recognise_after', 'refer_pairs', 'refer_before', 'refer_after'],
    ),
    params,
  );
  for (const r of feedback) {
    const facts = out.at(Number(r.period), Number(r.level_id), placeOf(r));
    facts.feedbackCount += Number(r.responses);
    facts.ratingSum += Number(r.rating_sum ?? 0);
    facts.recognisePairs += Number(r.recognise_pairs ?? 0);
    facts.recogniseBeforeSum += Number(r.recognise_before ?? 0);
    facts.recogniseAfterSum += Number(r.recognise_after ?? 0);
    facts.referPairs += Number(r.refer_pairs ?? 0);
    facts.referBeforeSum += Number(r.refer_before ?? 0);
    facts.referAfterSum += Number(r.refer_after ?? 0);
  }
  return out;
}

/** The latest comments (newest first) given on delivered sessions of the period hosted in the subtree. */
export async function feedbackComments(m: EntityManager, rootId: number, period: Period, limit: number): Promise<{ levelId: number; rating: number; comment: string }[]> {
  const rows = await sql<{ level_id: number; overall_rating: number; comments: string }>(
    m,
    `SELECT ts.level_id, f.overall_rating, f.comments
     FROM session_feedback f JOIN training_sessions ts ON ts.id = f.session_id
     WHERE ts.status = 'delivered' AND substr(ts.starts_at, 1, 10) >= $2 AND substr(ts.starts_at, 1, 10) <= $3
       AND ts.host_organisation_id IN (${subtreeIds('$1')})
       AND f.comments IS NOT NULL AND f.comments <> ''
     ORDER BY f.id DESC
     LIMIT ${Math.max(1, Math.floor(limit))}`,
    [rootId, period.start, period.end],
  );
  return rows.map((r) => ({ levelId: Number(r.level_id), rating: Number(r.overall_rating), comment: r.comments }));
}
