import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { Accounts1763900000100 } from './1763900000100-accounts';
import { Imports1763900000200 } from './1763900000200-imports';
import { ImpactAndLeads1763900000400 } from './1763900000400-impact-and-leads';
import { AuditOrganisation1763900000500 } from './1763900000500-audit-organisation';
import { WebSessionUser1763900000600 } from './1763900000600-web-session-user';
import { ImportSourcesAndRoleRules1763900000700 } from './1763900000700-import-sources-and-role-rules';
import { SingleSignOnAndSecondFactor1763900000800 } from './1763900000800-single-sign-on-and-second-factor';
import { AuditReason1763900000900 } from './1763900000900-audit-reason';
import { OutboxAndJobs1763900001100 } from './1763900001100-outbox-and-jobs';
import { MyTrainingAndEvidence1763900001200 } from './1763900001200-my-training-and-evidence';
import { RateLimits1763900001500 } from './1763900001500-rate-limits';
import { PersonSearch1763900001750 } from './1763900001750-person-search';
import { Targets1763900001800 } from './1763900001800-targets';
import { ReturnsAndSubscriptions1763900001900 } from './1763900001900-returns-and-subscriptions';
import { Retention1763900002000 } from './1763900002000-retention';
import { AccessLogAndPrivacy1763900002100 } from './1763900002100-access-log-and-privacy';
import { SearchIndexAndChangeCounters1763900002200 } from './1763900002200-search-index-and-change-counters';
import { KeptCompliance1763900002300 } from './1763900002300-kept-compliance';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  Accounts1763900000100,
  Imports1763900000200,
  ImpactAndLeads1763900000400,
  AuditOrganisation1763900000500,
  WebSessionUser1763900000600,
  ImportSourcesAndRoleRules1763900000700,
  SingleSignOnAndSecondFactor1763900000800,
  AuditReason1763900000900,
  OutboxAndJobs1763900001100,
  MyTrainingAndEvidence1763900001200,
  RateLimits1763900001500,
  PersonSearch1763900001750,
  Targets1763900001800,
  ReturnsAndSubscriptions1763900001900,
  Retention1763900002000,
  AccessLogAndPrivacy1763900002100,
  SearchIndexAndChangeCounters1763900002200,
  KeptCompliance1763900002300,
];
