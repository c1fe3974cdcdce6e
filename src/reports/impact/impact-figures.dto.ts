import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested } from 'class-validator';

const MAX_COUNT = 100_000;

/** A count of cases: a whole number, never a person's details. */
const count = (name: string) => (target: object, key: string) => {
  Type(() => Number)(target, key);
  IsInt({ message: `${name} must be a whole number of 0 or more` })(target, key);
  Min(0, { message: `${name} must be a whole number of 0 or more` })(target, key);
  Max(MAX_COUNT, { message: `${name} must be at most ${MAX_COUNT}` })(target, key);
};

export class ConcernCountsDto {
  @ApiProperty({ example: 4 }) @count('concerns.education') education: number;
  @ApiProperty({ example: 2 }) @count('concerns.health') health: number;
  @ApiProperty({ example: 1 }) @count('concerns.localAuthority') localAuthority: number;
  @ApiProperty({ example: 3 }) @count('concerns.police') police: number;
  @ApiProperty({ example: 0 }) @count('concerns.community') community: number;
  @ApiProperty({ example: 0 }) @count('concerns.other') other: number;
}

/** Counts only: this form of figures has no field for anyone's name or details, by design. */
export class SaveImpactFiguresDto {
  @ApiProperty({ example: 'WCC', description: 'The organisation the figures are for' })
  @IsString()
  @Length(1, 40)
  organisationCode: string;

  @ApiProperty({ example: 2025, description: 'The year the financial year starts (2025 = 2025/26)' })
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number, the year the financial year starts' })
  @Min(2000, { message: 'year must be 2000 or later' })
  @Max(2100, { message: 'year must be 2100 or earlier' })
  year: number;

  @ApiProperty({ example: 3, description: '1 = April-June ... 4 = January-March' })
  @Type(() => Number)
  @IsIn([1, 2, 3, 4], { message: 'quarter must be 1, 2, 3 or 4 (1 = April to June)' })
  quarter: number;

  @ApiProperty({ type: ConcernCountsDto, description: 'Concerns reported in the quarter, by where they came from' })
  @ValidateNested()
  @Type(() => ConcernCountsDto)
  concerns: ConcernCountsDto;

  @ApiProperty({ example: 1, description: 'Referrals to Channel in the quarter' })
  @count('channelReferrals')
  channelReferrals: number;
}

export class ImpactFiguresQuery {
  @ApiPropertyOptional({ description: 'Organisation code: figures entered for it and every organisation below it' })
  @IsOptional()
  @IsString()
  organisation?: string;

  @ApiPropertyOptional({ example: 2025 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number' })
  year?: number;

  @ApiPropertyOptional({ example: 3 })
  @IsOptional()
  @Type(() => Number)
  @IsIn([1, 2, 3, 4], { message: 'quarter must be 1, 2, 3 or 4' })
  quarter?: number;
}

export class ConcernCountsView {
  @ApiProperty() education: number;
  @ApiProperty() health: number;
  @ApiProperty() localAuthority: number;
  @ApiProperty() police: number;
  @ApiProperty() community: number;
  @ApiProperty() other: number;
  @ApiProperty({ description: 'All sources together' }) total: number;
}

export class ImpactFiguresView {
  @ApiProperty() organisationCode: string;
  @ApiProperty() organisationName: string;
  @ApiProperty() year: number;
  @ApiProperty() quarter: number;
  @ApiProperty({ type: ConcernCountsView }) concerns: ConcernCountsView;
  @ApiProperty() channelReferrals: number;
  @ApiProperty({ nullable: true, type: String }) recordedBy: string | null;
}

export class ImpactTotalsView {
  @ApiProperty({ type: ConcernCountsView }) concerns: ConcernCountsView;
  @ApiProperty() channelReferrals: number;
  @ApiProperty({ description: 'Organisations in the subtree that entered figures for the quarter' }) organisationsReporting: number;
}
