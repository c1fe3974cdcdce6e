import { createTransport } from 'nodemailer';
import { AppConfig } from '../config/app-config';

/** What the sender needs of a mail transport: send one message, answer the server's reply. */
export interface MailTransport {
  send(message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    attachments: { filename: string; contentType: string; content: Buffer }[];
  }): Promise<{ response: string }>;
  close(): void;
}

/** The sender named in every message: MAIL_FROM, else no-reply at PUBLIC_URL's host. */
export function senderAddress(config: Pick<AppConfig, 'MAIL_FROM' | 'PUBLIC_URL'>): string {
  return config.MAIL_FROM?.trim() || `Prevent training <no-reply@${new URL(config.PUBLIC_URL).hostname}>`;
}

/** An SMTP transport on SMTP_URL (nodemailer), or null when no mail server is set. */
export function smtpTransport(config: Pick<AppConfig, 'SMTP_URL'>): MailTransport | null {
  if (!config.SMTP_URL) return null;
  // Timeouts well inside the sender's claim on a message (5 minutes), so a hung server never lets two senders overlap.
  const transport = createTransport({ url: config.SMTP_URL, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
  return {
    send: async (message) => {
      const info = await transport.sendMail(message);
      return { response: String(info.response ?? '') };
    },
    close: () => transport.close(),
  };
}
