import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { Accounts1763900000100 } from './1763900000100-accounts';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  Accounts1763900000100,
];
