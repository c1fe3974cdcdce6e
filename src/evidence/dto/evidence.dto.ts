import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

const REASON = 'Enter why the certificate is not accepted, for example the name on it is not this person’s';

/** Why a certificate is rejected: sent to the person in the message. */
export class RejectEvidenceDto {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: REASON })
  @IsNotEmpty({ message: REASON })
  @MaxLength(1000, { message: 'The reason must be 1,000 characters or fewer' })
  reason: string;
}
