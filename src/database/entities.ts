import { AuditEntry } from '../audit/audit-entry.entity';
import { AppSetting } from '../auth/app-setting.entity';
import { WebSession } from '../auth/web-session.entity';
import { Completion } from '../completions/completion.entity';
import { NamedAccessEntry } from '../data-protection/named-access-log.entity';
import { RetentionOverride } from '../data-protection/retention-override.entity';
import { EvidenceSubmission } from '../evidence/evidence-submission.entity';
import { ImpactFigure } from '../reports/impact/impact-figure.entity';
import { ReportSubscription } from '../reports/subscriptions/report-subscription.entity';
import { CourseMapping } from '../imports/course-mapping.entity';
import { FileImport, HeaderMappingEntry, ImportError, OrganisationNameEntry } from '../imports/file-import.entity';
import { RoleRule, StaffRuleRole } from '../imports/role-rule.entity';
import { JobLease } from '../jobs/job-lease.entity';
import { Level } from '../levels/level.entity';
import { BookingApprovalSetting, BookingRequest } from '../my-training/booking-request.entity';
import { MessagePreference } from '../my-training/message-preference.entity';
import { SignInLink } from '../my-training/sign-in-link.entity';
import { OutboxMessage } from '../notifications/outbox-message.entity';
import { OrganisationClosure } from '../access/organisation-closure.entity';
import { Organisation } from '../organisations/organisation.entity';
import { Requirement } from '../requirements/requirement.entity';
import { Role } from '../roles/role.entity';
import { RecoveryCode } from '../second-factor/recovery-code.entity';
import { Booking } from '../sessions/booking.entity';
import { IdentityProvider } from '../single-sign-on/identity-provider.entity';
import { UserIdentity } from '../single-sign-on/user-identity.entity';
import { SessionFeedback } from '../sessions/session-feedback.entity';
import { TrainingSession } from '../sessions/training-session.entity';
import { Staff } from '../staff/staff.entity';
import { Target } from '../reports/targets/target.entity';
import { ApiToken } from '../users/api-token.entity';
import { User } from '../users/user.entity';

export const ENTITIES = [
  Organisation,
  OrganisationClosure,
  Level,
  Role,
  Requirement,
  Staff,
  TrainingSession,
  Booking,
  Completion,
  SessionFeedback,
  User,
  ApiToken,
  WebSession,
  AppSetting,
  AuditEntry,
  FileImport,
  ImportError,
  HeaderMappingEntry,
  CourseMapping,
  OrganisationNameEntry,
  RoleRule,
  StaffRuleRole,
  ImpactFigure,
  ReportSubscription,
  IdentityProvider,
  UserIdentity,
  RecoveryCode,
  OutboxMessage,
  JobLease,
  SignInLink,
  MessagePreference,
  EvidenceSubmission,
  BookingApprovalSetting,
  BookingRequest,
  RetentionOverride,
  Target,
  NamedAccessEntry,
];
