/**
 * What someone typed to name a person, as the person picker (views/partials/person-picker.hbs)
 * posts it: "Name (REF)" as the autocomplete fills it, an employee reference, an email address or
 * a name. Pure: the lookup is PeopleService.resolve.
 */
export type PersonInput =
  | { kind: 'labelled'; text: string; name: string; ref: string }
  | { kind: 'email'; text: string; email: string }
  | { kind: 'refOrName'; text: string; name: string };

/** Spaces collapsed and trimmed, so "Sam  Smith " and "Sam Smith" name the same person. */
export const tidy = (text: string) => text.replace(/\s+/g, ' ').trim();

export function parsePersonInput(raw: string): PersonInput | null {
  const text = tidy(raw);
  if (text === '') return null;
  const labelled = /^(.*?)\s*\(([^()]+)\)$/.exec(text);
  if (labelled && labelled[2].trim() !== '') return { kind: 'labelled', text, name: labelled[1].trim(), ref: labelled[2].trim() };
  if (/^[^\s@]+@[^\s@]+$/.test(text)) return { kind: 'email', text, email: text.toLowerCase() };
  return { kind: 'refOrName', text, name: text };
}

/** How the picker and the search show a person: what the autocomplete fills in, and the resolver reads back. */
export const personLabel = (p: { firstName: string; lastName: string; employeeRef: string }) => `${p.firstName} ${p.lastName} (${p.employeeRef})`;

/** The message at the input when nobody in reach matches. */
export function noOneMessage(input: PersonInput, where = 'in your organisations'): string {
  switch (input.kind) {
    case 'labelled':
      return `No one called ${input.name || input.ref} with employee reference ${input.ref} ${where}`;
    case 'email':
      return `No one with the email address ${input.text} ${where}`;
    case 'refOrName':
      return /\d/.test(input.text) && !/\s/.test(input.text)
        ? `No one with employee reference ${input.text} ${where}`
        : `No one called ${input.text} ${where}`;
  }
}

/** The message at the input when several people in reach match. */
export function severalMessage(input: PersonInput, count: number, matchedBy: 'ref' | 'name' = 'name'): string {
  if (input.kind === 'refOrName' && matchedBy === 'ref') {
    return `${count} people have employee reference ${input.text}: choose from the list or type their email address`;
  }
  switch (input.kind) {
    case 'labelled':
      return `${count} people called ${input.name || input.ref} have employee reference ${input.ref}: type their email address instead`;
    case 'email':
      return `${count} people have the email address ${input.text}: type their employee reference or choose from the list`;
    case 'refOrName':
      return `${count} people are called ${input.text}: type their employee reference or choose from the list`;
  }
}

/** Words of a search text, lower case, without LIKE's wildcards; at most four. */
export function searchWords(q: string): string[] {
  return tidy(q.toLowerCase().replace(/[%_\\]/g, ' '))
    .split(' ')
    .filter(Boolean)
    .slice(0, 4);
}
