import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, Max, Min, ValidationArguments } from 'class-validator';
import { CONCERN_SOURCE_NAMES, CONCERN_SOURCES, type ConcernSource } from './impact-figure.entity';
import type { SaveImpactFiguresDto } from './impact-figures.dto';

const MAX_COUNT = 100_000;

/** What a box posted: digits as a number, nothing as undefined, anything else as typed (and refused). */
const number = ({ value }: { value: unknown }) => {
  const text = typeof value === 'string' ? value.trim() : value;
  if (text === '' || text === undefined) return undefined;
  return typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : text;
};

/** A count box: "Enter the number of ..." when empty, "... must be a whole number" otherwise. */
function count(what: string) {
  const message = (args: ValidationArguments) =>
    args.value === undefined ? `Enter the number of ${what} (0 if there were none)` : `The number of ${what} must be a whole number, like 3`;
  return (target: object, key: string) => {
    Transform(number)(target, key);
    IsInt({ message })(target, key);
    Min(0, { message })(target, key);
    Max(MAX_COUNT, { message })(target, key);
  };
}

/** The impact figures form as posted: one box a count. `toSave` gives the API's DTO. */
export class ImpactFormDto {
  @IsString({ message: 'Choose the organisation the figures are for' })
  @IsNotEmpty({ message: 'Choose the organisation the figures are for' })
  organisationCode: string;

  @Transform(number)
  @IsInt({ message: 'Choose the financial year' })
  @Min(2000, { message: 'Choose the financial year' })
  @Max(2100, { message: 'Choose the financial year' })
  year: number;

  @Transform(number)
  @IsIn([1, 2, 3, 4], { message: 'Choose the quarter' })
  quarter: number;

  @count('Channel referrals')
  channelReferrals: number;

  declare education: number;
  declare health: number;
  declare localAuthority: number;
  declare police: number;
  declare community: number;
  declare other: number;

  toSave(): SaveImpactFiguresDto {
    return {
      organisationCode: this.organisationCode,
      year: this.year,
      quarter: this.quarter,
      concerns: Object.fromEntries(CONCERN_SOURCES.map((s) => [s, this[s]])) as unknown as SaveImpactFiguresDto['concerns'],
      channelReferrals: this.channelReferrals,
    };
  }
}

for (const source of CONCERN_SOURCES) count(`concerns from ${CONCERN_SOURCE_NAMES[source as ConcernSource].toLowerCase()}`)(ImpactFormDto.prototype, source);

/** The form's boxes in page order: the error summary follows it. */
export const IMPACT_FORM_ORDER = ['organisationCode', 'year', 'quarter', ...CONCERN_SOURCES, 'channelReferrals'];
