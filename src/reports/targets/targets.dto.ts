import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsNumber, IsOptional, IsString, Max, Min, ValidationArguments } from 'class-validator';
import { SECTORS } from '../../organisations/sectors';

/** What a box posted: a number written with at most one decimal place as a number, nothing as undefined, anything else as typed (and refused). */
const percentBox = ({ value }: { value: unknown }) => {
  const text = typeof value === 'string' ? value.trim().replace(/%$/, '').trim() : value;
  if (text === '' || text === undefined || text === null) return undefined;
  return typeof text === 'string' && /^\d{1,3}(\.\d)?$/.test(text) ? Number(text) : text;
};

function percent(what: string, blank: string) {
  const message = (args: ValidationArguments) =>
    args.value === undefined ? blank : `${what} must be a number from 0 to 100, with at most one decimal place, like 85 or 87.5`;
  return (target: object, key: string) => {
    Transform(percentBox)(target, key);
    IsNumber({ maxDecimalPlaces: 1, allowNaN: false, allowInfinity: false }, { message })(target, key);
    Min(0, { message })(target, key);
    Max(100, { message })(target, key);
  };
}

/** A target as the API sets it. */
export class TargetValueDto {
  @ApiProperty({ example: 85, minimum: 0, maximum: 100, description: 'Target compliance %, at most one decimal place: green at or above it' })
  @IsNumber({ maxDecimalPlaces: 1, allowNaN: false, allowInfinity: false }, { message: 'targetPercent must be a number from 0 to 100 with at most one decimal place' })
  @Min(0, { message: 'targetPercent must be 0 or more' })
  @Max(100, { message: 'targetPercent must be 100 or less' })
  targetPercent: number;

  @ApiPropertyOptional({ example: 5, default: 5, minimum: 0, maximum: 100, description: 'Points below the target that are still amber; red below that' })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 1, allowNaN: false, allowInfinity: false }, { message: 'amberMargin must be a number from 0 to 100 with at most one decimal place' })
  @Min(0, { message: 'amberMargin must be 0 or more' })
  @Max(100, { message: 'amberMargin must be 100 or less' })
  amberMargin?: number;
}

export class TargetOrganisationView {
  @ApiProperty() code: string;
  @ApiProperty() name: string;
}

export class AppliedTargetView {
  @ApiProperty({ example: 'L1' }) levelCode: string;
  @ApiProperty({ example: 85 }) targetPercent: number;
  @ApiProperty({ example: 5 }) amberMargin: number;
  @ApiProperty({ enum: ['partnership', 'sector', 'organisation'], description: 'Where the target was set' }) reach: string;
  @ApiProperty({ nullable: true, type: String, example: 'health' }) sector: string | null;
  @ApiProperty({ nullable: true, type: TargetOrganisationView }) organisation: TargetOrganisationView | null;
}

export class TargetsListResponse {
  @ApiProperty() levels: { code: string; name: string }[];
  @ApiProperty({ type: [AppliedTargetView] }) partnership: AppliedTargetView[];
  @ApiProperty({ type: [AppliedTargetView] }) sectors: AppliedTargetView[];
  @ApiProperty({ type: [AppliedTargetView], description: 'Organisation targets inside your organisations' }) organisations: AppliedTargetView[];
  @ApiProperty({ description: 'Whether you may change the partnership and sector targets' }) canSetPartnershipWide: boolean;
}

export class AppliedTargetsQuery {
  @ApiPropertyOptional({ description: 'Organisation code (default: the top of your organisations)', example: 'WPP' })
  @IsOptional()
  @IsString()
  organisation?: string;
}

export class AppliedTargetsResponse {
  @ApiProperty() organisation: TargetOrganisationView;
  @ApiProperty({ description: 'Per level, the target that applies to the organisation (nearest organisation target, else its sector, else the partnership), or null' })
  levels: { level: string; name: string; target: AppliedTargetView | null }[];
}

/** The page's form for a partnership or sector target. */
export class PartnershipTargetFormDto {
  @IsIn(['', ...SECTORS], { message: 'Choose the whole partnership or a sector' })
  @IsOptional()
  sector?: string;

  @IsString({ message: 'Choose the level' })
  @IsNotEmpty({ message: 'Choose the level' })
  level: string;

  @percent('Target', 'Enter the target, a percentage like 85')
  targetPercent: number;

  @IsOptional()
  @percent('Amber margin', 'Enter the amber margin, in points below the target, like 5')
  amberMargin?: number;
}

export const PARTNERSHIP_FORM_ORDER = ['sector', 'level', 'targetPercent', 'amberMargin'] as const;

/** The page's form for an organisation's own target. */
export class OrganisationTargetFormDto {
  @IsString({ message: 'Choose the organisation' })
  @IsNotEmpty({ message: 'Choose the organisation' })
  organisation: string;

  @IsString({ message: 'Choose the level' })
  @IsNotEmpty({ message: 'Choose the level' })
  orgLevel: string;

  @percent('Target', 'Enter the target, a percentage like 90')
  orgTargetPercent: number;

  @IsOptional()
  @percent('Amber margin', 'Enter the amber margin, in points below the target, like 5')
  orgAmberMargin?: number;
}

export const ORGANISATION_FORM_ORDER = ['organisation', 'orgLevel', 'orgTargetPercent', 'orgAmberMargin'] as const;

/** A Remove button's form. */
export class RemoveTargetFormDto {
  @IsIn(['partnership', 'sector', 'organisation'])
  reach: 'partnership' | 'sector' | 'organisation';

  @IsString()
  @IsNotEmpty()
  level: string;

  @IsOptional()
  @IsString()
  sector?: string;

  @IsOptional()
  @IsString()
  organisation?: string;
}

/** A figure's target and status against it, beside the figure (one per level, in the order of the levels). */
export class LevelTargetView {
  @ApiProperty({ example: 'L1' }) level: string;
  @ApiProperty({ nullable: true, type: Number, example: 85, description: 'The target that applies; null when none is set' }) targetPercent: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 5 }) amberMargin: number | null;
  @ApiProperty({ enum: ['green', 'amber', 'red', 'no target', 'nobody due'], description: 'green at or above the target, amber within the margin below it, red below that' })
  status: string;
  @ApiProperty({ example: 'On target', description: 'The status in words: On target, Close to target, Below target, No target set, Nobody due yet' }) words: string;
}
