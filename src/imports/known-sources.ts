import { HeaderMapping, ImportKind, normaliseHeader } from './import-columns';

/** An export the tracker recognises from its headers, with the mapping it proposes. */
export interface KnownSource {
  id: string;
  name: string;
  kind: ImportKind;
  /** Normalised headers, groups of alternatives: every group must be present. */
  signature: string[][];
  /** Normalised header -> our field; applied after a mapping sent or remembered, before our own names. */
  mapping: HeaderMapping;
}

export const KNOWN_SOURCES: KnownSource[] = [
  {
    id: 'moodle',
    name: 'Moodle course completion download',
    kind: 'completions',
    signature: [['email_address', 'id_number'], ['course_complete', 'completion_status', 'time_completed']],
    mapping: {
      id_number: 'employee_ref',
      email_address: 'email',
      course_complete: 'completed_on',
      time_completed: 'completed_on',
      completion_status: 'status',
      course_full_name: 'course_name',
      course: 'course_name',
    },
  },
  {
    id: 'totara',
    name: 'Totara report builder export',
    kind: 'completions',
    signature: [['user_id_number', 'user_s_id_number', 'user_s_email', 'user_email'], ['completion_status', 'certification_status', 'status']],
    mapping: {
      user_id_number: 'employee_ref',
      user_s_id_number: 'employee_ref',
      user_s_email: 'email',
      user_email: 'email',
      course_name: 'course_name',
      course_fullname: 'course_name',
      certification_name: 'course_name',
      program_name: 'course_name',
      completion_status: 'status',
      certification_status: 'status',
      date_completed: 'completed_on',
      completion_date: 'completed_on',
      date_certified: 'completed_on',
      user_s_organisation_name: 'organisation_name',
    },
  },
  {
    id: 'esr',
    name: 'ESR (NHS Electronic Staff Record) staff extract',
    kind: 'staff',
    signature: [['employee_number', 'assignment_number'], ['staff_group', 'position_title', 'job_role', 'organisation']],
    mapping: {
      employee_number: 'employee_ref',
      first_name: 'first_name',
      last_name: 'last_name',
      email_address: 'email',
      organisation: 'organisation_name',
      position_title: 'position',
      job_role: 'job_title',
      staff_group: 'staff_group',
      assignment_status: 'status',
      latest_start_date: 'start_date',
      assignment_start_date: 'start_date',
      hire_date: 'start_date',
      termination_date: 'end_date',
      assignment_end_date: 'end_date',
      supervisor_employee_number: 'manager_employee_ref',
    },
  },
  {
    id: 'itrent',
    name: 'iTrent people report',
    kind: 'staff',
    signature: [['person_reference', 'personal_reference', 'person_number'], ['forename', 'known_as', 'first_name']],
    mapping: {
      person_reference: 'employee_ref',
      personal_reference: 'employee_ref',
      person_number: 'employee_ref',
      forename: 'first_name',
      surname: 'last_name',
      work_email: 'email',
      job_title: 'job_title',
      post_title: 'position',
      department: 'department',
      unit: 'organisation_name',
      continuous_service_date: 'start_date',
      post_start_date: 'start_date',
      leaving_date: 'end_date',
      line_manager_reference: 'manager_employee_ref',
      line_manager_person_reference: 'manager_employee_ref',
    },
  },
  {
    id: 'successfactors',
    name: 'SAP SuccessFactors user data file',
    kind: 'staff',
    signature: [['userid'], ['username'], ['manager', 'hr'], ['firstname', 'lastname']],
    mapping: {
      userid: 'employee_ref',
      firstname: 'first_name',
      lastname: 'last_name',
      email: 'email',
      manager: 'manager_employee_ref',
      hiredate: 'start_date',
      status: 'status',
      title: 'job_title',
      jobcode: 'position',
      department: 'department',
    },
  },
  {
    id: 'tracker-staff',
    name: 'Prevent training tracker staff list (its own column names)',
    kind: 'staff',
    signature: [['employee_ref'], ['first_name'], ['last_name'], ['organisation_code', 'organisation_name'], ['start_date']],
    mapping: {},
  },
  {
    // The people list of the gap analysis (CSV): each person's last completion, with their compliance status.
    id: 'tracker-gap-analysis',
    name: 'Prevent training tracker gap analysis list of people',
    kind: 'completions',
    signature: [['employee_reference'], ['last_completion_level'], ['last_completion_date']],
    mapping: {
      employee_reference: 'employee_ref',
      organisation_code: 'organisation_code',
      organisation: '',
      name: '',
      level: '',
      status: '',
      due_or_lapsed_on: '',
      last_completion_level: 'level_code',
      last_completion_date: 'completed_on',
    },
  },
  {
    id: 'tracker-completions',
    name: 'Prevent training tracker completions (its own column names)',
    kind: 'completions',
    signature: [['employee_ref'], ['level_code'], ['completed_on']],
    mapping: {},
  },
];

/** The known export a header row comes from, if any: the one with the most signature groups met wins. */
export function recogniseSource(kind: ImportKind, headers: string[]): KnownSource | null {
  const present = new Set(headers.map((h) => normaliseHeader(String(h ?? ''))).filter(Boolean));
  let best: KnownSource | null = null;
  for (const source of KNOWN_SOURCES) {
    if (source.kind !== kind) continue;
    if (!source.signature.every((group) => group.some((h) => present.has(h)))) continue;
    if (!best || source.signature.length > best.signature.length) best = source;
  }
  return best;
}
