import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { ReceivedMail, SmtpSink } from './smtp-sink.js';

/**
 * A real SMTP server like `startSmtpSink`, whose answer to DATA can be withheld: a held message
 * has been read in full but not acknowledged (no "250"), so for the sender the SMTP transaction is
 * still open. Only acknowledged messages are in `messages`; a held message whose client goes
 * away (killed) moves to `dropped` and was never delivered.
 */
export interface HoldingSmtpSink extends SmtpSink {
  /** Hold every message from now on, until release(). */
  hold(): void;
  /** Acknowledge `count` more messages, then hold the following ones. */
  holdAfter(count: number): void;
  /** Stop holding and acknowledge the held messages whose client is still connected. */
  release(): void;
  /** Read in full, not answered yet. */
  held: ReceivedMail[];
  /** Held, then the client connection closed without an answer: not delivered. */
  dropped: ReceivedMail[];
  waitForHeld(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  waitForDropped(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
}

const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.map((entry) => entry.address ?? ''));

const received = (mail: ParsedMail): ReceivedMail => ({
  from: addresses(mail.from).join(','),
  to: addresses(mail.to),
  cc: addresses(mail.cc),
  subject: mail.subject ?? '',
  text: mail.text ?? '',
  receivedAt: new Date(),
});

interface Pending {
  mail: ReceivedMail;
  sessionId: string;
  answer: () => void;
}

export async function startHoldingSmtpSink(): Promise<HoldingSmtpSink> {
  const messages: ReceivedMail[] = [];
  const held: ReceivedMail[] = [];
  const dropped: ReceivedMail[] = [];
  const pending: Pending[] = [];
  const events = new EventEmitter();
  /** How many more messages to acknowledge before holding; Infinity: never hold. */
  let acknowledgeBeforeHold = Number.POSITIVE_INFINITY;

  const accept = (mail: ReceivedMail, answer: () => void) => {
    messages.push(mail);
    events.emit('message');
    answer();
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail = received(parsed);
          if (acknowledgeBeforeHold > 0) {
            acknowledgeBeforeHold -= 1;
            accept(mail, () => callback());
            return;
          }
          pending.push({ mail, sessionId: session.id, answer: () => callback() });
          held.push(mail);
          events.emit('held');
        })
        .catch(callback);
    },
    onClose(session) {
      for (let index = pending.length - 1; index >= 0; index -= 1) {
        const entry = pending[index]!;
        if (entry.sessionId !== session.id) continue;
        pending.splice(index, 1);
        held.splice(held.indexOf(entry.mail), 1);
        dropped.push(entry.mail);
        events.emit('dropped');
      }
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;

  const waitUntil = async (event: string, list: ReceivedMail[], count: number, timeoutMs: number) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    while (list.length < count) await once(events, event, { signal: deadline });
    return list;
  };
  const release = () => {
    acknowledgeBeforeHold = Number.POSITIVE_INFINITY;
    for (const entry of pending.splice(0)) {
      held.splice(held.indexOf(entry.mail), 1);
      accept(entry.mail, entry.answer);
    }
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    held,
    dropped,
    hold: () => {
      acknowledgeBeforeHold = 0;
    },
    holdAfter: (count) => {
      acknowledgeBeforeHold = count;
    },
    release,
    waitFor: (count, timeoutMs = 20_000) => waitUntil('message', messages, count, timeoutMs),
    waitForHeld: (count, timeoutMs = 20_000) => waitUntil('held', held, count, timeoutMs),
    waitForDropped: (count, timeoutMs = 20_000) => waitUntil('dropped', dropped, count, timeoutMs),
    close: () => {
      release();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
