import { ApiProperty } from '@nestjs/swagger';

export class SubjectAccessAboutView {
  @ApiProperty({ example: '2026-03-03T10:00:00.000Z' }) producedAt: string;
  @ApiProperty({ description: 'Who produced it' }) producedBy: string;
  @ApiProperty({ example: 'https://prevent.example.gov.uk', description: 'The tracker it comes from' }) tracker: string;
  @ApiProperty() note: string;
}

export class SubjectAccessOrganisationView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class SubjectAccessManagerView {
  @ApiProperty() employeeRef: string;
  @ApiProperty() name: string;
}

export class SubjectAccessPersonView {
  @ApiProperty() id: number;
  @ApiProperty() employeeRef: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ type: () => SubjectAccessOrganisationView }) organisation: SubjectAccessOrganisationView;
  @ApiProperty({ type: () => SubjectAccessOrganisationView, nullable: true }) employer: SubjectAccessOrganisationView | null;
  @ApiProperty({ type: () => SubjectAccessManagerView, nullable: true }) manager: SubjectAccessManagerView | null;
  @ApiProperty({ example: '2020-01-06' }) startDate: string;
  @ApiProperty({ nullable: true, type: String }) endDate: string | null;
  @ApiProperty({ nullable: true, type: String }) jobTitle: string | null;
  @ApiProperty({ nullable: true, type: String }) position: string | null;
  @ApiProperty({ nullable: true, type: String }) staffGroup: string | null;
  @ApiProperty({ nullable: true, type: String }) department: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class SubjectAccessRoleView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class SubjectAccessCompletionView {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'L1' }) levelCode: string;
  @ApiProperty() levelName: string;
  @ApiProperty({ example: '2025-03-03' }) completedOn: string;
  @ApiProperty({ description: 'How it was recorded' }) source: string;
  @ApiProperty({ nullable: true, type: String }) evidence: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The session it came from' }) session: string | null;
  @ApiProperty({ nullable: true, type: String }) recordedBy: string | null;
  @ApiProperty() recordedAt: string;
}

export class SubjectAccessEvidenceUploadView {
  @ApiProperty() id: number;
  @ApiProperty() levelCode: string;
  @ApiProperty() completedOn: string;
  @ApiProperty() fileName: string;
  @ApiProperty() contentType: string;
  @ApiProperty() sizeBytes: number;
  @ApiProperty({ example: 'pending' }) status: string;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty() uploadedAt: string;
}

/** A session as the export lists it; the id and status are the row's own: the booking's, or the session's they train. */
export class SubjectAccessSessionView {
  @ApiProperty() id: number;
  @ApiProperty({ description: 'The session’s title' }) session: string;
  @ApiProperty() levelCode: string;
  @ApiProperty() startsAt: string;
  @ApiProperty({ description: 'The organisation that hosts it' }) host: string;
  @ApiProperty() status: string;
}

export class SubjectAccessBookingView extends SubjectAccessSessionView {
  @ApiProperty({ nullable: true, type: String }) attendance: string | null;
  @ApiProperty() walkIn: boolean;
  @ApiProperty() bookedAt: string;
  @ApiProperty() changedAt: string;
}

export class SubjectAccessBookingRequestView {
  @ApiProperty() id: number;
  @ApiProperty() session: string;
  @ApiProperty() startsAt: string;
  @ApiProperty() status: string;
  @ApiProperty({ nullable: true, type: String }) decidedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) decidedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
  @ApiProperty() askedAt: string;
}

export class SubjectAccessFeedbackView {
  @ApiProperty() id: number;
  @ApiProperty() session: string;
  @ApiProperty() overallRating: number;
  @ApiProperty({ nullable: true, type: Number }) recogniseBefore: number | null;
  @ApiProperty({ nullable: true, type: Number }) recogniseAfter: number | null;
  @ApiProperty({ nullable: true, type: Number }) referBefore: number | null;
  @ApiProperty({ nullable: true, type: Number }) referAfter: number | null;
  @ApiProperty({ nullable: true, type: String }) comments: string | null;
  @ApiProperty() givenAt: string;
}

export class SubjectAccessMessagePreferencesView {
  @ApiProperty({ description: 'Whether they take the messages they may stop' }) optionalMessages: boolean;
  @ApiProperty() changedAt: string;
}

export class SubjectAccessMessageView {
  @ApiProperty() id: number;
  @ApiProperty() kind: string;
  @ApiProperty() to: string;
  @ApiProperty() subject: string;
  @ApiProperty({ description: 'The message as sent, with any sign-in link removed' }) body: string;
  @ApiProperty() state: string;
  @ApiProperty() queuedAt: string;
  @ApiProperty({ nullable: true, type: String }) sentAt: string | null;
}

export class SubjectAccessSignInLinkView {
  @ApiProperty() id: number;
  @ApiProperty() issuedAt: string;
  @ApiProperty() expiresAt: string;
  @ApiProperty({ nullable: true, type: String }) usedAt: string | null;
}

export class SubjectAccessAccountView {
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty() role: string;
  @ApiProperty({ nullable: true, type: String, description: 'Code of the organisation the account is for' }) organisation: string | null;
  @ApiProperty() disabled: boolean;
  @ApiProperty({ nullable: true, type: String }) lastSignInAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Since when it signs in with a second factor' }) secondFactorSince: string | null;
  @ApiProperty({ type: String, isArray: true, description: 'Single sign-on issuers it is linked to' }) signInProviders: string[];
  @ApiProperty() createdAt: string;
}

export class SubjectAccessAuditEntryView {
  @ApiProperty() id: number;
  @ApiProperty() at: string;
  @ApiProperty() action: string;
  @ApiProperty({ description: 'The kind of record changed' }) record: string;
  @ApiProperty({ nullable: true, type: String }) recordKey: string | null;
  @ApiProperty({ description: 'Who made the change' }) by: string;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'The record before the change' }) before: unknown;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true, description: 'The record after the change' }) after: unknown;
  @ApiProperty({ nullable: true, type: String }) reason: string | null;
}

/**
 * Everything the tracker holds about one person, for a subject access request: their record and
 * roles, training, evidence, bookings and requests, feedback they signed, message preferences, the
 * messages sent to them, sign-in links issued (never the links themselves), their account, and the
 * audit entries about them with who made each change. Calendar dates are YYYY-MM-DD; moments are
 * ISO 8601 instants in UTC.
 */
export class SubjectAccessExport {
  @ApiProperty({ type: () => SubjectAccessAboutView }) about: SubjectAccessAboutView;
  @ApiProperty({ type: () => SubjectAccessPersonView }) person: SubjectAccessPersonView;
  @ApiProperty({ type: () => SubjectAccessRoleView, isArray: true }) roles: SubjectAccessRoleView[];
  @ApiProperty({ type: () => SubjectAccessCompletionView, isArray: true }) completions: SubjectAccessCompletionView[];
  @ApiProperty({ type: () => SubjectAccessEvidenceUploadView, isArray: true, description: 'Certificates they sent in' }) evidenceUploads: SubjectAccessEvidenceUploadView[];
  @ApiProperty({ type: () => SubjectAccessBookingView, isArray: true }) bookings: SubjectAccessBookingView[];
  @ApiProperty({ type: () => SubjectAccessBookingRequestView, isArray: true, description: 'Places they asked for' }) bookingRequests: SubjectAccessBookingRequestView[];
  @ApiProperty({ type: () => SubjectAccessSessionView, isArray: true, description: 'Sessions they are a trainer of' }) sessionsTrained: SubjectAccessSessionView[];
  @ApiProperty({ type: () => SubjectAccessFeedbackView, isArray: true, description: 'Feedback given under their name' }) feedback: SubjectAccessFeedbackView[];
  @ApiProperty({ type: () => SubjectAccessMessagePreferencesView, nullable: true }) messagePreferences: SubjectAccessMessagePreferencesView | null;
  @ApiProperty({ type: () => SubjectAccessMessageView, isArray: true }) messages: SubjectAccessMessageView[];
  @ApiProperty({ type: () => SubjectAccessSignInLinkView, isArray: true, description: 'Sign-in links issued to them, never the links themselves' }) signInLinks: SubjectAccessSignInLinkView[];
  @ApiProperty({ type: () => SubjectAccessAccountView, nullable: true, description: 'Their account, if they have one' }) account: SubjectAccessAccountView | null;
  @ApiProperty({ type: () => SubjectAccessAuditEntryView, isArray: true, description: 'Audit entries about them, oldest first' }) auditEntries: SubjectAccessAuditEntryView[];
}
