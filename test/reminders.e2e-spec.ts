import type { ParsedMail } from 'mailparser';
import { DataSource } from 'typeorm';
import { addDays, addMonths, formatUkDate, todayIso } from '../src/common/dates';
import { AppConfig } from '../src/config/app-config';
import { databaseOptions } from '../src/config/database';
import { JobLeases } from '../src/jobs/job-leases';
import { Scheduler } from '../src/jobs/scheduler';
import { MessagePreference } from '../src/my-training/message-preference.entity';
import { ManagerDigests, weekOf } from '../src/notifications/digests';
import { smtpTransport } from '../src/notifications/mail-transport';
import { OutboxSender } from '../src/notifications/outbox-sender';
import { Reminders } from '../src/notifications/reminders';
import { PREVENT_ELEARNING } from '../src/sessions/booking-offers';
import { Staff } from '../src/staff/staff.entity';
import { Client, createTestApp, databaseKinds, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person, requirement, role } from './support/builders';
import { startSmtp, TestSmtp } from './support/smtp';

const textOf = (mail: ParsedMail) => String(mail.text ?? '');
const toOf = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address;
const at = (date: string) => new Date(`${date}T11:00:00Z`);
const L2 = 'WRAP: Workshop to Raise Awareness of Prevent';
const L1 = 'Prevent awareness e-learning';

const today = todayIso();
// Ann's WRAP runs out about 50 days from today (calendar months, so the exact day comes from the rules' addMonths).
const annCompleted = addMonths(addDays(today, 50), -36);
const annLapses = addMonths(annCompleted, 36);
const sessionDay = addDays(today, 20);

/** The people of the reminder suites: a partnership, frontline staff who need WRAP, and their managers. */
async function partnership(http: Client): Promise<void> {
  await organisation(http, 'PWG', null, { name: 'Warwickshire Prevent Partnership' });
  await organisation(http, 'WCC', 'PWG', { isEmployer: true, name: 'Warwickshire County Council' });
  await role(http, 'FRONT', 'Frontline care and support');
  await role(http, 'ALL', 'All staff');
  await requirement(http, 'FRONT', 'L2', { graceDays: 90 });
  await requirement(http, 'ALL', 'L1', { graceDays: 0 });
  await person(http, { employeeRef: 'T1', organisationCode: 'WCC', firstName: 'Tara', lastName: 'Trainer', email: 'tara@wcc.example' });
  await completion(http, 'T1', 'L3', addDays(today, -100));
  await person(http, { employeeRef: 'M1', organisationCode: 'WCC', firstName: 'Mo', lastName: 'Manager', email: 'mo@wcc.example' });
  await person(http, { employeeRef: 'Z1', organisationCode: 'WCC', firstName: 'Zed', lastName: 'Zimmer' });
  await person(http, { employeeRef: 'A1', organisationCode: 'WCC', firstName: 'Ann', lastName: 'Able', email: 'ann@wcc.example', roleCodes: ['FRONT'], managerEmployeeRef: 'M1' });
  await completion(http, 'A1', 'L2', annCompleted);
  await person(http, { employeeRef: 'B1', organisationCode: 'WCC', firstName: 'Ben', lastName: 'Baker', email: 'ben@wcc.example', roleCodes: ['FRONT'], startDate: today });
  await person(http, { employeeRef: 'C1', organisationCode: 'WCC', firstName: 'Cai', lastName: 'Clark', email: 'cai@wcc.example', roleCodes: ['FRONT'], managerEmployeeRef: 'M1' });
  await person(http, { employeeRef: 'D1', organisationCode: 'WCC', firstName: 'Dee', lastName: 'Dunn', email: 'dee@wcc.example', roleCodes: ['ALL'], managerEmployeeRef: 'Z1' });
  await person(http, { employeeRef: 'N1', organisationCode: 'WCC', firstName: 'Nia', lastName: 'Nomail', roleCodes: ['FRONT'], managerEmployeeRef: 'M1' });
}

describeEachDatabase('reminders of training due, and the managers’ digest, sent through a mail server', (kind) => {
  let t: TestApp;
  let http: Client;
  let smtp: TestSmtp;
  let sender: OutboxSender;
  let reminders: Reminders;
  let sent = 0;
  let managerAccountEmail: string;

  const deliver = async (now = new Date()): Promise<ParsedMail[]> => {
    await sender.sendDue(now);
    const all = smtp.received.slice(sent);
    sent = smtp.received.length;
    return all;
  };
  const mailTo = (mails: ParsedMail[], address: string) => {
    const found = mails.filter((m) => toOf(m) === address);
    expect(found).toHaveLength(1);
    return found[0];
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp(kind, { SMTP_URL: smtp.url, PUBLIC_URL: 'https://prevent.example.gov.uk' });
    http = t.http();
    sender = t.app.get(OutboxSender);
    reminders = t.app.get(Reminders);
    await partnership(http);
    const sessionId = (
      await http
        .post('/api/sessions')
        .send({ levelCode: 'L2', title: 'WRAP for frontline staff', startsAt: `${sessionDay}T09:30`, endsAt: `${sessionDay}T12:30`, venue: 'Shire Hall, Warwick', hostOrganisationCode: 'WCC', capacity: 10, trainerEmployeeRefs: ['T1'] })
        .expect(201)
    ).body.id as number;
    await http.post(`/api/sessions/${sessionId}/bookings`).send({ employeeRef: 'A1' }).expect(201);
    // Cai stopped optional messages: reminders of training due are statutory and still come.
    const caiId = (await t.dataSource.getRepository(Staff).findOneByOrFail({ employeeRef: 'C1' })).id;
    await t.dataSource.getRepository(MessagePreference).save({ staffId: caiId, optionalMessages: false, changedAt: new Date().toISOString() });
    // Zed has no email on his record; his manager account's address is used for his digest.
    await t.as('manager', 'WCC', 'Z1');
    managerAccountEmail = (await t.dataSource.query(`SELECT email FROM users WHERE role = 'manager'`))[0].email;
    await deliver(); // the booking confirmation
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('reminds a person 60 days or fewer before their level runs out, naming the level, the date and their place', async () => {
    expect(await reminders.run(at(today))).toBe(4);
    const mails = await deliver(at(today));
    expect(mails.map(toOf).sort()).toEqual(['ann@wcc.example', 'ben@wcc.example', 'cai@wcc.example', 'dee@wcc.example']);
    const ann = mailTo(mails, 'ann@wcc.example');
    expect(ann.subject).toBe(`Your ${L2} runs out on ${formatUkDate(annLapses)}`);
    expect(textOf(ann)).toContain('Dear Ann,');
    expect(textOf(ann)).toContain(`Your ${L2} (L2) runs out on ${formatUkDate(annLapses)}. Warwickshire County Council needs you to have it`);
    expect(textOf(ann)).toContain(`It also counts for ${L1} (L1).`);
    expect(textOf(ann)).toContain(`You have a place on WRAP for frontline staff on ${formatUkDate(sessionDay)} at 9:30am.`);
    expect(textOf(ann)).toContain('https://prevent.example.gov.uk/my-training');
    expect(textOf(ann)).toContain('they cannot be turned off');
    expect(textOf(ann)).not.toMatch(/Ben|Cai|Dee|Mo |Tara/);
  });

  it('tells a new starter when their training is due, and someone past their grace period that it is overdue, with sessions or the e-learning', async () => {
    const mails = smtp.received.slice(-4);
    const ben = mailTo(mails, 'ben@wcc.example');
    expect(ben.subject).toBe(`Your ${L2} is due by ${formatUkDate(addDays(today, 90))}`);
    expect(textOf(ben)).toContain(`As you are new at Warwickshire County Council, you need to do ${L2} (L2) by ${formatUkDate(addDays(today, 90))}.`);
    const cai = mailTo(mails, 'cai@wcc.example');
    expect(cai.subject).toBe(`Your ${L2} was due on ${formatUkDate('2020-04-05')}`);
    expect(textOf(cai)).toContain('Sessions you can book:');
    expect(textOf(cai)).toContain(`- WRAP for frontline staff, ${formatUkDate(sessionDay)} at 9:30am, Shire Hall, Warwick`);
    const dee = mailTo(mails, 'dee@wcc.example');
    expect(dee.subject).toBe(`Your ${L1} was due on ${formatUkDate('2020-01-06')}`);
    expect(textOf(dee)).toContain(PREVENT_ELEARNING.url);
    expect(textOf(dee)).not.toContain('Sessions you can book');
  });

  it('sends nothing twice when the job runs again', async () => {
    expect(await reminders.run(at(today))).toBe(0);
    expect(await reminders.run(at(addDays(today, 1)))).toBe(0);
    expect(await deliver(at(addDays(today, 1)))).toEqual([]);
  });

  it('shows administrators what each reminder was on the outbox page', async () => {
    const page = (await http.get('/admin/outbox').set('Accept', 'text/html').expect(200)).text;
    for (const what of ['Training runs out soon', 'Training overdue, never done', 'New starter: training due']) expect(page).toContain(what);
  });

  it('reminds again at 14 days, once, and on the day the level runs out', async () => {
    const fortnight = addDays(annLapses, -10);
    expect(await reminders.run(at(fortnight))).toBe(1);
    expect(await reminders.run(at(fortnight))).toBe(0);
    const [soon, ...none] = await deliver(at(fortnight));
    expect(none).toEqual([]);
    expect(toOf(soon)).toBe('ann@wcc.example');
    expect(soon.subject).toBe(`Your ${L2} runs out on ${formatUkDate(annLapses)}`);
    // The session she was booked on is past by then, and no other is open.
    expect(textOf(soon)).not.toContain('You have a place');
    expect(textOf(soon)).toContain('There are no sessions open to you at the moment.');

    expect(await reminders.run(at(annLapses))).toBe(1);
    const [lapsed, ...rest] = await deliver(at(annLapses));
    expect(rest).toEqual([]);
    expect(toOf(lapsed)).toBe('ann@wcc.example');
    expect(lapsed.subject).toBe(`Your ${L2} ran out on ${formatUkDate(annLapses)}`);
    expect(textOf(lapsed)).toContain('do it again as soon as you can');
    expect(await reminders.run(at(addDays(annLapses, 1)))).toBe(0);
  });

  it('sends each manager a weekly digest of their own people only: overdue, running out and booked', async () => {
    const digests = t.app.get(ManagerDigests);
    expect(await digests.run(at(today))).toBe(2);
    expect(await digests.run(at(today))).toBe(0);
    const mails = await deliver(at(today));
    const mo = mailTo(mails, 'mo@wcc.example');
    expect(mo.subject).toBe(`Your team’s Prevent training: week of ${formatUkDate(weekOf(today))}`);
    const text = textOf(mo);
    expect(text).toContain('Dear Mo,');
    expect(text).toContain('Overdue (2):');
    expect(text).toContain(`- Cai Clark: ${L2} (L2), due on ${formatUkDate('2020-04-05')}, not done`);
    expect(text).toContain(`- Nia Nomail: ${L2} (L2), due on ${formatUkDate('2020-04-05')}, not done`);
    expect(text).toContain('Running out soon (1):');
    expect(text).toContain(`- Ann Able: ${L2} (L2), runs out on ${formatUkDate(annLapses)}`);
    expect(text).toContain(`Booked on a session (1):\n- Ann Able: WRAP for frontline staff, ${formatUkDate(sessionDay)}`);
    expect(text).not.toMatch(/Ben|Baker|Dee|Dunn|Tara|Zed|@/);
    const zed = mailTo(mails, managerAccountEmail);
    expect(textOf(zed)).toContain(`- Dee Dunn: ${L1} (L1), due on ${formatUkDate('2020-01-06')}, not done`);
    expect(textOf(zed)).not.toMatch(/Ann|Cai|Nia|Ben/);
    // The next week, a new digest.
    expect(await digests.run(at(addDays(weekOf(today), 7)))).toBe(2);
  });
});

/** A second server on the same database: its own connection pool, reminders and scheduler. */
async function secondServer(config: AppConfig) {
  const dataSource = await new DataSource({ ...databaseOptions(config), migrationsRun: false }).initialize();
  const reminders = new Reminders(dataSource, config);
  const scheduler = new Scheduler(new JobLeases(dataSource), config);
  scheduler.add({ name: 'training-reminders', everyMs: 24 * 60 * 60_000, once: true, run: (now) => reminders.run(now) });
  return { dataSource, reminders, scheduler };
}

(databaseKinds().includes('postgres') ? describe : describe.skip)('two servers on one PostgreSQL database running the reminders at once', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let other: Awaited<ReturnType<typeof secondServer>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp('postgres', { SMTP_URL: smtp.url });
    other = await secondServer(t.app.get(AppConfig));
    const http = t.http();
    await partnership(http);
    for (let i = 1; i <= 40; i++) await person(http, { employeeRef: `P${i}`, organisationCode: 'WCC', firstName: `Person${i}`, email: `p${i}@wcc.example`, roleCodes: ['ALL'] });
  });
  afterAll(async () => {
    await other.dataSource.destroy();
    await t.close();
    await smtp.close();
  });

  it('send each reminder exactly once, whether through their schedulers or both writing at the same moment', async () => {
    const here = t.app.get(Scheduler);
    const now = at(today);
    await Promise.all([here.runNow('training-reminders', now, false), other.scheduler.runNow('training-reminders', now, false)]);
    // Without the lease too: both write the same reminders at once; the keys leave one of each.
    await Promise.all([t.app.get(Reminders).run(now), other.reminders.run(now)]);
    const sender = t.app.get(OutboxSender);
    sender.useTransport(smtpTransport({ SMTP_URL: smtp.url }));
    await sender.sendDue(now);
    const to = smtp.received.map(toOf);
    expect(to).toHaveLength(44);
    expect(new Set(to).size).toBe(44);
    expect(to).toEqual(expect.arrayContaining(['ann@wcc.example', 'ben@wcc.example', 'cai@wcc.example', 'dee@wcc.example', 'p1@wcc.example', 'p40@wcc.example']));
  });
});
