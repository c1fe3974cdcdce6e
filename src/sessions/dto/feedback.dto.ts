import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const blankToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : trim({ value }));

/** A score from 1 (not at all) to 5 (very). */
const score = () => (target: object, key: string) => {
  IsOptional()(target, key);
  IsInt({ message: `${key} must be a whole number from 1 to 5` })(target, key);
  Min(1, { message: `${key} must be a whole number from 1 to 5` })(target, key);
  Max(5, { message: `${key} must be a whole number from 1 to 5` })(target, key);
};

export class FeedbackDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 5 })
  @IsInt({ message: 'overallRating must be a whole number from 1 to 5' })
  @Min(1, { message: 'overallRating must be a whole number from 1 to 5' })
  @Max(5, { message: 'overallRating must be a whole number from 1 to 5' })
  overallRating: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: 'Confidence in recognising vulnerability, before the session' })
  @score()
  recogniseBefore?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: '... after the session' })
  @score()
  recogniseAfter?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: 'Confidence in knowing how to refer, before the session' })
  @score()
  referBefore?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5, description: '... after the session' })
  @score()
  referAfter?: number;

  @ApiPropertyOptional({ example: 'Clear and practical' })
  @IsOptional()
  @IsString()
  @Length(0, 4000)
  comments?: string;

  @ApiPropertyOptional({ example: 'E10234', description: 'Leave out to give feedback anonymously' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @Length(1, 60)
  employeeRef?: string;
}

const RATINGS = ['1', '2', '3', '4', '5'];
/** A radio button's value as its score; anything else is no answer (the scores are optional). */
const rating = ({ value }: { value: unknown }) => (typeof value === 'string' && RATINGS.includes(value) ? Number(value) : undefined);

/** The public feedback page's form: the radios' values as scores, messages in the page's words. */
export class FeedbackFormDto {
  @Transform(rating)
  @IsInt({ message: 'Choose a rating for the session overall, from 1 to 5' })
  overallRating: number;

  @IsOptional() @Transform(rating) @IsInt() recogniseBefore?: number;
  @IsOptional() @Transform(rating) @IsInt() recogniseAfter?: number;
  @IsOptional() @Transform(rating) @IsInt() referBefore?: number;
  @IsOptional() @Transform(rating) @IsInt() referAfter?: number;

  @IsOptional()
  @IsString({ message: 'Comments must be 4000 characters or fewer' })
  @Length(0, 4000, { message: 'Comments must be 4000 characters or fewer' })
  comments?: string;

  @IsOptional()
  @Transform(blankToUndefined)
  @IsString({ message: 'Your employee reference must be 60 characters or fewer' })
  @Length(1, 60, { message: 'Your employee reference must be 60 characters or fewer' })
  employeeRef?: string;
}

export class FeedbackSessionView {
  @ApiProperty() title: string;
  @ApiProperty() levelCode: string;
  @ApiProperty() levelName: string;
  @ApiProperty() date: string;
  @ApiProperty() hostOrganisationName: string;
  @ApiProperty() open: boolean;
  @ApiProperty() closesAt: string;
}

export class FeedbackSummaryView {
  @ApiProperty() count: number;
  @ApiProperty({ nullable: true, type: Number, description: 'One decimal place; empty when there is no feedback' }) averageRating: number | null;
  @ApiProperty({ nullable: true, type: Number }) recogniseBefore: number | null;
  @ApiProperty({ nullable: true, type: Number }) recogniseAfter: number | null;
  @ApiProperty({ nullable: true, type: Number }) referBefore: number | null;
  @ApiProperty({ nullable: true, type: Number }) referAfter: number | null;
  @ApiProperty({ type: [String] }) comments: string[];
  @ApiProperty({ nullable: true, type: String, description: 'The token in the feedback link, once made' }) token: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The public feedback page (for the QR code)' }) link: string | null;
  @ApiProperty({ nullable: true, type: String }) closesAt: string | null;
  @ApiProperty() open: boolean;
}

export class FeedbackLinkDto {
  @ApiPropertyOptional({ example: 14, description: 'Days after the session the link stays open (default 14)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  daysOpen?: number;
}

export class FeedbackReceivedView {
  @ApiProperty({ enum: [true], description: 'Always true: the feedback was saved' }) received: true;
}
