/** The demo partnership: about 3,000 people, always the same for the same asOf. */
import type { DataSource } from 'typeorm';
import { GeneratedSummary, generatePartnership } from './generator';

export const DEMO_STAFF = 3000;
export const DEMO_SEED = 2015;

export function seedDemo(dataSource: DataSource, asOf?: string): Promise<GeneratedSummary> {
  return generatePartnership(dataSource, { staff: DEMO_STAFF, seed: DEMO_SEED, asOf });
}
