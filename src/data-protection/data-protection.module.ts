import { Global, Module } from '@nestjs/common';
import { ErasureController } from './erasure.controller';
import { ErasurePagesController } from './erasure.pages.controller';
import { ErasureService } from './erasure.service';
import { RetentionPolicyService } from './retention-policy.service';
import { RetentionSchedule } from './retention-schedule';
import { RetentionController } from './retention.controller';
import { RetentionPagesController } from './retention.pages.controller';
import { RetentionService } from './retention.service';
import { NamedAccessLogController } from './named-access-log.controller';
import { NamedAccessLogPagesController } from './named-access-log.pages.controller';
import { NamedAccessLog } from './named-access-log.service';
import { PrivacyController } from './privacy.controller';
import { PrivacyPagesController } from './privacy.pages.controller';
import { PrivacyService } from './privacy.service';
import { SubjectAccessController } from './subject-access.controller';
import { SubjectAccessService } from './subject-access.service';

/**
 * Data protection (issue 17): subject access exports, the log of who looked at named lists (global,
 * so every list's controller can write to it), and the privacy information; retention of leavers'
 * details (a daily job) and erasure on request.
 */
@Global()
@Module({
  controllers: [SubjectAccessController, NamedAccessLogController, NamedAccessLogPagesController, PrivacyController, PrivacyPagesController, RetentionController, RetentionPagesController, ErasureController, ErasurePagesController],
  providers: [SubjectAccessService, NamedAccessLog, PrivacyService, RetentionPolicyService, RetentionService, RetentionSchedule, ErasureService],
  exports: [NamedAccessLog, PrivacyService, RetentionPolicyService, RetentionService, ErasureService],
})
export class DataProtectionModule {}
