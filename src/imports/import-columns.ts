export const IMPORT_KINDS = ['staff', 'completions'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export const STAFF_FIELDS = [
  'employee_ref',
  'first_name',
  'last_name',
  'email',
  'organisation_code',
  'organisation_name',
  'roles',
  'manager_employee_ref',
  'start_date',
  'end_date',
  'status',
  'job_title',
  'position',
  'staff_group',
  'department',
] as const;
export const COMPLETION_FIELDS = [
  'employee_ref',
  'email',
  'course_name',
  'level_code',
  'completed_on',
  'status',
  'organisation_code',
  'organisation_name',
  'evidence',
] as const;
export type ImportField = (typeof STAFF_FIELDS)[number] | (typeof COMPLETION_FIELDS)[number];

export const FIELDS: Record<ImportKind, readonly ImportField[]> = { staff: STAFF_FIELDS, completions: COMPLETION_FIELDS };

/** Columns a file must have; a group of several means "at least one of these". */
export function requiredColumns(kind: ImportKind, organisationGiven: boolean, courseGiven = false): ImportField[][] {
  if (kind === 'staff') {
    const required: ImportField[][] = [['employee_ref'], ['first_name'], ['last_name'], ['start_date']];
    if (!organisationGiven) required.splice(3, 0, ['organisation_code', 'organisation_name']);
    return required;
  }
  return courseGiven ? [['employee_ref', 'email'], ['completed_on']] : [['employee_ref', 'email'], ['course_name', 'level_code'], ['completed_on']];
}

/** Other names HR systems and learning platforms commonly use, already in normalised form. */
const ALIASES: Record<string, ImportField> = {
  employee_reference: 'employee_ref',
  employee_number: 'employee_ref',
  employee_no: 'employee_ref',
  employee_id: 'employee_ref',
  staff_ref: 'employee_ref',
  staff_number: 'employee_ref',
  forename: 'first_name',
  firstname: 'first_name',
  given_name: 'first_name',
  surname: 'last_name',
  lastname: 'last_name',
  family_name: 'last_name',
  email_address: 'email',
  e_mail: 'email',
  // ESR and most HR systems write unit names here, not codes: read as names (see the organisation names step).
  organisation: 'organisation_name',
  organization: 'organisation_name',
  organisation_unit: 'organisation_name',
  org_name: 'organisation_name',
  unit: 'organisation_name',
  organization_code: 'organisation_code',
  org_code: 'organisation_code',
  id_number: 'employee_ref',
  payroll_number: 'employee_ref',
  job_role: 'job_title',
  jobtitle: 'job_title',
  position_title: 'position',
  position_name: 'position',
  post_title: 'position',
  dept: 'department',
  department_name: 'department',
  employee_status: 'status',
  employment_status: 'status',
  assignment_status: 'status',
  completion_status: 'status',
  course_status: 'status',
  hire_date: 'start_date',
  date_started: 'start_date',
  termination_date: 'end_date',
  leave_date: 'end_date',
  date_left: 'end_date',
  manager_employee_number: 'manager_employee_ref',
  line_manager: 'manager_employee_ref',
  course_full_name: 'course_name',
  course_fullname: 'course_name',
  time_completed: 'completed_on',
  date_of_completion: 'completed_on',
  role_codes: 'roles',
  manager_ref: 'manager_employee_ref',
  line_manager_ref: 'manager_employee_ref',
  start: 'start_date',
  started_on: 'start_date',
  end: 'end_date',
  leaving_date: 'end_date',
  left_on: 'end_date',
  course: 'course_name',
  course_title: 'course_name',
  level: 'level_code',
  completion_date: 'completed_on',
  date_completed: 'completed_on',
};

/** Header text compared loosely: case, spaces, dashes and dots do not matter ("Employee Ref" = employee_ref). */
export function normaliseHeader(header: string): string {
  return header
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** A mapping from a file's own header to one of our fields; an empty target means "ignore this column". */
export type HeaderMapping = Record<string, string>;

/** How a column was matched: our name or an alias, the mapping sent, the one remembered, or the known source's. */
export type MatchHow = 'name' | 'mapping' | 'remembered' | 'source';

export interface ColumnMatch {
  /** Column index of each field found. */
  index: Partial<Record<ImportField, number>>;
  recognised: { header: string; field: ImportField; how: MatchHow }[];
  unrecognised: string[];
  /** Required fields (or groups, joined with " or ") the file lacks. */
  missing: string[];
  /** Problems with the header row itself (a field given twice). */
  problems: { column: string; reason: string }[];
}

/**
 * Matches a header row to the fields of an import: first the mapping given with this upload, then
 * the mapping remembered for the organisation, then our names and their common aliases.
 */
export function matchColumns(
  kind: ImportKind,
  headers: string[],
  organisationGiven: boolean,
  mapping: HeaderMapping = {},
  remembered: HeaderMapping = {},
  sourceMapping: HeaderMapping = {},
  courseGiven = false,
): ColumnMatch {
  const fields = new Set<string>(FIELDS[kind]);
  const given = normaliseKeys(mapping);
  const saved = normaliseKeys(remembered);
  const proposed = normaliseKeys(sourceMapping);
  const match: ColumnMatch = { index: {}, recognised: [], unrecognised: [], missing: [], problems: [] };
  headers.forEach((raw, i) => {
    const header = String(raw ?? '').replace(/^\uFEFF/, '').trim();
    const key = normaliseHeader(header);
    if (key === '') return;
    let field: string | undefined;
    let how: MatchHow = 'name';
    if (key in given) [field, how] = [given[key], 'mapping'];
    else if (key in saved && (saved[key] === '' || fields.has(saved[key]))) [field, how] = [saved[key], 'remembered'];
    else if (key in proposed && (proposed[key] === '' || fields.has(proposed[key]))) [field, how] = [proposed[key], 'source'];
    else if (fields.has(key)) field = key;
    else if (ALIASES[key] && fields.has(ALIASES[key])) field = ALIASES[key];
    if (field === '' || field === undefined) {
      match.unrecognised.push(header);
      return;
    }
    const f = field as ImportField;
    if (match.index[f] !== undefined) {
      match.problems.push({ column: header, reason: `more than one column is ${f}: keep one, or map the other to nothing` });
      return;
    }
    match.index[f] = i;
    match.recognised.push({ header, field: f, how });
  });
  for (const group of requiredColumns(kind, organisationGiven, courseGiven)) {
    if (!group.some((f) => match.index[f] !== undefined)) match.missing.push(group.join(' or '));
  }
  return match;
}

/** Checks a mapping sent with an upload: each target must be a field of this kind of import (or empty). */
export function invalidMappingTargets(kind: ImportKind, mapping: HeaderMapping): string[] {
  const fields = new Set<string>(FIELDS[kind]);
  return Object.values(mapping).filter((target) => target !== '' && !fields.has(target));
}

function normaliseKeys(mapping: HeaderMapping): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [header, field] of Object.entries(mapping)) {
    const key = normaliseHeader(header);
    if (key !== '') out[key] = field;
  }
  return out;
}
