import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { PersonPurpose } from '../../access/scope.service';

export const PERSON_PURPOSES: PersonPurpose[] = ['see', 'book', 'train', 'manage'];

export class PeopleSearchQuery {
  @ApiProperty({ example: 'andrew ad', description: 'The start of a first name, last name, employee reference or email address; several words narrow it down' })
  @IsString()
  @Length(0, 200)
  q: string;

  @ApiPropertyOptional({
    enum: PERSON_PURPOSES,
    default: 'see',
    description: 'What the person is chosen for: see (anyone you can see, leavers too), book (people in post you can book onto sessions), train (people in post holding a valid L3 today), manage (people in post, as a manager)',
  })
  @IsOptional()
  @IsIn(PERSON_PURPOSES, { message: `purpose must be one of: ${PERSON_PURPOSES.join(', ')}` })
  purpose?: PersonPurpose;
}

export class PersonSuggestionView {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'Andrew Adams' }) name: string;
  @ApiProperty({ example: 'E10234' }) employeeRef: string;
  @ApiProperty({ example: 'Children and Young People' }) organisationName: string;
  @ApiProperty({ example: 'Andrew Adams (E10234)', description: 'How forms take the person: type or paste this into a person box' }) label: string;
}
