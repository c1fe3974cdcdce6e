import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { addDays, daysBetween, formatUkDate, type IsoDate, todayIso } from '../common/dates';
import { inScope } from '../compliance/rules';
import { AppConfig } from '../config/app-config';
import { sql } from '../database/sql';
import { dateOf, nowLocal } from '../sessions/session-times';
import { letter } from './message-words';
import { enqueueMany } from './outbox-batch';
import { loadReminderFacts, type PersonToRemind, type ReminderFacts } from './reminder-facts';

/** The Monday of the week a date is in: a digest's week. */
export function weekOf(d: IsoDate): IsoDate {
  const day = new Date(`${d}T12:00:00Z`).getUTCDay();
  return addDays(d, -((day + 6) % 7));
}

export interface DigestLines {
  overdue: string[];
  expiring: string[];
  booked: string[];
}

/**
 * The managers' weekly digest: to each manager (a person others report to, or a person linked to
 * an account with the manager role), their own people as My team finds them (everyone below them
 * in the manager chain, in post) who are overdue, whose training runs out within the rules'
 * look-ahead, and who have a place booked. Names, levels and dates only; once per manager and week.
 */
@Injectable()
export class ManagerDigests {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async run(now = new Date()): Promise<number> {
    const today = todayIso(this.config.TIME_ZONE, now);
    const week = weekOf(today);
    const facts = await loadReminderFacts(this.dataSource.manager, today, nowLocal(this.config.TIME_ZONE, now), false);
    const byId = new Map(facts.people.map((p) => [p.id, p]));
    // Their people: every person below them in the manager chain (a loop in the chain stops at the person met again).
    const team = new Map<number, PersonToRemind[]>();
    for (const person of facts.people) {
      const seen = new Set([person.id]);
      for (let up = person.managerId; up !== null && !seen.has(up); up = byId.get(up)?.managerId ?? null) {
        seen.add(up);
        team.set(up, [...(team.get(up) ?? []), person]);
      }
    }
    const accountEmail = new Map(
      (await sql<{ staff_id: number; email: string }>(this.dataSource, `SELECT staff_id, email FROM users WHERE role = 'manager' AND staff_id IS NOT NULL`)).map((u) => [
        Number(u.staff_id),
        u.email,
      ]),
    );
    const messages: Parameters<typeof enqueueMany>[1] = [];
    for (const [managerId, people] of team) {
      const manager = byId.get(managerId);
      const to = manager?.email?.includes('@') ? manager.email : accountEmail.get(managerId);
      if (!manager || !to || !inScope(manager.fact, today)) continue;
      const lines = digestLines(people, facts, today);
      if (lines.overdue.length + lines.expiring.length + lines.booked.length === 0) continue;
      messages.push({
        to,
        key: `manager-digest:${managerId}:${week}`,
        kind: 'manager-digest',
        personId: managerId,
        organisationId: manager.organisationId,
        subject: `Your team’s Prevent training: week of ${formatUkDate(week)}`,
        text: letter(
          manager.firstName,
          [
            `This is the Prevent training of the people who report to you, on ${formatUkDate(today)}.`,
            lines.overdue.length ? [`Overdue (${lines.overdue.length}):`, ...lines.overdue] : 'Nobody is overdue.',
            lines.expiring.length ? [`Running out soon (${lines.expiring.length}):`, ...lines.expiring] : null,
            lines.booked.length ? [`Booked on a session (${lines.booked.length}):`, ...lines.booked] : null,
            `See everyone on My team: ${this.config.PUBLIC_URL}/my-team`,
          ],
          `Prevent training, ${manager.organisationName}`,
        ),
      });
    }
    return this.dataSource.transaction((m) => enqueueMany(m, messages, now));
  }
}

/** A manager's people in the digest's three lists: name, level and date, soonest first. */
export function digestLines(people: PersonToRemind[], facts: ReminderFacts, today: IsoDate): DigestLines {
  const levels = facts.framework.levels;
  const overdue: [string, string][] = [];
  const expiring: [string, string][] = [];
  const booked: [string, string][] = [];
  for (const p of people.filter((person) => inScope(person.fact, today))) {
    const name = `${p.firstName} ${p.lastName}`;
    // Highest level first: a lower level due the same day is covered by the same training, so not listed again.
    const listed = new Set<string>();
    [...p.assessments.entries()].reverse().forEach(([i, a]) => {
      if (!a || listed.has(`${a.status}:${a.dueOn}`)) return;
      listed.add(`${a.status}:${a.dueOn}`);
      const level = `${levels[i].name} (${levels[i].code})`;
      if (a.status === 'expired') overdue.push([a.dueOn ?? '', `- ${name}: ${level}, ran out on ${formatUkDate(a.dueOn)}`]);
      if (a.status === 'missing') overdue.push([a.dueOn ?? '', `- ${name}: ${level}, due on ${formatUkDate(a.dueOn)}, not done`]);
      if (a.status === 'expiring' && a.dueOn) expiring.push([a.dueOn, `- ${name}: ${level}, runs out on ${formatUkDate(a.dueOn)} (in ${daysBetween(today, a.dueOn)} days)`]);
    });
    for (const place of facts.places.get(p.id) ?? []) {
      booked.push([place.startsAt, `- ${name}: ${place.title}, ${formatUkDate(dateOf(place.startsAt))}`]);
    }
  }
  const sorted = (rows: [string, string][]) => rows.sort((a, b) => a[0].localeCompare(b[0]) || a[1].localeCompare(b[1])).map((r) => r[1]);
  return { overdue: sorted(overdue), expiring: sorted(expiring), booked: sorted(booked) };
}
