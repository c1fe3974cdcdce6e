import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Max, Min, ValidateIf } from 'class-validator';

export class LevelView {
  @ApiProperty({ example: 'L2' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty() rank: number;
  @ApiProperty({ nullable: true, type: Number, description: 'null: never expires' }) validityMonths: number | null;
}

export class UpdateLevelDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: Number, description: 'Months a completion stays valid; null: never expires' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt({ message: 'validityMonths must be a whole number of months, or null for never' })
  @Min(1)
  @Max(240)
  validityMonths?: number | null;
}
