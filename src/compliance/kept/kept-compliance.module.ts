import { Global, Module } from '@nestjs/common';
import { ComplianceKeeper } from './compliance-keeper';

/** The kept compliance table's keeper, for every report that reads the table. */
@Global()
@Module({
  providers: [ComplianceKeeper],
  exports: [ComplianceKeeper],
})
export class KeptComplianceModule {}
