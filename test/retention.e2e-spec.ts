/**
 * Retention and erasure on request (issue 17), on the hand-built partnership of
 * test/quarterly-partnership.ts with a few leavers added. The partnership keeps leavers 6 years;
 * C1 (County Council) keeps them 1 year and C1Y below it 10 years, so the nearest override wins.
 *
 * Leavers added (end dates counted back from today, so the suite holds on any day)
 *   OLD1     S1   left 6 years and 1 month ago   due (6 years)      manager of MGD, with every kind of personal data
 *   RECENT1  S1   left 5 years 11 months ago     kept (6 years)
 *   GONE1    C1   left 13 months ago             due (C1: 1 year)
 *   NEW1     C1   left 6 months ago              kept (C1: 1 year)
 *   C1Y-OLD  C1Y  left 2 years ago               kept (C1Y: 10 years, nearer than C1's 1 year)
 *   A5       C1   left 2025-05-31                due (C1: 1 year) from 1 June 2026 on; their L1 of April 2025 is in the Q1 figures
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ScopeService } from '../src/access/scope.service';
import { AuditService } from '../src/audit/audit.service';
import { addMonths, formatUkDate, todayIso } from '../src/common/dates';
import { AppConfig } from '../src/config/app-config';
import { databaseOptions } from '../src/config/database';
import { RetentionPolicyService } from '../src/data-protection/retention-policy.service';
import { RetentionService } from '../src/data-protection/retention.service';
import { sql } from '../src/database/sql';
import { installSqliteTransactionGate } from '../src/database/sqlite-transaction-gate';
import { JobLeases } from '../src/jobs/job-leases';
import { Scheduler } from '../src/jobs/scheduler';
import { Scope } from '../src/auth/scope';
import { buildPartnership, Partnership } from './quarterly-partnership';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { person } from './support/builders';

/** Audit entries that still carry OLD1's reference, email or the notes on their training. */
const AUDIT_COPIES_OF_OLD1 = `SELECT COUNT(*) AS n FROM audit_log WHERE ${['OLD1', 'old.one@example.org', 'Certificate 7781']
  .map((text) => `after_json LIKE '%${text}%' OR before_json LIKE '%${text}%'`)
  .join(' OR ')}`;

/** A second server on the same database: its own connection, leases, scheduler and retention service. */
async function secondServer(config: AppConfig) {
  const dataSource = await new DataSource({ ...databaseOptions(config), migrationsRun: false }).initialize();
  installSqliteTransactionGate(dataSource);
  const scopes = new ScopeService(dataSource);
  const audit = new AuditService(dataSource, scopes);
  const retention = new RetentionService(dataSource, new RetentionPolicyService(dataSource, scopes, audit), scopes, audit, config);
  const scheduler = new Scheduler(new JobLeases(dataSource), config);
  scheduler.add({ name: 'retention', everyMs: 24 * 60 * 60_000, once: true, run: (now) => retention.run(Scope.system(), 'scheduled', now) });
  return { dataSource, scheduler };
}

describeEachDatabase('retention and erasure on request', (kind) => {
  let t: TestApp;
  let p: Partnership;
  let evidenceDir: string;
  const today = todayIso();
  const ids: Record<string, number> = {};
  const figures = async () => ({
    quarterly: (await t.http().get('/api/reports/quarterly?organisation=P&year=2025&quarter=1').expect(200)).body,
    gap: (await t.http().get('/api/reports/gap-analysis?organisation=P&asOf=2025-06-30').expect(200)).body,
  });
  let before: Awaited<ReturnType<typeof figures>>;
  const staffRow = async (id: number) =>
    (await sql<Record<string, unknown>>(t.dataSource, 'SELECT first_name, last_name, email, employee_ref, manager_id, job_title, anonymised_at, anonymised_reason FROM staff WHERE id = $1', [id]))[0];
  const count = async (text: string, params: unknown[] = []) => Number((await sql<{ n: number | string }>(t.dataSource, text, params))[0].n);

  beforeAll(async () => {
    evidenceDir = mkdtempSync(join(tmpdir(), 'retention-evidence-'));
    t = await createTestApp(kind, { EVIDENCE_DIR: evidenceDir });
    p = await buildPartnership(t.http(), t.dataSource);
    Object.assign(ids, p.staff);
    const leaver = async (ref: string, org: string, endDate: string, extra: { email?: string } = {}) => {
      ids[ref] = (await person(t.http(), { employeeRef: ref, organisationCode: org, firstName: 'Leaver', lastName: ref, roleCodes: ['ALL'], startDate: '2010-01-04', endDate, ...extra })).id;
    };
    await leaver('OLD1', 'S1', addMonths(today, -73), { email: 'old.one@example.org' });
    await leaver('RECENT1', 'S1', addMonths(today, -71));
    await leaver('GONE1', 'C1', addMonths(today, -13));
    await leaver('NEW1', 'C1', addMonths(today, -6));
    await leaver('C1Y-OLD', 'C1Y', addMonths(today, -24));
    ids.MGD = (await person(t.http(), { employeeRef: 'MGD', organisationCode: 'S1', roleCodes: ['ALL'] })).id;
    // Managed by OLD1 from before they left (a leaver cannot be chosen as a manager now).
    await sql(t.dataSource, 'UPDATE staff SET manager_id = $1 WHERE id = $2', [ids.OLD1, ids.MGD]);
    await t.http().put('/api/data-protection/retention/overrides/C1').send({ years: 1 }).expect(200);
    await t.http().put('/api/data-protection/retention/overrides/C1Y').send({ years: 10 }).expect(200);

    // OLD1's personal data of every kind the tracker holds.
    await t.http().post('/api/completions').send({ employeeRef: 'OLD1', organisationCode: 'S1', levelCode: 'L1', completedOn: '2018-05-01', source: 'manual', evidence: 'Certificate 7781 seen by Old One’s line manager' }).expect(201);
    const [{ id: levelId }] = await sql<{ id: number }>(t.dataSource, "SELECT id FROM levels WHERE code = 'L1'");
    writeFileSync(join(evidenceDir, '0a1b2c3d-0000-4000-8000-000000000001.pdf'), '%PDF-1.4 certificate');
    await sql(t.dataSource, `INSERT INTO evidence_submissions (staff_id, level_id, completed_on, original_name, stored_name, content_type, size_bytes) VALUES ($1, $2, '2018-05-01', 'old-one-certificate.pdf', '0a1b2c3d-0000-4000-8000-000000000001.pdf', 'application/pdf', 20)`, [ids.OLD1, levelId]);
    await sql(t.dataSource, "UPDATE session_feedback SET staff_id = $1 WHERE comments = 'Useful'", [ids.OLD1]);
    await sql(t.dataSource, 'INSERT INTO booking_requests (staff_id, session_id) VALUES ($1, $2)', [ids.OLD1, p.sessions.E]);
    await sql(t.dataSource, `INSERT INTO message_preferences (staff_id, optional_messages, changed_at) VALUES ($1, ${kind === 'postgres' ? 'FALSE' : '0'}, '2019-01-01T00:00:00.000Z')`, [ids.OLD1]);
    await sql(t.dataSource, "INSERT INTO sign_in_links (staff_id, token_hash, expires_at) VALUES ($1, 'hash-old1', '2099-01-01T00:00:00.000Z')", [ids.OLD1]);
    // Someone else's sign-in link already used: any run clears spent links.
    await sql(t.dataSource, "INSERT INTO sign_in_links (staff_id, token_hash, expires_at, used_at) VALUES ($1, 'hash-used', '2099-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')", [ids.A1]);
    for (const [key, state] of [['old1-sent', 'sent'], ['old1-queued', 'queued']]) {
      await sql(
        t.dataSource,
        `INSERT INTO outbox_messages (message_key, kind, to_address, subject, body, person_id, state, next_attempt_at) VALUES ($1, 'test', 'old.one@example.org', 'Your Prevent training', 'Dear Old One', $2, $3, '2019-01-01T00:00:00.000Z')`,
        [key, ids.OLD1, state],
      );
    }
    before = await figures();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(evidenceDir, { recursive: true, force: true });
  });

  it('the policy is set partnership-wide by an administrator of everything only, and per organisation inside an administrator’s subtree', async () => {
    const policy = (await t.http().get('/api/data-protection/retention').expect(200)).body;
    expect(policy.defaultYears).toBe(6);
    expect(policy.overrides.map((o: { organisationCode: string; years: number }) => [o.organisationCode, o.years])).toEqual([
      ['C1', 1],
      ['C1Y', 10],
    ]);
    expect((await t.http().put('/api/data-protection/retention').send({ years: 0 }).expect(400)).body.message).toEqual(['years: The number of years must be a whole number from 1 to 100']);
    const schoolAdmin = await t.as('admin', 'S1');
    await schoolAdmin.put('/api/data-protection/retention').send({ years: 7 }).expect(403);
    expect((await schoolAdmin.put('/api/data-protection/retention/overrides/C1').send({ years: 2 }).expect(422)).body.message).toMatch(/organisationCode: no organisation with code C1/);
    // Their own view has only overrides in their subtree.
    expect((await schoolAdmin.get('/api/data-protection/retention').expect(200)).body.overrides).toEqual([]);
    await (await t.as('coordinator', 'S1')).get('/api/data-protection/retention').expect(403);
  });

  it('a dry run lists exactly the leavers past their period, nearest override first, and changes nothing', async () => {
    const due = (await t.http().get('/api/data-protection/retention/due').expect(200)).body;
    expect(due.people.map((x: { employeeRef: string }) => x.employeeRef).sort()).toEqual(['A5', 'GONE1', 'OLD1']);
    expect(due.byPeriod).toEqual([
      { years: 1, period: '1 year', people: 2 },
      { years: 6, period: '6 years', people: 1 },
    ]);
    expect(due.total).toBe(3);
    // Scoped to the administrator's subtree.
    const schoolAdmin = await t.as('admin', 'S1');
    expect((await schoolAdmin.get('/api/data-protection/retention/due').expect(200)).body.people.map((x: { employeeRef: string }) => x.employeeRef)).toEqual(['OLD1']);
    const page = await t.http().get('/data-protection/retention/due').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('3 people would be anonymised.');
    expect(page.text).toContain('Leaver OLD1');
    expect((await staffRow(ids.OLD1)).anonymised_at).toBeNull();
    // Until the run, the audit log holds copies of their record and of their training's notes.
    expect(await count(AUDIT_COPIES_OF_OLD1)).toBeGreaterThanOrEqual(2);
  });

  it('the daily run on two servers at once runs once, anonymises exactly those leavers and leaves past figures as they were', async () => {
    const other = await secondServer(t.app.get(AppConfig));
    try {
      const now = new Date();
      const ran = await Promise.all([t.app.get(Scheduler).runNow('retention', now, false), other.scheduler.runNow('retention', now, false)]);
      expect(ran.filter(Boolean)).toHaveLength(1);
    } finally {
      await other.dataSource.destroy();
    }
    const runs = await sql<{ after_json: string; entity_key: string }>(t.dataSource, "SELECT after_json, entity_key FROM audit_log WHERE action = 'retention_run'");
    expect(runs).toHaveLength(1);
    expect(runs[0].entity_key).toBe('scheduled');
    const counts = JSON.parse(runs[0].after_json);
    expect(counts).toMatchObject({ people: 3, managerLinksRemoved: 1, completionNotesRemoved: 1, evidenceUploadsDeleted: 1, evidenceFilesDeleted: 1, feedbackUnlinked: 1, bookingRequestsDeleted: 1, messagePreferencesDeleted: 1, signInLinksDeleted: 1, outboxMessagesCleared: 2, spentSignInLinksPurged: 1 });
    expect(runs[0].after_json).not.toMatch(/OLD1|old\.one|Leaver/);

    for (const ref of ['OLD1', 'GONE1', 'A5']) {
      expect(await staffRow(ids[ref])).toEqual({
        first_name: 'Anonymised',
        last_name: 'person',
        email: null,
        employee_ref: `anonymised-${ids[ref]}`,
        manager_id: null,
        job_title: null,
        anonymised_at: expect.any(String),
        anonymised_reason: 'retention',
      });
    }
    for (const ref of ['RECENT1', 'NEW1', 'C1Y-OLD']) expect(await staffRow(ids[ref])).toMatchObject({ last_name: ref, employee_ref: ref, anonymised_at: null });
    expect((await staffRow(ids.MGD)).manager_id).toBeNull();
    // Their completions stay, without the notes; the rest of their personal data is gone.
    expect(await sql(t.dataSource, 'SELECT completed_on, evidence FROM completions WHERE staff_id = $1', [ids.OLD1])).toEqual([{ completed_on: '2018-05-01', evidence: null }]);
    expect(await count('SELECT COUNT(*) AS n FROM completions WHERE staff_id = $1', [ids.A5])).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM evidence_submissions')).toBe(0);
    expect(existsSync(join(evidenceDir, '0a1b2c3d-0000-4000-8000-000000000001.pdf'))).toBe(false);
    expect(await count("SELECT COUNT(*) AS n FROM session_feedback WHERE comments = 'Useful' AND staff_id IS NULL")).toBe(1);
    expect(await count('SELECT COUNT(*) AS n FROM booking_requests')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM message_preferences')).toBe(0);
    expect(await count('SELECT COUNT(*) AS n FROM sign_in_links')).toBe(0);
    expect(await sql(t.dataSource, 'SELECT message_key, to_address, body, state FROM outbox_messages WHERE person_id = $1 ORDER BY message_key', [ids.OLD1])).toEqual([
      { message_key: 'old1-queued', to_address: '', body: '', state: 'failed' },
      { message_key: 'old1-sent', to_address: '', body: '', state: 'sent' },
    ]);
    // The audit log's copies of their record and of their training's notes lose their contents.
    expect(await count(AUDIT_COPIES_OF_OLD1)).toBe(0);

    expect(await figures()).toEqual(before);

    // The pages say so, and the person picker no longer offers them.
    const note = `Anonymised on ${formatUkDate(today)} under the retention policy`;
    expect((await t.http().get(`/staff/${ids.OLD1}`).set('Accept', 'text/html').expect(200)).text).toContain(note);
    expect((await t.http().get('/staff?status=leavers&organisation=S1').set('Accept', 'text/html').expect(200)).text).toContain(note);
    expect((await t.http().get(`/api/staff/${ids.OLD1}`).expect(200)).body.anonymised).toBe(note);
    expect((await t.http().get('/api/people?q=Anonymised').expect(200)).body).toEqual([]);

    // A second run finds nobody.
    expect((await t.http().post('/api/data-protection/retention/run').expect(200)).body.people).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'retention_run' AND entity_key = 'manual'")).toBe(1);
  });

  it('erasure is refused for the trainer of record of sessions still kept, with the second choice offered, and scoped to the administrator', async () => {
    const check = (await t.http().get(`/api/staff/${ids.B1}/erasure`).expect(200)).body;
    expect(check.sessionsKept.map((s: { title: string }) => s.title)).toEqual(['Session B', 'Session C']);
    const refused = (await t.http().post(`/api/staff/${ids.B1}/erasure`).send({ reason: 'Request by email, 1 March' }).expect(409)).body.message;
    expect(refused).toBe(
      `Person B1 cannot be erased completely: they are the trainer of record of 2 training sessions since ${formatUkDate(addMonths(today, -72))}, and those sessions' records are kept for 6 years (the retention period for their organisation), with the name of who delivered them. You can anonymise everything else about them and keep only their name as the trainer on those sessions.`,
    );
    const page = await t.http().get(`/staff/${ids.B1}/erase`).set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('Anonymise everything except their name on those sessions');
    expect((await staffRow(ids.B1)).anonymised_at).toBeNull();

    await (await t.as('admin', 'H1')).post(`/api/staff/${ids.B1}/erasure`).send({ reason: 'x', keepTrainerName: true }).expect(404);
    await (await t.as('coordinator', 'S1')).post(`/api/staff/${ids.B1}/erasure`).send({ reason: 'x', keepTrainerName: true }).expect(403);
    expect((await t.http().post(`/api/staff/${ids.B1}/erasure`).send({ keepTrainerName: true }).expect(400)).body.message).toEqual(['reason: Enter the reason for erasing this person']);

    const done = (await t.http().post(`/api/staff/${ids.B1}/erasure`).send({ reason: 'Request by email, 1 March', keepTrainerName: true }).expect(200)).body;
    expect(done).toMatchObject({ people: 1, trainerNameKept: true });
    expect(await staffRow(ids.B1)).toMatchObject({ first_name: 'Person', last_name: 'B1', email: null, employee_ref: `anonymised-${ids.B1}`, anonymised_reason: 'erasure-trainer-name-kept' });
    expect(await count('SELECT COUNT(*) AS n FROM session_trainers WHERE staff_id = $1', [ids.B1])).toBe(2);
    await t.http().post(`/api/staff/${ids.B1}/erasure`).send({ reason: 'again', keepTrainerName: true }).expect(409);
  });

  it('erasure on request anonymises a person at once as retention would, with the reason in the audit log, after a confirmation page', async () => {
    const form = await t.http().post(`/staff/${ids.B3}/erase`).set('Accept', 'text/html').type('form').send({ reason: '' }).expect(422);
    expect(form.text).toContain('Enter the reason for erasing this person');
    expect((await staffRow(ids.B3)).anonymised_at).toBeNull();

    const res = await t.http().post(`/staff/${ids.B3}/erase`).set('Accept', 'text/html').type('form').send({ reason: 'Subject asked by letter, ref DPO-14' }).expect(303);
    expect(res.headers.location).toBe(`/staff/${ids.B3}?done=erased`);
    expect(await staffRow(ids.B3)).toMatchObject({ first_name: 'Anonymised', last_name: 'person', employee_ref: `anonymised-${ids.B3}`, anonymised_reason: 'erasure' });
    const [entry] = await sql<{ reason: string; after_json: string; organisation_id: number }>(t.dataSource, "SELECT reason, after_json, organisation_id FROM audit_log WHERE action = 'erase' AND entity_key = $1", [String(ids.B3)]);
    expect(entry.reason).toBe('Subject asked by letter, ref DPO-14');
    expect(JSON.parse(entry.after_json)).toMatchObject({ people: 1, trainerNameKept: false });
    expect((await t.http().get(`/staff/${ids.B3}`).set('Accept', 'text/html').expect(200)).text).toContain(`Anonymised on ${formatUkDate(today)} on request (erasure)`);
    expect((await t.http().post(`/api/staff/${ids.B3}/erasure`).send({ reason: 'again' }).expect(409)).body.message).toMatch(/already been anonymised/);

    // Still the same past figures: erasure keeps the rows as retention does.
    expect(await figures()).toEqual(before);
  });
});
