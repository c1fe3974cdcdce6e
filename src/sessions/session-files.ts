import { InternalServerErrorException } from '@nestjs/common';
import { createEvent } from 'ics';
import { formatUkDate } from '../common/dates';
import { Booking } from './booking.entity';
import { dateOf, toUtcMillis } from './session-times';
import { TrainingSession } from './training-session.entity';

/** Files made from a session for one person, with no service behind them: used by the downloads and by the messages. */

export interface Download<T> {
  filename: string;
  body: T;
}

/** A calendar entry (.ics) for a place on a session: the session, its level, where to join, its trainer. */
export function calendarFile(session: TrainingSession, booking: Pick<Booking, 'id' | 'status'>): Download<string> {
  const details = [
    `${session.level.code}: ${session.level.name}`,
    session.onlineLink ? `Join online: ${session.onlineLink}` : null,
    session.trainers.length > 0 || session.externalTrainer ? `Trainer: ${trainerNames(session)}` : null,
    booking.status === 'waiting' ? 'You are on the waiting list: you will be told if a place becomes free.' : null,
    session.notes,
  ].filter(Boolean);
  const { error, value } = createEvent({
    uid: `prevent-session-${session.id}-booking-${booking.id}@prevent-training-tracker`,
    title: session.title,
    description: details.join('\n'),
    location: session.venue ?? session.onlineLink ?? undefined,
    url: session.onlineLink ?? undefined,
    start: toUtcMillis(session.startsAt),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: toUtcMillis(session.endsAt),
    endInputType: 'utc',
    endOutputType: 'utc',
    status: session.status === 'cancelled' || booking.status === 'cancelled' ? 'CANCELLED' : booking.status === 'waiting' ? 'TENTATIVE' : 'CONFIRMED',
    productId: 'prevent-training-tracker',
    organizer: { name: session.hostOrganisation.name },
  });
  if (error || !value) throw new InternalServerErrorException('The calendar file could not be made');
  return { filename: `session-${session.id}-${dateOf(session.startsAt)}.ics`, body: value };
}

/** The certificate of one attendee (the booking with its person and their organisation). */
export async function certificatePdf(session: TrainingSession, booking: Booking): Promise<Download<Buffer>> {
  const person = `${booking.staff.firstName} ${booking.staff.lastName}`;
  const body = await renderCertificates(`Certificate of completion: ${person}, ${session.level.code}`, [certificateText(session, booking)]);
  return { filename: `certificate-${session.level.code}-${slug(person)}-${dateOf(session.startsAt)}.pdf`, body };
}

export function trainerNames(session: Pick<TrainingSession, 'trainers' | 'externalTrainer'>): string {
  const names = (session.trainers ?? []).map((t) => `${t.firstName} ${t.lastName}`);
  if (session.externalTrainer) names.push(session.externalTrainer);
  return names.join(', ');
}

export function certificateText(session: TrainingSession, booking: Booking): CertificateText {
  return {
    person: `${booking.staff.firstName} ${booking.staff.lastName}`,
    employeeRef: booking.staff.employeeRef,
    organisation: booking.staff.organisation.name,
    levelCode: session.level.code,
    levelName: session.level.name,
    date: formatUkDate(dateOf(session.startsAt)),
    sessionTitle: session.title,
    trainers: trainerNames(session),
    host: session.hostOrganisation.name,
    reference: `Session ${session.id}, booking ${booking.id}`,
  };
}

export function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'attendee';
}

interface CertificateText {
  person: string;
  employeeRef: string;
  organisation: string;
  levelCode: string;
  levelName: string;
  date: string;
  sessionTitle: string;
  trainers: string;
  host: string;
  reference: string;
}

/** One tagged PDF (PDF/UA style: structure, language, title) with a certificate on each page. */
export async function renderCertificates(title: string, certificates: CertificateText[]): Promise<Buffer> {
  // Loaded on first use, as the workbook writer is (see reports/shared/export-files.ts).
  const { default: PDFDocument } = await import('pdfkit');
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      layout: 'landscape',
      margin: 60,
      autoFirstPage: false,
      tagged: true,
      lang: 'en-GB',
      displayTitle: true,
      info: { Title: title, Author: 'Prevent training tracker', Subject: 'Certificate of completion of Prevent training' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (const c of certificates) drawCertificate(doc, c);
    doc.end();
  });
}

/** A certificate on a new page: its own section of the structure tree, the border marked as decoration. */
function drawCertificate(doc: PDFKit.PDFDocument, c: CertificateText): void {
  doc.addPage();
  const section = doc.struct('Sect');
  doc.addStructure(section);
  const width = doc.page.width - 120;
  const text = (words: string, type: 'H1' | 'H2' | 'P', options: PDFKit.Mixins.TextOptions = {}) =>
    doc.text(words, 60, undefined, { align: 'center', width, structParent: section, structType: type, ...options } as PDFKit.Mixins.TextOptions);

  doc.markContent('Artifact', { type: 'Layout' });
  doc.rect(30, 30, doc.page.width - 60, doc.page.height - 60).lineWidth(3).stroke('#1d70b8');
  doc.endMarkedContent();

  doc.y = 60;
  doc.moveDown(2);
  doc.font('Helvetica-Bold').fontSize(30).fillColor('#0b0c0c');
  text('Certificate of completion', 'H1');
  doc.moveDown(1.2);
  doc.font('Helvetica').fontSize(16);
  text('This is to certify that', 'P');
  doc.moveDown(0.6);
  doc.font('Helvetica-Bold').fontSize(26);
  text(c.person, 'H2');
  doc.font('Helvetica').fontSize(12).fillColor('#505a5f');
  text(`${c.organisation} (employee reference ${c.employeeRef})`, 'P');
  doc.moveDown(0.8);
  doc.fillColor('#0b0c0c').fontSize(16);
  text('completed Prevent training at', 'P');
  doc.moveDown(0.4);
  doc.font('Helvetica-Bold').fontSize(20);
  text(`${c.levelCode}: ${c.levelName}`, 'P');
  doc.moveDown(0.6);
  doc.font('Helvetica').fontSize(16);
  text(`on ${c.date}`, 'P');
  doc.moveDown(1.2);
  doc.fontSize(13);
  text(`Session: ${c.sessionTitle}`, 'P');
  text(`Hosted by: ${c.host}`, 'P');
  if (c.trainers) text(`Trainer: ${c.trainers}`, 'P');
  doc.moveDown(1.5);
  doc.fontSize(9).fillColor('#505a5f');
  text(`${c.reference}. Recorded in the Prevent training tracker.`, 'P');
  section.end();
}
