/**
 * Every operation of the OpenAPI document, and every page and download route the app registers,
 * called by every role (issue 10): an administrator of everything ("root") and one account of each
 * role limited to organisation A (see support/access-fixture.ts for the partnership). Each call is
 * made with a record inside A and, where the operation names a record or an organisation, with
 * one inside B.
 *
 * The rules held (README "Accounts and access", DOMAIN.md):
 * - a role not in an operation's `may` answers 403;
 * - an allowed role inside A gets what `ok` says (a 2xx, a page's 303, or a validation answer);
 * - inside B an A-limited role gets 403 or 404 (422 "no such code" where B is named in a
 *   payload), never a 2xx; the unscoped administrator gets the same as inside A;
 * - no answer to an A-limited account shows anything of B: no word with "bravo" in it (every B
 *   name, email, reference, title and file name has one) that the call did not carry itself, and
 *   no JSON code field equal to "B".
 * A new operation or route that is not in the tables fails the suite until it is given a row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { addDays } from '../src/common/dates';
import { EvidenceSubmission } from '../src/evidence/evidence-submission.entity';
import { Level } from '../src/levels/level.entity';
import { BookingRequest } from '../src/my-training/booking-request.entity';
import { OutboxService } from '../src/notifications/outbox.service';
import { Client, TEST_PASSWORD, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { A_ROLES, AccessFixture, ALL_ROLES, B_ACCOUNT_EMAIL, buildAccessFixture, csvFile, MatrixRole, ORG_NAMES, PEOPLE } from './support/access-fixture';
import { Answer, bLeaks, Call, describeAnswer, formsWithoutCsrf, Method, send } from './support/access-checks';

type Build = (f: AccessFixture, role: MatrixRole) => Call | Promise<Call>;

interface Operation {
  /** Who may call it ('public': anyone, signed in or not). Every A-limited role not listed must answer 403. */
  may: MatrixRole[] | 'public';
  /** What an allowed call inside A answers: by default any 2xx (and a page's 303); per role where it differs. */
  ok?: number[] | Partial<Record<MatrixRole, number[]>>;
  /** The call with a record, or organisation, inside A (A1, or the caller's own record). */
  a: Build;
  /** The same call with the record or organisation in B. Absent where the operation names none (lists: their bodies are checked). */
  b?: Build;
  /** What an allowed A-limited role answers inside B (default 403 or 404). */
  refusedB?: number[];
  /** Inside B the unscoped administrator is refused too (another account's own token). */
  rootRefusedB?: boolean;
  /** What a person signed in to My training by a link (Bella) answers to the call inside A; by default 403 (public rows are not tried). */
  person?: number[];
}

const EVERYONE: MatrixRole[] = ALL_ROLES;
const PEOPLE_READERS: MatrixRole[] = ['root', 'admin', 'coordinator', 'trainer', 'manager'];
const EDITORS: MatrixRole[] = ['root', 'admin', 'coordinator'];
const SESSION_RUNNERS: MatrixRole[] = ['root', 'admin', 'coordinator', 'trainer'];
const ADMINS: MatrixRole[] = ['root', 'admin'];
/** Partnership-wide settings (levels, roles, lead-role codes, the course-mapping table): the administrator of everything only. */
const ROOT_ONLY: MatrixRole[] = ['root'];

/** B named in a payload: refused as an unknown code would be (422), or 403/404. */
const NAMED_IN_PAYLOAD = [403, 404, 422];
/** B named in a page form: the form re-rendered with the error (400/422), or 403/404. */
const NAMED_IN_FORM = [400, 403, 404, 422];
/** A list filtered by B: empty (the body is checked) or refused. */
const LIST_FILTER = [200, 400, 403, 404, 422];

let serial = 0;
const unique = (prefix: string) => `${prefix}${++serial}`;
/** An identity provider giving new accounts in `org`; no network is needed to add or change one. */
const providerJson = (org: string) => ({
  slug: unique('idp-'),
  label: 'Alpha sign-in',
  issuer: 'https://login.alpha.example',
  clientId: 'alpha-client',
  clientSecret: 'alpha client secret',
  createAccounts: true,
  defaultRole: 'viewer',
  defaultOrganisationCode: org,
});
const providerForm = (org: string) => ({ ...providerJson(org), createAccounts: 'true' });
/** A provider added by the administrator of everything (a partnership-wide setting is theirs to add). */
async function identityProvider(f: AccessFixture): Promise<number> {
  const res = await f.clients.root.post('/api/identity-providers').send(providerJson('A1'));
  if (res.status !== 201) throw new Error(`Could not add an identity provider: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}
/** A different completion date for every write, so no two collide as duplicates. */
const uniqueDate = (f: AccessFixture) => addDays(f.today, -400 - ++serial);
const dateFields = (name: string, iso: string) => ({ [`${name}-day`]: String(Number(iso.slice(8, 10))), [`${name}-month`]: String(Number(iso.slice(5, 7))), [`${name}-year`]: iso.slice(0, 4) });
const period = (f: AccessFixture, org: string) => `organisation=${org}&year=${f.quarter.year}&quarter=${f.quarter.quarter}`;
const annual = (f: AccessFixture, org: string) => `organisation=${org}&year=${f.quarter.year}`;
const impact = (f: AccessFixture, org: string) => ({
  organisationCode: org,
  year: f.quarter.year,
  quarter: f.quarter.quarter,
  concerns: { education: 1, health: 2, localAuthority: 0, police: 0, community: 0, other: 0 },
  channelReferrals: 1,
});
const impactForm = (f: AccessFixture, org: string) => ({
  organisationCode: org,
  year: String(f.quarter.year),
  quarter: String(f.quarter.quarter),
  education: '1',
  health: '2',
  localAuthority: '0',
  police: '0',
  community: '0',
  other: '0',
  channelReferrals: '1',
});
const staffCsv = (line: string) => csvFile('employee_ref,first_name,last_name,email,organisation_code,roles,manager_employee_ref,start_date,end_date', line);
/** A kept preview can be confirmed or changed only by whoever uploaded it: the caller, where it may upload at all. */
const uploader = (f: AccessFixture, role: MatrixRole) => (EDITORS.includes(role) ? f.clients[role] : f.clients.root);
/** A scheduled report for organisation A1 or B, made by the unscoped administrator (to be stopped by the call). */
const subscription = async (f: AccessFixture, org: 'A1' | 'B') =>
  (await f.clients.root.post('/api/report-subscriptions').send({ report: 'trend', organisation: org, frequency: 'weekly', recipients: [org === 'B' ? 'pwg@bravo.example' : 'pwg@alpha.example'] }).expect(201)).body.id as number;
/** A1 is no health organisation, so the NHS return answers 422 there; B is one, so the unscoped administrator gets it there (200). */
const NHS_OK: Partial<Record<MatrixRole, number[]>> = { root: [200, 422], admin: [422], coordinator: [422], trainer: [422], manager: [422], viewer: [422] };
const subscriptionJson = (org: string) => ({ report: 'trend', organisation: org, frequency: 'weekly', recipients: ['pwg@alpha.example'] });
const feedbackToken = async (f: AccessFixture) => ((await f.clients.root.get(`/api/sessions/${f.sessions.SA}/feedback`)).body as { token: string }).token;
const newSessionBody = (f: AccessFixture, host: 'A' | 'B') => ({
  levelCode: 'L2',
  title: host === 'B' ? unique('Bravo new session ') : unique('Alpha new session '),
  startsAt: `${addDays(f.today, 14)}T09:30`,
  endsAt: `${addDays(f.today, 14)}T12:30`,
  venue: 'Room 2',
  hostOrganisationCode: host,
  capacity: 10,
  trainerEmployeeRefs: [host === 'B' ? PEOPLE.bTrainer.ref : PEOPLE.trainer.ref],
});
const sessionForm = (f: AccessFixture, host: 'A' | 'B', title: string) => ({
  levelCode: 'L2',
  title,
  date: addDays(f.today, 7),
  startTime: '09:30',
  endTime: '12:30',
  venue: `${title} room`,
  hostOrganisationCode: host,
  capacity: '30',
  trainers: host === 'B' ? PEOPLE.bTrainer.ref : PEOPLE.trainer.ref,
  notes: 'Bring the handouts',
});
/** The page correcting or deleting a completion, under its person's record. */
const completionPage = async (f: AccessFixture, completionId: number, what: 'change' | 'delete') => {
  const { staffId } = (await f.clients.root.get(`/api/completions/${completionId}`).expect(200)).body as { staffId: number };
  return `/staff/${staffId}/completions/${completionId}/${what}`;
};
const staffForm = (p: { ref: string; first: string; last: string; org: string; email?: string }) => ({
  employeeRef: p.ref,
  firstName: p.first,
  lastName: p.last,
  email: p.email ?? '',
  organisationCode: p.org,
  roleCodes: 'ALL',
  managerEmployeeRef: '',
  ...dateFields('startDate', '2020-01-06'),
});

/** Certificates sent from My training are kept here, a folder for each database's run. */
let evidenceDir = '';
/** A certificate waiting to be checked, sent by Bella (A1) or Zara (B), with its file. */
async function evidenceOf(f: AccessFixture, who: 'A' | 'B'): Promise<number> {
  const storedName = `${randomUUID()}.pdf`;
  writeFileSync(join(evidenceDir, storedName), '%PDF-1.7\n');
  const level = await f.t.dataSource.getRepository(Level).findOneByOrFail({ code: 'L1' });
  const saved = await f.t.dataSource.getRepository(EvidenceSubmission).save({
    staffId: who === 'A' ? f.staff.booked : f.staff.bPerson,
    levelId: level.id,
    completedOn: uniqueDate(f),
    originalName: who === 'A' ? 'alpha-certificate.pdf' : 'bravo-certificate.pdf',
    storedName,
    contentType: 'application/pdf',
    sizeBytes: 10,
    status: 'pending' as const,
    reason: null,
    completionId: null,
    decidedBy: null,
    decidedAt: null,
  });
  return saved.id;
}
/** A place of Bella's on a new session of A, to cancel from My training. */
async function bellaPlace(f: AccessFixture): Promise<number> {
  const sessionId = await f.fresh.session('A');
  const res = await f.clients.root.post(`/api/sessions/${sessionId}/bookings`).send({ employeeRef: PEOPLE.booked.ref });
  if (res.status !== 201) throw new Error(`Could not book Bella: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}
/** A request for a place, waiting for approval: a new person of A1 or B on a new session of A or B. */
async function requestOf(f: AccessFixture, org: 'A' | 'B'): Promise<number> {
  const person = await f.fresh.person(org === 'A' ? 'A1' : 'B');
  const sessionId = await f.fresh.session(org);
  const saved = await f.t.dataSource.getRepository(BookingRequest).save({ staffId: person.id, sessionId, status: 'pending' as const, bookingId: null, decidedBy: null, decidedAt: null, reason: null });
  return saved.id;
}
const APPROVERS: MatrixRole[] = ['root', 'admin', 'coordinator', 'manager'];
/** My training's routes are for a person signed in by a link only: every account role answers 403. */
const NO_ACCOUNT: MatrixRole[] = [];

/** The OpenAPI document's operations, as "METHOD /path". */
/** A person made for one erasure call (erasing changes them for good), in A1 or (with a bravo name) in B. */
async function personToErase(f: AccessFixture, org: 'A1' | 'B'): Promise<number> {
  const ref = unique(org === 'B' ? 'BRAVO-ERASE-' : 'A1-ERASE-');
  const res = await f.clients.root.post('/api/staff').send({ employeeRef: ref, firstName: org === 'B' ? 'Bravo' : 'Erin', lastName: ref, organisationCode: org, startDate: '2020-01-06', roleCodes: [] });
  if (res.status !== 201) throw new Error(`Could not add a person to erase: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

const API: Record<string, Operation> = {
  'GET /health': { may: 'public', a: () => ({ url: '/health' }) },
  'GET /health/live': { may: 'public', a: () => ({ url: '/health/live' }) },
  'GET /health/ready': { may: 'public', a: () => ({ url: '/health/ready' }) },

  // Accounts and tokens: everyone has their own.
  'POST /api/auth/token': { may: 'public', ok: [201], a: (f, r) => ({ url: '/api/auth/token', json: { email: f.accounts[r].email, password: TEST_PASSWORD, name: 'matrix' } }) },
  'GET /api/auth/me': { may: EVERYONE, a: () => ({ url: '/api/auth/me' }) },
  // One's own password: a wrong current password answers a validation error (nobody's password changes here).
  'POST /api/auth/password': { may: EVERYONE, ok: [400, 422], a: () => ({ url: '/api/auth/password', json: { currentPassword: 'not the password at all', newPassword: 'a new password for tests' } }) },
  'GET /api/auth/tokens': { may: EVERYONE, a: () => ({ url: '/api/auth/tokens' }) },
  'POST /api/auth/tokens': { may: EVERYONE, a: () => ({ url: '/api/auth/tokens', json: { name: 'matrix token' } }) },
  'DELETE /api/auth/tokens/{id}': {
    may: EVERYONE,
    a: async (f, r) => ({ url: `/api/auth/tokens/${await f.fresh.token(f.clients[r])}` }),
    b: (f) => ({ url: `/api/auth/tokens/${f.tokens.bAccount}` }),
    rootRefusedB: true,
  },
  'GET /api/users': { may: ADMINS, a: () => ({ url: '/api/users' }) },
  'POST /api/users': {
    may: ADMINS,
    ok: [201],
    a: () => ({ url: '/api/users', json: { email: `${unique('new.user')}@alpha.example`, displayName: 'Nia Alphauser', role: 'viewer', organisationCode: 'A1' } }),
    b: () => ({ url: '/api/users', json: { email: `${unique('new.user')}@bravo.example`, displayName: 'Zoe Bravouser', role: 'viewer', organisationCode: 'B' } }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'GET /api/users/{id}': { may: ADMINS, a: (f) => ({ url: `/api/users/${f.users.aTarget}` }), b: (f) => ({ url: `/api/users/${f.users.b}` }) },
  'PATCH /api/users/{id}': {
    may: ADMINS,
    a: (f) => ({ url: `/api/users/${f.users.aTarget}`, json: { displayName: 'Vera Alphaviewer' } }),
    b: (f) => ({ url: `/api/users/${f.users.b}`, json: { displayName: 'Zed Bravocoordinator' } }),
  },
  'GET /api/audit': { may: ADMINS, a: () => ({ url: '/api/audit?pageSize=500' }) },
  // Data protection (issue 17): a person's data for administrators of their subtree; who looked at named lists; the privacy information (public), set by the administrator of everything.
  'GET /api/staff/{id}/subject-access': { may: ADMINS, a: (f) => ({ url: `/api/staff/${f.staff.booked}/subject-access` }), b: (f) => ({ url: `/api/staff/${f.staff.bPerson}/subject-access` }) },
  'GET /api/staff/{id}/subject-access.pdf': { may: ADMINS, a: (f) => ({ url: `/api/staff/${f.staff.booked}/subject-access.pdf` }), b: (f) => ({ url: `/api/staff/${f.staff.bPerson}/subject-access.pdf` }) },
  'GET /api/access-log': { may: ADMINS, a: () => ({ url: '/api/access-log?pageSize=500' }) },
  'GET /api/privacy': { may: 'public', a: () => ({ url: '/api/privacy' }) },
  'PUT /api/privacy': {
    may: ROOT_ONLY,
    a: () => ({ url: '/api/privacy', json: { controllerName: 'Root Partnership', controllerAddress: '1 Alpha Street', controllerEmail: 'data@alpha.example', dpoEmail: 'dpo@alpha.example' } }),
  },
  // Retention and erasure: administrators for their subtree; the partnership's period by the administrator of everything. Nobody here is past six years.
  'GET /api/data-protection/retention': { may: ADMINS, a: () => ({ url: '/api/data-protection/retention' }) },
  'PUT /api/data-protection/retention': { may: ROOT_ONLY, a: () => ({ url: '/api/data-protection/retention', json: { years: 6 } }) },
  'PUT /api/data-protection/retention/overrides/{code}': {
    may: ADMINS,
    a: () => ({ url: '/api/data-protection/retention/overrides/A1', json: { years: 6 } }),
    b: () => ({ url: '/api/data-protection/retention/overrides/B', json: { years: 6 } }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'DELETE /api/data-protection/retention/overrides/{code}': {
    may: ADMINS,
    ok: [204],
    a: () => ({ url: '/api/data-protection/retention/overrides/A1' }),
    b: () => ({ url: '/api/data-protection/retention/overrides/B' }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'GET /api/data-protection/retention/due': { may: ADMINS, a: () => ({ url: '/api/data-protection/retention/due' }) },
  'POST /api/data-protection/retention/run': { may: ADMINS, a: () => ({ url: '/api/data-protection/retention/run', json: {} }) },
  'GET /api/staff/{id}/erasure': { may: ADMINS, a: (f) => ({ url: `/api/staff/${f.staff.booked}/erasure` }), b: (f) => ({ url: `/api/staff/${f.staff.bPerson}/erasure` }) },
  'POST /api/staff/{id}/erasure': {
    may: ADMINS,
    a: async (f) => ({ url: `/api/staff/${await personToErase(f, 'A1')}/erasure`, json: { reason: 'Asked by letter' } }),
    b: async (f) => ({ url: `/api/staff/${await personToErase(f, 'B')}/erasure`, json: { reason: 'Asked by letter' } }),
  },
  'DELETE /api/users/{id}/second-factor': { may: ADMINS, ok: [204], a: (f) => ({ url: `/api/users/${f.users.aTarget}/second-factor` }), b: (f) => ({ url: `/api/users/${f.users.b}/second-factor` }) },

  // Identity providers for single sign-on: a partnership-wide setting; every administrator sees them.
  'GET /api/identity-providers': { may: ADMINS, a: () => ({ url: '/api/identity-providers' }) },
  'GET /api/identity-providers/{id}': { may: ADMINS, a: async (f) => ({ url: `/api/identity-providers/${await identityProvider(f)}` }) },
  'POST /api/identity-providers': {
    may: ROOT_ONLY,
    ok: [201],
    a: () => ({ url: '/api/identity-providers', json: providerJson('A1') }),
    b: () => ({ url: '/api/identity-providers', json: providerJson('B') }),
  },
  'PATCH /api/identity-providers/{id}': { may: ROOT_ONLY, a: async (f) => ({ url: `/api/identity-providers/${await identityProvider(f)}`, json: { label: 'Alpha sign-in again' } }) },
  'DELETE /api/identity-providers/{id}': { may: ROOT_ONLY, ok: [204], a: async (f) => ({ url: `/api/identity-providers/${await identityProvider(f)}` }) },

  // Organisations.
  'GET /api/organisations': { may: EVERYONE, a: () => ({ url: '/api/organisations' }) },
  'GET /api/organisations/tree': { may: EVERYONE, a: () => ({ url: '/api/organisations/tree' }) },
  'POST /api/organisations': {
    may: ADMINS,
    ok: [201],
    a: () => ({ url: '/api/organisations', json: { code: unique('A-NEW'), name: 'Alpha new unit', sector: 'local_authority', parentCode: 'A' } }),
    b: () => ({ url: '/api/organisations', json: { code: unique('BRAVO-NEW'), name: 'Bravo new unit', sector: 'health', parentCode: 'B' } }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'GET /api/organisations/{code}': { may: EVERYONE, a: () => ({ url: '/api/organisations/A1' }), b: () => ({ url: '/api/organisations/B' }) },
  'PATCH /api/organisations/{code}': {
    may: ADMINS,
    a: () => ({ url: '/api/organisations/A1', json: { name: ORG_NAMES.A1 } }),
    b: () => ({ url: '/api/organisations/B', json: { name: ORG_NAMES.B } }),
  },
  'DELETE /api/organisations/{code}': {
    may: ADMINS,
    a: async (f) => ({ url: `/api/organisations/${await f.fresh.organisation('A')}` }),
    b: async (f) => ({ url: `/api/organisations/${await f.fresh.organisation('B')}` }),
  },

  // The framework: levels and roles are partnership-wide; requirements may be scoped to a subtree.
  'GET /api/levels': { may: EVERYONE, a: () => ({ url: '/api/levels' }) },
  'GET /api/levels/{code}': { may: EVERYONE, a: () => ({ url: '/api/levels/L1' }) },
  'PATCH /api/levels/{code}': {
    may: ROOT_ONLY,
    a: async (f) => ({ url: '/api/levels/L1', json: { validityMonths: ((await f.clients.root.get('/api/levels/L1')).body as { validityMonths: number | null }).validityMonths } }),
  },
  'GET /api/roles': { may: EVERYONE, a: () => ({ url: '/api/roles' }) },
  'GET /api/roles/{code}': { may: EVERYONE, a: () => ({ url: '/api/roles/ALL' }) },
  'POST /api/roles': { may: ROOT_ONLY, ok: [201], a: () => ({ url: '/api/roles', json: { code: unique('NEWROLE'), name: 'New role' } }) },
  'PATCH /api/roles/{code}': { may: ROOT_ONLY, a: () => ({ url: '/api/roles/ALL', json: { name: 'All staff' } }) },
  'DELETE /api/roles/{code}': { may: ROOT_ONLY, a: async (f) => ({ url: `/api/roles/${await f.fresh.role()}` }) },
  'GET /api/requirements': { may: EVERYONE, a: () => ({ url: '/api/requirements' }) },
  'POST /api/requirements': {
    may: ADMINS,
    ok: [201],
    a: async (f) => ({ url: '/api/requirements', json: { roleCode: await f.fresh.role(), levelCode: 'L1', organisationCode: 'A' } }),
    b: async (f) => ({ url: '/api/requirements', json: { roleCode: await f.fresh.role(), levelCode: 'L1', organisationCode: 'B' } }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'GET /api/requirements/{id}': { may: EVERYONE, a: (f) => ({ url: `/api/requirements/${f.requirements.a}` }), b: (f) => ({ url: `/api/requirements/${f.requirements.b}` }) },
  'PATCH /api/requirements/{id}': {
    may: ADMINS,
    a: (f) => ({ url: `/api/requirements/${f.requirements.a}`, json: { graceDays: 30 } }),
    b: (f) => ({ url: `/api/requirements/${f.requirements.b}`, json: { graceDays: 45 } }),
  },
  'DELETE /api/requirements/{id}': {
    may: ADMINS,
    a: async (f) => ({ url: `/api/requirements/${await f.fresh.requirement('A')}` }),
    b: async (f) => ({ url: `/api/requirements/${await f.fresh.requirement('B')}` }),
  },

  // Staff and completions.
  'GET /api/people': { may: PEOPLE_READERS, a: () => ({ url: '/api/people?q=a&purpose=book' }), b: () => ({ url: '/api/people?q=bravo' }), refusedB: LIST_FILTER },
  'GET /api/staff': { may: PEOPLE_READERS, a: () => ({ url: '/api/staff?status=all&pageSize=500' }), b: () => ({ url: '/api/staff?organisation=B&status=all' }), refusedB: LIST_FILTER },
  'POST /api/staff': {
    may: EDITORS,
    ok: [201],
    a: () => ({ url: '/api/staff', json: { employeeRef: unique('A1-POST'), firstName: 'Nia', lastName: 'Newcomer', organisationCode: 'A1', startDate: '2024-01-01' } }),
    b: () => ({ url: '/api/staff', json: { employeeRef: unique('BRAVO-POST'), firstName: 'Zeb', lastName: 'Bravonew', organisationCode: 'B', startDate: '2024-01-01' } }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'GET /api/staff/{id}': { may: PEOPLE_READERS, a: (f) => ({ url: `/api/staff/${f.staff.booked}` }), b: (f) => ({ url: `/api/staff/${f.staff.bPerson}` }) },
  'PATCH /api/staff/{id}': {
    may: EDITORS,
    a: (f) => ({ url: `/api/staff/${f.staff.editable}`, json: { firstName: PEOPLE.editable.first } }),
    b: (f) => ({ url: `/api/staff/${f.staff.bPerson}`, json: { firstName: PEOPLE.bPerson.first } }),
  },
  'DELETE /api/staff/{id}': {
    may: EDITORS,
    a: async (f) => ({ url: `/api/staff/${(await f.fresh.person('A1')).id}` }),
    b: async (f) => ({ url: `/api/staff/${(await f.fresh.person('B')).id}` }),
  },
  'GET /api/staff/{id}/compliance': { may: PEOPLE_READERS, a: (f) => ({ url: `/api/staff/${f.staff.booked}/compliance` }), b: (f) => ({ url: `/api/staff/${f.staff.bPerson}/compliance` }) },
  'GET /api/completions': { may: PEOPLE_READERS, a: () => ({ url: '/api/completions?pageSize=500' }), b: () => ({ url: '/api/completions?organisation=B' }), refusedB: LIST_FILTER },
  'POST /api/completions': {
    may: EDITORS,
    ok: [201],
    a: (f) => ({ url: '/api/completions', json: { employeeRef: PEOPLE.editable.ref, levelCode: 'L2', completedOn: uniqueDate(f), source: 'manual' } }),
    b: (f) => ({ url: '/api/completions', json: { employeeRef: PEOPLE.bPerson.ref, levelCode: 'L2', completedOn: uniqueDate(f), source: 'manual' } }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'GET /api/completions/{id}': { may: PEOPLE_READERS, a: (f) => ({ url: `/api/completions/${f.completions.booked}` }), b: (f) => ({ url: `/api/completions/${f.completions.bPerson}` }) },
  'PATCH /api/completions/{id}': {
    may: EDITORS,
    a: (f) => ({ url: `/api/completions/${f.completions.booked}`, json: { evidence: 'Certificate seen', reason: 'Certificate checked' } }),
    b: (f) => ({ url: `/api/completions/${f.completions.bPerson}`, json: { evidence: 'Certificate seen', reason: 'Certificate checked' } }),
  },
  'DELETE /api/completions/{id}': {
    may: EDITORS,
    a: async (f) => ({ url: `/api/completions/${await f.fresh.completion('A1')}`, json: { reason: 'Recorded by mistake' } }),
    b: async (f) => ({ url: `/api/completions/${await f.fresh.completion('B')}`, json: { reason: 'Recorded by mistake' } }),
  },

  // Sessions: the trainer's own (SA, SA_OPEN, trained by Tara); managers book their people on sessions hosted at or above them.
  'GET /api/sessions': { may: PEOPLE_READERS, a: () => ({ url: '/api/sessions?when=all&pageSize=500' }), b: () => ({ url: '/api/sessions?when=all&organisation=B' }), refusedB: LIST_FILTER },
  'POST /api/sessions': {
    may: SESSION_RUNNERS,
    ok: [201],
    a: (f) => ({ url: '/api/sessions', json: newSessionBody(f, 'A') }),
    b: (f) => ({ url: '/api/sessions', json: newSessionBody(f, 'B') }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'GET /api/sessions/{id}': { may: PEOPLE_READERS, a: (f) => ({ url: `/api/sessions/${f.sessions.SA}` }), b: (f) => ({ url: `/api/sessions/${f.sessions.SB}` }) },
  'PATCH /api/sessions/{id}': {
    may: SESSION_RUNNERS,
    a: (f) => ({ url: `/api/sessions/${f.sessions.SA_OPEN}`, json: { notes: 'Bring the handouts' } }),
    b: (f) => ({ url: `/api/sessions/${f.sessions.SB_OPEN}`, json: { notes: 'Bring the handouts' } }),
  },
  'POST /api/sessions/{id}/cancel': {
    may: SESSION_RUNNERS,
    a: async (f) => ({ url: `/api/sessions/${await f.fresh.session('A')}/cancel` }),
    b: async (f) => ({ url: `/api/sessions/${await f.fresh.session('B')}/cancel` }),
  },
  'GET /api/sessions/{id}/bookings': { may: PEOPLE_READERS, a: (f) => ({ url: `/api/sessions/${f.sessions.SA}/bookings` }), b: (f) => ({ url: `/api/sessions/${f.sessions.SB}/bookings` }) },
  'POST /api/sessions/{id}/bookings': {
    may: PEOPLE_READERS,
    ok: [201],
    a: async (f) => ({ url: `/api/sessions/${f.sessions.SA_OPEN}/bookings`, json: { employeeRef: (await f.fresh.person('A1')).ref } }),
    b: async (f) => ({ url: `/api/sessions/${f.sessions.SB_OPEN}/bookings`, json: { employeeRef: (await f.fresh.person('B')).ref } }),
  },
  'DELETE /api/sessions/{id}/bookings/{bookingId}': {
    may: PEOPLE_READERS,
    a: async (f) => {
      const b = await f.fresh.booking('A');
      return { url: `/api/sessions/${b.sessionId}/bookings/${b.bookingId}` };
    },
    b: async (f) => {
      const b = await f.fresh.booking('B');
      return { url: `/api/sessions/${b.sessionId}/bookings/${b.bookingId}` };
    },
  },
  'GET /api/sessions/{id}/bookings/{bookingId}.ics': {
    may: PEOPLE_READERS,
    a: (f) => ({ url: `/api/sessions/${f.sessions.SA_OPEN}/bookings/${f.bookings.SA_OPEN}.ics` }),
    b: (f) => ({ url: `/api/sessions/${f.sessions.SB_OPEN}/bookings/${f.bookings.SB_OPEN}.ics` }),
  },
  'GET /api/sessions/{id}/register': { may: SESSION_RUNNERS, a: (f) => ({ url: `/api/sessions/${f.sessions.SA}/register` }), b: (f) => ({ url: `/api/sessions/${f.sessions.SB}/register` }) },
  'PUT /api/sessions/{id}/register': {
    may: SESSION_RUNNERS,
    a: (f) => ({ url: `/api/sessions/${f.sessions.SA}/register`, json: { attended: [PEOPLE.booked.ref], noShow: [] } }),
    b: (f) => ({ url: `/api/sessions/${f.sessions.SB}/register`, json: { attended: [PEOPLE.bBooked.ref], noShow: [] } }),
  },
  'GET /api/sessions/{id}/certificates/{bookingId}.pdf': {
    may: PEOPLE_READERS,
    a: (f) => ({ url: `/api/sessions/${f.sessions.SA}/certificates/${f.bookings.SA}.pdf` }),
    b: (f) => ({ url: `/api/sessions/${f.sessions.SB}/certificates/${f.bookings.SB}.pdf` }),
  },
  // A manager may see SA (hosted above them, open to book their people onto) but does not run it: its feedback either way.
  'GET /api/sessions/{id}/feedback': { may: PEOPLE_READERS, ok: { manager: [200, 403, 404] }, a: (f) => ({ url: `/api/sessions/${f.sessions.SA}/feedback` }), b: (f) => ({ url: `/api/sessions/${f.sessions.SB}/feedback` }) },
  'POST /api/sessions/{id}/feedback-link': {
    may: SESSION_RUNNERS,
    a: (f) => ({ url: `/api/sessions/${f.sessions.SA}/feedback-link`, json: { daysOpen: 14 } }),
    b: (f) => ({ url: `/api/sessions/${f.sessions.SB}/feedback-link`, json: { daysOpen: 14 } }),
  },
  // The anonymous feedback form: the token is the key, for anyone holding it (B's included, by design).
  'GET /api/feedback/{token}': { may: 'public', a: async (f) => ({ url: `/api/feedback/${await feedbackToken(f)}` }) },
  'POST /api/feedback/{token}': { may: 'public', ok: [201], a: async (f) => ({ url: `/api/feedback/${await feedbackToken(f)}`, json: { overallRating: 4 } }) },

  // Imports.
  'POST /api/imports/staff': {
    may: EDITORS,
    ok: [200],
    a: () => ({ url: '/api/imports/staff?dryRun=true&organisation=A', upload: { file: staffCsv(`${unique('A1-CSV')},Ivy,Imported,,A1,ALL,,2024-04-01,`), name: 'alpha.csv' } }),
    b: () => ({ url: '/api/imports/staff?dryRun=true&organisation=B', upload: { file: staffCsv(`${unique('BRAVO-CSV')},Zina,Bravocsv,,B,ALL,,2024-04-01,`), name: 'bravo.csv' } }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'POST /api/imports/completions': {
    may: EDITORS,
    ok: [200],
    a: (f) => ({ url: '/api/imports/completions?dryRun=true&organisation=A', upload: { file: csvFile('employee_ref,level_code,completed_on', `${PEOPLE.booked.ref},L2,${uniqueDate(f)}`), name: 'alpha.csv' } }),
    b: (f) => ({ url: '/api/imports/completions?dryRun=true&organisation=B', upload: { file: csvFile('employee_ref,level_code,completed_on', `${PEOPLE.bPerson.ref},L2,${uniqueDate(f)}`), name: 'bravo.csv' } }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'GET /api/imports': { may: EDITORS, a: () => ({ url: '/api/imports?pageSize=500' }) },
  'GET /api/imports/course-mappings': { may: EDITORS, a: () => ({ url: '/api/imports/course-mappings' }) },
  // The course-mapping table is shared by the whole partnership: only its administrator replaces it.
  'PUT /api/imports/course-mappings': {
    may: ROOT_ONLY,
    a: async (f) => ({
      url: '/api/imports/course-mappings',
      json: { mappings: ((await f.clients.root.get('/api/imports/course-mappings')).body as { courseName: string; levelCode: string }[]).map((m) => ({ courseName: m.courseName, levelCode: m.levelCode })) },
    }),
  },
  // Role rules, like the course mappings, are shared by the whole partnership; applying them again covers the people an administrator sees.
  'GET /api/imports/role-rules': { may: EDITORS, a: () => ({ url: '/api/imports/role-rules' }) },
  'PUT /api/imports/role-rules': { may: ROOT_ONLY, a: async (f) => ({ url: '/api/imports/role-rules', json: { rules: await currentRoleRules(f) } }) },
  'POST /api/imports/role-rules/apply': { may: ADMINS, ok: [200], a: () => ({ url: '/api/imports/role-rules/apply', json: { dryRun: true } }) },
  'GET /api/imports/{id}': { may: EDITORS, a: (f) => ({ url: `/api/imports/${f.imports.a}` }), b: (f) => ({ url: `/api/imports/${f.imports.b}` }) },
  'GET /api/imports/{id}/errors.csv': { may: EDITORS, a: (f) => ({ url: `/api/imports/${f.imports.a}/errors.csv` }), b: (f) => ({ url: `/api/imports/${f.imports.b}/errors.csv` }) },
  'POST /api/imports/{id}/confirm': {
    may: EDITORS,
    ok: [201],
    a: async (f, r) => ({ url: `/api/imports/${await f.fresh.keptImport('A', uploader(f, r))}/confirm`, json: {} }),
    b: async (f) => ({ url: `/api/imports/${await f.fresh.keptImport('B')}/confirm`, json: {} }),
  },
  'POST /api/imports/{id}/cancel': {
    may: EDITORS,
    a: async (f, r) => ({ url: `/api/imports/${await f.fresh.keptImport('A', uploader(f, r))}/cancel` }),
    b: async (f) => ({ url: `/api/imports/${await f.fresh.keptImport('B')}/cancel` }),
  },

  // Reports: figures for every role; the named lists not for viewers.
  'GET /api/reports/gap-analysis': { may: EVERYONE, a: () => ({ url: '/api/reports/gap-analysis?organisation=A1' }), b: () => ({ url: '/api/reports/gap-analysis?organisation=B' }) },
  'GET /api/reports/gap-analysis/people': {
    may: PEOPLE_READERS,
    a: () => ({ url: '/api/reports/gap-analysis/people?organisation=A1&level=L1' }),
    b: () => ({ url: '/api/reports/gap-analysis/people?organisation=B&level=L1' }),
  },
  'GET /api/reports/quarterly': { may: EVERYONE, a: (f) => ({ url: `/api/reports/quarterly?${period(f, 'A1')}` }), b: (f) => ({ url: `/api/reports/quarterly?${period(f, 'B')}` }) },
  'GET /api/reports/annual': { may: EVERYONE, a: (f) => ({ url: `/api/reports/annual?${annual(f, 'A1')}` }), b: (f) => ({ url: `/api/reports/annual?${annual(f, 'B')}` }) },
  'GET /api/reports/needs-analysis': { may: EVERYONE, a: () => ({ url: '/api/reports/needs-analysis?organisation=A1' }), b: () => ({ url: '/api/reports/needs-analysis?organisation=B' }) },
  'GET /api/reports/trainer-coverage': { may: EVERYONE, a: () => ({ url: '/api/reports/trainer-coverage?organisation=A1' }), b: () => ({ url: '/api/reports/trainer-coverage?organisation=B' }) },
  'GET /api/reports/trainer-coverage/trainers': {
    may: PEOPLE_READERS,
    a: () => ({ url: '/api/reports/trainer-coverage/trainers?organisation=A1' }),
    b: () => ({ url: '/api/reports/trainer-coverage/trainers?organisation=B' }),
  },
  'GET /api/reports/lead-coverage': { may: EVERYONE, a: () => ({ url: '/api/reports/lead-coverage?organisation=A1' }), b: () => ({ url: '/api/reports/lead-coverage?organisation=B' }) },
  'GET /api/reports/lead-coverage/leads': {
    may: PEOPLE_READERS,
    a: () => ({ url: '/api/reports/lead-coverage/leads?organisation=A1' }),
    b: () => ({ url: '/api/reports/lead-coverage/leads?organisation=B' }),
  },
  'GET /api/reports/lead-coverage/role-codes': { may: EVERYONE, a: () => ({ url: '/api/reports/lead-coverage/role-codes' }) },
  'PUT /api/reports/lead-coverage/role-codes': { may: ROOT_ONLY, a: () => ({ url: '/api/reports/lead-coverage/role-codes', json: { roleCodes: ['DSL'] } }) },
  // Targets (issue 15): read by everyone; the partnership's and sectors' set by the administrator of everything, an organisation's by an administrator over it.
  'GET /api/targets': { may: EVERYONE, a: () => ({ url: '/api/targets' }) },
  'GET /api/targets/applied': { may: EVERYONE, a: () => ({ url: '/api/targets/applied?organisation=A1' }), b: () => ({ url: '/api/targets/applied?organisation=B' }) },
  'PUT /api/targets/partnership/{level}': { may: ROOT_ONLY, a: () => ({ url: '/api/targets/partnership/L1', json: { targetPercent: 85 } }) },
  'DELETE /api/targets/partnership/{level}': { may: ROOT_ONLY, ok: [204, 404], a: () => ({ url: '/api/targets/partnership/L2' }) },
  'PUT /api/targets/sectors/{sector}/{level}': { may: ROOT_ONLY, a: () => ({ url: '/api/targets/sectors/health/L1', json: { targetPercent: 90, amberMargin: 3 } }) },
  'DELETE /api/targets/sectors/{sector}/{level}': { may: ROOT_ONLY, ok: [204, 404], a: () => ({ url: '/api/targets/sectors/health/L2' }) },
  'PUT /api/targets/organisations/{organisation}/{level}': {
    may: ADMINS,
    a: () => ({ url: '/api/targets/organisations/A1/L1', json: { targetPercent: 80 } }),
    b: () => ({ url: '/api/targets/organisations/B/L1', json: { targetPercent: 80 } }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'DELETE /api/targets/organisations/{organisation}/{level}': {
    may: ADMINS,
    ok: [204, 404],
    a: () => ({ url: '/api/targets/organisations/A1/L2' }),
    b: () => ({ url: '/api/targets/organisations/B/L2' }),
    refusedB: NAMED_IN_PAYLOAD,
  },
  'GET /api/reports/trend': { may: EVERYONE, a: () => ({ url: '/api/reports/trend?organisation=A1' }), b: () => ({ url: '/api/reports/trend?organisation=B' }) },
  // Returns (issue 15): figures for every role; A and A1 are not health organisations, so the NHS return answers 422 there.
  'GET /api/reports/nhs-return': { may: EVERYONE, ok: NHS_OK, a: () => ({ url: '/api/reports/nhs-return?organisation=A1' }), b: () => ({ url: '/api/reports/nhs-return?organisation=B' }) },
  'GET /api/reports/nhs-return/mapping': { may: EVERYONE, a: () => ({ url: '/api/reports/nhs-return/mapping' }) },
  'PUT /api/reports/nhs-return/mapping': { may: ROOT_ONLY, a: () => ({ url: '/api/reports/nhs-return/mapping', json: { basicLevels: ['L1'], wrapLevels: ['L2', 'L3'] } }) },
  'GET /api/reports/evidence-pack': { may: EVERYONE, a: () => ({ url: '/api/reports/evidence-pack?organisation=A1' }), b: () => ({ url: '/api/reports/evidence-pack?organisation=B' }) },
  'GET /api/reports/working-group-pack': { may: EVERYONE, a: (f) => ({ url: `/api/reports/working-group-pack?${period(f, 'A1')}` }), b: (f) => ({ url: `/api/reports/working-group-pack?${period(f, 'B')}` }) },
  'GET /api/report-subscriptions': { may: EDITORS, a: () => ({ url: '/api/report-subscriptions' }) },
  'POST /api/report-subscriptions': { may: EDITORS, a: () => ({ url: '/api/report-subscriptions', json: subscriptionJson('A1') }), b: () => ({ url: '/api/report-subscriptions', json: subscriptionJson('B') }), refusedB: NAMED_IN_PAYLOAD },
  'DELETE /api/report-subscriptions/{id}': {
    may: EDITORS,
    ok: [204],
    a: async (f) => ({ url: `/api/report-subscriptions/${await subscription(f, 'A1')}` }),
    b: async (f) => ({ url: `/api/report-subscriptions/${await subscription(f, 'B')}` }),
  },
  'GET /api/impact-figures': { may: EDITORS, a: (f) => ({ url: `/api/impact-figures?${period(f, 'A1')}` }), b: (f) => ({ url: `/api/impact-figures?${period(f, 'B')}` }) },
  'PUT /api/impact-figures': {
    may: EDITORS,
    a: (f) => ({ url: '/api/impact-figures', json: impact(f, 'A') }),
    b: (f) => ({ url: '/api/impact-figures', json: impact(f, 'B') }),
    refusedB: NAMED_IN_PAYLOAD,
  },
};

/** Routes outside the OpenAPI document: pages (HTML), downloads (CSV, XLSX, PDF, ICS, SVG) and the API description itself. */
const PAGES: Record<string, Operation> = {
  // The API description (signed-in users only).
  'GET /api/docs': { may: EVERYONE, ok: [200, 301, 302], a: () => ({ url: '/api/docs' }) },
  'GET /api/docs/': { may: EVERYONE, a: () => ({ url: '/api/docs/' }) },
  'GET /api/docs/index.html': { may: EVERYONE, a: () => ({ url: '/api/docs/index.html' }) },
  'GET /api/docs/swagger-ui-init.js': { may: EVERYONE, a: () => ({ url: '/api/docs/swagger-ui-init.js' }) },
  'GET /api/docs/docs/swagger-ui-init.js': { may: EVERYONE, ok: [200, 404], a: () => ({ url: '/api/docs/docs/swagger-ui-init.js' }) },
  'GET /api/docs/LICENSE': { may: EVERYONE, ok: [200, 404], a: () => ({ url: '/api/docs/LICENSE' }) },
  'GET /api/docs-json': { may: EVERYONE, a: () => ({ url: '/api/docs-json' }) },
  'GET /api/docs-yaml': { may: EVERYONE, a: () => ({ url: '/api/docs-yaml' }) },

  // Signing in and one's own account.
  // Off unless METRICS_TOKEN is set (the tests' apps have none); with it, only that token (test/metrics.e2e-spec.ts).
  'GET /metrics': { may: 'public', ok: [404], a: () => ({ url: '/metrics' }) },
  'GET /sign-in': { may: 'public', ok: [200, 303], a: () => ({ url: '/sign-in' }) },
  'POST /sign-in': { may: 'public', ok: [422], a: () => ({ url: '/sign-in', form: { email: '', password: '' } }) },
  'POST /sign-out': { may: 'public', ok: [303], a: () => ({ url: '/sign-out', form: {} }) },
  'GET /account': { may: EVERYONE, a: () => ({ url: '/account' }) },
  'GET /account/password': { may: EVERYONE, a: () => ({ url: '/account/password' }) },
  'POST /account/password': { may: EVERYONE, ok: [422], a: () => ({ url: '/account/password', form: { currentPassword: TEST_PASSWORD, newPassword: 'one new password', confirmPassword: 'another one' } }) },
  'POST /account/tokens': { may: EVERYONE, a: () => ({ url: '/account/tokens', form: { name: 'matrix page token' } }) },
  'POST /account/tokens/:id/revoke': {
    may: EVERYONE,
    ok: [303],
    a: async (f, r) => ({ url: `/account/tokens/${await f.fresh.token(f.clients[r])}/revoke`, form: {} }),
    b: (f) => ({ url: `/account/tokens/${f.tokens.bAccount}/revoke`, form: {} }),
    rootRefusedB: true,
  },
  'GET /': { may: EVERYONE, a: () => ({ url: '/' }) },
  // Signing in with an identity provider (none is set up here) and the second step of a password sign-in (none is waiting).
  'GET /sign-in/oidc/:slug': { may: 'public', ok: [404], a: () => ({ url: '/sign-in/oidc/none' }) },
  'GET /sign-in/oidc/:slug/callback': { may: 'public', ok: [404], a: () => ({ url: '/sign-in/oidc/none/callback?code=x&state=y' }) },
  'GET /sign-in/second-factor': { may: 'public', ok: [303], a: () => ({ url: '/sign-in/second-factor' }) },
  'POST /sign-in/second-factor': { may: 'public', ok: [303], a: () => ({ url: '/sign-in/second-factor', form: { code: '123456' } }) },
  'GET /sign-in/second-factor/set-up': { may: 'public', ok: [303], a: () => ({ url: '/sign-in/second-factor/set-up' }) },
  'POST /sign-in/second-factor/set-up': { may: 'public', ok: [303], a: () => ({ url: '/sign-in/second-factor/set-up', form: { code: '123456' } }) },
  // One's own second factor: nobody here has one, so a code is always wrong.
  'GET /account/second-factor': { may: EVERYONE, a: () => ({ url: '/account/second-factor' }) },
  'GET /account/second-factor/set-up': { may: EVERYONE, a: () => ({ url: '/account/second-factor/set-up' }) },
  'POST /account/second-factor/set-up': { may: EVERYONE, ok: [303], a: () => ({ url: '/account/second-factor/set-up', form: { code: '123456' } }) },
  'POST /account/second-factor/recovery-codes': { may: EVERYONE, ok: [422], a: () => ({ url: '/account/second-factor/recovery-codes', form: { code: '123456' } }) },
  'POST /account/second-factor/turn-off': { may: EVERYONE, ok: [422], a: () => ({ url: '/account/second-factor/turn-off', form: { code: '123456' } }) },

  // Administration.
  'GET /admin': { may: ADMINS, a: () => ({ url: '/admin' }) },
  'GET /admin/users': { may: ADMINS, a: () => ({ url: '/admin/users' }) },
  'GET /admin/users/new': { may: ADMINS, a: () => ({ url: '/admin/users/new' }) },
  'POST /admin/users/new': {
    may: ADMINS,
    ok: [200],
    a: () => ({ url: '/admin/users/new', form: { email: `${unique('page.user')}@alpha.example`, displayName: 'Nia Alphapage', role: 'viewer', organisationCode: 'A1', staffEmployeeRef: '', password: '' } }),
    b: () => ({ url: '/admin/users/new', form: { email: `${unique('page.user')}@bravo.example`, displayName: 'Zoe Bravopage', role: 'viewer', organisationCode: 'B', staffEmployeeRef: '', password: '' } }),
    refusedB: NAMED_IN_FORM,
  },
  'GET /admin/users/:id': { may: ADMINS, a: (f) => ({ url: `/admin/users/${f.users.aTarget}` }), b: (f) => ({ url: `/admin/users/${f.users.b}` }) },
  'POST /admin/users/:id': {
    may: ADMINS,
    ok: [303],
    a: (f) => ({ url: `/admin/users/${f.users.aTarget}`, form: { displayName: 'Vera Alphaviewer', role: 'viewer', organisationCode: 'A1', staffEmployeeRef: '' } }),
    b: (f) => ({ url: `/admin/users/${f.users.b}`, form: { displayName: 'Zed Bravocoordinator', role: 'coordinator', organisationCode: 'B', staffEmployeeRef: '' } }),
    refusedB: NAMED_IN_FORM,
  },
  'GET /admin/audit': { may: ADMINS, a: () => ({ url: '/admin/audit' }) },
  'GET /admin/outbox': { may: ADMINS, a: () => ({ url: '/admin/outbox' }) },
  'GET /admin/access-log': { may: ADMINS, a: () => ({ url: '/admin/access-log' }) },
  'GET /admin/privacy': { may: ROOT_ONLY, a: () => ({ url: '/admin/privacy' }) },
  'POST /admin/privacy': {
    may: ROOT_ONLY,
    ok: [303],
    a: () => ({ url: '/admin/privacy', form: { controllerName: 'Root Partnership', controllerAddress: '1 Alpha Street', controllerEmail: 'data@alpha.example', dpoName: '', dpoEmail: 'dpo@alpha.example', dpoPhone: '' } }),
  },
  'GET /privacy': { may: 'public', a: () => ({ url: '/privacy' }) },
  // Retention and erasure on request: administrators for their subtree; the partnership's period by the administrator of everything.
  'GET /data-protection/retention': { may: ADMINS, a: () => ({ url: '/data-protection/retention' }) },
  'POST /data-protection/retention/partnership': { may: ROOT_ONLY, ok: [303], a: () => ({ url: '/data-protection/retention/partnership', form: { years: '6' } }) },
  'POST /data-protection/retention/overrides': {
    may: ADMINS,
    ok: [303],
    a: () => ({ url: '/data-protection/retention/overrides', form: { organisationCode: 'A1', years: '6' } }),
    b: () => ({ url: '/data-protection/retention/overrides', form: { organisationCode: 'B', years: '6' } }),
    refusedB: NAMED_IN_FORM,
  },
  'POST /data-protection/retention/overrides/remove': {
    may: ADMINS,
    ok: [303],
    a: () => ({ url: '/data-protection/retention/overrides/remove', form: { organisationCode: 'A1' } }),
    b: () => ({ url: '/data-protection/retention/overrides/remove', form: { organisationCode: 'B' } }),
    refusedB: NAMED_IN_FORM,
  },
  'GET /data-protection/retention/due': { may: ADMINS, a: () => ({ url: '/data-protection/retention/due' }) },
  'GET /data-protection/retention/run': { may: ADMINS, a: () => ({ url: '/data-protection/retention/run' }) },
  'POST /data-protection/retention/run': { may: ADMINS, ok: [303], a: () => ({ url: '/data-protection/retention/run', form: {} }) },
  'GET /staff/:id/erase': { may: ADMINS, a: (f) => ({ url: `/staff/${f.staff.booked}/erase` }), b: (f) => ({ url: `/staff/${f.staff.bPerson}/erase` }) },
  'POST /staff/:id/erase': {
    may: ADMINS,
    ok: [303],
    a: async (f) => ({ url: `/staff/${await personToErase(f, 'A1')}/erase`, form: { reason: 'Asked by letter' } }),
    b: async (f) => ({ url: `/staff/${await personToErase(f, 'B')}/erase`, form: { reason: 'Asked by letter' } }),
  },
  'POST /admin/users/:id/second-factor/reset': {
    may: ADMINS,
    ok: [303],
    a: (f) => ({ url: `/admin/users/${f.users.aTarget}/second-factor/reset`, form: {} }),
    b: (f) => ({ url: `/admin/users/${f.users.b}/second-factor/reset`, form: {} }),
  },
  'GET /admin/identity-providers': { may: ADMINS, a: () => ({ url: '/admin/identity-providers' }) },
  'GET /admin/identity-providers/new': { may: ROOT_ONLY, a: () => ({ url: '/admin/identity-providers/new' }) },
  'POST /admin/identity-providers/new': {
    may: ROOT_ONLY,
    ok: [303],
    a: () => ({ url: '/admin/identity-providers/new', form: providerForm('A1') }),
    b: () => ({ url: '/admin/identity-providers/new', form: providerForm('B') }),
  },
  'GET /admin/identity-providers/:id': { may: ROOT_ONLY, a: async (f) => ({ url: `/admin/identity-providers/${await identityProvider(f)}` }) },
  'POST /admin/identity-providers/:id': {
    may: ROOT_ONLY,
    ok: [303],
    a: async (f) => ({ url: `/admin/identity-providers/${await identityProvider(f)}`, form: { ...providerForm('A1'), clientSecret: '' } }),
  },
  'POST /admin/identity-providers/:id/delete': { may: ROOT_ONLY, ok: [303], a: async (f) => ({ url: `/admin/identity-providers/${await identityProvider(f)}/delete`, form: {} }) },

  // Organisations and people.
  'GET /organisations': { may: EVERYONE, a: () => ({ url: '/organisations' }) },
  'GET /staff': { may: PEOPLE_READERS, a: () => ({ url: '/staff?status=all' }), b: () => ({ url: '/staff?organisation=B&status=all' }), refusedB: LIST_FILTER },
  'GET /staff/new': { may: EDITORS, a: () => ({ url: '/staff/new' }) },
  'POST /staff/new': {
    may: EDITORS,
    ok: [303],
    a: () => ({ url: '/staff/new', form: staffForm({ ref: unique('A1-PAGE'), first: 'Nia', last: 'Newcomer', org: 'A1' }) }),
    b: () => ({ url: '/staff/new', form: staffForm({ ref: unique('BRAVO-PAGE'), first: 'Zeb', last: 'Bravonew', org: 'B' }) }),
    refusedB: NAMED_IN_FORM,
  },
  'GET /staff/:id': { may: PEOPLE_READERS, a: (f) => ({ url: `/staff/${f.staff.booked}` }), b: (f) => ({ url: `/staff/${f.staff.bPerson}` }) },
  'GET /staff/:id/edit': { may: EDITORS, a: (f) => ({ url: `/staff/${f.staff.editable}/edit` }), b: (f) => ({ url: `/staff/${f.staff.bPerson}/edit` }) },
  'POST /staff/:id/edit': {
    may: EDITORS,
    ok: [303],
    a: (f) => ({ url: `/staff/${f.staff.editable}/edit`, form: staffForm(PEOPLE.editable) }),
    b: (f) => ({ url: `/staff/${f.staff.bPerson}/edit`, form: staffForm(PEOPLE.bPerson) }),
  },
  'GET /staff/:id/completions/new': { may: EDITORS, a: (f) => ({ url: `/staff/${f.staff.editable}/completions/new` }), b: (f) => ({ url: `/staff/${f.staff.bPerson}/completions/new` }) },
  'POST /staff/:id/completions/new': {
    may: EDITORS,
    ok: [303],
    a: (f) => ({ url: `/staff/${f.staff.editable}/completions/new`, form: { levelCode: 'L2', source: 'manual', evidence: '', ...dateFields('completedOn', uniqueDate(f)) } }),
    b: (f) => ({ url: `/staff/${f.staff.bPerson}/completions/new`, form: { levelCode: 'L2', source: 'manual', evidence: '', ...dateFields('completedOn', uniqueDate(f)) } }),
  },
  // Correcting and deleting a completion from the person's record, with a reason.
  'GET /staff/:id/completions/:completionId/change': {
    may: EDITORS,
    a: async (f) => ({ url: await completionPage(f, await f.fresh.completion('A1'), 'change') }),
    b: async (f) => ({ url: await completionPage(f, f.completions.bPerson, 'change') }),
  },
  'POST /staff/:id/completions/:completionId/change': {
    may: EDITORS,
    ok: [303],
    a: async (f) => ({ url: await completionPage(f, await f.fresh.completion('A1'), 'change'), form: { levelCode: 'L1', source: 'manual', evidence: 'Certificate seen', reason: 'Certificate checked', ...dateFields('completedOn', uniqueDate(f)) } }),
    b: async (f) => ({ url: await completionPage(f, f.completions.bPerson, 'change'), form: { levelCode: 'L1', source: 'manual', evidence: 'Certificate seen', reason: 'Certificate checked', ...dateFields('completedOn', uniqueDate(f)) } }),
  },
  'GET /staff/:id/completions/:completionId/delete': {
    may: EDITORS,
    a: async (f) => ({ url: await completionPage(f, await f.fresh.completion('A1'), 'delete') }),
    b: async (f) => ({ url: await completionPage(f, f.completions.bPerson, 'delete') }),
  },
  'POST /staff/:id/completions/:completionId/delete': {
    may: EDITORS,
    ok: [303],
    a: async (f) => ({ url: await completionPage(f, await f.fresh.completion('A1'), 'delete'), form: { reason: 'Recorded by mistake' } }),
    b: async (f) => ({ url: await completionPage(f, await f.fresh.completion('B'), 'delete'), form: { reason: 'Recorded by mistake' } }),
  },
  'GET /my-team': { may: ['root', 'admin', 'coordinator', 'manager'], a: () => ({ url: '/my-team' }) },

  // Sessions.
  'GET /sessions': { may: PEOPLE_READERS, a: () => ({ url: '/sessions?when=all' }), b: () => ({ url: '/sessions?when=all&organisation=B' }), refusedB: LIST_FILTER },
  'GET /sessions/calendar': { may: PEOPLE_READERS, a: () => ({ url: '/sessions/calendar' }), b: () => ({ url: '/sessions/calendar?organisation=B' }), refusedB: LIST_FILTER },
  'GET /sessions/new': { may: SESSION_RUNNERS, a: () => ({ url: '/sessions/new' }) },
  'POST /sessions/new': {
    may: SESSION_RUNNERS,
    ok: [303],
    a: (f) => ({ url: '/sessions/new', form: sessionForm(f, 'A', unique('Alpha page session ')) }),
    b: (f) => ({ url: '/sessions/new', form: sessionForm(f, 'B', unique('Bravo page session ')) }),
    refusedB: NAMED_IN_FORM,
  },
  'GET /sessions/:id': { may: PEOPLE_READERS, a: (f) => ({ url: `/sessions/${f.sessions.SA}` }), b: (f) => ({ url: `/sessions/${f.sessions.SB}` }) },
  'GET /sessions/:id/edit': { may: SESSION_RUNNERS, a: (f) => ({ url: `/sessions/${f.sessions.SA_OPEN}/edit` }), b: (f) => ({ url: `/sessions/${f.sessions.SB_OPEN}/edit` }) },
  'POST /sessions/:id/edit': {
    may: SESSION_RUNNERS,
    ok: [303],
    a: (f) => ({ url: `/sessions/${f.sessions.SA_OPEN}/edit`, form: sessionForm(f, 'A', 'Alpha WRAP next week') }),
    b: (f) => ({ url: `/sessions/${f.sessions.SB_OPEN}/edit`, form: sessionForm(f, 'B', 'Bravo WRAP next week') }),
  },
  'POST /sessions/:id/bookings': {
    may: PEOPLE_READERS,
    ok: [303],
    a: async (f) => ({ url: `/sessions/${f.sessions.SA_OPEN}/bookings`, form: { mode: 'people', people: (await f.fresh.person('A1')).ref } }),
    b: async (f) => ({ url: `/sessions/${f.sessions.SB_OPEN}/bookings`, form: { mode: 'people', people: (await f.fresh.person('B')).ref } }),
  },
  'POST /sessions/:id/bookings/:bookingId/cancel': {
    may: PEOPLE_READERS,
    ok: [303],
    a: async (f) => {
      const b = await f.fresh.booking('A');
      return { url: `/sessions/${b.sessionId}/bookings/${b.bookingId}/cancel`, form: {} };
    },
    b: async (f) => {
      const b = await f.fresh.booking('B');
      return { url: `/sessions/${b.sessionId}/bookings/${b.bookingId}/cancel`, form: {} };
    },
  },
  'GET /sessions/:id/bookings/:bookingId/calendar.ics': {
    may: PEOPLE_READERS,
    a: (f) => ({ url: `/sessions/${f.sessions.SA_OPEN}/bookings/${f.bookings.SA_OPEN}/calendar.ics` }),
    b: (f) => ({ url: `/sessions/${f.sessions.SB_OPEN}/bookings/${f.bookings.SB_OPEN}/calendar.ics` }),
  },
  'GET /sessions/:id/bookings/:bookingId/certificate.pdf': {
    may: PEOPLE_READERS,
    a: (f) => ({ url: `/sessions/${f.sessions.SA}/bookings/${f.bookings.SA}/certificate.pdf` }),
    b: (f) => ({ url: `/sessions/${f.sessions.SB}/bookings/${f.bookings.SB}/certificate.pdf` }),
  },
  'GET /sessions/:id/certificates.pdf': { may: PEOPLE_READERS, a: (f) => ({ url: `/sessions/${f.sessions.SA}/certificates.pdf` }), b: (f) => ({ url: `/sessions/${f.sessions.SB}/certificates.pdf` }) },
  'GET /sessions/:id/book-overdue': {
    may: PEOPLE_READERS,
    a: (f) => ({ url: `/sessions/${f.sessions.SA_OPEN}/book-overdue?organisationCode=A1` }),
    b: (f) => ({ url: `/sessions/${f.sessions.SB_OPEN}/book-overdue?organisationCode=B` }),
  },
  'GET /sessions/:id/bookings/:bookingId/cancel': {
    may: PEOPLE_READERS,
    a: (f) => ({ url: `/sessions/${f.sessions.SA_OPEN}/bookings/${f.bookings.SA_OPEN}/cancel` }),
    b: (f) => ({ url: `/sessions/${f.sessions.SB_OPEN}/bookings/${f.bookings.SB_OPEN}/cancel` }),
  },
  'GET /sessions/book/:staffId': {
    may: PEOPLE_READERS,
    a: (f) => ({ url: `/sessions/book/${f.staff.editable}?level=L2` }),
    b: (f) => ({ url: `/sessions/book/${f.staff.bPerson}?level=L2` }),
  },
  'POST /sessions/book/:staffId': {
    may: PEOPLE_READERS,
    ok: [303],
    a: async (f) => ({ url: `/sessions/book/${(await f.fresh.person('A1')).id}?level=L2`, form: { sessionId: String(f.sessions.SA_OPEN) } }),
    b: async (f) => ({ url: `/sessions/book/${(await f.fresh.person('B')).id}?level=L2`, form: { sessionId: String(f.sessions.SB_OPEN) } }),
  },
  'GET /sessions/:id/cancel': { may: SESSION_RUNNERS, a: (f) => ({ url: `/sessions/${f.sessions.SA_OPEN}/cancel` }), b: (f) => ({ url: `/sessions/${f.sessions.SB_OPEN}/cancel` }) },
  'POST /sessions/:id/cancel': {
    may: SESSION_RUNNERS,
    ok: [200],
    a: async (f) => ({ url: `/sessions/${await f.fresh.session('A')}/cancel`, form: {} }),
    b: async (f) => ({ url: `/sessions/${await f.fresh.session('B')}/cancel`, form: {} }),
  },
  'GET /sessions/:id/register': { may: SESSION_RUNNERS, a: (f) => ({ url: `/sessions/${f.sessions.SA}/register` }), b: (f) => ({ url: `/sessions/${f.sessions.SB}/register` }) },
  'POST /sessions/:id/register': {
    may: SESSION_RUNNERS,
    ok: [303],
    a: (f) => ({ url: `/sessions/${f.sessions.SA}/register`, form: { [`attendance-${f.bookings.SA}`]: 'attended', walkIns: '' } }),
    b: (f) => ({ url: `/sessions/${f.sessions.SB}/register`, form: { [`attendance-${f.bookings.SB}`]: 'attended', walkIns: '' } }),
  },
  'GET /sessions/:id/feedback': { may: PEOPLE_READERS, ok: { manager: [200, 403, 404] }, a: (f) => ({ url: `/sessions/${f.sessions.SA}/feedback` }), b: (f) => ({ url: `/sessions/${f.sessions.SB}/feedback` }) },
  'POST /sessions/:id/feedback': {
    may: SESSION_RUNNERS,
    ok: [303],
    a: (f) => ({ url: `/sessions/${f.sessions.SA}/feedback`, form: {} }),
    b: (f) => ({ url: `/sessions/${f.sessions.SB}/feedback`, form: {} }),
  },
  'GET /sessions/:id/feedback-qr.svg': { may: SESSION_RUNNERS, a: (f) => ({ url: `/sessions/${f.sessions.SA}/feedback-qr.svg` }), b: (f) => ({ url: `/sessions/${f.sessions.SB}/feedback-qr.svg` }) },
  'GET /feedback/:token': { may: 'public', a: async (f) => ({ url: `/feedback/${await feedbackToken(f)}` }) },
  'POST /feedback/:token': { may: 'public', ok: [200, 201, 303], a: async (f) => ({ url: `/feedback/${await feedbackToken(f)}`, form: { overallRating: '4' } }) },

  // Imports.
  'GET /imports': { may: EDITORS, a: () => ({ url: '/imports' }) },
  'GET /imports/new': { may: EDITORS, a: () => ({ url: '/imports/new' }) },
  'POST /imports/new': {
    may: EDITORS,
    ok: [303],
    a: () => ({ url: '/imports/new', upload: { fields: { kind: 'staff', organisation: 'A' }, file: staffCsv(`${unique('A1-UP')},Una,Uploaded,,A1,ALL,,2024-04-01,`), name: 'alpha-upload.csv' } }),
    b: () => ({ url: '/imports/new', upload: { fields: { kind: 'staff', organisation: 'B' }, file: staffCsv(`${unique('BRAVO-UP')},Zuri,Bravoupload,,B,ALL,,2024-04-01,`), name: 'bravo-upload.csv' } }),
    refusedB: NAMED_IN_FORM,
  },
  'GET /imports/course-mappings': { may: EDITORS, a: () => ({ url: '/imports/course-mappings' }) },
  'POST /imports/course-mappings': { may: ROOT_ONLY, ok: [303], a: () => ({ url: '/imports/course-mappings', form: { courseName: unique('Matrix course '), levelCode: 'L1' } }) },
  'POST /imports/course-mappings/:id/delete': { may: ROOT_ONLY, ok: [303], a: async (f) => ({ url: `/imports/course-mappings/${await f.fresh.courseMapping()}/delete`, form: {} }) },
  'GET /imports/role-rules': { may: EDITORS, a: () => ({ url: '/imports/role-rules' }) },
  'POST /imports/role-rules': {
    may: ROOT_ONLY,
    ok: [303],
    a: () => ({ url: '/imports/role-rules', form: { field: 'job_title', operator: 'equals', value: unique('Matrix job '), roleCode: 'DSL', effect: 'add' } }),
  },
  'POST /imports/role-rules/:id/delete': { may: ROOT_ONLY, ok: [303], a: async (f) => ({ url: `/imports/role-rules/${await freshRoleRule(f)}/delete`, form: {} }) },
  'POST /imports/role-rules/apply': { may: ADMINS, ok: [303], a: () => ({ url: '/imports/role-rules/apply', form: {} }) },
  'GET /imports/:id': { may: EDITORS, a: (f) => ({ url: `/imports/${f.imports.a}` }), b: (f) => ({ url: `/imports/${f.imports.b}` }) },
  'POST /imports/:id/mapping': {
    may: EDITORS,
    ok: [303],
    a: async (f, r) => ({ url: `/imports/${await f.fresh.keptImport('A', uploader(f, r))}/mapping`, form: {} }),
    b: async (f) => ({ url: `/imports/${await f.fresh.keptImport('B')}/mapping`, form: {} }),
  },
  'POST /imports/:id/confirm': {
    may: EDITORS,
    ok: [303],
    a: async (f, r) => ({ url: `/imports/${await f.fresh.keptImport('A', uploader(f, r))}/confirm`, form: {} }),
    b: async (f) => ({ url: `/imports/${await f.fresh.keptImport('B')}/confirm`, form: {} }),
  },
  'POST /imports/:id/cancel': {
    may: EDITORS,
    ok: [303],
    a: async (f, r) => ({ url: `/imports/${await f.fresh.keptImport('A', uploader(f, r))}/cancel`, form: {} }),
    b: async (f) => ({ url: `/imports/${await f.fresh.keptImport('B')}/cancel`, form: {} }),
  },

  // Reports, their charts and downloads (PDF: 503 where Chromium is missing; this suite hides it, see beforeAll).
  'GET /reports': { may: EVERYONE, a: () => ({ url: '/reports' }) },
  'GET /reports/gap-analysis': { may: EVERYONE, a: () => ({ url: '/reports/gap-analysis?organisation=A1' }), b: () => ({ url: '/reports/gap-analysis?organisation=B' }) },
  'GET /reports/gap-analysis/people': {
    may: PEOPLE_READERS,
    a: () => ({ url: '/reports/gap-analysis/people?organisation=A1&level=L1' }),
    b: () => ({ url: '/reports/gap-analysis/people?organisation=B&level=L1' }),
  },
  'GET /reports/quarterly': { may: EVERYONE, a: (f) => ({ url: `/reports/quarterly?${period(f, 'A1')}` }), b: (f) => ({ url: `/reports/quarterly?${period(f, 'B')}` }) },
  'GET /reports/quarterly/chart.svg': { may: EVERYONE, a: (f) => ({ url: `/reports/quarterly/chart.svg?${period(f, 'A1')}&chart=take-up` }), b: (f) => ({ url: `/reports/quarterly/chart.svg?${period(f, 'B')}&chart=take-up` }) },
  'GET /reports/quarterly.csv': { may: EVERYONE, a: (f) => ({ url: `/reports/quarterly.csv?${period(f, 'A1')}` }), b: (f) => ({ url: `/reports/quarterly.csv?${period(f, 'B')}` }) },
  'GET /reports/quarterly.xlsx': { may: EVERYONE, a: (f) => ({ url: `/reports/quarterly.xlsx?${period(f, 'A1')}` }), b: (f) => ({ url: `/reports/quarterly.xlsx?${period(f, 'B')}` }) },
  'GET /reports/quarterly.pdf': { may: EVERYONE, ok: [200, 503], a: (f) => ({ url: `/reports/quarterly.pdf?${period(f, 'A1')}` }), b: (f) => ({ url: `/reports/quarterly.pdf?${period(f, 'B')}` }) },
  'GET /reports/annual': { may: EVERYONE, a: (f) => ({ url: `/reports/annual?${annual(f, 'A1')}` }), b: (f) => ({ url: `/reports/annual?${annual(f, 'B')}` }) },
  'GET /reports/annual/chart.svg': { may: EVERYONE, a: (f) => ({ url: `/reports/annual/chart.svg?${annual(f, 'A1')}&chart=compliance` }), b: (f) => ({ url: `/reports/annual/chart.svg?${annual(f, 'B')}&chart=compliance` }) },
  'GET /reports/annual.csv': { may: EVERYONE, a: (f) => ({ url: `/reports/annual.csv?${annual(f, 'A1')}` }), b: (f) => ({ url: `/reports/annual.csv?${annual(f, 'B')}` }) },
  'GET /reports/annual.xlsx': { may: EVERYONE, a: (f) => ({ url: `/reports/annual.xlsx?${annual(f, 'A1')}` }), b: (f) => ({ url: `/reports/annual.xlsx?${annual(f, 'B')}` }) },
  'GET /reports/annual.pdf': { may: EVERYONE, ok: [200, 503], a: (f) => ({ url: `/reports/annual.pdf?${annual(f, 'A1')}` }), b: (f) => ({ url: `/reports/annual.pdf?${annual(f, 'B')}` }) },
  'GET /reports/needs-analysis': { may: EVERYONE, a: () => ({ url: '/reports/needs-analysis?organisation=A1' }), b: () => ({ url: '/reports/needs-analysis?organisation=B' }) },
  'GET /reports/needs-analysis.csv': { may: EVERYONE, a: () => ({ url: '/reports/needs-analysis.csv?organisation=A1' }), b: () => ({ url: '/reports/needs-analysis.csv?organisation=B' }) },
  'GET /reports/needs-analysis.xlsx': { may: EVERYONE, a: () => ({ url: '/reports/needs-analysis.xlsx?organisation=A1' }), b: () => ({ url: '/reports/needs-analysis.xlsx?organisation=B' }) },
  'GET /reports/trainer-coverage': { may: EVERYONE, a: () => ({ url: '/reports/trainer-coverage?organisation=A1' }), b: () => ({ url: '/reports/trainer-coverage?organisation=B' }) },
  'GET /reports/trainer-coverage.csv': { may: EVERYONE, a: () => ({ url: '/reports/trainer-coverage.csv?organisation=A1' }), b: () => ({ url: '/reports/trainer-coverage.csv?organisation=B' }) },
  'GET /reports/lead-coverage': { may: EVERYONE, a: () => ({ url: '/reports/lead-coverage?organisation=A1' }), b: () => ({ url: '/reports/lead-coverage?organisation=B' }) },
  'GET /reports/lead-coverage.csv': { may: EVERYONE, a: () => ({ url: '/reports/lead-coverage.csv?organisation=A1' }), b: () => ({ url: '/reports/lead-coverage.csv?organisation=B' }) },
  // The lead roles are partnership-wide: their form is for the administrator of everything (every role may read the codes through the API).
  'GET /reports/lead-coverage/settings': { may: ROOT_ONLY, a: () => ({ url: '/reports/lead-coverage/settings' }) },
  'POST /reports/lead-coverage/settings': { may: ROOT_ONLY, ok: [303], a: () => ({ url: '/reports/lead-coverage/settings', form: { roleCodes: 'DSL' } }) },
  // Targets (issue 15): the page for administrators and coordinators (who only read it); the partnership's and sectors' forms for the administrator of everything.
  'GET /reports/targets': { may: EDITORS, a: () => ({ url: '/reports/targets' }) },
  'POST /reports/targets/partnership': { may: ROOT_ONLY, ok: [303], a: () => ({ url: '/reports/targets/partnership', form: { sector: '', level: 'L1', targetPercent: '85', amberMargin: '5' } }) },
  'POST /reports/targets/organisation': {
    may: ADMINS,
    ok: [303],
    a: () => ({ url: '/reports/targets/organisation', form: { organisation: 'A1', orgLevel: 'L1', orgTargetPercent: '80', orgAmberMargin: '5' } }),
    b: () => ({ url: '/reports/targets/organisation', form: { organisation: 'B', orgLevel: 'L1', orgTargetPercent: '80', orgAmberMargin: '5' } }),
    refusedB: NAMED_IN_FORM,
  },
  'POST /reports/targets/remove-shared': { may: ROOT_ONLY, ok: [303, 404], a: () => ({ url: '/reports/targets/remove-shared', form: { reach: 'partnership', level: 'L3' } }) },
  'POST /reports/targets/remove': {
    may: ADMINS,
    ok: [303, 404],
    a: () => ({ url: '/reports/targets/remove', form: { reach: 'organisation', level: 'L3', organisation: 'A1' } }),
    b: () => ({ url: '/reports/targets/remove', form: { reach: 'organisation', level: 'L3', organisation: 'B' } }),
    refusedB: NAMED_IN_FORM,
  },
  'GET /reports/trend': { may: EVERYONE, a: () => ({ url: '/reports/trend?organisation=A1' }), b: () => ({ url: '/reports/trend?organisation=B' }) },
  'GET /reports/trend/chart.svg': { may: EVERYONE, a: () => ({ url: '/reports/trend/chart.svg?organisation=A1' }), b: () => ({ url: '/reports/trend/chart.svg?organisation=B' }) },
  'GET /reports/trend.csv': { may: EVERYONE, a: () => ({ url: '/reports/trend.csv?organisation=A1' }), b: () => ({ url: '/reports/trend.csv?organisation=B' }) },
  'GET /reports/trend.xlsx': { may: EVERYONE, a: () => ({ url: '/reports/trend.xlsx?organisation=A1' }), b: () => ({ url: '/reports/trend.xlsx?organisation=B' }) },
  // Returns (issue 15). The NHS return page lists health organisations only: none in A, so A1 is a choice to correct (400) and the downloads answer 422.
  'GET /reports/nhs-return': { may: EVERYONE, a: () => ({ url: '/reports/nhs-return' }), b: () => ({ url: '/reports/nhs-return?organisation=B' }) },
  'GET /reports/nhs-return.csv': { may: EVERYONE, ok: NHS_OK, a: () => ({ url: '/reports/nhs-return.csv?organisation=A1' }), b: () => ({ url: '/reports/nhs-return.csv?organisation=B' }) },
  'GET /reports/nhs-return.xlsx': { may: EVERYONE, ok: NHS_OK, a: () => ({ url: '/reports/nhs-return.xlsx?organisation=A1' }), b: () => ({ url: '/reports/nhs-return.xlsx?organisation=B' }) },
  'GET /reports/nhs-return/mapping': { may: ROOT_ONLY, a: () => ({ url: '/reports/nhs-return/mapping' }) },
  'POST /reports/nhs-return/mapping': { may: ROOT_ONLY, ok: [303], a: () => ({ url: '/reports/nhs-return/mapping', form: { basicLevels: 'L1', wrapLevels: 'L2' } }) },
  'GET /reports/evidence-pack': { may: EVERYONE, a: () => ({ url: '/reports/evidence-pack?organisation=A1' }), b: () => ({ url: '/reports/evidence-pack?organisation=B' }) },
  'GET /reports/evidence-pack.pdf': { may: EVERYONE, ok: [200, 503], a: () => ({ url: '/reports/evidence-pack.pdf?organisation=A1' }), b: () => ({ url: '/reports/evidence-pack.pdf?organisation=B' }) },
  'GET /reports/working-group-pack': { may: EVERYONE, a: (f) => ({ url: `/reports/working-group-pack?${period(f, 'A1')}` }), b: (f) => ({ url: `/reports/working-group-pack?${period(f, 'B')}` }) },
  'GET /reports/working-group-pack.pdf': { may: EVERYONE, ok: [200, 503], a: (f) => ({ url: `/reports/working-group-pack.pdf?${period(f, 'A1')}` }), b: (f) => ({ url: `/reports/working-group-pack.pdf?${period(f, 'B')}` }) },
  'GET /reports/subscriptions': { may: EDITORS, a: () => ({ url: '/reports/subscriptions' }) },
  'POST /reports/subscriptions': {
    may: EDITORS,
    ok: [303],
    a: () => ({ url: '/reports/subscriptions', form: { ...subscriptionJson('A1'), recipients: 'pwg@alpha.example' } }),
    b: () => ({ url: '/reports/subscriptions', form: { ...subscriptionJson('B'), recipients: 'pwg@alpha.example' } }),
    refusedB: NAMED_IN_FORM,
  },
  'POST /reports/subscriptions/:id/stop': {
    may: EDITORS,
    ok: [303],
    a: async (f) => ({ url: `/reports/subscriptions/${await subscription(f, 'A1')}/stop`, form: {} }),
    b: async (f) => ({ url: `/reports/subscriptions/${await subscription(f, 'B')}/stop`, form: {} }),
  },
  'GET /reports/impact': { may: EDITORS, a: (f) => ({ url: `/reports/impact?${period(f, 'A1')}` }), b: (f) => ({ url: `/reports/impact?${period(f, 'B')}` }) },
  'POST /reports/impact': { may: EDITORS, ok: [303], a: (f) => ({ url: '/reports/impact', form: impactForm(f, 'A') }), b: (f) => ({ url: '/reports/impact', form: impactForm(f, 'B') }), refusedB: NAMED_IN_FORM },

  // My training: asking for a link is for anyone; the pages only for a person signed in by one (Bella here).
  'GET /my-training/sign-in': { may: 'public', a: () => ({ url: '/my-training/sign-in' }) },
  'POST /my-training/sign-in': { may: 'public', ok: [200], a: () => ({ url: '/my-training/sign-in', form: { email: 'nobody.known@alpha.example' } }) },
  'GET /my-training/sign-in/:token': { may: 'public', ok: [410], a: () => ({ url: `/my-training/sign-in/${'x'.repeat(43)}` }) },
  'POST /my-training/sign-in/:token': { may: 'public', ok: [410], a: () => ({ url: `/my-training/sign-in/${'x'.repeat(43)}`, form: {} }) },
  'GET /my-training': { may: NO_ACCOUNT, person: [200], a: () => ({ url: '/my-training' }) },
  'POST /my-training/sessions/:sessionId/book': { may: NO_ACCOUNT, person: [303], a: (f) => ({ url: `/my-training/sessions/${f.sessions.SA_OPEN}/book`, form: {} }) },
  'GET /my-training/bookings/:bookingId/cancel': { may: NO_ACCOUNT, person: [200], a: (f) => ({ url: `/my-training/bookings/${f.bookings.SA_OPEN}/cancel` }) },
  'POST /my-training/bookings/:bookingId/cancel': { may: NO_ACCOUNT, person: [303], a: async (f) => ({ url: `/my-training/bookings/${await bellaPlace(f)}/cancel`, form: {} }) },
  'GET /my-training/bookings/:bookingId/certificate.pdf': { may: NO_ACCOUNT, person: [200], a: (f) => ({ url: `/my-training/bookings/${f.bookings.SA}/certificate.pdf` }) },
  'GET /my-training/evidence/new': { may: NO_ACCOUNT, person: [200], a: () => ({ url: '/my-training/evidence/new' }) },
  'POST /my-training/evidence/new': {
    may: NO_ACCOUNT,
    person: [303],
    a: (f) => ({ url: '/my-training/evidence/new', upload: { fields: { levelCode: 'L1', ...dateFields('completedOn', uniqueDate(f)) }, file: Buffer.from('%PDF-1.7\n'), name: 'alpha-certificate.pdf' } }),
  },
  'GET /my-training/evidence/:id/file': { may: NO_ACCOUNT, person: [200], a: async (f) => ({ url: `/my-training/evidence/${await evidenceOf(f, 'A')}/file` }) },
  'GET /my-training/preferences': { may: NO_ACCOUNT, person: [200], a: () => ({ url: '/my-training/preferences' }) },
  'POST /my-training/preferences': { may: NO_ACCOUNT, person: [303], a: () => ({ url: '/my-training/preferences', form: { optionalMessages: 'yes' } }) },
  'POST /my-training/sign-out': { may: NO_ACCOUNT, a: () => ({ url: '/my-training/sign-out', form: {} }) },

  // Places asked for from My training where a manager approves bookings first: those who can see the person decide.
  'GET /booking-requests': { may: APPROVERS, a: () => ({ url: '/booking-requests' }) },
  'POST /booking-requests/:id/approve': { may: APPROVERS, ok: [303], a: async (f) => ({ url: `/booking-requests/${await requestOf(f, 'A')}/approve`, form: {} }), b: async (f) => ({ url: `/booking-requests/${await requestOf(f, 'B')}/approve`, form: {} }) },
  'POST /booking-requests/:id/decline': {
    may: APPROVERS,
    ok: [303],
    a: async (f) => ({ url: `/booking-requests/${await requestOf(f, 'A')}/decline`, form: { reason: 'Another date suits better' } }),
    b: async (f) => ({ url: `/booking-requests/${await requestOf(f, 'B')}/decline`, form: { reason: 'Another date suits better' } }),
  },
  'GET /booking-requests/settings': { may: ADMINS, a: () => ({ url: '/booking-requests/settings' }) },
  'POST /booking-requests/settings': {
    may: ADMINS,
    ok: [303],
    a: () => ({ url: '/booking-requests/settings', form: { organisationCode: 'A1', approval: 'off' } }),
    b: () => ({ url: '/booking-requests/settings', form: { organisationCode: 'B', approval: 'off' } }),
    refusedB: NAMED_IN_FORM,
  },

  // Certificates sent from My training, checked by coordinators and administrators of the person's subtree.
  'GET /evidence': { may: EDITORS, a: () => ({ url: '/evidence' }) },
  'GET /evidence/:id': { may: EDITORS, a: async (f) => ({ url: `/evidence/${await evidenceOf(f, 'A')}` }), b: async (f) => ({ url: `/evidence/${await evidenceOf(f, 'B')}` }) },
  'GET /evidence/:id/file': { may: EDITORS, a: async (f) => ({ url: `/evidence/${await evidenceOf(f, 'A')}/file` }), b: async (f) => ({ url: `/evidence/${await evidenceOf(f, 'B')}/file` }) },
  'POST /evidence/:id/approve': { may: EDITORS, ok: [303], a: async (f) => ({ url: `/evidence/${await evidenceOf(f, 'A')}/approve`, form: {} }), b: async (f) => ({ url: `/evidence/${await evidenceOf(f, 'B')}/approve`, form: {} }) },
  'POST /evidence/:id/reject': {
    may: EDITORS,
    ok: [303],
    a: async (f) => ({ url: `/evidence/${await evidenceOf(f, 'A')}/reject`, form: { reason: 'Not the right course' } }),
    b: async (f) => ({ url: `/evidence/${await evidenceOf(f, 'B')}/reject`, form: { reason: 'Not the right course' } }),
  },
};

const isTwoHundred = (s: number) => s >= 200 && s < 300;

/** Whether an answer has the expected class; a description of the expectation for the failure message. */
function expectation(op: Operation, role: MatrixRole, variant: 'A' | 'B', page: boolean): { fits: (s: number) => boolean; text: string } {
  const of = (list: number[]) => ({ fits: (s: number) => list.includes(s), text: list.join('/') });
  const allowed = () => {
    const ok = Array.isArray(op.ok) ? op.ok : op.ok?.[role];
    if (ok) return of(ok);
    return { fits: (s: number) => isTwoHundred(s) || (page && s === 303), text: page ? '2xx/303' : '2xx' };
  };
  if (op.may === 'public') return allowed();
  if (!op.may.includes(role)) return of([403]);
  if (variant === 'A') return allowed();
  if (role === 'root' && !op.rootRefusedB) return allowed();
  return of(op.refusedB ?? [403, 404]);
}

/** Calls one operation as every role, inside A and inside B; answers the mismatches. */
async function check(f: AccessFixture, key: string, op: Operation, page: boolean): Promise<string[]> {
  const method = key.split(' ')[0].toLowerCase() as Method;
  const problems: string[] = [];
  const forbidden = new Map<'A' | 'B', Call>();
  for (const role of ALL_ROLES) {
    const allowed = op.may === 'public' || op.may.includes(role);
    for (const variant of ['A', 'B'] as const) {
      const build = variant === 'A' ? op.a : op.b;
      if (!build) continue;
      // Forbidden roles: the guard refuses before any record is read, so inside B adds nothing; one record serves them all.
      if (!allowed && variant === 'B') continue;
      let call = allowed ? undefined : forbidden.get(variant);
      if (!call) call = await build(f, role);
      if (!allowed) forbidden.set(variant, call);
      const answer: Answer = await send(f.clients[role], method, call);
      const expected = expectation(op, role, variant, page);
      const where = `${role} ${variant === 'A' ? 'inside A' : 'inside B'}: ${method.toUpperCase()} ${call.url}`;
      if (!expected.fits(answer.status)) problems.push(`${where} answered ${describeAnswer(answer)} (expected ${expected.text})`);
      const unprotected = formsWithoutCsrf(answer);
      if (unprotected.length) problems.push(`${where} has POST forms without a CSRF token: ${unprotected.join(', ')}`);
      if (role !== 'root') {
        const leaks = bLeaks(answer, call);
        if (leaks.length) problems.push(`${where} shows B: ${[...new Set(leaks)].slice(0, 8).join(', ')}`);
      }
    }
  }
  return problems;
}

/** The app's express routes, as "METHOD /path" (Express 5 keeps the router on app.router; 4 on app._router). */
function expressRoutes(t: TestApp): string[] {
  const app = t.app.getHttpAdapter().getInstance() as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } };
  const stack = (app.router ?? app._router)!.stack as { route?: { path: string; methods: Record<string, boolean> } }[];
  const keys = new Set<string>();
  for (const layer of stack) {
    if (!layer.route) continue;
    const methods = Object.keys(layer.route.methods).filter((m) => m !== '_all');
    // Nest's own catch-all (every method on {/*splat}) is not a route of the app.
    if (layer.route.path === '{/*splat}' || methods.length > 10) continue;
    for (const m of methods) keys.add(`${m.toUpperCase()} ${layer.route.path}`);
  }
  return [...keys].sort();
}

const openApiToExpress = (key: string) => key.replace(/\{(\w+)\}/g, ':$1');

describeEachDatabase('access matrix: every operation, page and download, by every role, inside A and inside B', (kind) => {
  let t: TestApp;
  let f: AccessFixture;
  let documented: string[];
  const chromium = process.env.CHROMIUM_PATH;

  beforeAll(async () => {
    // PDFs: access is decided before printing; printing itself (slow, machine-dependent) is report-visibility's to try.
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    evidenceDir = mkdtempSync(join(tmpdir(), 'matrix-evidence-'));
    t = await createTestApp(kind, { EVIDENCE_DIR: evidenceDir });
    f = await buildAccessFixture(t);
    const doc = (await t.http().get('/api/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    documented = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
  });
  afterAll(async () => {
    if (chromium === undefined) delete process.env.CHROMIUM_PATH;
    else process.env.CHROMIUM_PATH = chromium;
    await t?.close();
    rmSync(evidenceDir, { recursive: true, force: true });
  });

  it('has a row for every operation of the OpenAPI document, and none it lacks', () => {
    const table = Object.keys(API).sort();
    expect({ notInTable: documented.filter((k) => !table.includes(k)), notInDocument: table.filter((k) => !documented.includes(k)) }).toEqual({ notInTable: [], notInDocument: [] });
  });

  it('has a row for every page and download route the app registers, and none it lacks', () => {
    const api = new Set(documented.map(openApiToExpress));
    const routes = expressRoutes(t).filter((k) => !api.has(k));
    const table = Object.keys(PAGES).sort();
    expect({ notInTable: routes.filter((k) => !table.includes(k)), notInApp: table.filter((k) => !routes.includes(k)) }).toEqual({ notInTable: [], notInApp: [] });
  });

  describe('the OpenAPI operations', () => {
    for (const [key, op] of Object.entries(API)) {
      it(key, async () => expect(await check(f, key, op, false)).toEqual([]));
    }
  });

  describe('pages and downloads', () => {
    for (const [key, op] of Object.entries(PAGES)) {
      it(key, async () => expect(await check(f, key, op, true)).toEqual([]));
    }
  });

  describe('an administrator limited to A', () => {
    const admin = () => f.clients.admin;
    const root = () => f.clients.root;
    const refused = (status: number) => !isTwoHundred(status) && status !== 303 && status < 500;
    const userCount = async () => ((await root().get('/api/users').expect(200)).body as unknown[]).length;

    it('cannot create an account without an organisation, for any role', async () => {
      const before = await userCount();
      const answers: Record<string, number> = {};
      for (const role of ['admin', 'coordinator', 'viewer']) {
        for (const organisationCode of [null, undefined, '']) {
          const res = await admin().post('/api/users').send({ email: `${unique('unscoped')}@alpha.example`, displayName: 'Una Scoped', role, organisationCode });
          answers[`${role} ${JSON.stringify(organisationCode)}`] = res.status;
        }
      }
      expect(Object.entries(answers).filter(([, s]) => !refused(s))).toEqual([]);
      expect(await userCount()).toBe(before);
    });

    it('cannot create an account in B, nor move an account of A there or out of every organisation', async () => {
      const res = await admin().post('/api/users').send({ email: `${unique('into.b')}@alpha.example`, displayName: 'Ina Bee', role: 'viewer', organisationCode: 'B' });
      const moved = await admin().patch(`/api/users/${f.users.aTarget}`).send({ organisationCode: 'B' });
      const unscoped = await admin().patch(`/api/users/${f.users.aTarget}`).send({ role: 'admin', organisationCode: null });
      const target = (await root().get(`/api/users/${f.users.aTarget}`).expect(200)).body;
      expect({ create: refused(res.status), move: refused(moved.status), unscope: refused(unscoped.status), organisation: target.organisationCode, role: target.role }).toEqual({
        create: true,
        move: true,
        unscope: true,
        organisation: 'A1',
        role: 'viewer',
      });
    });

    it('cannot link an account to a staff record in B, and is not told whose it is', async () => {
      const created = await admin()
        .post('/api/users')
        .send({ email: `${unique('linked')}@alpha.example`, displayName: 'Lin Ked', role: 'manager', organisationCode: 'A1', staffEmployeeRef: PEOPLE.bPerson.ref });
      const linked = await admin().patch(`/api/users/${f.users.aTarget}`).send({ staffEmployeeRef: PEOPLE.bPerson.ref });
      const linkedWithB = await admin().patch(`/api/users/${f.users.aTarget}`).send({ organisationCode: 'A1', staffEmployeeRef: PEOPLE.bTrainer.ref });
      const target = (await root().get(`/api/users/${f.users.aTarget}`).expect(200)).body;
      const texts = [created, linked, linkedWithB].map((r) => JSON.stringify(r.body));
      expect({
        statuses: [created.status, linked.status, linkedWithB.status].map(refused),
        linkedTo: target.staffEmployeeRef,
        named: texts.filter((x) => /Bravoperson|Bravotrainer|Zara|Zoltan|Bravo Health/i.test(x)),
      }).toEqual({ statuses: [true, true, true], linkedTo: null, named: [] });
    });

    it('gets the same answer for an email used in B as for any other email already in use, naming nobody', async () => {
      const attempt = (email: string) => admin().post('/api/users').send({ email, displayName: 'Dee Plicate', role: 'viewer', organisationCode: 'A1' });
      const inB = await attempt(B_ACCOUNT_EMAIL);
      const inA = await attempt('viewer.team@alpha.example');
      const normal = (res: { status: number; body: { message?: unknown } }, email: string) => ({ status: res.status, message: String(res.body.message).split(email).join('<email>') });
      expect(refused(inB.status)).toBe(true);
      expect(normal(inB, B_ACCOUNT_EMAIL)).toEqual(normal(inA, 'viewer.team@alpha.example'));
      expect(String(inB.body.message)).not.toMatch(/Bravo Health|Bravocoordinator|coordinator\b|\bB\b/i);
      const page = await admin()
        .post('/admin/users/new')
        .set('Accept', 'text/html')
        .type('form')
        .send({ email: B_ACCOUNT_EMAIL, displayName: 'Dee Plicate', role: 'viewer', organisationCode: 'A1', staffEmployeeRef: '', password: '' });
      expect(refused(page.status)).toBe(true);
      expect(page.text.split(B_ACCOUNT_EMAIL).join('')).not.toMatch(/Bravo Health|Bravocoordinator/i);
    });

    it("cannot read B's audit entries, through the API or the page, with any filter", async () => {
      const seen: string[] = [];
      for (const url of ['/api/audit?pageSize=500', '/api/audit?pageSize=500&entity=staff', '/api/audit?pageSize=500&entity=users', '/api/audit?pageSize=500&actor=bravo', '/admin/audit', '/admin/audit?entity=staff']) {
        const res = await admin().get(url).set('Accept', url.startsWith('/api') ? 'application/json' : 'text/html');
        const leaks = bLeaks({ status: res.status, text: res.text, body: res.body, type: String(res.headers['content-type']) }, { url: '/api/audit' });
        if (res.status !== 200 || leaks.length) seen.push(`${url} ${res.status} ${leaks.slice(0, 5).join(', ')}`);
      }
      expect(seen).toEqual([]);
    });

    it("cannot read B's messages in the outbox, on any page", async () => {
      const [zara] = await t.dataSource.query(`SELECT id FROM staff WHERE employee_ref = 'BRAVO-PER'`);
      await t.dataSource.transaction((m) =>
        t.app.get(OutboxService).enqueue(m, { to: 'zara@bravo.example', subject: 'Your place', text: 'Dear Zara', key: 'matrix-bravo', kind: 'booking-confirmed', personId: zara.id }),
      );
      const seen: string[] = [];
      for (const url of ['/admin/outbox', '/admin/outbox?page=2']) {
        const res = await admin().get(url).set('Accept', 'text/html');
        const leaks = bLeaks({ status: res.status, text: res.text, body: res.body, type: String(res.headers['content-type']) }, { url: '/admin/outbox' });
        if (res.status !== 200 || leaks.length) seen.push(`${url} ${res.status} ${leaks.slice(0, 5).join(', ')}`);
      }
      expect(seen).toEqual([]);
      // The partnership's administrator sees B's messages: the page above had them to hide.
      expect((await root().get('/admin/outbox').set('Accept', 'text/html').expect(200)).text).toContain('zara@bravo.example');
    });

    it('cannot create, change, move or delete requirements scoped to B or partnership-wide', async () => {
      const role = await f.fresh.role();
      const before = (await root().get('/api/requirements').expect(200)).body;
      const answers = {
        'create partnership-wide': (await admin().post('/api/requirements').send({ roleCode: role, levelCode: 'L1' })).status,
        'create partnership-wide (null)': (await admin().post('/api/requirements').send({ roleCode: role, levelCode: 'L2', organisationCode: null })).status,
        'create in B': (await admin().post('/api/requirements').send({ roleCode: role, levelCode: 'L3', organisationCode: 'B' })).status,
        'change partnership-wide': (await admin().patch(`/api/requirements/${f.requirements.wide}`).send({ graceDays: 7 })).status,
        'change in B': (await admin().patch(`/api/requirements/${f.requirements.b}`).send({ graceDays: 7 })).status,
        'move A to B': (await admin().patch(`/api/requirements/${f.requirements.a}`).send({ organisationCode: 'B' })).status,
        'move A to partnership-wide': (await admin().patch(`/api/requirements/${f.requirements.a}`).send({ organisationCode: null })).status,
        'move B to A': (await admin().patch(`/api/requirements/${f.requirements.b}`).send({ organisationCode: 'A' })).status,
        'delete partnership-wide': (await admin().delete(`/api/requirements/${f.requirements.wide}`)).status,
        'delete in B': (await admin().delete(`/api/requirements/${f.requirements.b}`)).status,
      };
      expect(Object.entries(answers).filter(([, s]) => !refused(s))).toEqual([]);
      expect((await root().get('/api/requirements').expect(200)).body).toEqual(before);
    });

    it('cannot change partnership-wide levels, roles or the lead-role codes', async () => {
      const levels = (await root().get('/api/levels').expect(200)).body;
      const roles = (await root().get('/api/roles').expect(200)).body;
      const codes = (await root().get('/api/reports/lead-coverage/role-codes').expect(200)).body;
      const answers = {
        'change a level': (await admin().patch('/api/levels/L2').send({ validityMonths: 12 })).status,
        'rename a level': (await admin().patch('/api/levels/L1').send({ name: 'Renamed' })).status,
        'create a role': (await admin().post('/api/roles').send({ code: unique('AROLE'), name: 'A role' })).status,
        'rename a role': (await admin().patch('/api/roles/DSL').send({ name: 'Renamed' })).status,
        'delete a role': (await admin().delete(`/api/roles/${await f.fresh.role()}`)).status,
        'set lead-role codes': (await admin().put('/api/reports/lead-coverage/role-codes').send({ roleCodes: ['ALL'] })).status,
        'set lead-role codes (page)': (await admin().post('/reports/lead-coverage/settings').set('Accept', 'text/html').type('form').send({ roleCodes: 'ALL' })).status,
      };
      expect(Object.entries(answers).filter(([, s]) => s !== 403)).toEqual([]);
      expect((await root().get('/api/levels').expect(200)).body).toEqual(levels);
      expect(((await root().get('/api/roles').expect(200)).body as { code: string }[]).filter((r) => !/^ROLE-/.test(r.code))).toEqual(
        (roles as { code: string }[]).filter((r) => !/^ROLE-/.test(r.code)),
      );
      expect((await root().get('/api/reports/lead-coverage/role-codes').expect(200)).body).toEqual(codes);
    });

    it('cannot move an organisation of A into B, nor add one below B', async () => {
      const moved = await admin().patch('/api/organisations/A1').send({ parentCode: 'B' });
      const added = await admin().post('/api/organisations').send({ code: unique('INTO-B'), name: 'Into B', sector: 'health', parentCode: 'B' });
      const a1 = (await root().get('/api/organisations/A1').expect(200)).body;
      expect({ moved: refused(moved.status), added: refused(added.status), parent: a1.parentCode }).toEqual({ moved: true, added: true, parent: 'A' });
    });
  });

  describe('a coordinator limited to A', () => {
    it('cannot replace or change the shared course-mapping table', async () => {
      const coordinator = f.clients.coordinator;
      const before = (await f.clients.root.get('/api/imports/course-mappings').expect(200)).body;
      const answers = {
        replace: (await coordinator.put('/api/imports/course-mappings').send({ mappings: [{ courseName: 'Only ours', levelCode: 'L1' }] })).status,
        empty: (await coordinator.put('/api/imports/course-mappings').send({ mappings: [] })).status,
        add: (await coordinator.post('/imports/course-mappings').set('Accept', 'text/html').type('form').send({ courseName: 'Coordinator course', levelCode: 'L2' })).status,
        remove: (await coordinator.post(`/imports/course-mappings/${(before as { id: number }[])[0].id}/delete`).set('Accept', 'text/html').type('form').send({})).status,
      };
      expect(answers).toEqual({ replace: 403, empty: 403, add: 403, remove: 403 });
      expect((await f.clients.root.get('/api/imports/course-mappings').expect(200)).body).toEqual(before);
    });
  });

  describe('everyone limited to A', () => {
    it('books nobody of B onto a session of A, and is told nothing about them', async () => {
      const problems: string[] = [];
      for (const role of ['admin', 'coordinator', 'trainer', 'manager'] as const) {
        const call = { url: `/api/sessions/${f.sessions.SA_OPEN}/bookings`, json: { employeeRef: PEOPLE.bPerson.ref } };
        const res = await send(f.clients[role], 'post', call);
        if (isTwoHundred(res.status) || res.status >= 500) problems.push(`${role}: ${describeAnswer(res)}`);
        const leaks = bLeaks(res, call);
        if (leaks.length) problems.push(`${role} shows ${leaks.join(', ')}`);
      }
      const bookings = JSON.stringify((await f.clients.root.get(`/api/sessions/${f.sessions.SA_OPEN}/bookings`).expect(200)).body);
      expect({ problems, booked: bookings.includes(PEOPLE.bPerson.ref) }).toEqual({ problems: [], booked: false });
    });

    it("a trainer reaches no other trainer's session, nor anyone not booked on their own", async () => {
      const trainer = f.clients.trainer;
      const { SA2 } = f.sessions;
      const urls = [
        `/api/sessions/${SA2}`,
        `/api/sessions/${SA2}/bookings`,
        `/api/sessions/${SA2}/register`,
        `/api/sessions/${SA2}/feedback`,
        `/api/sessions/${SA2}/bookings/${f.bookings.SA2}.ics`,
        `/sessions/${SA2}`,
        `/sessions/${SA2}/register`,
        `/api/staff/${f.staff.otherBooked}`,
        `/api/staff/${f.staff.otherTrainer}`,
        `/api/staff/${f.staff.outsider}`,
        `/staff/${f.staff.outsider}`,
      ];
      const answers: string[] = [];
      for (const url of urls) {
        const res = await send(trainer, 'get', { url });
        if (![403, 404].includes(res.status) || /Otherbooked|Othertrainer|Outsider/.test(res.text)) answers.push(`${url} ${describeAnswer(res)}`);
      }
      expect(answers).toEqual([]);
    });

    it('a manager reaches nobody in A outside A1 who does not report to them, and cannot book them', async () => {
      const manager = f.clients.manager;
      const answers: string[] = [];
      for (const url of [`/api/staff/${f.staff.outsider}`, `/api/staff/${f.staff.trainer}`, `/api/staff/${f.staff.otherBooked}/compliance`, `/staff/${f.staff.outsider}`, `/api/sessions/${f.sessions.SA2}/bookings/${f.bookings.SA2}.ics`]) {
        const res = await send(manager, 'get', { url });
        if (![403, 404].includes(res.status) || /Outsider|Otherbooked|Trainerton/.test(res.text)) answers.push(`${url} ${describeAnswer(res)}`);
      }
      const booking = await send(manager, 'post', { url: `/api/sessions/${f.sessions.SA_OPEN}/bookings`, json: { employeeRef: PEOPLE.outsider.ref } });
      if (isTwoHundred(booking.status) || booking.status >= 500 || /Outsider/.test(booking.text)) answers.push(`booking Otto: ${describeAnswer(booking)}`);
      const bookings = JSON.stringify((await f.clients.root.get(`/api/sessions/${f.sessions.SA_OPEN}/bookings`).expect(200)).body);
      expect({ answers, booked: bookings.includes(PEOPLE.outsider.ref) }).toEqual({ answers: [], booked: false });
    });

    it('are the accounts the table says: one of each role, limited to A (the manager to A1)', async () => {
      const users = (await f.clients.root.get('/api/users').expect(200)).body as { id: number; role: string; organisationCode: string | null; staffEmployeeRef: string | null }[];
      const of = (r: (typeof A_ROLES)[number]) => users.find((u) => u.id === f.accounts[r].id);
      expect(A_ROLES.map((r) => [r, of(r)?.role, of(r)?.organisationCode, of(r)?.staffEmployeeRef])).toEqual([
        ['admin', 'admin', 'A', null],
        ['coordinator', 'coordinator', 'A', null],
        ['trainer', 'trainer', 'A', PEOPLE.trainer.ref],
        ['manager', 'manager', 'A1', PEOPLE.manager.ref],
        ['viewer', 'viewer', 'A', null],
      ]);
    });
  });

  describe('a person signed in to My training by a link (Bella, no account)', () => {
    let person: Client;
    beforeAll(async () => {
      const browser = request.agent(t.app.getHttpServer());
      const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
      const form = await browser.get('/my-training/sign-in').set('Accept', 'text/html');
      await browser.post('/my-training/sign-in').set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(form.text), email: PEOPLE.booked.email }).expect(200);
      const [message] = await t.dataSource.query("SELECT body FROM outbox_messages WHERE kind = 'sign-in-link' ORDER BY id DESC");
      const token = /\/my-training\/sign-in\/([A-Za-z0-9_-]{43})/.exec(String(message.body))![1];
      const page = await browser.get(`/my-training/sign-in/${token}`).set('Accept', 'text/html').expect(200);
      await browser.post(`/my-training/sign-in/${token}`).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(page.text) }).expect(303);
      // Forms carry the session's CSRF token, as the pages' forms do (in the header, so uploads carry it too).
      const csrf = csrfOf((await browser.get('/my-training').set('Accept', 'text/html').expect(200)).text);
      person = {
        get: (url) => browser.get(url),
        post: (url) => browser.post(url).set('x-csrf-token', csrf),
        put: (url) => browser.put(url).set('x-csrf-token', csrf),
        patch: (url) => browser.patch(url).set('x-csrf-token', csrf),
        delete: (url) => browser.delete(url).set('x-csrf-token', csrf),
      };
    });

    it('reaches My training only: every other page and every API operation answers 403, and nothing of B shows', async () => {
      const problems: string[] = [];
      for (const [key, op] of [...Object.entries(API), ...Object.entries(PAGES)]) {
        if (op.may === 'public' || key === 'POST /my-training/sign-out') continue;
        const method = key.split(' ')[0].toLowerCase() as Method;
        const call = await op.a(f, 'root');
        const answer = await send(person, method, call);
        // Refused: 403, or as if not signed in where the route is outside Nest's router (the API description).
        const refused = answer.status === 403 || (key.startsWith('GET /api/docs') && (answer.status === 401 || (answer.status === 303 && Boolean(answer.location?.startsWith('/sign-in')))));
        const fits = op.person ? op.person.includes(answer.status) : refused;
        if (!fits) problems.push(`${key}: ${method.toUpperCase()} ${call.url} answered ${describeAnswer(answer)} (expected ${op.person?.join('/') ?? 'a refusal'})`);
        const leaks = bLeaks(answer, call);
        if (leaks.length) problems.push(`${key} shows B: ${[...new Set(leaks)].slice(0, 8).join(', ')}`);
        const unprotected = formsWithoutCsrf(answer);
        if (unprotected.length) problems.push(`${key} has POST forms without a CSRF token: ${unprotected.join(', ')}`);
      }
      expect(problems).toEqual([]);
    });

    it("cannot open B's certificate, nor cancel anyone else's place", async () => {
      const theirs = await send(person, 'get', { url: `/my-training/evidence/${await evidenceOf(f, 'B')}/file` });
      const other = await f.fresh.booking('A');
      const cancel = await send(person, 'post', { url: `/my-training/bookings/${other.bookingId}/cancel`, form: {} });
      expect([theirs.status, cancel.status]).toEqual([404, 404]);
    });
  });
});

/** The role rules as they stand, in the shape PUT takes. */
async function currentRoleRules(f: AccessFixture): Promise<{ field: string; operator: string; value: string; roleCode: string; effect: string }[]> {
  const rules = (await f.clients.root.get('/api/imports/role-rules').expect(200)).body as { field: string; operator: string; value: string; roleCode: string; effect: string }[];
  return rules.map(({ field, operator, value, roleCode, effect }) => ({ field, operator, value, roleCode, effect }));
}

/** A role rule that matches nobody, added by the partnership's administrator, to be deleted (the table is replaced whole, so ids change). */
async function freshRoleRule(f: AccessFixture): Promise<number> {
  const rules = [...(await currentRoleRules(f)), { field: 'job_title', operator: 'equals', value: unique('Matrix rule '), roleCode: 'DSL', effect: 'add' }];
  const saved = (await f.clients.root.put('/api/imports/role-rules').send({ rules }).expect(200)).body as { id: number }[];
  return saved[saved.length - 1].id;
}
