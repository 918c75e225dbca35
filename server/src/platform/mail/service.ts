import type { Kysely } from 'kysely';
import nodemailer from 'nodemailer';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import { newId } from '../../kernel/ids.js';
import type { MailStore, OutgoingMail } from './store.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/**
 * The mail outbox: mail is written in the transaction of the action that causes it, and
 * sent afterwards by `flush` when SMTP is configured. Without SMTP it stays readable at /dev/mail.
 */
export function createMailService(deps: {
  db: Kysely<Database>;
  store: MailStore;
  clock: Clock;
  smtpUrl?: string;
  from: string;
  logger?: { warn(o: object, m: string): void };
}) {
  const transport = deps.smtpUrl ? nodemailer.createTransport(deps.smtpUrl) : undefined;
  let flushing: Promise<number> = Promise.resolve(0);
  return {
    async enqueue(trx: Kysely<Database>, message: MailMessage): Promise<void> {
      await deps.store.insert(trx, {
        id: newId('mail'),
        to: message.to,
        subject: message.subject,
        text: message.text,
        createdAt: deps.clock.now().toISOString(),
        sentAt: null,
        attempts: 0,
        lastError: null,
        claimedUntil: null,
      });
    },
    recent: (limit = 50): Promise<OutgoingMail[]> => deps.store.listRecent(deps.db, limit),
    smtpEnabled: () => transport !== undefined,
    /**
     * Sends what is waiting; each mail is retried up to 10 times. Calls run one after the other (the app's timer
     * and a caller may overlap), and each mail is claimed first, so other instances flushing the same outbox never
     * send it too.
     */
    flush(): Promise<number> {
      const run = flushing.then(sendWaiting, sendWaiting);
      flushing = run.catch(() => 0);
      return run;
    },
  };
  async function sendWaiting(): Promise<number> {
    if (!transport) return 0;
    let sent = 0;
    // Claimed for two minutes: enough to send 50 mails, short enough that a crashed sender's mails go out soon.
    const now = deps.clock.now();
    const until = new Date(now.getTime() + 120_000).toISOString();
    for (const mail of await deps.store.claimUnsent(deps.db, 50, now.toISOString(), until)) {
      try {
        await transport.sendMail({ from: deps.from, to: mail.to, subject: mail.subject, text: mail.text });
        await deps.store.markSent(deps.db, mail.id, deps.clock.now().toISOString());
        sent++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        deps.logger?.warn({ mail: mail.id, err: message }, 'mail delivery failed');
        await deps.store.markFailed(deps.db, mail.id, mail.attempts + 1, message);
      }
    }
    return sent;
  }
}
export type MailService = ReturnType<typeof createMailService>;
