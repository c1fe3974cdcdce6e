import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class CreateRequirementDto {
  @ApiProperty({ example: 'FRONTLINE' })
  @IsString()
  roleCode: string;

  @ApiProperty({ example: 'L2' })
  @IsString()
  levelCode: string;

  @ApiPropertyOptional({ example: 'WCC', description: 'Only inside this organisation subtree; empty for everywhere' })
  @IsOptional()
  @IsString()
  organisationCode?: string | null;

  @ApiPropertyOptional({ default: 0, description: 'Days a new starter has to complete it' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  graceDays?: number;
}

export class UpdateRequirementDto extends PartialType(CreateRequirementDto) {}

export class RequirementView {
  @ApiProperty() id: number;
  @ApiProperty() roleCode: string;
  @ApiProperty() levelCode: string;
  @ApiProperty({ nullable: true, type: String }) organisationCode: string | null;
  @ApiProperty() graceDays: number;
}
