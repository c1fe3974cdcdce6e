import { Global, Module } from '@nestjs/common';
import { ErasureController } from './erasure.controller';
import { ErasurePagesController } from './erasure.pages.controller';
import { ErasureService } from './erasure.service';
import { RetentionPolicyService } from './retention-policy.service';
import { RetentionSchedule } from './retention-schedule';
import { RetentionController } from './retention.controller';
import { RetentionPagesController } from './retention.pages.controller';
import { RetentionService } from './retention.service';

/**
 * Data protection (issue 17): retention of leavers' details (a daily job) and erasure on request.
 */
@Global()
@Module({
  controllers: [RetentionController, RetentionPagesController, ErasureController, ErasurePagesController],
  providers: [RetentionPolicyService, RetentionService, RetentionSchedule, ErasureService],
  exports: [RetentionPolicyService, RetentionService, ErasureService],
})
export class DataProtectionModule {}
