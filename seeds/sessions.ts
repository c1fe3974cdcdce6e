/**
 * WRAP workshops (L2) and train-the-trainer courses (L3). Past sessions are laid out per provider
 * and quarter from the start of the financial year two years back, and the WRAP and L3
 * completions of that period move to the nearest session (never across a validity boundary, so
 * every status on asOf stays as planned) and are linked to it. Each session gets trainers who
 * held a valid L3 on the day, a register (attended, no-shows, walk-ins) and feedback. Upcoming
 * sessions in the next three months take bookings from people who are due; some are full with a
 * waiting list, and one is cancelled.
 */
import { daysBetween, financialQuarter, quarterOf, Quarter } from '../src/common/dates';
import { Calendar, topRank, weekdayOf } from './framework';
import { FEEDBACK_COMMENTS } from './names';
import { Completions, NO_END, People, SOURCE } from './people';
import { PartnershipPlan } from './partnership';
import { Random } from './random';

export type SessionStatus = 'delivered' | 'scheduled' | 'cancelled';

export interface BookingPlan {
  person: number;
  status: 'booked' | 'waiting' | 'cancelled';
  attendance: 'attended' | 'no_show' | null;
  walkIn: boolean;
}

export interface FeedbackPlan {
  person: number | null;
  overall: number;
  recogniseBefore: number | null;
  recogniseAfter: number | null;
  referBefore: number | null;
  referAfter: number | null;
  comments: string | null;
}

export interface SessionPlan {
  rank: 2 | 3;
  day: number;
  host: number;
  capacity: number;
  status: SessionStatus;
  title: string;
  times: [string, string];
  venue: string | null;
  notes: string | null;
  externalTrainer: string | null;
  trainers: number[];
  bookings: BookingPlan[];
  feedback: FeedbackPlan[];
  token: string | null;
  feedbackClosesAt: string | null;
}

const MAX_SHIFT = 45;
const HOME_OFFICE = 'Home Office Prevent training team';

interface Slot {
  rank: 2 | 3;
  provider: number;
  day: number;
  capacity: number;
  attendees: number[];
}

export function planSessions(plan: PartnershipPlan, people: People, completions: Completions, calendar: Calendar, random: Random): SessionPlan[] {
  const asOfWeekday = weekdayOf(calendar.asOf);
  const weekday = (day: number) => (((asOfWeekday + day) % 7) + 7) % 7;
  /** Moves a day onto a Tuesday, Wednesday or Thursday inside [low, high] when there is one. */
  const midweek = (day: number, low: number, high: number): number => {
    for (const shift of [0, 1, -1, 2, -2, 3, -3]) {
      const d = day + shift;
      if (d >= low && d <= high && weekday(d) >= 1 && weekday(d) <= 3) return d;
    }
    return Math.min(high, Math.max(low, day));
  };

  // The quarters of this financial year and the two before it, up to yesterday.
  const { year } = quarterOf(calendar.asOf);
  const quarters: { start: number; end: number }[] = [];
  for (let y = year - 2; y <= year; y++) {
    for (const q of [1, 2, 3, 4] as Quarter[]) {
      const fq = financialQuarter(y, q);
      const start = daysBetween(calendar.asOf, fq.start);
      const end = Math.min(-1, daysBetween(calendar.asOf, fq.end));
      if (start <= end) quarters.push({ start, end });
    }
  }
  const eraStart = quarters[0].start;
  const quarterIndexOf = (day: number) => quarters.findIndex((q) => day >= q.start && day <= q.end);

  const providerOf = (person: number) => plan.units[people.unit[person]].provider;
  const l3ProviderOf = (person: number) => plan.units[people.unit[person]].l3Provider;

  // Bucket the period's WRAP completions by provider and quarter, L3 by provider and half-year.
  const buckets = new Map<string, { rank: 2 | 3; provider: number; start: number; end: number; completions: number[] }>();
  const l2PerProvider = new Array(plan.providers.length).fill(0);
  for (let c = 0; c < completions.count; c++) {
    const rank = completions.rank[c];
    const day = completions.day[c];
    if (rank === 1 || day < eraStart || day > -1) continue;
    const q = quarterIndexOf(day);
    const person = completions.person[c];
    if (rank === 2) l2PerProvider[providerOf(person)] += 1;
    if (rank === 3 && !random.chance(0.65)) continue;
    const provider = rank === 2 ? providerOf(person) : l3ProviderOf(person);
    const period = rank === 2 ? [q, q] : [q - (q % 2), Math.min(quarters.length - 1, q - (q % 2) + 1)];
    const key = `${rank}:${provider}:${period[0]}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { rank: rank as 2 | 3, provider, start: quarters[period[0]].start, end: quarters[period[1]].end, completions: [] };
      buckets.set(key, bucket);
    }
    bucket.completions.push(c);
  }

  // Lay out sessions across each bucket's period and move its completions to the nearest one.
  const slots: Slot[] = [];
  for (const bucket of buckets.values()) {
    const fill = bucket.rank === 2 ? 16 : 12;
    const count = Math.ceil(bucket.completions.length / fill);
    const length = bucket.end - bucket.start + 1;
    const made: Slot[] = [];
    for (let j = 0; j < count; j++) {
      const day = midweek(bucket.start + Math.floor(((j + 0.5) * length) / count) + random.int(-3, 3), bucket.start, bucket.end);
      const capacity = bucket.rank === 2 ? random.pick([16, 20, 20, 24, 30]) : random.pick([12, 16]);
      made.push({ rank: bucket.rank, provider: bucket.provider, day, capacity, attendees: [] });
    }
    for (const c of bucket.completions) {
      const person = completions.person[c];
      const rank = completions.rank[c];
      const day = completions.day[c];
      const category = calendar.category(rank, day);
      const limit = people.end[person] === NO_END ? -1 : people.end[person];
      let best: Slot | null = null;
      for (const slot of made) {
        const shift = Math.abs(slot.day - day);
        const fits =
          shift <= MAX_SHIFT &&
          slot.attendees.length < Math.floor(slot.capacity * 0.85) &&
          slot.day >= people.start[person] &&
          slot.day <= limit &&
          calendar.category(rank, slot.day) === category;
        if (fits && (!best || shift < Math.abs(best.day - day))) best = slot;
      }
      if (best) {
        best.attendees.push(c);
        completions.day[c] = best.day;
        completions.source[c] = SOURCE.session;
      }
    }
    slots.push(...made.filter((s) => s.attendees.length > 0));
  }
  for (let c = 0; c < completions.count; c++) {
    if (completions.rank[c] > 1 && completions.source[c] !== SOURCE.session) {
      completions.source[c] = random.chance(completions.rank[c] === 3 ? 0.8 : 0.4) ? SOURCE.external : SOURCE.manual;
    }
  }
  slots.sort((a, b) => a.day - b.day || a.rank - b.rank || a.provider - b.provider);

  // Who can train: people with an L3 completion, by provider, and the police Prevent team.
  const l3Days = new Map<number, number[]>();
  for (let c = 0; c < completions.count; c++) {
    if (completions.rank[c] !== 3) continue;
    const person = completions.person[c];
    const days = l3Days.get(person) ?? [];
    days.push(completions.day[c]);
    l3Days.set(person, days);
  }
  const holdersByProvider: number[][] = plan.providers.map(() => []);
  const preventTeam: number[] = [];
  for (const person of l3Days.keys()) {
    holdersByProvider[providerOf(person)].push(person);
    if (people.trainer[person]) preventTeam.push(person);
  }
  const allHolders = [...l3Days.keys()];
  const inScope = (person: number, day: number) => people.start[person] <= day && (people.end[person] === NO_END || people.end[person] >= day);
  const canTrain = (person: number, day: number) =>
    inScope(person, day) && (l3Days.get(person) ?? []).some((c) => c <= 0 && calendar.validOn(3, c, day));
  const chooseTrainers = (pools: number[][], day: number, wanted: number, exclude: Set<number>, preferEmployer: number): number[] => {
    const chosen: number[] = [];
    for (const pool of pools) {
      if (pool.length === 0) continue;
      const offset = random.int(0, pool.length - 1);
      const ordered = pool.map((_, k) => pool[(offset + k) % pool.length]);
      ordered.sort((a, b) => Number(people.employer[b] === preferEmployer) - Number(people.employer[a] === preferEmployer));
      for (const person of ordered) {
        if (chosen.length >= wanted) return chosen;
        if (!exclude.has(person) && !chosen.includes(person) && canTrain(person, day)) chosen.push(person);
      }
      if (chosen.length > 0) return chosen;
    }
    return chosen;
  };

  const providerPeople: number[][] = plan.providers.map(() => []);
  for (let p = 0; p < people.count; p++) providerPeople[providerOf(p)].push(p);

  const sessions: SessionPlan[] = [];
  const describe = (rank: 2 | 3, provider: number, schoolsL3: boolean): string =>
    rank === 3
      ? schoolsL3
        ? 'WRAP train the trainer for designated safeguarding leads'
        : 'WRAP train the trainer'
      : plan.providers[provider].key === 'schools'
        ? 'WRAP for schools and early years'
        : 'WRAP: Workshop to Raise Awareness of Prevent';
  const venueOf = (host: number) => (random.chance(0.15) ? 'Online (Microsoft Teams)' : (plan.organisations[host].venue ?? null));
  const timesOf = (rank: number): [string, string] => (rank === 3 ? ['09:30', '16:00'] : random.chance(0.6) ? ['09:30', '12:30'] : ['13:30', '16:30']);

  for (const slot of slots) {
    const attendees = slot.attendees.map((c) => completions.person[c]);
    const inSession = new Set(attendees);
    const schoolsL3 = slot.rank === 3 && slot.provider === 0;
    let host: number;
    if (slot.rank === 3) host = plan.l3Providers[slot.provider].hosts[0];
    else if (plan.providers[slot.provider].key === 'schools') host = people.employer[random.pick(attendees)];
    else host = random.pick(plan.providers[slot.provider].hosts);

    let trainers: number[] = [];
    let externalTrainer: string | null = null;
    if (slot.rank === 2) {
      const pools = [holdersByProvider[slot.provider], preventTeam, allHolders];
      trainers = chooseTrainers(pools, slot.day, random.chance(0.35) ? 2 : 1, inSession, plan.organisations[host].employer);
      if (trainers.length === 0) externalTrainer = 'Warwickshire Police Prevent team';
    } else if (random.chance(0.5)) {
      trainers = chooseTrainers([preventTeam], slot.day, 1, inSession, -1);
    }
    if (slot.rank === 3 && trainers.length === 0) externalTrainer = HOME_OFFICE;
    trainers.forEach((t) => inSession.add(t));

    const bookings: BookingPlan[] = attendees.map((person) => ({
      person,
      status: 'booked',
      attendance: 'attended',
      walkIn: random.chance(0.06),
    }));
    const booked = bookings.filter((b) => !b.walkIn).length;
    const noShows = Math.min(slot.capacity - booked, Math.round(attendees.length * random.next() * 0.2));
    const pool = slot.rank === 2 ? providerPeople[slot.provider] : allHolders;
    const extra = (count: number, status: BookingPlan['status'], attendance: BookingPlan['attendance']) => {
      for (let k = 0, tries = 0; k < count && tries < count * 10; tries++) {
        const person = random.pick(pool);
        if (inSession.has(person) || !inScope(person, slot.day)) continue;
        inSession.add(person);
        bookings.push({ person, status, attendance, walkIn: false });
        k++;
      }
    };
    extra(noShows, 'booked', 'no_show');
    if (random.chance(0.4)) extra(random.int(1, 2), 'cancelled', null);

    slot.attendees.forEach((c) => (completions.session[c] = sessions.length));
    const feedback: FeedbackPlan[] = [];
    for (const person of attendees) if (random.chance(0.6)) feedback.push(feedbackFrom(person, random));

    sessions.push({
      rank: slot.rank,
      day: slot.day,
      host,
      capacity: slot.capacity,
      status: 'delivered',
      title: describe(slot.rank, slot.provider, schoolsL3),
      times: timesOf(slot.rank),
      venue: venueOf(host),
      notes: null,
      externalTrainer,
      trainers,
      bookings,
      feedback,
      token: random.hex(32),
      feedbackClosesAt: `${calendar.isoAt(slot.day + 14)}T23:59`,
    });
  }

  // Upcoming sessions over the next three months, booked by people who are due.
  const quarterCount = Math.max(1, quarters.length);
  /** Needs the level and will not hold it 90 days from now. */
  const dueFor = (person: number, rank: number) => {
    if (people.end[person] !== NO_END || people.start[person] > 0 || people.trainer[person] || topRank(people.roles[person]) < rank) return false;
    let best = -Infinity;
    for (let c = people.completionStart[person]; c < people.completionStart[person + 1]; c++) {
      if (completions.rank[c] >= rank) best = Math.max(best, calendar.lapseOf(completions.rank[c], completions.day[c]));
    }
    return best <= 90;
  };
  const bookedAhead = new Set<number>();
  const upcoming: SessionPlan[] = [];
  plan.providers.forEach((provider, index) => {
    const perQuarter = l2PerProvider[index] / quarterCount;
    if (perQuarter < 1) return;
    const count = Math.min(8, Math.max(1, Math.round(perQuarter / 16)));
    const candidates = random.shuffle(providerPeople[index].filter((p) => dueFor(p, 2)));
    for (let j = 0; j < count; j++) {
      const day = midweek(7 + Math.floor(((j + 0.5) * 84) / count) + random.int(-2, 2), 1, 91);
      const capacity = random.pick([16, 20, 20, 24]);
      const host = random.pick(provider.hosts);
      const full = (upcoming.length + j) % 3 === 0;
      const wanted = full ? capacity + random.int(2, 5) : Math.round(capacity * (0.4 + random.next() * 0.5));
      const bookings: BookingPlan[] = [];
      while (bookings.length < wanted && candidates.length > 0) {
        const person = candidates.pop()!;
        if (bookedAhead.has(person)) continue;
        bookedAhead.add(person);
        bookings.push({ person, status: bookings.length < capacity ? 'booked' : 'waiting', attendance: null, walkIn: false });
      }
      const trainers = chooseTrainers([holdersByProvider[index], preventTeam, allHolders], day, 1, new Set(bookings.map((b) => b.person)), plan.organisations[host].employer);
      upcoming.push({
        rank: 2,
        day,
        host,
        capacity,
        status: 'scheduled',
        title: describe(2, index, false),
        times: timesOf(2),
        venue: venueOf(host),
        notes: null,
        externalTrainer: trainers.length ? null : 'Warwickshire Police Prevent team',
        trainers,
        bookings,
        feedback: [],
        token: null,
        feedbackClosesAt: null,
      });
    }
  });
  // One train-the-trainer course ahead, for leads and DSLs whose L3 is due.
  const l3Due: number[] = [];
  for (let p = 0; p < people.count; p++) if (dueFor(p, 3) && !bookedAhead.has(p)) l3Due.push(p);
  random.shuffle(l3Due).splice(12);
  const l3Host = plan.l3Providers[1].hosts[0];
  upcoming.push({
    rank: 3,
    day: midweek(45, 1, 91),
    host: l3Host,
    capacity: 12,
    status: 'scheduled',
    title: describe(3, 1, false),
    times: timesOf(3),
    venue: plan.organisations[l3Host].venue ?? null,
    notes: null,
    externalTrainer: HOME_OFFICE,
    trainers: [],
    bookings: l3Due.map((person) => ({ person, status: 'booked', attendance: null, walkIn: false })),
    feedback: [],
    token: null,
    feedbackClosesAt: null,
  });
  // The earliest upcoming WRAP is called off: its bookings are cancelled.
  const cancelled = upcoming.filter((s) => s.rank === 2).sort((a, b) => a.day - b.day)[0];
  if (cancelled) {
    cancelled.status = 'cancelled';
    cancelled.notes = 'Cancelled: the trainer is unavailable. Everyone booked has been offered a place on another session.';
    cancelled.bookings.forEach((b) => {
      b.status = 'cancelled';
    });
  }
  upcoming.sort((a, b) => a.day - b.day || a.rank - b.rank);
  return [...sessions, ...upcoming];
}

function feedbackFrom(person: number, random: Random): FeedbackPlan {
  const overall = 1 + random.weighted([1, 4, 12, 38, 45]);
  const answered = random.chance(0.9);
  const before = () => 1 + random.weighted([15, 35, 35, 12, 3]);
  const after = (b: number) => Math.min(5, b + random.int(0, 2) + (b < 3 ? 1 : 0));
  const recogniseBefore = answered ? before() : null;
  const referBefore = answered ? before() : null;
  return {
    person: random.chance(0.3) ? null : person,
    overall,
    recogniseBefore,
    recogniseAfter: recogniseBefore === null ? null : after(recogniseBefore),
    referBefore,
    referAfter: referBefore === null ? null : after(referBefore),
    comments: random.chance(0.35) ? random.pick(FEEDBACK_COMMENTS) : null,
  };
}
