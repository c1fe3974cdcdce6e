import { formatUkDate } from '../common/dates';
import type { SubjectAccessExport } from './dto/subject-access.dto';

/** A section of the PDF: a heading, and each item as a short title with its facts beneath. */
interface Section {
  heading: string;
  none: string;
  items: { title: string; facts: [string, string | null][] }[];
}

const SOURCE_WORDS: Record<string, string> = { manual: 'Recorded by hand', import: 'Imported', session: 'Attended a session', evidence: 'Certificate sent in' };

/** "3 March 2026" for a calendar date; "3 March 2026, 2:05pm" for a moment, in the time zone. */
export function ukWhen(value: string | null, timeZone: string): string {
  if (!value) return '';
  if (/^\d{4}-\d\d-\d\d$/.test(value)) return formatUkDate(value);
  // A session's start is a local date and time already ("2026-03-03T09:30").
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value)) return `${formatUkDate(value.slice(0, 10))}, ${clock(value.slice(11))}`;
  const d = new Date(value);
  const local = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  const [day, time] = local.split(', ');
  return `${formatUkDate(day)}, ${clock(time)}`;
}

function clock(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  return `${h % 12 === 0 ? 12 : h % 12}:${String(m).padStart(2, '0')}${h < 12 ? 'am' : 'pm'}`;
}

const yesNo = (b: boolean) => (b ? 'Yes' : 'No');

/** What an audit entry changed, in words: the fields that differ, or the record as created or deleted. */
function changes(before: unknown, after: unknown, timeZone: string): string {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const show = (v: unknown) =>
    v === null || v === undefined
      ? 'nothing'
      : typeof v === 'object'
        ? JSON.stringify(v)
        : typeof v === 'string' && /^\d{4}-\d\d-\d\d(T[\d:.]+Z?)?$/.test(v)
          ? ukWhen(v, timeZone)
          : String(v);
  if (before && after) {
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
    return keys.length ? keys.map((k) => `${k} from ${show(b[k])} to ${show(a[k])}`).join('; ') : 'No field changed';
  }
  const only = after ? a : b;
  return Object.entries(only).map(([k, v]) => `${k}: ${show(v)}`).join('; ');
}

function sections(x: SubjectAccessExport, tz: string): Section[] {
  const when = (v: string | null) => ukWhen(v, tz);
  const p = x.person;
  return [
    {
      heading: 'Their record',
      none: '',
      items: [
        {
          title: `${p.firstName} ${p.lastName}`,
          facts: [
            ['Employee reference', p.employeeRef],
            ['Email address', p.email ?? 'Not recorded'],
            ['Organisation', `${p.organisation.name} (${p.organisation.code})`],
            ['Employer', p.employer ? `${p.employer.name} (${p.employer.code})` : null],
            ['Manager', p.manager ? `${p.manager.name} (${p.manager.employeeRef})` : 'None recorded'],
            ['Start date', when(p.startDate)],
            ['End date', p.endDate ? when(p.endDate) : 'Still in post'],
            ['Job title', p.jobTitle],
            ['Position', p.position],
            ['Staff group', p.staffGroup],
            ['Department', p.department],
            ['Record created', when(p.createdAt)],
            ['Record last changed', when(p.updatedAt)],
          ],
        },
      ],
    },
    { heading: 'Roles', none: 'No roles.', items: x.roles.map((r) => ({ title: r.name, facts: [['Code', r.code]] })) },
    {
      heading: 'Training completed',
      none: 'No training recorded.',
      items: x.completions.map((c) => ({
        title: `${c.levelCode} ${c.levelName}, completed ${when(c.completedOn)}`,
        facts: [
          ['How', SOURCE_WORDS[c.source] ?? c.source],
          ['Evidence', c.evidence ?? 'None given'],
          ['Session', c.session],
          ['Recorded by', c.recordedBy ?? 'Not known'],
          ['Recorded on', when(c.recordedAt)],
        ],
      })),
    },
    {
      heading: 'Certificates sent in (evidence uploads)',
      none: 'No certificates sent in.',
      items: x.evidenceUploads.map((e) => ({
        title: `${e.levelCode} certificate, training on ${when(e.completedOn)}`,
        facts: [
          ['File', `${e.fileName} (${e.contentType}, ${e.sizeBytes} bytes)`],
          ['Sent in', when(e.uploadedAt)],
          ['Outcome', e.status],
          ['Reason', e.reason],
          ['Decided by', e.decidedBy],
          ['Decided on', e.decidedAt ? when(e.decidedAt) : null],
        ],
      })),
    },
    {
      heading: 'Bookings and attendance',
      none: 'No bookings.',
      items: x.bookings.map((b) => ({
        title: `${b.session} (${b.levelCode}), ${when(b.startsAt)}`,
        facts: [
          ['Hosted by', b.host],
          ['Booking', b.status],
          ['Attendance', b.attendance ?? 'Not taken'],
          ['Walked in', yesNo(b.walkIn)],
          ['Booked on', when(b.bookedAt)],
          ['Last changed', when(b.changedAt)],
        ],
      })),
    },
    {
      heading: 'Places asked for',
      none: 'No places asked for.',
      items: x.bookingRequests.map((r) => ({
        title: `${r.session}, ${when(r.startsAt)}`,
        facts: [
          ['Asked on', when(r.askedAt)],
          ['Outcome', r.status],
          ['Decided by', r.decidedBy],
          ['Decided on', r.decidedAt ? when(r.decidedAt) : null],
          ['Reason', r.reason],
        ],
      })),
    },
    {
      heading: 'Sessions they trained',
      none: 'None.',
      items: x.sessionsTrained.map((t) => ({ title: `${t.session} (${t.levelCode}), ${when(t.startsAt)}`, facts: [['Hosted by', t.host], ['Status', t.status]] })),
    },
    {
      heading: 'Feedback they gave under their name',
      none: 'No feedback under their name (anonymous feedback is not linked to anyone).',
      items: x.feedback.map((f) => ({
        title: `${f.session}, given ${when(f.givenAt)}`,
        facts: [
          ['Overall rating', `${f.overallRating} out of 5`],
          ['Confidence to recognise, before and after', f.recogniseBefore === null ? null : `${f.recogniseBefore} and ${f.recogniseAfter ?? 'not given'}`],
          ['Confidence to refer, before and after', f.referBefore === null ? null : `${f.referBefore} and ${f.referAfter ?? 'not given'}`],
          ['Comments', f.comments],
        ],
      })),
    },
    {
      heading: 'Message preferences',
      none: 'Never changed: optional messages are sent.',
      items: x.messagePreferences
        ? [{ title: x.messagePreferences.optionalMessages ? 'Optional messages are sent' : 'Optional messages stopped', facts: [['Changed on', when(x.messagePreferences.changedAt)]] }]
        : [],
    },
    {
      heading: 'Messages sent to them',
      none: 'No messages.',
      items: x.messages.map((m) => ({
        title: m.subject,
        facts: [
          ['To', m.to],
          ['Queued', when(m.queuedAt)],
          ['Sent', m.sentAt ? when(m.sentAt) : `Not sent (${m.state})`],
          ['Message', m.body.trim()],
        ],
      })),
    },
    {
      heading: 'Sign-in links issued',
      none: 'None.',
      items: x.signInLinks.map((l) => ({ title: `Issued ${when(l.issuedAt)}`, facts: [['Valid until', when(l.expiresAt)], ['Used', l.usedAt ? when(l.usedAt) : 'Not used']] })),
    },
    {
      heading: 'Their account',
      none: 'They have no account linked to their record.',
      items: x.account
        ? [
            {
              title: x.account.email,
              facts: [
                ['Name', x.account.displayName],
                ['Role', x.account.role],
                ['Organisation', x.account.organisation ?? 'The whole partnership'],
                ['Disabled', yesNo(x.account.disabled)],
                ['Last signed in', x.account.lastSignInAt ? when(x.account.lastSignInAt) : 'Never'],
                ['Second factor since', x.account.secondFactorSince ? when(x.account.secondFactorSince) : 'None'],
                ['Signs in with', x.account.signInProviders.length ? x.account.signInProviders.join(', ') : null],
                ['Created', when(x.account.createdAt)],
              ],
            },
          ]
        : [],
    },
    {
      heading: 'Changes and events recorded about them (audit log)',
      none: 'None.',
      items: x.auditEntries.map((a) => ({
        title: `${when(a.at)}: ${a.action} of ${a.record} ${a.recordKey ?? ''}`.trim(),
        facts: [
          ['By', a.by],
          ['Reason', a.reason],
          ['What', changes(a.before, a.after, tz)],
        ],
      })),
    },
  ];
}

/** The export as a tagged PDF (structure, language, title), readable by screen readers and text extraction. */
export async function subjectAccessPdf(x: SubjectAccessExport, timeZone: string): Promise<Buffer> {
  // Loaded on first use, as the workbook writer is (see reports/shared/export-files.ts).
  const { default: PDFDocument } = await import('pdfkit');
  const name = `${x.person.firstName} ${x.person.lastName}`;
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      tagged: true,
      lang: 'en-GB',
      displayTitle: true,
      bufferPages: false,
      info: { Title: `Personal data held about ${name}`, Author: 'Prevent training tracker', Subject: 'Subject access request' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const root = doc.struct('Document');
    doc.addStructure(root);
    const say = (words: string, type: 'H1' | 'H2' | 'H3' | 'P', parent: PDFKit.PDFStructureElement, options: PDFKit.Mixins.TextOptions = {}) =>
      doc.text(words, { structParent: parent, structType: type, ...options } as PDFKit.Mixins.TextOptions);

    doc.font('Helvetica-Bold').fontSize(20).fillColor('#0b0c0c');
    say(`Personal data held about ${name}`, 'H1', root);
    doc.font('Helvetica').fontSize(10).fillColor('#505a5f');
    say(`Produced ${ukWhen(x.about.producedAt, timeZone)} by ${x.about.producedBy}, from the Prevent training tracker at ${x.about.tracker}.`, 'P', root);
    say(x.about.note, 'P', root);
    for (const s of sections(x, timeZone)) {
      const section = doc.struct('Sect');
      root.add(section);
      doc.moveDown(0.8);
      doc.font('Helvetica-Bold').fontSize(14).fillColor('#0b0c0c');
      say(s.heading, 'H2', section);
      doc.font('Helvetica').fontSize(10);
      if (s.items.length === 0) say(s.none, 'P', section);
      for (const item of s.items) {
        doc.moveDown(0.3);
        doc.font('Helvetica-Bold').fontSize(11);
        say(item.title, 'H3', section);
        doc.font('Helvetica').fontSize(10);
        for (const [label, value] of item.facts) if (value !== null && value !== '') say(`${label}: ${value}`, 'P', section);
      }
      section.end();
    }
    root.end();
    doc.end();
  });
}
