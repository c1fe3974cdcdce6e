import { SetMetadata } from '@nestjs/common';
import type { UserRole } from './scope';

export const ALLOW_KEY = 'allowRoles';
export const PUBLIC_KEY = 'publicRoute';

/**
 * The roles that may call a route. Every route must carry @Allow or @Public: the auth guard
 * refuses any route that has neither (fail closed), and a test checks every route has one.
 */
export const Allow = (...roles: UserRole[]) => SetMetadata(ALLOW_KEY, roles);

/** Every signed-in role. */
export const AnySignedIn = () => SetMetadata(ALLOW_KEY, ['admin', 'coordinator', 'trainer', 'manager', 'viewer']);

/** Reachable without signing in (sign-in page, health, anonymous feedback form). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export const PARTNERSHIP_WIDE_KEY = 'partnershipWide';

/**
 * The route changes a setting the whole partnership shares (levels, roles, lead roles, course
 * mappings): on top of @Allow, the account must cover the whole partnership (no organisation, or
 * the one at the top of the tree). The auth guard decides it with ScopeService.coversEverything.
 */
export const PartnershipWide = () => SetMetadata(PARTNERSHIP_WIDE_KEY, true);
