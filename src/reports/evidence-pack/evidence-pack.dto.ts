import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { GapPersonView } from '../gap-analysis/gap-analysis.dto';
import { LeadOrganisationView } from '../lead-coverage/lead-coverage.dto';
import { ReportOrganisationView } from '../quarterly/quarterly.dto';
import { TrendTargetView } from '../trend/trend.dto';

export class EvidencePackQuery {
  @ApiPropertyOptional({ description: 'Organisation code: a school, a trust, a council service (default: the top of your organisations)', example: 'SCH-01' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  organisation?: string;
}

/** One level's gap analysis figures on the day the pack is prepared, with the target that applies. */
export class EvidenceLevelView {
  @ApiProperty({ example: 'L1' }) level: string;
  @ApiProperty() name: string;
  @ApiProperty() required: number;
  @ApiProperty({ description: 'compliant + expiring' }) met: number;
  @ApiProperty({ description: 'New starters still inside their grace period' }) pending: number;
  @ApiProperty({ description: 'expired + missing' }) overdue: number;
  @ApiProperty({ nullable: true, type: Number, description: 'met / (met + overdue) x 100, one decimal; null when nobody is due' }) compliancePct: number | null;
  @ApiProperty({ type: () => TrendTargetView, description: 'The target that applies to the organisation and the status of the figure against it' }) target: TrendTargetView;
}

/** A session the organisation's people attended: figures only, no names. */
export class AttendedSessionView {
  @ApiProperty({ example: '2025-11-04' }) date: string;
  @ApiProperty() title: string;
  @ApiProperty({ example: 'L2' }) level: string;
  @ApiProperty({ description: 'The organisation that hosted it' }) host: string;
  @ApiProperty({ description: 'How many of the organisation’s people attended it' }) attendees: number;
}

export class NamedLevelListView {
  @ApiProperty({ example: 'L1' }) level: string;
  @ApiProperty() name: string;
  @ApiProperty({ type: () => GapPersonView, isArray: true, description: 'Everyone who needs the level, with their status and date due' }) people: GapPersonView[];
}

export class EvidencePackView {
  @ApiProperty({ type: () => ReportOrganisationView }) organisation: ReportOrganisationView;
  @ApiProperty({ example: '2026-03-31', description: 'The day the figures are for: the day the pack is prepared' }) preparedOn: string;
  @ApiProperty({ type: () => LeadOrganisationView, description: 'Its named Prevent leads and whether one holds a valid L3; the names only for those who may see them' }) lead: LeadOrganisationView;
  @ApiProperty({ description: 'Whether the lead list holds names (not for viewers)' }) leadNamesShown: boolean;
  @ApiProperty({ type: () => EvidenceLevelView, isArray: true }) levels: EvidenceLevelView[];
  @ApiProperty({ example: '2025-03-31', description: 'Sessions are those attended from this day (12 months before) to the day it is prepared' }) sessionsFrom: string;
  @ApiProperty({ type: () => AttendedSessionView, isArray: true, description: 'Oldest first' }) sessions: AttendedSessionView[];
  @ApiProperty({ type: () => NamedLevelListView, isArray: true, nullable: true, description: 'Coordinators and administrators only (null for others): everyone who needs each level, with status and date due' })
  namedList: NamedLevelListView[] | null;
}
