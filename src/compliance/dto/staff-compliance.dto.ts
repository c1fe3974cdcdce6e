import { ApiProperty } from '@nestjs/swagger';
import { CompletionRefView } from '../../reports/gap-analysis/gap-analysis.dto';
import { type Status, STATUSES } from '../rules';

/** A person's status for one level they require (the answer of GET /api/staff/{id}/compliance). */
export class RequiredLevelStatusView {
  @ApiProperty({ example: 'L2' }) level: string;
  @ApiProperty() levelName: string;
  @ApiProperty({ enum: STATUSES }) status: Status;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2027-03-31',
    description: 'compliant/expiring: the day a refresher is due (empty: never); expired: the day it lapsed; pending/missing: the end of the grace period',
  })
  dueOn: string | null;
  @ApiProperty({ nullable: true, type: CompletionRefView, description: 'The latest completion at this level or above, on or before the date' })
  lastCompletion: CompletionRefView | null;
}

export class StaffComplianceView {
  @ApiProperty() staffId: number;
  @ApiProperty() employeeRef: string;
  @ApiProperty({ example: '2026-03-31' }) asOf: string;
  @ApiProperty({ example: 90 }) windowDays: number;
  @ApiProperty({ type: [RequiredLevelStatusView], description: 'Every level the person requires on the date (none for a leaver)' })
  levels: RequiredLevelStatusView[];
}
