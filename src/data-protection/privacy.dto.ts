import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { lengthMessage } from '../common/validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const emptyToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value);
const EMAIL = 'Enter an email address in the correct format, like dpo@example.gov.uk';

/** Who is responsible for the personal data in the tracker (the data controller) and their data protection officer. */
export class PrivacyControllerDto {
  @ApiProperty({ example: 'Warwickshire County Council, for the Warwickshire Prevent Partnership' })
  @Transform(trim)
  @IsString({ message: 'Enter the name of the data controller' })
  @Length(1, 200, lengthMessage('Enter the name of the data controller', 'The name must be 200 characters or fewer'))
  controllerName: string;

  @ApiProperty({ example: 'Shire Hall, Market Square, Warwick CV34 4RL' })
  @Transform(trim)
  @IsString({ message: 'Enter the postal address of the data controller' })
  @Length(1, 500, lengthMessage('Enter the postal address of the data controller', 'The address must be 500 characters or fewer'))
  controllerAddress: string;

  @ApiProperty({ example: 'information.governance@example.gov.uk' })
  @Transform(trim)
  @IsEmail({}, { message: EMAIL })
  @MaxLength(254, { message: 'The email address must be 254 characters or fewer' })
  controllerEmail: string;

  @ApiPropertyOptional({ example: 'Data Protection Officer' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'The name must be 200 characters or fewer' })
  dpoName?: string;

  @ApiProperty({ example: 'dpo@example.gov.uk' })
  @Transform(trim)
  @IsEmail({}, { message: "Enter the data protection officer's email address in the correct format, like dpo@example.gov.uk" })
  @MaxLength(254, { message: 'The email address must be 254 characters or fewer' })
  dpoEmail: string;

  @ApiPropertyOptional({ example: '01926 410410' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MaxLength(40, { message: 'The telephone number must be 40 characters or fewer' })
  dpoPhone?: string;
}

/** What the privacy page says, as the API gives it. */
export class PrivacyInformationView {
  @ApiProperty({ nullable: true, type: PrivacyControllerDto, description: 'Empty until an administrator for the whole partnership sets it' }) controller: PrivacyControllerDto | null;
  @ApiProperty({ example: '6 years after a person leaves', description: 'How long a leaver’s personal details are kept before they are anonymised' }) retention: string;
  @ApiProperty({ example: 'https://prevent.example.gov.uk/privacy' }) url: string;
}
