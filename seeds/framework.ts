/**
 * The demo partnership's roles and requirements (Warwickshire action plan, Figure 2), and a
 * calendar of day offsets from the "as of" date so that generating a quarter of a million
 * completions never formats or compares a date twice.
 */
import { addDays, addMonths, daysBetween, IsoDate } from '../src/common/dates';

/** Roles as bits of a mask, so a person's roles fit in one small number. */
export const ROLE = {
  ALL: 1,
  FRONTLINE: 2,
  GOVERNOR: 4,
  COMMUNITY_LEADER: 8,
  DSL: 16,
  PREVENT_LEAD: 32,
  ELECTED_MEMBER: 64,
} as const;
export type RoleCode = keyof typeof ROLE;

export interface RoleDefinition {
  code: RoleCode;
  name: string;
  description: string;
  /** Rank of the level the role requires, and the grace period for new starters. */
  rank: 1 | 2 | 3;
  graceDays: number;
}

export const ROLES: RoleDefinition[] = [
  { code: 'ALL', name: 'All staff', description: 'Everyone working for a specified authority, including commissioned services.', rank: 1, graceDays: 90 },
  { code: 'FRONTLINE', name: 'Frontline care and support', description: 'Frontline workers in a care or support role.', rank: 2, graceDays: 180 },
  { code: 'GOVERNOR', name: 'School governor', description: 'Governors of maintained schools and academies.', rank: 2, graceDays: 180 },
  { code: 'COMMUNITY_LEADER', name: 'Community leader', description: 'Faith and community leaders working with the partnership.', rank: 2, graceDays: 180 },
  { code: 'DSL', name: 'Designated safeguarding lead', description: 'Designated safeguarding leads, who deliver WRAP to their staff.', rank: 3, graceDays: 365 },
  { code: 'PREVENT_LEAD', name: 'Organisational Prevent lead', description: 'The named Prevent lead of a specified authority.', rank: 3, graceDays: 365 },
  { code: 'ELECTED_MEMBER', name: 'Elected member', description: 'County, district and borough councillors.', rank: 1, graceDays: 90 },
];

/** The highest level rank any of the roles requires (0: none). */
export function topRank(mask: number): number {
  let top = 0;
  for (const role of ROLES) if (mask & ROLE[role.code] && role.rank > top) top = role.rank;
  return top;
}

/** Rule 2's grace: the shortest among the person's requirements at the rank or above. */
export function graceFor(mask: number, rank: number): number {
  let grace = Infinity;
  for (const role of ROLES) if (mask & ROLE[role.code] && role.rank >= rank && role.graceDays < grace) grace = role.graceDays;
  return grace;
}

export const NEVER = 1_000_000;

/**
 * Day offsets from `asOf` (0 is asOf, -1 the day before) between `from` and `to`, with each
 * offset's ISO date and, per level rank, the offset on which a completion made that day lapses.
 */
export class Calendar {
  private readonly iso: string[] = [];
  private readonly lapses: Int32Array[] = [];
  /** Per rank: the first completion day still valid on asOf, and still valid on asOf + 90. */
  readonly validOnAsOf: number[] = [];
  readonly validAtWindowEnd: number[] = [];

  constructor(
    readonly asOf: IsoDate,
    readonly from: number,
    readonly to: number,
    validityByRank: (number | null)[],
    windowDays = 90,
  ) {
    for (let o = from; o <= to; o++) this.iso.push(addDays(asOf, o));
    const byMonths = new Map<number | null, Int32Array>();
    validityByRank.forEach((months, rank) => {
      const known = byMonths.get(months);
      if (known) {
        this.lapses[rank] = known;
        this.validOnAsOf[rank] = this.firstWithLapseAfter(rank, 0);
        this.validAtWindowEnd[rank] = this.firstWithLapseAfter(rank, windowDays);
        return;
      }
      const lapse = new Int32Array(to - from + 1);
      byMonths.set(months, lapse);
      for (let o = from; o <= to; o++) {
        lapse[o - from] = months === null ? NEVER : daysBetween(asOf, addMonths(this.iso[o - from], months));
      }
      this.lapses[rank] = lapse;
      this.validOnAsOf[rank] = this.firstWithLapseAfter(rank, 0);
      this.validAtWindowEnd[rank] = this.firstWithLapseAfter(rank, windowDays);
    });
  }

  isoAt(offset: number): IsoDate {
    const s = this.iso[offset - this.from];
    if (s === undefined) throw new RangeError(`day ${offset} is outside the generated calendar`);
    return s;
  }

  lapseOf(rank: number, completedOn: number): number {
    return this.lapses[rank][completedOn - this.from];
  }

  /** 0: lapsed by asOf; 1: valid on asOf but not at the window's end; 2: valid at both. */
  category(rank: number, completedOn: number): number {
    if (completedOn < this.validOnAsOf[rank]) return 0;
    return completedOn < this.validAtWindowEnd[rank] ? 1 : 2;
  }

  validOn(rank: number, completedOn: number, day: number): boolean {
    return completedOn <= day && day < this.lapseOf(rank, completedOn);
  }

  private firstWithLapseAfter(rank: number, day: number): number {
    const lapse = this.lapses[rank];
    for (let i = 0; i < lapse.length; i++) if (lapse[i] > day) return this.from + i;
    return this.to + 1;
  }
}

/** Monday = 0 ... Sunday = 6, counted from a Monday so that no time zone is involved. */
export function weekdayOf(iso: IsoDate): number {
  return (((daysBetween('2024-01-01', iso) % 7) + 7) % 7);
}
