import { formatUkDate } from '../common/dates';
import { dateOf, timeOf } from '../sessions/session-times';
import type { TrainingSession } from '../sessions/training-session.entity';

/**
 * The words of messages, in GOV.UK Notify's style: the point first, short plain sentences, no
 * greeting beyond a name, the organisation that sends it at the end. A message is about its
 * recipient only: it names no one else.
 */

/** "9:30am", "2pm". */
export function clockTime(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  const hour = h % 12 === 0 ? 12 : h % 12;
  return `${hour}${m ? `:${String(m).padStart(2, '0')}` : ''}${h < 12 ? 'am' : 'pm'}`;
}

export function sessionDate(session: Pick<TrainingSession, 'startsAt'>): string {
  return formatUkDate(dateOf(session.startsAt));
}

/** The lines that say when and where a session is. */
export function sessionDetails(session: Pick<TrainingSession, 'startsAt' | 'endsAt' | 'venue' | 'onlineLink'>): string[] {
  const lines = [`Date: ${sessionDate(session)}`, `Time: ${clockTime(timeOf(session.startsAt))} to ${clockTime(timeOf(session.endsAt))}`];
  if (session.venue) lines.push(`Where: ${session.venue}`);
  if (session.onlineLink) lines.push(`Join online: ${session.onlineLink}`);
  return lines;
}

/** How to stop an optional message (the preferences page of "My training"). */
export function stopLine(publicUrl: string): string {
  return `You can stop these emails at ${publicUrl}/my-training/preferences`;
}

/** The line every message ends with: where the privacy information is (what is held about the recipient, why, whom to ask). */
export function privacyLine(publicUrl: string): string {
  return `How we use your personal data: ${publicUrl}/privacy`;
}

/** A message body with the privacy line at its end (once, however often it is sent). */
export function withPrivacyLine(body: string, publicUrl: string): string {
  const line = privacyLine(publicUrl);
  return body.includes(line) ? body : `${body.replace(/\s+$/, '')}\n\n${line}\n`;
}

/** Paragraphs joined as a plain-text email, signed by the organisation. */
export function letter(firstName: string, paragraphs: (string | string[] | null)[], signedBy: string): string {
  const blocks = paragraphs.filter((p): p is string | string[] => p !== null && (typeof p === 'string' ? p.length > 0 : p.length > 0));
  return [`Dear ${firstName},`, ...blocks.map((p) => (Array.isArray(p) ? p.join('\n') : p)), signedBy].join('\n\n') + '\n';
}
