import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Length, MaxLength, ValidateIf } from 'class-validator';
import { DateFromParts } from '../../common/date-parts';
import { PageQuery } from '../../common/paging';
import { dateMessage, IsCalendarDate, IsSameOrAfter, lengthMessage } from '../../common/validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** Ticked checkboxes: a form posts one as a string, several as a list. */
const asList = ({ value }: { value: unknown }) => (typeof value === 'string' ? [value] : value);
const emptyToNull = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? null : trim({ value }));

/** A person, as the API takes them and the staff form posts them; the messages are the form's (GOV.UK) words. */
export class CreateStaffDto {
  @ApiProperty({ example: 'E10234', description: 'Unique within the employing body' })
  @Transform(trim)
  @IsString({ message: 'Enter the employee reference' })
  @IsNotEmpty({ message: 'Enter the employee reference' })
  @MaxLength(60, lengthMessage('Enter the employee reference', 'Employee reference must be 60 characters or fewer'))
  employeeRef: string;

  @ApiProperty({ example: 'Amira' })
  @Transform(trim)
  @IsString({ message: 'Enter the first name' })
  @IsNotEmpty({ message: 'Enter the first name' })
  @MaxLength(100, lengthMessage('Enter the first name', 'First name must be 100 characters or fewer'))
  firstName: string;

  @ApiProperty({ example: 'Khan' })
  @Transform(trim)
  @IsString({ message: 'Enter the last name' })
  @IsNotEmpty({ message: 'Enter the last name' })
  @MaxLength(100, lengthMessage('Enter the last name', 'Last name must be 100 characters or fewer'))
  lastName: string;

  @ApiPropertyOptional({ example: 'amira.khan@example.gov.uk' })
  @Transform(emptyToNull)
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsEmail({}, { message: 'Enter an email address in the correct format, like name@example.gov.uk' })
  email?: string | null;

  @ApiProperty({ example: 'WCC-CYP' })
  @Transform(trim)
  @IsString({ message: 'Choose an organisation' })
  @IsNotEmpty({ message: 'Choose an organisation' })
  @MaxLength(40, lengthMessage('Choose an organisation', 'Choose an organisation from the list'))
  organisationCode: string;

  @ApiPropertyOptional({ example: ['ALL', 'FRONTLINE'], type: [String] })
  @Transform(asList)
  @IsOptional()
  @IsArray({ message: 'Choose roles from the list' })
  @ArrayMaxSize(50, { message: 'Choose no more than 50 roles' })
  @IsString({ each: true, message: 'Choose roles from the list' })
  roleCodes?: string[];

  @ApiPropertyOptional({ example: 'E10001', description: 'Employee reference of their manager, in the same employer' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString({ message: 'Enter the manager’s name or employee reference' })
  managerEmployeeRef?: string | null;

  @ApiProperty({ example: '2024-09-02' })
  @DateFromParts()
  @IsCalendarDate(dateMessage('Start date'))
  startDate: string;

  @ApiPropertyOptional({ example: null, description: 'Set when the person leaves; they are kept for the record' })
  @DateFromParts()
  @Transform(emptyToNull)
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsCalendarDate(dateMessage('End date'))
  @IsSameOrAfter('startDate', { message: 'End date must be the same as or after the start date' })
  endDate?: string | null;
}

export class UpdateStaffDto extends PartialType(CreateStaffDto) {}

export const STAFF_STATUSES = ['current', 'leavers', 'all'] as const;

export class StaffQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Organisation code: its whole subtree' })
  @IsOptional()
  @IsString()
  organisation?: string;

  @ApiPropertyOptional({ description: 'Role code' })
  @IsOptional()
  @IsString()
  role?: string;

  @ApiPropertyOptional({ enum: STAFF_STATUSES, default: 'current' })
  @IsOptional()
  @IsIn(STAFF_STATUSES, { message: `status must be one of: ${STAFF_STATUSES.join(', ')}` })
  status: (typeof STAFF_STATUSES)[number] = 'current';

  @ApiPropertyOptional({ description: 'Part of a name, email or employee reference' })
  @IsOptional()
  @IsString()
  @Length(0, 200)
  search?: string;
}

export class StaffView {
  @ApiProperty() id: number;
  @ApiProperty() employeeRef: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() organisationCode: string;
  @ApiProperty() organisationName: string;
  @ApiProperty({ type: [String] }) roleCodes: string[];
  @ApiProperty({ nullable: true, type: String }) managerEmployeeRef: string | null;
  @ApiProperty() startDate: string;
  @ApiProperty({ nullable: true, type: String }) endDate: string | null;
  @ApiProperty() isLeaver: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'Set once their personal details have been removed: "Anonymised on 3 March 2026 under the retention policy"' })
  anonymised: string | null;
}
