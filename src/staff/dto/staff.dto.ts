import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { PageQuery } from '../../common/paging';
import { IsCalendarDate } from '../../common/validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToNull = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? null : trim({ value }));

export class CreateStaffDto {
  @ApiProperty({ example: 'E10234', description: 'Unique within the employing body' })
  @Transform(trim)
  @IsString()
  @Length(1, 60)
  employeeRef: string;

  @ApiProperty({ example: 'Amira' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  firstName: string;

  @ApiProperty({ example: 'Khan' })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  lastName: string;

  @ApiPropertyOptional({ example: 'amira.khan@example.gov.uk' })
  @Transform(emptyToNull)
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string | null;

  @ApiProperty({ example: 'WCC-CYP' })
  @Transform(trim)
  @IsString()
  @Length(1, 40)
  organisationCode: string;

  @ApiPropertyOptional({ example: ['ALL', 'FRONTLINE'], type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  roleCodes?: string[];

  @ApiPropertyOptional({ example: 'E10001', description: 'Employee reference of their manager, in the same employer' })
  @Transform(emptyToNull)
  @IsOptional()
  @IsString()
  managerEmployeeRef?: string | null;

  @ApiProperty({ example: '2024-09-02' })
  @IsCalendarDate()
  startDate: string;

  @ApiPropertyOptional({ example: null, description: 'Set when the person leaves; they are kept for the record' })
  @Transform(emptyToNull)
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsCalendarDate()
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
}
