import type { ParsedMail } from 'mailparser';
import request from 'supertest';
import { addDays, todayIso } from '../src/common/dates';
import { smtpTransport } from '../src/notifications/mail-transport';
import { MessagePreference } from '../src/my-training/message-preference.entity';
import { OutboxMessage } from '../src/notifications/outbox-message.entity';
import { FIRST_RETRY_MS, OutboxSender } from '../src/notifications/outbox-sender';
import { SessionMessages } from '../src/notifications/session-messages';
import { Client, createTestApp, describeEachDatabase, TestApp } from './support/app';
import { completion, organisation, person } from './support/builders';
import { startDroppingServer, startSmtp, TestSmtp } from './support/smtp';

const minutesLater = (minutes: number) => new Date(Date.now() + minutes * 60_000);
const textOf = (mail: ParsedMail) => String(mail.text ?? '');
const toOf = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address;

describeEachDatabase('messages about sessions, sent through a mail server', (kind) => {
  let t: TestApp;
  let http: Client;
  let smtp: TestSmtp;
  let sender: OutboxSender;
  let messages: SessionMessages;
  const today = todayIso();
  const tomorrow = addDays(today, 1);
  let sent = 0;

  /** Sends what is due and answers the messages the mail server received since the last call. */
  const deliver = async (now = new Date()): Promise<ParsedMail[]> => {
    await sender.sendDue(now);
    const all = smtp.received.slice(sent);
    sent = smtp.received.length;
    return all;
  };
  const session = async (over: Record<string, unknown> = {}) =>
    (
      await http
        .post('/api/sessions')
        .send({
          levelCode: 'L2',
          title: 'WRAP for frontline staff',
          startsAt: `${tomorrow}T09:30`,
          endsAt: `${tomorrow}T12:30`,
          venue: 'Shire Hall, Warwick',
          hostOrganisationCode: 'WCC',
          capacity: 1,
          trainerEmployeeRefs: ['T1'],
          ...over,
        })
        .expect(201)
    ).body.id as number;
  const book = async (sessionId: number, ref: string) => (await http.post(`/api/sessions/${sessionId}/bookings`).send({ employeeRef: ref }).expect(201)).body;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp(kind, { SMTP_URL: smtp.url, MAIL_FROM: 'Prevent training <prevent@wcc.example>' });
    http = t.http();
    sender = t.app.get(OutboxSender);
    messages = t.app.get(SessionMessages);
    await organisation(http, 'PWG', null, { name: 'Warwickshire Prevent Partnership' });
    await organisation(http, 'WCC', 'PWG', { isEmployer: true, name: 'Warwickshire County Council' });
    await person(http, { employeeRef: 'T1', organisationCode: 'WCC', firstName: 'Tara', lastName: 'Trainer', email: 'tara@wcc.example' });
    await completion(http, 'T1', 'L3', addDays(today, -100));
    await person(http, { employeeRef: 'A1', organisationCode: 'WCC', firstName: 'Ann', lastName: 'Able', email: 'ann@wcc.example' });
    await person(http, { employeeRef: 'B1', organisationCode: 'WCC', firstName: 'Ben', lastName: 'Baker', email: 'ben@wcc.example' });
    await person(http, { employeeRef: 'C1', organisationCode: 'WCC', firstName: 'Cai', lastName: 'Nomail' });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  describe('a session from booking to certificate', () => {
    let sessionId: number;
    let annBooking: number;

    it('confirms a booking to the person booked, with the calendar file, and nothing to the waiting list', async () => {
      sessionId = await session();
      annBooking = (await book(sessionId, 'A1')).id;
      await book(sessionId, 'B1'); // waiting: no place, no confirmation
      const [mail, ...others] = await deliver();
      expect(others).toEqual([]);
      expect(toOf(mail)).toBe('ann@wcc.example');
      expect(mail.from?.text).toContain('prevent@wcc.example');
      expect(mail.subject).toBe(`Your place on WRAP for frontline staff on ${formatDate(tomorrow)}`);
      expect(textOf(mail)).toContain('Dear Ann,');
      expect(textOf(mail)).toContain('Time: 9:30am to 12:30pm');
      expect(textOf(mail)).toContain('Where: Shire Hall, Warwick');
      expect(textOf(mail)).toContain('Warwickshire County Council');
      expect(textOf(mail)).not.toMatch(/Ben|Baker|Tara|Trainer/);
      const [ics] = mail.attachments;
      expect(ics.filename).toMatch(/\.ics$/);
      expect(ics.contentType).toBe('text/calendar');
      expect(ics.content.toString()).toContain('BEGIN:VCALENDAR');
      expect(ics.content.toString()).toContain('SUMMARY:WRAP for frontline staff');
    });

    it('tells the first person waiting that a place is theirs when a booking is cancelled', async () => {
      await http.delete(`/api/sessions/${sessionId}/bookings/${annBooking}`).expect(200);
      const [mail, ...others] = await deliver();
      expect(others).toEqual([]);
      expect(toOf(mail)).toBe('ben@wcc.example');
      expect(mail.subject).toBe(`A place is free for you on WRAP for frontline staff on ${formatDate(tomorrow)}`);
      expect(textOf(mail)).toContain('You were on the waiting list, so the place is yours.');
      expect(textOf(mail)).not.toContain('Ann');
      expect(mail.attachments.map((a) => a.contentType)).toEqual(['text/calendar']);
    });

    it('reminds the people booked the day before, once, with how to stop reminders', async () => {
      // 11:00 or noon in London: the reminders are written from 8am.
      const morning = new Date(`${today}T11:00:00Z`);
      expect(await messages.dayBeforeReminders(new Date(`${today}T05:00:00Z`))).toBe(0);
      expect(await messages.dayBeforeReminders(morning)).toBe(1);
      expect(await messages.dayBeforeReminders(morning)).toBe(0);
      const [mail, ...others] = await deliver();
      expect(others).toEqual([]);
      expect(toOf(mail)).toBe('ben@wcc.example');
      expect(mail.subject).toBe(`Reminder: WRAP for frontline staff tomorrow, ${formatDate(tomorrow)}`);
      expect(textOf(mail)).toContain('/my-training/preferences');
    });

    it('reminds the trainer to take the register from the next working day after the session, once', async () => {
      const afterwards = new Date(`${addDays(tomorrow, 4)}T10:00:00Z`);
      expect(await messages.registerReminders(new Date(`${today}T10:00:00Z`))).toBe(0);
      expect(await messages.registerReminders(afterwards)).toBe(1);
      expect(await messages.registerReminders(afterwards)).toBe(0);
      const [mail, ...others] = await deliver();
      expect(others).toEqual([]);
      expect(toOf(mail)).toBe('tara@wcc.example');
      expect(mail.subject).toBe(`Take the register for WRAP for frontline staff (${formatDate(tomorrow)})`);
      expect(textOf(mail)).toContain(`/sessions/${sessionId}/register`);
      expect(textOf(mail)).not.toMatch(/Ben|Baker/);
    });

    it('sends each attendee their certificate and the feedback link when the register is taken', async () => {
      const todays = await session({ startsAt: `${today}T00:00`, endsAt: `${today}T00:30`, capacity: 5 });
      await book(todays, 'A1');
      await book(todays, 'B1');
      await book(todays, 'C1');
      await deliver();
      await http.put(`/api/sessions/${todays}/register`).send({ attended: ['A1', 'C1'], noShow: ['B1'] }).expect(200);
      // Saving the register again sends nothing more.
      await http.put(`/api/sessions/${todays}/register`).send({ attended: ['A1', 'C1'], noShow: ['B1'] }).expect(200);
      const [mail, ...others] = await deliver();
      expect(others).toEqual([]);
      expect(toOf(mail)).toBe('ann@wcc.example');
      expect(mail.subject).toBe('Your certificate for WRAP for frontline staff');
      expect(textOf(mail)).toMatch(/\/feedback\/[\w-]+/);
      expect(textOf(mail)).toContain('/my-training/preferences');
      const [pdf] = mail.attachments;
      expect(pdf.contentType).toBe('application/pdf');
      expect(pdf.filename).toMatch(/^certificate-L2-ann-able-.*\.pdf$/);
      expect(pdf.content.subarray(0, 5).toString()).toBe('%PDF-');
    });

    it('leaves the feedback link out for someone who stopped optional messages, and still sends the certificate', async () => {
      const later = await session({ title: 'Later WRAP', startsAt: `${today}T00:30`, endsAt: `${today}T00:45`, capacity: 5 });
      const ben = await book(later, 'B1');
      await t.dataSource.getRepository(MessagePreference).save({ staffId: ben.staffId, optionalMessages: false, changedAt: new Date().toISOString() });
      await deliver();
      await http.put(`/api/sessions/${later}/register`).send({ attended: ['B1'], noShow: [] }).expect(200);
      const [mail, ...others] = await deliver();
      expect(others).toEqual([]);
      expect(toOf(mail)).toBe('ben@wcc.example');
      expect(mail.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
      expect(textOf(mail)).not.toContain('/feedback/');
      expect(textOf(mail)).not.toContain('/my-training/preferences');
    });
  });

  describe('more places on a session', () => {
    it('tell the people moved up from the waiting list', async () => {
      const bigger = await session({ title: 'Growing WRAP', capacity: 1 });
      await book(bigger, 'A1');
      await book(bigger, 'B1');
      expect((await deliver()).map(toOf)).toEqual(['ann@wcc.example']);
      await http.patch(`/api/sessions/${bigger}`).send({ capacity: 2 }).expect(200);
      const [mail, ...others] = await deliver();
      expect(others).toEqual([]);
      expect(toOf(mail)).toBe('ben@wcc.example');
      expect(mail.subject).toContain('A place is free for you on Growing WRAP');
    });
  });

  describe('cancelling a session', () => {
    it('emails everyone who was booked, waiting or training, and names only those with no email address', async () => {
      const doomed = await session({ title: 'Doomed WRAP', capacity: 1 });
      await book(doomed, 'A1');
      await book(doomed, 'C1');
      await deliver();
      const res = await http.post(`/api/sessions/${doomed}/cancel`).expect(200);
      expect(res.body).toMatchObject({ emailed: 2, withoutEmail: 1 });
      expect(res.body.peopleToTell.map((p: { employeeRef: string; emailed: boolean }) => [p.employeeRef, p.emailed])).toEqual([
        ['A1', true],
        ['C1', false],
        ['T1', true],
      ]);
      const mails = await deliver();
      expect(mails.map(toOf).sort()).toEqual(['ann@wcc.example', 'tara@wcc.example']);
      const ann = mails.find((m) => toOf(m) === 'ann@wcc.example')!;
      expect(ann.subject).toBe(`Cancelled: Doomed WRAP on ${formatDate(tomorrow)}`);
      expect(textOf(ann)).toContain('Your place on it is cancelled.');
      const tara = mails.find((m) => toOf(m) === 'tara@wcc.example')!;
      expect(textOf(tara)).toContain('which you were to deliver');
      for (const m of mails) expect(textOf(m)).not.toMatch(/Cai|Nomail/);
    });
  });

  describe('when the mail server refuses or drops the connection', () => {
    const enqueue = (key: string) =>
      t.dataSource.transaction((m) => t.app.get(SessionMessages)['outbox'].enqueue(m, { to: 'ann@wcc.example', subject: `Test ${key}`, text: 'Hello', key, kind: 'test' }));
    const row = (key: string) => t.dataSource.getRepository(OutboxMessage).findOneByOrFail({ messageKey: key });
    afterEach(() => sender.useTransport(smtpTransport({ SMTP_URL: smtp.url })));

    it('keeps a refused message queued with the answer, and sends it on a later try', async () => {
      const refusing = await startSmtp('refuse');
      try {
        sender.useTransport(smtpTransport({ SMTP_URL: refusing.url }));
        await enqueue('refused-once');
        expect(await sender.sendDue()).toMatchObject({ sent: 0, retrying: 1 });
        const held = await row('refused-once');
        expect(held).toMatchObject({ state: 'queued', attempts: 1 });
        expect(held.lastAnswer).toContain('550');
        expect(new Date(held.nextAttemptAt).getTime()).toBeGreaterThan(Date.now() + FIRST_RETRY_MS / 2);
        // Not tried again before its wait is over, then tried again with a doubled wait.
        expect(await sender.sendDue()).toMatchObject({ sent: 0, retrying: 0 });
        expect(await sender.sendDue(minutesLater(2))).toMatchObject({ retrying: 1 });
        const again = await row('refused-once');
        expect(again.attempts).toBe(2);
        expect(new Date(again.nextAttemptAt).getTime()).toBeGreaterThan(minutesLater(3).getTime());
      } finally {
        await refusing.close();
      }
      sender.useTransport(smtpTransport({ SMTP_URL: smtp.url }));
      const mails = await deliver(minutesLater(10));
      expect(mails.map((m) => m.subject)).toEqual(['Test refused-once']);
      expect(await row('refused-once')).toMatchObject({ state: 'sent', attempts: 3 });
    });

    it('keeps a message queued when the connection is dropped, and sends it later', async () => {
      const dropping = await startDroppingServer();
      try {
        sender.useTransport(smtpTransport({ SMTP_URL: dropping.url }));
        await enqueue('dropped');
        expect(await sender.sendDue()).toMatchObject({ sent: 0, retrying: 1 });
        expect(await row('dropped')).toMatchObject({ state: 'queued', attempts: 1 });
        expect((await row('dropped')).lastAnswer).toMatch(/connection|socket|closed|ECONN/i);
      } finally {
        await dropping.close();
      }
      sender.useTransport(smtpTransport({ SMTP_URL: smtp.url }));
      expect((await deliver(minutesLater(2))).map((m) => m.subject)).toEqual(['Test dropped']);
    });

    it('sends again a message whose sender stopped mid-send, once its claim has lapsed', async () => {
      await enqueue('interrupted');
      // What a server killed while sending leaves behind: the message claimed, never finished.
      await t.dataSource
        .createQueryBuilder()
        .update(OutboxMessage)
        .set({ state: 'sending', claimedBy: 'a server that died', claimedUntil: minutesLater(5).toISOString(), attempts: 1 })
        .where('message_key = :key', { key: 'interrupted' })
        .execute();
      expect(await deliver()).toEqual([]);
      expect((await deliver(minutesLater(6))).map((m) => m.subject)).toEqual(['Test interrupted']);
      expect(await row('interrupted')).toMatchObject({ state: 'sent', attempts: 2, claimedBy: null });
    });

    it('gives a message up as failed after its last try, with the answer', async () => {
      const refusing = await startSmtp('refuse');
      try {
        sender.useTransport(smtpTransport({ SMTP_URL: refusing.url }));
        await enqueue('hopeless');
        for (let i = 0; i < 8; i++) await sender.sendDue(minutesLater(60 * 24 * i));
        const given = await row('hopeless');
        expect(given).toMatchObject({ state: 'failed', attempts: 8 });
        expect(given.lastAnswer).toContain('550');
        expect(await sender.sendDue(minutesLater(60 * 24 * 30))).toMatchObject({ sent: 0, retrying: 0, failed: 0 });
      } finally {
        await refusing.close();
      }
    });
  });

  describe('the outbox page', () => {
    it('lists messages newest first with their state and the server answer', async () => {
      const page = await http.get('/admin/outbox').set('Accept', 'text/html').expect(200);
      expect(page.text).toContain('Outbox');
      expect(page.text).toContain('Failed');
      expect(page.text).toContain('Sent');
      expect(page.text).toContain('550');
      expect(page.text.indexOf('Test hopeless')).toBeLessThan(page.text.indexOf('Test refused-once'));
      expect(page.text).not.toContain('No mail server is set');
    });
  });
  describe('a sign-in link to My training', () => {
    const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

    it('arrives by email, and the link in the email alone signs the person in, once', async () => {
      const browser = request.agent(t.app.getHttpServer());
      const form = await browser.get('/my-training/sign-in').set('Accept', 'text/html').expect(200);
      await browser.post('/my-training/sign-in').set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(form.text), email: 'ann@wcc.example' }).expect(200);
      const mails = (await deliver()).filter((m) => toOf(m) === 'ann@wcc.example' && textOf(m).includes('/my-training/sign-in/'));
      expect(mails).toHaveLength(1);
      const link = /https?:\/\/[^\s]+\/my-training\/sign-in\/[A-Za-z0-9_-]+/.exec(textOf(mails[0]))?.[0];
      expect(link).toBeDefined();
      expect(textOf(mails[0])).not.toMatch(/Ben|Baker|Tara/);
      const path = new URL(link!).pathname;
      const page = await browser.get(path).set('Accept', 'text/html').expect(200);
      const signedIn = await browser.post(path).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(page.text) });
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.location).toBe('/my-training');
      expect((await browser.get('/my-training').set('Accept', 'text/html').expect(200)).text).toContain('Ann Able');
      // The same link a second time signs nobody in.
      const other = request.agent(t.app.getHttpServer());
      const again = await other.get(path).set('Accept', 'text/html');
      const reused = await other.post(path).set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(again.text) || csrfOf(form.text) });
      expect(reused.headers.location).not.toBe('/my-training');
    });

    it('sends nothing for an address the tracker does not hold, with the same answer on the page', async () => {
      const browser = request.agent(t.app.getHttpServer());
      const form = await browser.get('/my-training/sign-in').set('Accept', 'text/html').expect(200);
      const known = await browser.post('/my-training/sign-in').set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(form.text), email: 'ben@wcc.example' }).expect(200);
      const unknown = await browser.post('/my-training/sign-in').set('Accept', 'text/html').type('form').send({ _csrf: csrfOf(form.text), email: 'nobody@wcc.example' }).expect(200);
      const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0].replace(/ben@wcc\.example|nobody@wcc\.example/g, 'ADDRESS').replace(/name="_csrf" value="[^"]+"/g, '');
      expect(main(unknown.text)).toBe(main(known.text));
      const links = (await deliver()).filter((m) => textOf(m).includes('/my-training/sign-in/'));
      expect(links.map(toOf)).toEqual(['ben@wcc.example']);
    });
  });
});

describeEachDatabase('messages with no mail server set', (kind) => {
  let t: TestApp;
  beforeAll(async () => (t = await createTestApp(kind)));
  afterAll(() => t.close());

  it('stay in the outbox, shown as not sent', async () => {
    const http = t.http();
    await organisation(http, 'WCC', null, { isEmployer: true, name: 'Warwickshire County Council' });
    await person(http, { employeeRef: 'A1', organisationCode: 'WCC', firstName: 'Ann', lastName: 'Able', email: 'ann@wcc.example' });
    await person(http, { employeeRef: 'T1', organisationCode: 'WCC', firstName: 'Tara', lastName: 'Trainer' });
    await completion(http, 'T1', 'L3', addDays(todayIso(), -100));
    const tomorrow = addDays(todayIso(), 1);
    const s = await http
      .post('/api/sessions')
      .send({ levelCode: 'L2', title: 'WRAP', startsAt: `${tomorrow}T09:30`, endsAt: `${tomorrow}T12:30`, venue: 'Shire Hall', hostOrganisationCode: 'WCC', capacity: 5, trainerEmployeeRefs: ['T1'] })
      .expect(201);
    await http.post(`/api/sessions/${s.body.id}/bookings`).send({ employeeRef: 'A1' }).expect(201);
    expect(await t.app.get(OutboxSender).sendDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    const row = await t.dataSource.getRepository(OutboxMessage).findOneByOrFail({ kind: 'booking-confirmed' });
    expect(row).toMatchObject({ state: 'queued', attempts: 0, lastAnswer: 'Not sent: no mail server set' });
    const page = await http.get('/admin/outbox').set('Accept', 'text/html').expect(200);
    expect(page.text).toContain('No mail server is set');
    expect(page.text).toContain('Not sent: no mail server set');
    expect(page.text).toContain('Booking confirmed');
  });
});

function formatDate(iso: string): string {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}
