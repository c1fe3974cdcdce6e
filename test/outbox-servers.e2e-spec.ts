import { DataSource } from 'typeorm';
import { AppConfig } from '../src/config/app-config';
import { databaseOptions } from '../src/config/database';
import { JobLeases } from '../src/jobs/job-leases';
import { Scheduler } from '../src/jobs/scheduler';
import { smtpTransport } from '../src/notifications/mail-transport';
import { OutboxMessage } from '../src/notifications/outbox-message.entity';
import { OutboxSender } from '../src/notifications/outbox-sender';
import { OutboxService } from '../src/notifications/outbox.service';
import { createTestApp, databaseKinds, TestApp } from './support/app';
import { startSmtp, TestSmtp } from './support/smtp';

/** A second server on the same database: its own connection pool, its own sender and scheduler. */
async function secondServer(config: AppConfig) {
  const dataSource = await new DataSource({ ...databaseOptions(config), migrationsRun: false }).initialize();
  return { dataSource, sender: new OutboxSender(dataSource, config), scheduler: new Scheduler(new JobLeases(dataSource), config) };
}

(databaseKinds().includes('postgres') ? describe : describe.skip)('two servers on one PostgreSQL database', () => {
  let t: TestApp;
  let smtp: TestSmtp;
  let other: Awaited<ReturnType<typeof secondServer>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await createTestApp('postgres', { SMTP_URL: smtp.url });
    other = await secondServer(t.app.get(AppConfig));
  });
  afterAll(async () => {
    other.sender.onModuleDestroy();
    await other.dataSource.destroy();
    await t.close();
    await smtp.close();
  });

  it('send each message exactly once when both send the outbox at the same moment', async () => {
    const outbox = t.app.get(OutboxService);
    const count = 60;
    await t.dataSource.transaction(async (m) => {
      for (let i = 1; i <= count; i++) await outbox.enqueue(m, { to: `person${i}@example.org`, subject: `Message ${i}`, text: 'Hello', key: `twice-${i}`, kind: 'test' });
    });
    const here = t.app.get(OutboxSender);
    here.useTransport(smtpTransport({ SMTP_URL: smtp.url }));
    other.sender.useTransport(smtpTransport({ SMTP_URL: smtp.url }));
    // Small batches, so the two servers take turns on the same messages rather than one finishing first.
    const [a, b] = await Promise.all([here.sendDue(new Date(), 5), other.sender.sendDue(new Date(), 5)]);
    expect(a.sent + b.sent).toBe(count);
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    const subjects = smtp.received.map((m) => m.subject);
    expect(subjects).toHaveLength(count);
    expect(new Set(subjects).size).toBe(count);
    const states = await t.dataSource.getRepository(OutboxMessage).find({ select: { state: true, attempts: true } });
    expect(states.every((s) => s.state === 'sent' && s.attempts === 1)).toBe(true);
  });

  it('run a scheduled job on one of them only, once per interval', async () => {
    const here = new Scheduler(new JobLeases(t.dataSource), t.app.get(AppConfig));
    const runs: string[] = [];
    const job = (server: string) => ({
      name: 'count-runs',
      everyMs: 60 * 60_000,
      once: true,
      run: async () => {
        runs.push(server);
        await new Promise((resolve) => setTimeout(resolve, 50));
      },
    });
    here.add(job('here'));
    other.scheduler.add(job('other'));
    const now = new Date();
    // Both look at once: one takes the lease and runs it, the other finds it taken (whenever each tick returns).
    await Promise.all([here.tick(now), other.scheduler.tick(now)]);
    expect(runs).toHaveLength(1);
    // Due again only an interval after the run finished, on whichever server looks first.
    await Promise.all([here.tick(new Date(now.getTime() + 30 * 60_000)), other.scheduler.tick(new Date(now.getTime() + 30 * 60_000))]);
    expect(runs).toHaveLength(1);
    await Promise.all([here.tick(new Date(now.getTime() + 61 * 60_000)), other.scheduler.tick(new Date(now.getTime() + 61 * 60_000))]);
    expect(runs).toHaveLength(2);
  });
});
