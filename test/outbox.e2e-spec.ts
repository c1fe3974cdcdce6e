import { OutboxMessage } from '../src/notifications/outbox-message.entity';
import { OutboxService } from '../src/notifications/outbox.service';
import { createTestApp, describeEachDatabase, TestApp } from './support/app';
import { organisation, person } from './support/builders';

describeEachDatabase('the outbox', (kind) => {
  let t: TestApp;
  let outbox: OutboxService;
  let personId: number;

  beforeAll(async () => {
    t = await createTestApp(kind);
    outbox = t.app.get(OutboxService);
    await organisation(t.http(), 'PWG', null, { name: 'Warwickshire Prevent Partnership' });
    personId = (await person(t.http(), { employeeRef: 'P1', organisationCode: 'PWG', firstName: 'Pat', lastName: 'One', email: 'pat@pwg.example' })).id;
  });
  afterAll(() => t.close());

  const message = (key: string) => ({ to: 'pat@pwg.example', subject: 'Hello', text: 'Body', key, kind: 'test', personId });

  it('keeps one message per key, however often it is written', async () => {
    expect(await t.dataSource.transaction((m) => outbox.enqueue(m, message('same-key')))).toBe(true);
    expect(await t.dataSource.transaction((m) => outbox.enqueue(m, message('same-key')))).toBe(false);
    const rows = await t.dataSource.getRepository(OutboxMessage).findBy({ messageKey: 'same-key' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'queued', toAddress: 'pat@pwg.example', attempts: 0 });
  });

  it('files the message under the organisation of the person it is about', async () => {
    await t.dataSource.transaction((m) => outbox.enqueue(m, message('about-pat')));
    const row = await t.dataSource.getRepository(OutboxMessage).findOneByOrFail({ messageKey: 'about-pat' });
    const [org] = await t.dataSource.query(`SELECT id FROM organisations WHERE code = 'PWG'`);
    expect(row.organisationId).toBe(org.id);
  });

  it('writes nothing when the change that caused the message is rolled back', async () => {
    await expect(
      t.dataSource.transaction(async (m) => {
        await outbox.enqueue(m, message('rolled-back'));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await t.dataSource.getRepository(OutboxMessage).countBy({ messageKey: 'rolled-back' })).toBe(0);
  });

  it('are listed to administrators 50 to a page, newest first', async () => {
    await t.dataSource.transaction(async (m) => {
      for (let i = 1; i <= 55; i++) await outbox.enqueue(m, { ...message(`paged-${i}`), subject: `Paged message ${i}.` });
    });
    const first = await t.http().get('/admin/outbox').set('Accept', 'text/html').expect(200);
    expect(first.text).toContain('Page 1 of 2');
    expect(first.text).toContain('Paged message 55.');
    expect(first.text).not.toContain('Paged message 5.');
    expect(first.text.indexOf('Paged message 55.')).toBeLessThan(first.text.indexOf('Paged message 54.'));
    const second = await t.http().get('/admin/outbox?page=2').set('Accept', 'text/html').expect(200);
    expect(second.text).toContain('Paged message 5.');
    expect(second.text).toContain('Paged message 1.');
    expect(second.text).not.toContain('Paged message 55.');
  });

  it('keeps attachments as they were given', async () => {
    await t.dataSource.transaction((m) =>
      outbox.enqueue(m, { ...message('with-file'), attachments: [{ filename: 'a.ics', contentType: 'text/calendar', content: 'BEGIN:VCALENDAR' }] }),
    );
    const row = await t.dataSource.getRepository(OutboxMessage).findOneByOrFail({ messageKey: 'with-file' });
    const [file] = JSON.parse(row.attachments!);
    expect(file.filename).toBe('a.ics');
    expect(Buffer.from(file.content, 'base64').toString()).toBe('BEGIN:VCALENDAR');
  });
});
