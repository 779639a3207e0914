import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  receivedAt: Date;
}

export interface SmtpSink {
  url: string;
  messages: ReceivedMail[];
  /** Resolves once at least `count` messages have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.map((entry) => entry.address ?? ''));

/** A real SMTP server on a spare port that keeps what it is sent. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const events = new EventEmitter();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            from: addresses(mail.from).join(','),
            to: addresses(mail.to),
            cc: addresses(mail.cc),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            receivedAt: new Date(),
          });
          events.emit('message');
          callback();
        })
        .catch(callback);
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = AbortSignal.timeout(timeoutMs);
      while (messages.length < count) await once(events, 'message', { signal: deadline });
      return messages;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
