import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { daysBetween, formatUkDate, type IsoDate, todayIso } from '../common/dates';
import type { FrameworkLevel } from '../compliance/framework';
import type { Assessment } from '../compliance/rules';
import { AppConfig } from '../config/app-config';
import { PREVENT_ELEARNING } from '../sessions/booking-offers';
import { dateOf, nowLocal, timeOf } from '../sessions/session-times';
import { clockTime, letter } from './message-words';
import { enqueueMany } from './outbox-batch';
import { isOpenTo, loadReminderFacts, type PersonToRemind, type ReminderFacts } from './reminder-facts';

/** What a person is told about one level: it runs out in `offset` days or fewer, it ran out, it was never done, or a new starter's due date. */
export type ReminderKind = 'due' | 'lapsed' | 'missing' | 'new-starter';

export interface ReminderEvent {
  kind: ReminderKind;
  level: FrameworkLevel;
  dueOn: IsoDate;
  /** For 'due': the reminder's offset (days before dueOn); 0 otherwise. */
  offset: number;
  /** Lower levels the same training covers, due the same day (one message names the highest). */
  alsoCovers: FrameworkLevel[];
}

/** REMINDER_DAYS ("60,14") as distinct whole days, smallest first. */
export function reminderOffsets(setting: string): number[] {
  return [...new Set(setting.split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0))].sort((a, b) => a - b);
}

/**
 * The reminders a person is due on `today`, from the rules' assessments (one per framework level):
 * - compliant or expiring, running out in d days: 'due' at the smallest offset >= d (so a reminder
 *   missed at 60 days is not sent late once the 14-day one applies);
 * - expired: 'lapsed' on the day it ran out; missing (the grace period is over, never done): 'missing';
 * - pending (a new starter in their grace period): 'new-starter' with the due date.
 * Levels are cumulative, so where several levels have the same kind and date only the highest is
 * named (its training covers the lower ones).
 */
export function remindersFor(assessments: (Assessment | null)[], levels: FrameworkLevel[], today: IsoDate, offsets: number[]): ReminderEvent[] {
  const events: ReminderEvent[] = [];
  assessments.forEach((a, i) => {
    if (!a || !a.dueOn) return;
    const level = levels[i];
    if (a.status === 'compliant' || a.status === 'expiring') {
      const daysLeft = daysBetween(today, a.dueOn);
      const offset = [...offsets].sort((x, y) => x - y).find((o) => daysLeft > 0 && daysLeft <= o);
      if (offset !== undefined) events.push({ kind: 'due', level, dueOn: a.dueOn, offset, alsoCovers: [] });
    } else if (a.status === 'expired') events.push({ kind: 'lapsed', level, dueOn: a.dueOn, offset: 0, alsoCovers: [] });
    else if (a.status === 'missing') events.push({ kind: 'missing', level, dueOn: a.dueOn, offset: 0, alsoCovers: [] });
    else if (a.status === 'pending') events.push({ kind: 'new-starter', level, dueOn: a.dueOn, offset: 0, alsoCovers: [] });
  });
  const highest = new Map<string, ReminderEvent>();
  for (const e of [...events].sort((a, b) => b.level.rank - a.level.rank)) {
    const same = highest.get(`${e.kind}:${e.dueOn}`);
    if (same) same.alsoCovers.push(e.level);
    else highest.set(`${e.kind}:${e.dueOn}`, e);
  }
  return [...highest.values()].sort((a, b) => a.level.rank - b.level.rank);
}

/** The message key: never twice for the same person, level, due date and offset. */
export function reminderKey(personId: number, e: ReminderEvent): string {
  return `reminder:${e.kind}:${personId}:${e.level.code}:${e.dueOn}:${e.offset}`;
}

const SESSIONS_LISTED = 3;

/**
 * Reminders of training due and overdue (statutory: sent whatever a person chose about optional
 * messages), written into the outbox for everyone with an email address, once per person, level,
 * due date and offset. Run daily by the scheduler (NotificationsModule).
 */
@Injectable()
export class Reminders {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Writes the reminders due today; answers how many were new. */
  async run(now = new Date()): Promise<number> {
    const today = todayIso(this.config.TIME_ZONE, now);
    const offsets = reminderOffsets(this.config.REMINDER_DAYS);
    const facts = await loadReminderFacts(this.dataSource.manager, today, nowLocal(this.config.TIME_ZONE, now), true);
    const messages: Parameters<typeof enqueueMany>[1] = [];
    for (const person of facts.people) {
      for (const event of remindersFor(person.assessments, facts.framework.levels, today, offsets)) {
        messages.push({
          to: person.email!,
          key: reminderKey(person.id, event),
          kind: `reminder-${event.kind}`,
          personId: person.id,
          organisationId: person.organisationId,
          ...this.words(person, event, facts),
        });
      }
    }
    return this.dataSource.transaction((m) => enqueueMany(m, messages, now));
  }

  /** The subject and text of one reminder, in the person's own terms: the level's name, the date, how to do it. */
  words(person: PersonToRemind, e: ReminderEvent, facts: ReminderFacts): { subject: string; text: string } {
    const name = `${e.level.name} (${e.level.code})`;
    const date = formatUkDate(e.dueOn);
    const myTraining = `${this.config.PUBLIC_URL}/my-training`;
    const subject = {
      due: `Your ${e.level.name} runs out on ${date}`,
      lapsed: `Your ${e.level.name} ran out on ${date}`,
      missing: `Your ${e.level.name} was due on ${date}`,
      'new-starter': `Your ${e.level.name} is due by ${date}`,
    }[e.kind];
    const first = {
      due: `Your ${name} runs out on ${date}. ${person.organisationName} needs you to have it, so do it again before then.`,
      lapsed: `Your ${name} ran out on ${date}. ${person.organisationName} needs you to have it, so do it again as soon as you can.`,
      missing: `You needed to do ${name} by ${date}. ${person.organisationName} needs you to have it, so do it as soon as you can.`,
      'new-starter': `As you are new at ${person.organisationName}, you need to do ${name} by ${date}.`,
    }[e.kind];
    const covers = e.alsoCovers.length ? `It also counts for ${e.alsoCovers.map((l) => `${l.name} (${l.code})`).join(' and ')}.` : null;
    return {
      subject,
      text: letter(
        person.firstName,
        [
          first,
          covers,
          ...this.howToGetIt(person, e, facts),
          `See your training record, book a place or send a certificate of training done elsewhere on My training: ${myTraining}`,
          'We send these reminders because your organisation requires this training, so they cannot be turned off.',
        ],
        `Prevent training, ${person.organisationName}`,
      ),
    };
  }

  /** A place already booked, the next sessions open to them, or, for the first level, where the e-learning is. */
  private howToGetIt(person: PersonToRemind, e: ReminderEvent, facts: ReminderFacts): (string | string[])[] {
    const higher = new Set(facts.framework.levels.filter((l) => l.rank >= e.level.rank).map((l) => l.id));
    const place = (facts.places.get(person.id) ?? []).find((p) => higher.has(p.levelId));
    if (place) return [`You have a place on ${place.title} on ${formatUkDate(dateOf(place.startsAt))} at ${clockTime(timeOf(place.startsAt))}.`];
    if (e.level.rank <= 1) {
      return [`You can do it online: ${PREVENT_ELEARNING.name}, at ${PREVENT_ELEARNING.url}`, 'When you finish you get a certificate. Send it to us from My training so we can record it.'];
    }
    const open = facts.sessions
      .filter((s) => s.levelId === e.level.id && s.placesLeft > 0 && isOpenTo(s, person.organisationId, facts.paths))
      .slice(0, SESSIONS_LISTED);
    if (open.length === 0) return ['There are no sessions open to you at the moment. Ask your manager or your Prevent coordinator when the next one is.'];
    return [
      ['Sessions you can book:', ...open.map((s) => `- ${s.title}, ${formatUkDate(dateOf(s.startsAt))} at ${clockTime(timeOf(s.startsAt))}${s.venue ? `, ${s.venue}` : ''}`)],
    ];
  }
}
