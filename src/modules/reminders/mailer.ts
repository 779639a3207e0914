import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  cc: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  /** false when messages are only rendered (no SMTP server): their reminders are `recorded`, not `sent`. */
  readonly delivers: boolean;
  /** Resolves once the SMTP server has accepted the message. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * The longest one SMTP conversation may stall at any step before it fails. A delivery's lease
 * (DELIVERY_LEASE_MS) is longer than the connect, greeting and idle timeouts together, so a send
 * has given up before another worker may take its reminder over.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 } as const;

/**
 * SMTP through nodemailer. Without an SMTP_URL the message is rendered but not sent (nodemailer's
 * JSON transport), so the service still runs on a laptop; the README says so.
 */
export function createMailer(smtpUrl: string | undefined, from: string): Mailer {
  // A pool of a few kept-alive connections: one SMTP handshake per reminder would cap delivery.
  const transport = smtpUrl
    ? nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 5, ...SMTP_TIMEOUTS })
    : nodemailer.createTransport({ jsonTransport: true });
  return {
    delivers: Boolean(smtpUrl),
    send: async (mail) => {
      await transport.sendMail({ from, to: mail.to, cc: mail.cc, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}
