import { SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { ALLOW_KEY } from '../auth/allow.decorator';
import { Scope } from '../auth/scope';
import { todayIso } from '../common/dates';
import { Staff } from '../staff/staff.entity';

declare module 'express-session' {
  interface SessionData {
    /** A person with no account, signed in to My training by an emailed link: their staff record. */
    personStaffId?: number;
  }
}

/** The role name the auth guard gives a person signed in by a link. */
export const PERSON = 'person';

/** Routes for a person signed in by an emailed link (My training): no account role reaches them. */
export const ForPerson = () => SetMetadata(ALLOW_KEY, [PERSON]);

/**
 * The person a session was signed in for by a link, as a Scope limited to their own record; null
 * when there is none, or they have left since (a leaver's link session ends).
 */
export async function personScopeOf(req: Request, dataSource: DataSource): Promise<Scope | null> {
  const staffId = req.session?.personStaffId;
  if (!staffId) return null;
  const person = await dataSource.getRepository(Staff).findOne({ where: { id: staffId }, select: { id: true, organisationId: true, email: true, firstName: true, lastName: true, endDate: true } });
  if (!person || (person.endDate !== null && person.endDate < todayIso())) {
    delete req.session.personStaffId;
    return null;
  }
  return Scope.person({ staffId: person.id, organisationId: person.organisationId, email: person.email ?? '', displayName: `${person.firstName} ${person.lastName}` });
}
