/** The roles a user account can have, each limited to an organisation subtree. */
export const USER_ROLES = ['admin', 'coordinator', 'trainer', 'manager', 'viewer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const ROLE_NAMES: Record<UserRole, string> = {
  admin: 'Administrator',
  coordinator: 'Coordinator',
  trainer: 'Trainer',
  manager: 'Manager',
  viewer: 'Viewer (figures only)',
};

/**
 * 'person': someone tracked who has no account, signed in by an emailed link to "My training"
 * (src/my-training): they see their own record and nothing else.
 */
export type ActorRole = UserRole | 'person';

/** Who is asking, as the authentication guard found them. */
export interface Actor {
  /** The account; null for a person signed in by a link (they have none). */
  userId: number | null;
  email: string;
  displayName: string;
  role: ActorRole;
  /** Root of the organisation subtree the user is limited to; null only for an administrator of everything. */
  organisationId: number | null;
  /** The user's own staff record, if linked (needed for managers' reports and trainers' sessions). */
  staffId: number | null;
}

/**
 * What a request may see and do. Built once per request by the auth guard and passed to every
 * service method that reads or writes people, sessions or figures; ScopeService turns it into SQL.
 * `Scope.system()` is for seeding and command-line tools only.
 */
export class Scope {
  private constructor(readonly actor: Actor | null) {}

  static of(actor: Actor): Scope {
    return new Scope(actor);
  }

  static system(): Scope {
    return new Scope(null);
  }

  /** A person signed in by an emailed link: limited to their own staff record. */
  static person(person: { staffId: number; organisationId: number; email: string; displayName: string }): Scope {
    return new Scope({ userId: null, role: 'person', ...person });
  }

  get isPerson(): boolean {
    return this.actor?.role === 'person';
  }

  get isSystem(): boolean {
    return this.actor === null;
  }

  get role(): ActorRole | 'system' {
    return this.actor?.role ?? 'system';
  }

  /** null: no organisation limit (system). */
  get rootOrganisationId(): number | null {
    return this.actor?.organisationId ?? null;
  }

  /** Viewers see figures only, never a person's name, email or record. */
  get canSeePeople(): boolean {
    return this.role !== 'viewer';
  }

  /** Staff, completions, imports: admins and coordinators. */
  get canEditPeople(): boolean {
    return this.role === 'system' || this.role === 'admin' || this.role === 'coordinator';
  }

  /** Levels, roles, requirements and user accounts. */
  get canEditFramework(): boolean {
    return this.role === 'system' || this.role === 'admin';
  }

  /** Who recorded something, for audit fields. */
  get recordedBy(): string {
    return this.actor?.email ?? 'system';
  }
}
