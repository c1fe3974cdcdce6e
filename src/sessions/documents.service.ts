import { Injectable, NotFoundException } from '@nestjs/common';
import QRCode from 'qrcode';
import { Scope } from '../auth/scope';
import { formatUkDate } from '../common/dates';
import { BookingsService } from './bookings.service';
import { calendarFile, certificatePdf, certificateText, renderCertificates, slug, type Download } from './session-files';
import { dateOf } from './session-times';
import { SessionsService } from './sessions.service';

export type { Download } from './session-files';

/** Files made from sessions: completion certificates (PDF), calendar entries (.ics), feedback QR codes (SVG). */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly bookings: BookingsService,
  ) {}

  /** A completion certificate for someone who attended a delivered session. */
  async certificate(scope: Scope, sessionId: number, bookingId: number): Promise<Download<Buffer>> {
    const session = await this.sessions.find(scope, sessionId, undefined, 'see');
    const booking = await this.bookings.get(scope, sessionId, bookingId);
    if (session.status !== 'delivered' || booking.status !== 'booked' || booking.attendance !== 'attended') {
      throw new NotFoundException(`No certificate for booking ${bookingId}: certificates are for people the register shows attended`);
    }
    return certificatePdf(session, booking);
  }

  /**
   * Every attendee's certificate for a delivered session in one PDF, a page each, in the order of
   * the register; only the attendees the scope may see. 404 when there are none.
   */
  /** Every attendee's certificate in one PDF, with how many people it names and the host (for the named-access log). */
  async certificates(scope: Scope, sessionId: number): Promise<Download<Buffer> & { people: number; hostCode: string }> {
    const session = await this.sessions.find(scope, sessionId, undefined, 'see');
    const { bookings } = await this.bookings.list(scope, sessionId);
    const attendees = bookings.filter((b) => b.status === 'booked' && b.attendance === 'attended');
    if (session.status !== 'delivered' || attendees.length === 0) {
      throw new NotFoundException('This session has no certificates: certificates are for people the register shows attended');
    }
    const texts = [];
    for (const a of attendees) texts.push(certificateText(session, await this.bookings.get(scope, sessionId, a.id)));
    const body = await renderCertificates(`Certificates of completion: ${session.title}, ${formatUkDate(dateOf(session.startsAt))}`, texts);
    return { filename: `certificates-${session.level.code}-${slug(session.title)}-${dateOf(session.startsAt)}.pdf`, body, people: attendees.length, hostCode: session.hostOrganisation.code };
  }

  /** A calendar entry for a booked place. */
  async calendarEntry(scope: Scope, sessionId: number, bookingId: number): Promise<Download<string>> {
    const session = await this.sessions.find(scope, sessionId, undefined, 'see');
    const booking = await this.bookings.get(scope, sessionId, bookingId);
    return calendarFile(session, booking);
  }

  /** A QR code (SVG) for a web address, such as a session's feedback link. */
  qrSvg(url: string): Promise<string> {
    return QRCode.toString(url, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
  }
}
