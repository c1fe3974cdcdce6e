/** Sectors of specified authorities (Warwickshire's Appendix A groups them this way). */
export const SECTORS = [
  'local_authority',
  'education',
  'health',
  'police',
  'prisons_probation',
  'voluntary_community',
  'private_commissioned',
  'other',
] as const;
export type Sector = (typeof SECTORS)[number];

export const SECTOR_NAMES: Record<Sector, string> = {
  local_authority: 'Local authority',
  education: 'Education',
  health: 'Health',
  police: 'Police',
  prisons_probation: 'Prisons and probation',
  voluntary_community: 'Voluntary and community',
  private_commissioned: 'Private and commissioned services',
  other: 'Other',
};
