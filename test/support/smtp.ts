import { ParsedMail, simpleParser } from 'mailparser';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type SmtpMode = 'accept' | 'refuse' | 'hang';

/** A mail server on loopback for tests: keeps every message it accepts, parsed. */
export interface TestSmtp {
  url: string;
  received: ParsedMail[];
  /** accept: 250; refuse: 550 at RCPT; hang: takes the message and never answers. */
  mode: SmtpMode;
  /** Resolves when `count` messages have been received in all. */
  waitFor(count: number): Promise<ParsedMail[]>;
  /** In hang mode: resolves when a message has come in and is being held unanswered. */
  hanging(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(mode: SmtpMode = 'accept'): Promise<TestSmtp> {
  const received: ParsedMail[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const hung: (() => void)[] = [];
  let heldOne: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (heldOne = resolve));
  const state: TestSmtp = {
    url: '',
    received,
    mode,
    waitFor: (count) =>
      new Promise((resolve) => {
        if (received.length >= count) return resolve(received);
        waiters.push({ count, resolve: () => resolve(received) });
      }),
    hanging: () => held,
    close: async () => {
      hung.forEach((release) => release());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (state.mode !== 'refuse') return callback();
      const error = new Error('Mailbox unavailable') as Error & { responseCode: number };
      error.responseCode = 550;
      callback(error);
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          if (state.mode === 'hang') {
            hung.push(() => callback(new Error('Closing')));
            heldOne();
            return;
          }
          received.push(mail);
          for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
          callback();
        },
        (error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  return state;
}

/** A "mail server" that takes each connection and drops it at once. */
export async function startDroppingServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
