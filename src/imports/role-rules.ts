import type { RuleEffect, RuleField, RuleOperator } from './role-rule.entity';

/** One rule as the staff import applies it. */
export interface Rule {
  field: RuleField;
  operator: RuleOperator;
  value: string;
  roleId: number;
  effect: RuleEffect;
}

/** What the rules read about a person: HR columns, and their organisation's code and name. */
export interface HrFacts {
  job_title: string | null;
  position: string | null;
  staff_group: string | null;
  department: string | null;
  organisationCode: string;
  organisationName: string;
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();

/** Text is compared ignoring case and extra spaces; "organisation" matches on the code or the name. */
export function ruleMatches(rule: Rule, facts: HrFacts): boolean {
  const values = rule.field === 'organisation' ? [facts.organisationCode, facts.organisationName] : [facts[rule.field]];
  const wanted = norm(rule.value);
  return values.some((v) => {
    if (v === null || v === undefined || v.trim() === '') return false;
    const text = norm(v);
    if (rule.operator === 'equals') return text === wanted;
    if (rule.operator === 'contains') return text.includes(wanted);
    return text.startsWith(wanted);
  });
}

/**
 * A person's roles after the rules: the roles set by hand (on their record, or in the file's roles
 * column), plus every role an "add" rule gives, less every role a "remove" rule takes away (by
 * hand or not). Roles a rule gave before and no rule gives now are dropped: they are not in
 * `manual`. `ruleGiven` is what to remember as given by rules.
 */
export function applyRules(rules: Rule[], facts: HrFacts, manual: number[]): { roles: number[]; ruleGiven: number[] } {
  const add = new Set<number>();
  const remove = new Set<number>();
  for (const rule of rules) if (ruleMatches(rule, facts)) (rule.effect === 'remove' ? remove : add).add(rule.roleId);
  const roles = [...new Set([...manual, ...add])].filter((id) => !remove.has(id));
  const manualSet = new Set(manual);
  return { roles, ruleGiven: roles.filter((id) => add.has(id) && !manualSet.has(id)) };
}

export function sameSet(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(b);
  return a.every((id) => set.has(id));
}
