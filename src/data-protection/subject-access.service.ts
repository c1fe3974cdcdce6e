import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import { AuditService } from '../audit/audit.service';
import type { Scope } from '../auth/scope';
import { formatUkDate, todayIso } from '../common/dates';
import { notFound } from '../common/http-errors';
import { AppConfig } from '../config/app-config';
import { sql } from '../database/sql';
import type { SubjectAccessExport } from './dto/subject-access.dto';

type Row = Record<string, unknown>;

/** Tables whose rows belong to one person through staff_id: their audit entries name it in before or after. */
const PERSON_TABLES = ['completions', 'bookings', 'session_feedback', 'evidence_submissions', 'booking_requests', 'message_preferences', 'sign_in_links'];

/** A sign-in link in a message body is a key to the person's My training: never copied out. */
const SIGN_IN_TOKEN = /(\/my-training\/sign-in\/)[A-Za-z0-9_-]{20,}/g;

/** Gathers a person's subject access export (its shape: dto/subject-access.dto.ts) from every table that holds them. */
@Injectable()
export class SubjectAccessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly scopes: ScopeService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /** The export for a person the scope may see (404 otherwise), recorded in the audit log as given out. */
  async export(scope: Scope, staffId: number, format: 'json' | 'pdf'): Promise<SubjectAccessExport> {
    if (!(await this.scopes.staffVisible(scope, staffId))) throw notFound('person', staffId);
    const gathered = await this.gather(scope, staffId);
    await this.audit.record({
      action: 'subject_access',
      entity: 'staff',
      entityKey: gathered.person.employeeRef,
      after: { id: staffId, format },
      organisationId: await this.organisationIdOf(staffId),
    });
    return gathered;
  }

  private async organisationIdOf(staffId: number): Promise<number> {
    const [row] = await sql<{ id: number }>(this.dataSource, 'SELECT organisation_id AS id FROM staff WHERE id = $1', [staffId]);
    return Number(row.id);
  }

  private async gather(scope: Scope, id: number): Promise<SubjectAccessExport> {
    const db = this.dataSource;
    const [p] = await sql<Row>(
      db,
      `SELECT s.*, o.code AS org_code, o.name AS org_name, e.code AS employer_code, e.name AS employer_name,
              m.employee_ref AS manager_ref, m.first_name AS manager_first, m.last_name AS manager_last
       FROM staff s JOIN organisations o ON o.id = s.organisation_id
       LEFT JOIN organisations e ON e.id = s.employer_id LEFT JOIN staff m ON m.id = s.manager_id WHERE s.id = $1`,
      [id],
    );
    const roles = await sql<Row>(db, 'SELECT r.code, r.name FROM staff_roles sr JOIN roles r ON r.id = sr.role_id WHERE sr.staff_id = $1 ORDER BY r.name', [id]);
    const completions = await sql<Row>(
      db,
      `SELECT c.id, l.code AS level_code, l.name AS level_name, c.completed_on, c.source, c.evidence, ts.title AS session_title, c.recorded_by, c.created_at
       FROM completions c JOIN levels l ON l.id = c.level_id LEFT JOIN training_sessions ts ON ts.id = c.session_id
       WHERE c.staff_id = $1 ORDER BY c.completed_on, c.id`,
      [id],
    );
    const evidence = await sql<Row>(
      db,
      `SELECT e.id, l.code AS level_code, e.completed_on, e.original_name, e.content_type, e.size_bytes, e.status, e.reason, e.decided_by, e.decided_at, e.created_at
       FROM evidence_submissions e JOIN levels l ON l.id = e.level_id WHERE e.staff_id = $1 ORDER BY e.id`,
      [id],
    );
    const bookings = await sql<Row>(
      db,
      `SELECT b.id, ts.title, l.code AS level_code, ts.starts_at, o.name AS host, b.status, b.attendance, b.walk_in, b.created_at, b.updated_at
       FROM bookings b JOIN training_sessions ts ON ts.id = b.session_id JOIN levels l ON l.id = ts.level_id JOIN organisations o ON o.id = ts.host_organisation_id
       WHERE b.staff_id = $1 ORDER BY ts.starts_at, b.id`,
      [id],
    );
    const requests = await sql<Row>(
      db,
      `SELECT br.id, ts.title, ts.starts_at, br.status, br.decided_by, br.decided_at, br.reason, br.created_at
       FROM booking_requests br JOIN training_sessions ts ON ts.id = br.session_id WHERE br.staff_id = $1 ORDER BY br.id`,
      [id],
    );
    const trained = await sql<Row>(
      db,
      `SELECT ts.id, ts.title, l.code AS level_code, ts.starts_at, o.name AS host, ts.status
       FROM session_trainers st JOIN training_sessions ts ON ts.id = st.session_id JOIN levels l ON l.id = ts.level_id JOIN organisations o ON o.id = ts.host_organisation_id
       WHERE st.staff_id = $1 ORDER BY ts.starts_at, ts.id`,
      [id],
    );
    const feedback = await sql<Row>(
      db,
      `SELECT f.id, ts.title, f.overall_rating, f.recognise_before, f.recognise_after, f.refer_before, f.refer_after, f.comments, f.created_at
       FROM session_feedback f JOIN training_sessions ts ON ts.id = f.session_id WHERE f.staff_id = $1 ORDER BY f.id`,
      [id],
    );
    const [preference] = await sql<Row>(db, 'SELECT optional_messages, changed_at FROM message_preferences WHERE staff_id = $1', [id]);
    const email = (p.email as string | null) ?? null;
    const messages = await sql<Row>(
      db,
      `SELECT id, kind, to_address, subject, body, state, created_at, sent_at FROM outbox_messages
       WHERE person_id = $1 OR ($2 <> '' AND LOWER(to_address) = $2) ORDER BY id`,
      [id, (email ?? '').trim().toLowerCase()],
    );
    const links = await sql<Row>(db, 'SELECT id, created_at, expires_at, used_at FROM sign_in_links WHERE staff_id = $1 ORDER BY id', [id]);
    const [account] = await sql<Row>(
      db,
      `SELECT u.id, u.email, u.display_name, u.role, o.code AS org_code, u.disabled, u.last_sign_in_at, u.totp_enabled_at, u.created_at
       FROM users u LEFT JOIN organisations o ON o.id = u.organisation_id WHERE u.staff_id = $1 ORDER BY u.id LIMIT 1`,
      [id],
    );
    const providers = account ? await sql<Row>(db, 'SELECT issuer FROM user_identities WHERE user_id = $1 ORDER BY id', [account.id]) : [];

    // Audit entries about the person: their record (its id first in before or after), rows that carry their staff id, and their account.
    const own = `{"id":${id},%`;
    const carried = [`%"staffId":${id},%`, `%"staffId":${id}}%`];
    const entries = await this.scopes
      .auditEntries(scope)
      .andWhere(
        `((a.entity = 'staff' AND (a.before_json LIKE :own OR a.after_json LIKE :own))
          OR (a.entity IN (:...tables) AND (a.before_json LIKE :c1 OR a.before_json LIKE :c2 OR a.after_json LIKE :c1 OR a.after_json LIKE :c2))
          ${account ? "OR (a.entity = 'users' AND a.entity_key = :accountEmail)" : ''})`,
        // No account, no clause: a placeholder email such as '\u0000' is refused by PostgreSQL (no NUL in text).
        { own, tables: PERSON_TABLES, c1: carried[0], c2: carried[1], accountEmail: (account?.email as string | undefined) ?? '' },
      )
      .orderBy('a.id', 'ASC')
      .getMany();

    return {
      about: {
        producedAt: new Date().toISOString(),
        producedBy: scope.recordedBy,
        tracker: this.config.PUBLIC_URL,
        note: `Everything the Prevent training tracker holds about this person on ${formatUkDate(todayIso(this.config.TIME_ZONE))}. Sign-in links are listed without the links themselves, which have been removed from the messages too.`,
      },
      person: {
        id,
        employeeRef: String(p.employee_ref),
        firstName: String(p.first_name),
        lastName: String(p.last_name),
        email,
        organisation: { code: String(p.org_code), name: String(p.org_name) },
        employer: p.employer_code ? { code: String(p.employer_code), name: String(p.employer_name) } : null,
        manager: p.manager_ref ? { employeeRef: String(p.manager_ref), name: `${p.manager_first} ${p.manager_last}` } : null,
        startDate: String(p.start_date),
        endDate: text(p.end_date),
        jobTitle: text(p.job_title),
        position: text(p.position),
        staffGroup: text(p.staff_group),
        department: text(p.department),
        createdAt: instant(p.created_at),
        updatedAt: instant(p.updated_at),
      },
      roles: roles.map((r) => ({ code: String(r.code), name: String(r.name) })),
      completions: completions.map((c) => ({
        id: Number(c.id),
        levelCode: String(c.level_code),
        levelName: String(c.level_name),
        completedOn: String(c.completed_on),
        source: String(c.source),
        evidence: text(c.evidence),
        session: text(c.session_title),
        recordedBy: text(c.recorded_by),
        recordedAt: instant(c.created_at),
      })),
      evidenceUploads: evidence.map((e) => ({
        id: Number(e.id),
        levelCode: String(e.level_code),
        completedOn: String(e.completed_on),
        fileName: String(e.original_name),
        contentType: String(e.content_type),
        sizeBytes: Number(e.size_bytes),
        status: String(e.status),
        reason: text(e.reason),
        decidedBy: text(e.decided_by),
        decidedAt: e.decided_at ? instant(e.decided_at) : null,
        uploadedAt: instant(e.created_at),
      })),
      bookings: bookings.map((b) => ({
        id: Number(b.id),
        session: String(b.title),
        levelCode: String(b.level_code),
        startsAt: String(b.starts_at),
        host: String(b.host),
        status: String(b.status),
        attendance: text(b.attendance),
        walkIn: Boolean(Number(b.walk_in) || b.walk_in === true),
        bookedAt: instant(b.created_at),
        changedAt: instant(b.updated_at),
      })),
      bookingRequests: requests.map((r) => ({
        id: Number(r.id),
        session: String(r.title),
        startsAt: String(r.starts_at),
        status: String(r.status),
        decidedBy: text(r.decided_by),
        decidedAt: r.decided_at ? instant(r.decided_at) : null,
        reason: text(r.reason),
        askedAt: instant(r.created_at),
      })),
      sessionsTrained: trained.map((t) => ({ id: Number(t.id), session: String(t.title), levelCode: String(t.level_code), startsAt: String(t.starts_at), host: String(t.host), status: String(t.status) })),
      feedback: feedback.map((f) => ({
        id: Number(f.id),
        session: String(f.title),
        overallRating: Number(f.overall_rating),
        recogniseBefore: num(f.recognise_before),
        recogniseAfter: num(f.recognise_after),
        referBefore: num(f.refer_before),
        referAfter: num(f.refer_after),
        comments: text(f.comments),
        givenAt: instant(f.created_at),
      })),
      messagePreferences: preference ? { optionalMessages: Boolean(Number(preference.optional_messages) || preference.optional_messages === true), changedAt: instant(preference.changed_at) } : null,
      messages: messages.map((m) => ({
        id: Number(m.id),
        kind: String(m.kind),
        to: String(m.to_address),
        subject: String(m.subject),
        body: String(m.body).replace(SIGN_IN_TOKEN, '$1(link removed)'),
        state: String(m.state),
        queuedAt: instant(m.created_at),
        sentAt: m.sent_at ? instant(m.sent_at) : null,
      })),
      signInLinks: links.map((l) => ({ id: Number(l.id), issuedAt: instant(l.created_at), expiresAt: instant(l.expires_at), usedAt: l.used_at ? instant(l.used_at) : null })),
      account: account
        ? {
            email: String(account.email),
            displayName: String(account.display_name),
            role: String(account.role),
            organisation: text(account.org_code),
            disabled: Boolean(Number(account.disabled) || account.disabled === true),
            lastSignInAt: account.last_sign_in_at ? instant(account.last_sign_in_at) : null,
            secondFactorSince: account.totp_enabled_at ? instant(account.totp_enabled_at) : null,
            signInProviders: providers.map((x) => String(x.issuer)),
            createdAt: instant(account.created_at),
          }
        : null,
      auditEntries: entries.map((a) => ({
        id: a.id,
        at: instant(a.createdAt),
        action: a.action,
        record: a.entity,
        recordKey: a.entityKey,
        by: a.actorEmail ?? 'the tracker itself',
        before: parsed(a.beforeJson),
        after: parsed(a.afterJson),
        reason: a.reason,
      })),
    };
  }
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const parsed = (json: string | null): unknown => (json === null ? null : JSON.parse(json));

/** A moment as an ISO instant: PostgreSQL gives Dates, SQLite UTC text without a zone ("2026-03-03 10:00:00"). */
export function instant(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  const t = String(value);
  if (/^\d{4}-\d\d-\d\d$/.test(t)) return t;
  return new Date(/Z$|[+-]\d\d:?\d\d$/.test(t) ? t : `${t.replace(' ', 'T')}Z`).toISOString();
}
