import nodemailer from 'nodemailer';

export interface OutgoingMail {
  to: string;
  cc: string[];
  subject: string;
  text: string;
}

export interface Mailer {
  /** Resolves once the SMTP server has accepted the message. */
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * SMTP through nodemailer. Without an SMTP_URL the message is rendered but not sent (nodemailer's
 * JSON transport), so the service still runs on a laptop; the README says so.
 */
export function createMailer(smtpUrl: string | undefined, from: string): Mailer {
  // A pool of a few kept-alive connections: one SMTP handshake per reminder would cap delivery.
  const transport = smtpUrl
    ? nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: 5 })
    : nodemailer.createTransport({ jsonTransport: true });
  return {
    send: async (mail) => {
      await transport.sendMail({ from, to: mail.to, cc: mail.cc, subject: mail.subject, text: mail.text });
    },
    close: () => transport.close(),
  };
}
