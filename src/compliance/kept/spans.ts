/**
 * Compliance kept, not recomputed: what the rules of src/compliance/rules.ts say about one person
 * and level on every day at once, as a few spans of days (issue 14; Totara keeps certification
 * windows the same way).
 *
 * Whether a person requires a level does not depend on the date while they are in scope (rule 2
 * reads their roles and organisation as they are now), and within their time in scope what they
 * hold changes only on the dates of their completions. So per level they require, their days in
 * scope split at those dates into spans, and on every day of a span rule 4 needs only:
 * - metUntil: the first day none of the completions held by then is valid (the latest lapse
 *   among them; NEVER when one never lapses; null when they hold none);
 * - graceEnds: their start date plus the shortest grace among the requirements.
 * Then on day D with window W (kept-spans.keptCountsSql): compliant when D + W < metUntil, expiring when
 * D < metUntil <= D + W, else pending when D < graceEnds, expired when they hold something,
 * missing when not. That is rules.assess exactly: a completion dated on or before D is valid on a
 * day X >= D exactly when X is before its lapse, so "some completion held on D is valid on X" is
 * "X is before the latest lapse". The model-based test (test/kept-compliance.e2e-spec.ts) holds
 * the kept spans equal to rules.assess after every change.
 */
import { addDays, IsoDate } from '../../common/dates';
import { CompletionFact, LevelFact, lapsesOn, PersonFact, RequirementFact, requirementOf } from '../rules';

/** Later than any real date: a span that has not ended, cover that never lapses. */
export const NEVER: IsoDate = '9999-12-31';

export interface Span {
  levelRank: number;
  /** The first day of the span. */
  fromOn: IsoDate;
  /** The day after its last day (NEVER while the person has not left). */
  untilOn: IsoDate;
  metUntil: IsoDate | null;
  graceEnds: IsoDate;
}

/** The spans of one person, for every level they require: none when they require nothing or are never in scope. */
export function spansOf(person: PersonFact, completions: CompletionFact[], levels: LevelFact[], requirements: RequirementFact[]): Span[] {
  const lastDay = person.endDate;
  if (lastDay !== null && lastDay < person.startDate) return [];
  const spans: Span[] = [];
  for (const level of levels) {
    const requirement = requirementOf(person, level, requirements, person.startDate);
    if (!requirement.required) continue;
    const graceEnds = addDays(person.startDate, requirement.graceDays);
    const counting = completions
      .filter((c) => c.levelRank >= level.rank)
      .map((c) => ({ on: c.completedOn, lapse: lapsesOn(c, levels) ?? NEVER }))
      .sort((a, b) => (a.on < b.on ? -1 : a.on > b.on ? 1 : 0));
    const starts = [person.startDate, ...new Set(counting.map((c) => c.on).filter((on) => on > person.startDate && (lastDay === null || on <= lastDay)))];
    const untilLast = lastDay === null ? NEVER : addDays(lastDay, 1);
    starts.forEach((fromOn, k) => {
      let metUntil: IsoDate | null = null;
      for (const c of counting) {
        if (c.on > fromOn) break;
        if (metUntil === null || c.lapse > metUntil) metUntil = c.lapse;
      }
      spans.push({ levelRank: level.rank, fromOn, untilOn: k + 1 < starts.length ? starts[k + 1] : untilLast, metUntil, graceEnds });
    });
  }
  return spans;
}
