/**
 * What the reminder and digest jobs read, for everyone at once (a few statements whatever the
 * size): people's facts from src/compliance/facts.ts with their assessments from the pure rules,
 * the sessions open for booking, and who already has a place. No rule is repeated here.
 */
import type { EntityManager } from 'typeorm';
import { organisationPathsUnder } from '../access/organisation-tree';
import { subtreeIds } from '../access/subtree';
import type { IsoDate } from '../common/dates';
import { sql } from '../database/sql';
import { factsOfSubtree, type PersonFacts } from '../compliance/facts';
import { type Framework, levelFacts, loadFramework, requirementFacts } from '../compliance/framework';
import { assess, type Assessment, DEFAULT_WINDOW_DAYS } from '../compliance/rules';
import { bookingCounts } from '../sessions/sessions.service';

export interface PersonToRemind extends PersonFacts {
  email: string | null;
  firstName: string;
  lastName: string;
  managerId: number | null;
  organisationName: string;
  /** One per framework level (framework order): the rules' assessment on the day, null where not required. */
  assessments: (Assessment | null)[];
}

export interface UpcomingSession {
  id: number;
  levelId: number;
  title: string;
  startsAt: string;
  venue: string | null;
  hostOrganisationId: number;
  placesLeft: number;
}

export interface Place {
  staffId: number;
  levelId: number;
  title: string;
  startsAt: string;
}

export interface ReminderFacts {
  framework: Framework;
  people: PersonToRemind[];
  /** Organisation id -> ids from the top of the tree down to it. */
  paths: Map<number, number[]>;
  /** Scheduled sessions from now, soonest first. */
  sessions: UpcomingSession[];
  /** Staff id -> their places (booked, not waiting) on scheduled sessions from now. */
  places: Map<number, Place[]>;
}

/**
 * Everyone (or, with `emailOnly`, only people with an email address) assessed on `today` by the
 * rules, with the upcoming sessions and places. `nowLocal` is the local date-time sessions start after.
 */
export async function loadReminderFacts(m: EntityManager, today: IsoDate, nowLocal: string, emailOnly: boolean): Promise<ReminderFacts> {
  const framework = await loadFramework(m);
  const levels = levelFacts(framework);
  const requirements = requirementFacts(framework);
  const roots = (await sql<{ id: number }>(m, 'SELECT id FROM organisations WHERE parent_id IS NULL ORDER BY id')).map((r) => Number(r.id));
  const withEmail = emailOnly ? `AND s.email IS NOT NULL AND s.email LIKE '%@%'` : '';
  const people: PersonToRemind[] = [];
  const paths = new Map<number, number[]>();
  for (const root of roots) {
    const facts = await factsOfSubtree(m, root, withEmail);
    for (const [id, path] of await organisationPathsUnder(m, root)) paths.set(id, path);
    const details = new Map(
      (
        await sql<{ id: number; email: string | null; first_name: string; last_name: string; manager_id: number | null; name: string }>(
          m,
          `SELECT s.id, s.email, s.first_name, s.last_name, s.manager_id, o.name FROM staff s JOIN organisations o ON o.id = s.organisation_id
           WHERE s.organisation_id IN (${subtreeIds('$1')}) ${withEmail}`,
          [root],
        )
      ).map((d) => [Number(d.id), d]),
    );
    for (const f of facts) {
      const d = details.get(f.id);
      if (!d) continue;
      people.push({
        ...f,
        email: d.email,
        firstName: d.first_name,
        lastName: d.last_name,
        managerId: d.manager_id === null ? null : Number(d.manager_id),
        organisationName: d.name,
        assessments: levels.map((level) => assess(f.fact, f.completions, level, levels, requirements, today, DEFAULT_WINDOW_DAYS)),
      });
    }
  }
  const rows = await sql<{ id: number; level_id: number; title: string; starts_at: string; venue: string | null; host_organisation_id: number; capacity: number }>(
    m,
    `SELECT id, level_id, title, starts_at, venue, host_organisation_id, capacity FROM training_sessions
     WHERE status = 'scheduled' AND starts_at >= $1 ORDER BY starts_at, id`,
    [nowLocal],
  );
  const counts = await bookingCounts(m, rows.map((r) => Number(r.id)));
  const sessions = rows.map((r) => ({
    id: Number(r.id),
    levelId: Number(r.level_id),
    title: r.title,
    startsAt: r.starts_at,
    venue: r.venue,
    hostOrganisationId: Number(r.host_organisation_id),
    placesLeft: Number(r.capacity) - (counts.get(Number(r.id))?.booked ?? 0),
  }));
  const places = new Map<number, Place[]>();
  for (const b of await sql<{ staff_id: number; level_id: number; title: string; starts_at: string }>(
    m,
    `SELECT b.staff_id, ts.level_id, ts.title, ts.starts_at FROM bookings b JOIN training_sessions ts ON ts.id = b.session_id
     WHERE b.status = 'booked' AND ts.status = 'scheduled' AND ts.starts_at >= $1 ORDER BY ts.starts_at, ts.id`,
    [nowLocal],
  )) {
    const id = Number(b.staff_id);
    places.set(id, [...(places.get(id) ?? []), { staffId: id, levelId: Number(b.level_id), title: b.title, startsAt: b.starts_at }]);
  }
  return { framework, people, paths, sessions, places };
}

/**
 * Whether a session is open to a person for booking, as ScopeService.sessionPredicate decides for
 * them ('book'): hosted by their own organisation, one above it, or one below it.
 */
export function isOpenTo(session: UpcomingSession, organisationId: number, paths: Map<number, number[]>): boolean {
  return (paths.get(organisationId) ?? [organisationId]).includes(session.hostOrganisationId) || (paths.get(session.hostOrganisationId) ?? []).includes(organisationId);
}
