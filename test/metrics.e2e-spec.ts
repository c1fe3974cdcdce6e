import { ComplianceKeeper } from '../src/compliance/kept/compliance-keeper';
import { Scheduler } from '../src/jobs/scheduler';
import { OutboxMessage } from '../src/notifications/outbox-message.entity';
import { OutboxService } from '../src/notifications/outbox.service';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, person, role } from './support/builders';

const TOKEN = 'metrics-token-for-the-tests';
const HEADER = 'employee_ref,first_name,last_name,email,organisation_code,roles,manager_employee_ref,start_date,end_date';

describeEachDatabase('Metrics', (kind) => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp(kind, { METRICS_TOKEN: TOKEN })));
  afterAll(async () => t?.close());

  it('are off unless METRICS_TOKEN is set', async () => {
    const off = await createTestApp(kind);
    try {
      await off.anonymous().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(404);
    } finally {
      await off.close();
    }
  });

  it('answer only with the token', async () => {
    await t.anonymous().get('/metrics').expect(401);
    await t.anonymous().get('/metrics').set('Authorization', 'Bearer not-the-token').expect(401);
    // A signed-in administrator's own API token is not the metrics token.
    await t.http().get('/metrics').expect(401);
  });

  it('count requests by route and status with their durations, time database queries and count imported rows', async () => {
    const http = t.http();
    await organisation(http, 'MET', null, { isEmployer: true });
    await role(http, 'ALL');
    const { id } = await person(http, { employeeRef: 'M1', organisationCode: 'MET' });
    await http.get(`/api/staff/${id}`).expect(200);
    await http.get(`/api/staff/${id}`).expect(200);
    await http.get('/api/staff/999999').expect(404);
    const file = Buffer.from([HEADER, 'M2,Amira,Khan,,MET,ALL,,2024-04-01,', 'M3,Ben,Cole,,MET,ALL,,2024-04-01,', ''].join('\r\n'));
    await http.post('/api/imports/staff').attach('file', file, 'staff.csv').expect(201);

    const res = await t.anonymous().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    expect(text).toContain('tracker_http_requests_total{method="GET",route="/api/staff/:id",status="200"} 2');
    expect(text).toContain('tracker_http_requests_total{method="GET",route="/api/staff/:id",status="404"} 1');
    expect(text).toContain('tracker_http_request_duration_seconds_count{method="GET",route="/api/staff/:id",status="200"} 2');
    expect(Number(/tracker_db_query_duration_seconds_count\{outcome="ok"\} (\d+)/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/tracker_import_rows\{kind="staff",status="[a-z_]+"\} 2/);
    expect(text).toContain('tracker_process_resident_memory_bytes');
    // Ids never become labels.
    expect(text).not.toContain(`/api/staff/${id}`);
  });

  it('say how many people wait for their kept compliance to be brought up to date', async () => {
    const metric = async () => Number(/^tracker_compliance_stale_people (\d+)$/m.exec((await t.anonymous().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)).text)?.[1]);
    const keeper = t.app.get(ComplianceKeeper);
    await keeper.settled();
    expect(await metric()).toBe(0);
    // As a bulk load outside the tracker leaves them (the triggers mark whoever a change touches).
    await t.dataSource.query('INSERT INTO compliance_stale (staff_id) VALUES (999001), (999002)');
    expect(await metric()).toBe(2);
    await keeper.settled();
    expect(await metric()).toBe(0);
  });

  it('count scheduled job runs and failures, and give the outbox by state', async () => {
    const scheduler = t.app.get(Scheduler);
    let fail = false;
    scheduler.add({ name: 'metrics-probe', everyMs: 60_000, once: true, run: async () => { if (fail) throw new Error('the probe failed'); } });
    await scheduler.runNow('metrics-probe');
    await scheduler.runNow('metrics-probe');
    fail = true;
    await scheduler.runNow('metrics-probe');

    const outbox = t.app.get(OutboxService);
    for (const n of [1, 2, 3]) await outbox.enqueue(t.dataSource.manager, { to: `m${n}@metrics.test`, subject: 'Hello', text: 'Hello', key: `metrics:${n}`, kind: 'test' });
    await t.dataSource.getRepository(OutboxMessage).update({ messageKey: 'metrics:3' }, { state: 'failed' });

    const text = (await t.anonymous().get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200)).text;
    expect(text).toContain('tracker_job_runs_total{job="metrics-probe",outcome="ok"} 2');
    expect(text).toContain('tracker_job_runs_total{job="metrics-probe",outcome="failed"} 1');
    expect(text).toContain('tracker_job_run_duration_seconds_count{job="metrics-probe"} 3');
    expect(text).toContain('tracker_outbox_messages{state="queued"} 2');
    expect(text).toContain('tracker_outbox_messages{state="failed"} 1');
  });
});
