import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { TRAINING_FILTERS, type TrainingFilter } from '../staff-status';
import { StaffQuery } from './staff.dto';

/** The staff page's filters: the API's, and a training status for a level (a GET form, so it pages and works without JavaScript). */
export class StaffListQuery extends StaffQuery {
  @IsOptional()
  @IsString()
  @Length(0, 10)
  level?: string;

  @IsOptional()
  @IsIn(['', ...TRAINING_FILTERS], { message: 'Choose a training status from the list' })
  training?: TrainingFilter | '';
}
