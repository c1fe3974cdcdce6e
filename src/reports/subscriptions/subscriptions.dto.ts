import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEmail, IsIn, IsString, Length } from 'class-validator';
import { FREQUENCIES, type Frequency, SUBSCRIBABLE_REPORTS, type SubscribableReport } from './report-subscription.entity';

export const MAX_RECIPIENTS = 20;

/** A list typed one address a line (or separated by commas or spaces) in the page's box; a JSON list from the API. */
const addressList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(/[\s,;]+/).map((a) => a.trim()).filter(Boolean) : Array.isArray(value) ? value.map((a) => String(a).trim()).filter(Boolean) : value;

export class CreateSubscriptionDto {
  @ApiProperty({ enum: SUBSCRIBABLE_REPORTS, description: 'working-group-pack (PDF), nhs-return (XLSX and CSV; health organisations only) or trend (XLSX and CSV)' })
  @IsIn(SUBSCRIBABLE_REPORTS, { message: 'Choose which report to send' })
  report: SubscribableReport;

  @ApiProperty({ example: 'WCC', description: 'The organisation the report is for (its whole subtree)' })
  @IsString({ message: 'Choose the organisation the report is for' })
  @Length(1, 40, { message: 'Choose the organisation the report is for' })
  organisation: string;

  @ApiProperty({ enum: FREQUENCIES, description: 'quarterly: the day after each quarter closes; monthly: the first run of each month; weekly: of each week (Monday). Figures are always for the last closed quarter' })
  @IsIn(FREQUENCIES, { message: 'Choose how often to send it' })
  frequency: Frequency;

  @ApiProperty({ type: [String], example: ['pwg@warwickshire.gov.uk'], description: `1 to ${MAX_RECIPIENTS} email addresses; each gets its own email` })
  @Transform(addressList)
  @IsArray({ message: 'Enter the email addresses to send it to' })
  @ArrayMinSize(1, { message: 'Enter at least one email address to send it to' })
  @ArrayMaxSize(MAX_RECIPIENTS, { message: `Enter at most ${MAX_RECIPIENTS} email addresses` })
  @IsEmail({}, { each: true, message: 'Enter each email address in the correct format, like name@example.gov.uk' })
  recipients: string[];
}

export class SubscriptionView {
  @ApiProperty() id: number;
  @ApiProperty({ enum: SUBSCRIBABLE_REPORTS }) report: SubscribableReport;
  @ApiProperty() reportName: string;
  @ApiProperty() organisation: { code: string; name: string };
  @ApiProperty({ enum: FREQUENCIES }) frequency: Frequency;
  @ApiProperty() frequencyName: string;
  @ApiProperty({ type: [String] }) recipients: string[];
  @ApiProperty() createdBy: string;
  @ApiProperty() createdOn: string;
  @ApiProperty({ description: 'What the next email will hold and when it goes, in words' }) next: string;
}

export class SubscriptionListView {
  @ApiProperty({ type: [SubscriptionView] }) items: SubscriptionView[];
}
