import type { UserRole } from '../auth/scope';

export interface NavigationItem {
  text: string;
  href: string;
  /** The page shown is this section's own page (aria-current="page"). */
  current: boolean;
  /** The page shown is inside this section (aria-current="true"). */
  active: boolean;
}

/** The sections of the service navigation, in order, and the roles each is offered to (what each role can open). */
const SECTIONS: { text: string; href: string; roles: UserRole[] }[] = [
  { text: 'Staff', href: '/staff', roles: ['admin', 'coordinator', 'trainer', 'manager'] },
  { text: 'My team', href: '/my-team', roles: ['manager'] },
  { text: 'Sessions', href: '/sessions', roles: ['admin', 'coordinator', 'trainer', 'manager'] },
  { text: 'Reports', href: '/reports', roles: ['admin', 'coordinator', 'trainer', 'manager', 'viewer'] },
  { text: 'Organisations', href: '/organisations', roles: ['admin', 'coordinator', 'trainer', 'manager', 'viewer'] },
  { text: 'Imports', href: '/imports', roles: ['admin', 'coordinator'] },
  { text: 'Certificates', href: '/evidence', roles: ['admin', 'coordinator'] },
  { text: 'Admin', href: '/admin', roles: ['admin'] },
];

/** Whether `path` is `href` itself or a page below it (/staff/12 is in Staff; /staffing is not). */
export function within(path: string, href: string): boolean {
  return path === href || path.startsWith(`${href}/`);
}

/** The sections a role is offered, the one the path is in marked. */
export function navigationFor(role: UserRole | undefined, path: string): NavigationItem[] {
  if (!role) return [];
  const clean = path.replace(/\/+$/, '') || '/';
  return SECTIONS.filter((s) => s.roles.includes(role)).map(({ text, href }) => ({
    text,
    href,
    current: clean === href,
    active: within(clean, href),
  }));
}
