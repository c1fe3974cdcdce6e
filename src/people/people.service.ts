import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager } from 'typeorm';
import { type PersonPurpose, ScopeService } from '../access/scope.service';
import { Scope } from '../auth/scope';
import { todayIso } from '../common/dates';
import { FieldError, FieldProblem } from '../common/field-error';
import { recordsOf } from '../compliance/facts';
import { levelFacts, loadFramework } from '../compliance/framework';
import { meets } from '../compliance/rules';
import { ReadsOffMainThread } from '../database/read-pool/reads-off-main-thread';
import { isPostgres, sql } from '../database/sql';
import { Staff } from '../staff/staff.entity';
import { noOneMessage, parsePersonInput, PersonInput, personLabel, searchWords, severalMessage, tidy } from './person-input';

/** The level whose valid completion qualifies a person to deliver WRAP (DOMAIN.md; sessions check it on the day). */
const TRAINER_LEVEL = 'L3';

/** The most suggestions one search answers. */
export const SEARCH_LIMIT = 20;

export interface PersonSuggestion {
  id: number;
  name: string;
  employeeRef: string;
  organisationName: string;
  /** "Name (REF)": what the autocomplete fills in and the resolver reads back. */
  label: string;
}

/** One input of a form that names a person: the field it is shown at, and what was typed. */
export interface PersonChoice {
  field: string;
  text: string;
}

/** Narrower than the purpose: only people of one employer (a manager), said as `where` in the messages. */
export interface ResolveLimits {
  employerId?: number;
  where?: string;
}

/**
 * Choosing people on forms: the search behind the person picker's autocomplete, and the one
 * resolver the services use for what was typed. Both stay inside what the scope may choose for
 * the purpose (ScopeService.choosablePredicate), so nobody outside it is suggested or resolved.
 */
@Injectable()
export class PeopleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
  ) {}

  /**
   * Up to SEARCH_LIMIT people whose first name, last name, employee reference or email starts
   * with each word typed, by name. Prefix matches only, so the indexes on those columns can serve.
   * To book, train or manage: people in post only; to train: holding a valid L3 today.
   */
  @ReadsOffMainThread()
  async search(scope: Scope, q: string, purpose: PersonPurpose = 'see', limit = SEARCH_LIMIT): Promise<PersonSuggestion[]> {
    this.scopes.assertCanSeePeople(scope);
    const parsed = parsePersonInput(q);
    const words = parsed?.kind === 'labelled' ? [] : searchWords(q);
    if (!parsed || (parsed.kind !== 'labelled' && words.length === 0)) return [];
    const qb = this.choosable(scope, purpose, this.dataSource.manager);
    if (parsed.kind === 'labelled') {
      qb.andWhere('s.employee_ref = :ref', { ref: parsed.ref });
    } else {
      const starts = startsWith(isPostgres(this.dataSource));
      words.forEach((word, i) => {
        const params = { [`w${i}`]: `${word}%`, [`w${i}lo`]: word, [`w${i}hi`]: nextPrefix(word) };
        qb.andWhere(
          new Brackets((w) =>
            w
              .where(starts('lower(s.first_name)', `w${i}`), params)
              .orWhere(starts('lower(s.last_name)', `w${i}`))
              .orWhere(starts('lower(s.employee_ref)', `w${i}`))
              .orWhere(starts('lower(s.email)', `w${i}`)),
          ),
        );
      });
    }
    let trainerRank: number | null = null;
    if (purpose === 'train') {
      trainerRank = await this.trainerRank(this.dataSource.manager);
      if (trainerRank === null) return [];
      qb.andWhere('EXISTS (SELECT 1 FROM completions pc JOIN levels pl ON pl.id = pc.level_id WHERE pc.staff_id = s.id AND pl.rank >= :trainerRank)', { trainerRank });
    }
    // A trainer must hold L3 on the day: the rules decide, over a few more candidates than are shown.
    const found = await qb.take(purpose === 'train' ? limit * 5 : limit).getMany();
    const people = purpose === 'train' ? (await this.validTrainers(this.dataSource.manager, found)).slice(0, limit) : found;
    return people.map((p) => ({
      id: p.id,
      name: `${p.firstName} ${p.lastName}`,
      employeeRef: p.employeeRef,
      organisationName: p.organisation.name,
      label: personLabel(p),
    }));
  }

  /**
   * The people these inputs name, in order (blank inputs skipped, the same person once). A unique
   * match is that person; none or several is a FieldError at that input, every bad input in one.
   */
  async resolve(scope: Scope, choices: PersonChoice[], purpose: PersonPurpose, m: EntityManager = this.dataSource.manager, limits: ResolveLimits = {}): Promise<Staff[]> {
    this.scopes.assertCanSeePeople(scope);
    const problems: FieldProblem[] = [];
    const people: Staff[] = [];
    for (const choice of choices) {
      const input = parsePersonInput(choice.text);
      if (!input) continue;
      const outcome = await this.match(scope, input, purpose, m, limits);
      if ('person' in outcome) {
        if (!people.some((p) => p.id === outcome.person.id)) people.push(outcome.person);
      } else {
        problems.push({ field: choice.field, message: outcome.problem });
      }
    }
    if (problems.length > 0) throw FieldError.all(problems);
    return people;
  }

  /** The one person an input names, or null when it is blank; a FieldError at `field` otherwise. */
  async resolveOne(scope: Scope, field: string, text: string, purpose: PersonPurpose, m: EntityManager = this.dataSource.manager, limits: ResolveLimits = {}): Promise<Staff | null> {
    const [person] = await this.resolve(scope, [{ field, text }], purpose, m, limits);
    return person ?? null;
  }

  private async match(scope: Scope, input: PersonInput, purpose: PersonPurpose, m: EntityManager, limits: ResolveLimits): Promise<{ person: Staff } | { problem: string }> {
    const where = limits.where ?? 'in your organisations';
    const one = (found: Staff[], by: 'ref' | 'name' = 'name') =>
      found.length === 1 ? { person: found[0] } : { problem: found.length === 0 ? noOneMessage(input, where) : severalMessage(input, found.length, by) };
    const choosable = () => {
      const qb = this.choosable(scope, purpose, m);
      return limits.employerId === undefined ? qb : qb.andWhere('s.employer_id = :limitEmployer', { limitEmployer: limits.employerId });
    };
    const fullName = "LOWER(s.first_name || ' ' || s.last_name) = :name";
    switch (input.kind) {
      case 'labelled': {
        const byRef = await choosable().andWhere('s.employee_ref = :ref', { ref: input.ref }).getMany();
        // "Sam Smith (Jnr)" may be a name with brackets rather than "Name (REF)".
        if (byRef.length === 0) {
          const named = await choosable().andWhere(fullName, { name: input.text.toLowerCase() }).getMany();
          if (named.length > 0) return one(named);
        }
        if (byRef.length <= 1 || !input.name) return one(byRef, 'ref');
        const named = byRef.filter((p) => tidy(`${p.firstName} ${p.lastName}`).toLowerCase() === input.name.toLowerCase());
        return one(named.length > 0 ? named : byRef, 'ref');
      }
      case 'email':
        return one(await choosable().andWhere('s.email = :email', { email: input.email }).getMany());
      case 'refOrName': {
        const byRef = await choosable().andWhere('s.employee_ref = :ref', { ref: input.text }).getMany();
        if (byRef.length > 0) return one(byRef, 'ref');
        return one(await choosable().andWhere(fullName, { name: input.name.toLowerCase() }).getMany());
      }
    }
  }

  /** People the scope may choose for the purpose, by name; those who have left only when just looking. */
  private choosable(scope: Scope, purpose: PersonPurpose, m: EntityManager) {
    const where = this.scopes.choosablePredicate(scope, 's', purpose);
    const qb = m
      .getRepository(Staff)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.organisation', 'o')
      .where(where.sql, where.params)
      .orderBy('s.last_name', 'ASC')
      .addOrderBy('s.first_name', 'ASC')
      .addOrderBy('s.id', 'ASC');
    if (purpose !== 'see') qb.andWhere('(s.end_date IS NULL OR s.end_date >= :choosableToday)', { choosableToday: todayIso() });
    // Anonymised people (src/data-protection) are never offered, whatever is typed.
    qb.andWhere('s.anonymised_at IS NULL');
    return qb;
  }

  private async trainerRank(m: EntityManager): Promise<number | null> {
    const [level] = await sql<{ rank: number }>(m, 'SELECT rank FROM levels WHERE code = $1', [TRAINER_LEVEL]);
    return level ? Number(level.rank) : null;
  }

  /** Those holding a valid L3 today, by the rules (src/compliance/rules.ts). */
  private async validTrainers(m: EntityManager, people: Staff[]): Promise<Staff[]> {
    if (people.length === 0) return [];
    const framework = await loadFramework(m);
    const levels = levelFacts(framework);
    const trainerLevel = levels.find((l) => l.code === TRAINER_LEVEL);
    if (!trainerLevel) return [];
    const records = await recordsOf(m, framework, people.map((p) => p.id));
    const today = todayIso();
    return people.filter((p) => meets(records.get(p.id)?.completions ?? [], trainerLevel, levels, today));
  }
}

/**
 * "column starts with the parameter", in the form each database's index serves (migration
 * 1763900001750): LIKE 'ab%' on PostgreSQL (text_pattern_ops), a range on SQLite, whose LIKE
 * ignores case and so cannot use an index. Parameters: name (with %), nameLo and nameHi.
 */
function startsWith(postgres: boolean) {
  return (column: string, param: string) => (postgres ? `${column} LIKE :${param}` : `(${column} >= :${param}lo AND ${column} < :${param}hi)`);
}

/** The least text after every text starting with `prefix` (its last character moved on by one). */
function nextPrefix(prefix: string): string {
  const chars = [...prefix];
  const last = chars.pop()!;
  return chars.join('') + String.fromCodePoint(last.codePointAt(0)! + 1);
}
