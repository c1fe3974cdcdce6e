import { Injectable } from '@nestjs/common';
import { Scope } from '../auth/scope';
import { LevelsService } from '../levels/levels.service';
import { BookingsService, PersonBookingView } from './bookings.service';

/**
 * Where L1 is done: the Home Office's own Prevent e-learning, which keeps no records for
 * organisations. People get a certificate; the coordinator records it (or imports the
 * learning platform's export). The one place the address is written.
 */
export const PREVENT_ELEARNING = {
  name: 'the Home Office’s Prevent duty training (e-learning)',
  url: 'https://www.support-people-vulnerable-to-radicalisation.service.gov.uk/',
  recording: 'When they finish they get a certificate: they send it to your Prevent coordinator, who records it on their training record (completions from a learning platform are imported).',
} as const;

/** Statuses that mean a person lacks the level now or soon: they need (re)training. */
const LACKING = ['expired', 'missing', 'expiring', 'pending'];

/** A level a person lacks, with where to get it: a session to book, or the e-learning. */
export interface TrainingOffer {
  levelCode: string;
  levelName: string;
  /** E-learning has no sessions: the offer is where it is done (PREVENT_ELEARNING) instead of a booking. */
  elearning: boolean;
}

type LevelStatus = { level: string; status: string } | null;

/** What a manager's pages offer for people who lack a level: their bookings, and where to book or learn. */
@Injectable()
export class BookingOffers {
  constructor(
    private readonly bookings: BookingsService,
    private readonly levels: LevelsService,
  ) {}

  /**
   * For each person (their level statuses as My team shows them): their upcoming places, and an
   * offer for each level they lack and are not already booked or waiting on a session of.
   * `known`: their upcoming places, when the caller has read them already.
   */
  async forPeople(
    scope: Scope,
    people: { id: number; levels: LevelStatus[] }[],
    known?: Map<number, PersonBookingView[]>,
  ): Promise<Map<number, { upcoming: PersonBookingView[]; offers: TrainingOffer[] }>> {
    const [upcoming, levels] = await Promise.all([known ?? this.bookings.upcomingFor(scope, people.map((p) => p.id)), this.levels.list()]);
    const byCode = new Map(levels.map((l) => [l.code, l]));
    const out = new Map<number, { upcoming: PersonBookingView[]; offers: TrainingOffer[] }>();
    for (const person of people) {
      const places = upcoming.get(person.id) ?? [];
      const offers: TrainingOffer[] = [];
      for (const cell of person.levels) {
        if (!cell || !LACKING.includes(cell.status)) continue;
        const level = byCode.get(cell.level);
        if (!level || places.some((p) => p.levelCode === level.code)) continue;
        const elearning = level.rank <= 1;
        offers.push({ levelCode: level.code, levelName: level.name, elearning });
      }
      out.set(person.id, { upcoming: places, offers });
    }
    return out;
  }

  /** The "Bookings" section of a person's record: upcoming and past places, and what to book. */
  async forRecord(scope: Scope, staffId: number, levels: LevelStatus[]) {
    const all = await this.bookings.ofPerson(scope, staffId);
    // Their places still to come, soonest first, as upcomingFor would read them again.
    const places = all.filter((b) => b.upcoming && (b.status === 'booked' || b.status === 'waiting')).reverse();
    const { offers } = (await this.forPeople(scope, [{ id: staffId, levels }], new Map([[staffId, places]]))).get(staffId) ?? { offers: [] };
    return {
      upcoming: [...all.filter((b) => b.upcoming)].reverse(),
      past: all.filter((b) => !b.upcoming),
      offers,
      elearning: offers.some((o) => o.elearning) ? PREVENT_ELEARNING : null,
    };
  }
}
