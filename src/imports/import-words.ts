/** What platforms write in a completion status column, compared lower-cased with spaces and punctuation collapsed. */
const COMPLETED = [
  'completed', 'complete', 'complete via rpl', 'completed rpl', 'completed via rpl', 'rpl', 'passed', 'pass', 'achieved',
  'certified', 'attended', 'satisfactory', 'finished', 'done', 'yes', 'y', 'true', '1', 'completion', 'compliant',
];
const NOT_COMPLETED = [
  'not yet started', 'not started', 'in progress', 'inprogress', 'started', 'incomplete', 'not complete', 'not completed',
  'failed', 'fail', 'not attempted', 'notattempted', 'enrolled', 'assigned', 'registered', 'booked', 'withdrawn',
  'cancelled', 'canceled', 'no show', 'did not attend', 'dna', 'expired', 'overdue', 'due', 'not certified', 'no', 'n', 'false', '0',
];
/** Staff status columns: SuccessFactors' STATUS, ESR's assignment status, iTrent's employment status. */
const ACTIVE = ['active', 'current', 'employed', 'in post', 'live', 'active assignment', 'active process', 'yes', 'y', 'true', '1'];
const INACTIVE = [
  'inactive', 'terminated', 'terminate process assignment', 'left', 'leaver', 'leavers', 'ended', 'ex employee', 'former',
  'no', 'n', 'false', '0', 'deleted',
];
/** Values meaning "nobody" in a manager column (SuccessFactors writes NO_MANAGER). */
const NOBODY = ['no_manager', 'nomanager', 'no manager', 'no_hr', 'none', 'n/a', 'na', '-', 'null', 'nil', 'not applicable'];

const key = (text: string) => text.trim().toLowerCase().replace(/[\s_().-]+/g, ' ').trim();
const setOf = (words: string[]) => new Set(words.map(key));
const completed = setOf(COMPLETED);
const notCompleted = setOf(NOT_COMPLETED);
const active = setOf(ACTIVE);
const inactive = setOf(INACTIVE);
const nobody = new Set(NOBODY.map((w) => w.toLowerCase()));

export type CompletionStatus = 'completed' | 'not-completed' | 'unknown';
export type StaffStatus = 'active' | 'inactive' | 'unknown';

export function completionStatus(text: string): CompletionStatus {
  const k = key(text);
  if (completed.has(k)) return 'completed';
  if (notCompleted.has(k)) return 'not-completed';
  return 'unknown';
}

export function staffStatus(text: string): StaffStatus {
  const k = key(text);
  if (active.has(k)) return 'active';
  if (inactive.has(k)) return 'inactive';
  return 'unknown';
}

export function meansNobody(text: string): boolean {
  return nobody.has(text.trim().toLowerCase());
}

export const COMPLETION_WORDS = 'completed, complete, passed, achieved, attended; not yet started, in progress, not completed, failed, withdrawn';
export const STAFF_STATUS_WORDS = 'active, current; inactive, terminated, left';
