import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/app-config';
import { databaseOptions } from '../src/config/database';
import { smtpTransport } from '../src/notifications/mail-transport';
import { OutboxMessage } from '../src/notifications/outbox-message.entity';
import { OutboxSender } from '../src/notifications/outbox-sender';
import { OutboxService } from '../src/notifications/outbox.service';
import { ScopeService } from '../src/access/scope.service';
import { describeEachDatabase, freshDatabaseEnv } from './support/app';
import { startServerProcess } from './support/server-process';
import { startSmtp } from './support/smtp';

describeEachDatabase('a server killed while sending a message', (kind) => {
  it('leaves the message claimed; another server sends it, once, after the claim lapses', async () => {
    const { env, drop } = await freshDatabaseEnv(kind);
    const hanging = await startSmtp('hang');
    const accepting = await startSmtp();
    const config = loadConfig({ ...env, SMTP_URL: accepting.url });
    const dataSource = await new DataSource(databaseOptions(config)).initialize();
    try {
      await dataSource.transaction((m) =>
        new OutboxService(new ScopeService(dataSource)).enqueue(m, { to: 'ann@example.org', subject: 'Your place', text: 'Hello', key: 'killed-mid-send', kind: 'test' }),
      );
      // The real server, with its scheduler on, sends the outbox as it starts; the mail server never answers.
      const server = await startServerProcess({ ...env, SMTP_URL: hanging.url, SCHEDULER: 'on' });
      await hanging.hanging();
      await server.stop('SIGKILL');
      const row = () => dataSource.getRepository(OutboxMessage).findOneByOrFail({ messageKey: 'killed-mid-send' });
      expect(await row()).toMatchObject({ state: 'sending', attempts: 1 });

      const sender = new OutboxSender(dataSource, config);
      sender.useTransport(smtpTransport(config));
      expect(await sender.sendDue()).toMatchObject({ sent: 0 });
      const claimLapsed = new Date(new Date((await row()).claimedUntil!).getTime() + 1000);
      expect(await sender.sendDue(claimLapsed)).toMatchObject({ sent: 1 });
      expect(await sender.sendDue(claimLapsed)).toMatchObject({ sent: 0 });
      expect(accepting.received.map((m) => m.subject)).toEqual(['Your place']);
      expect(await row()).toMatchObject({ state: 'sent', attempts: 2 });
      sender.onModuleDestroy();
    } finally {
      await dataSource.destroy();
      await hanging.close();
      await accepting.close();
      await drop();
    }
  });
});
