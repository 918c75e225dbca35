import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { MailMessage } from '../platform/index.js';
import type { Names } from './messages.js';
import { notificationRoutes } from './routes.js';
import { createNotificationService, type Recipients } from './service.js';
import { createNotificationStore } from './store.js';

export { notificationTypes, defaultPreference, type NotificationType, type Preference } from './service.js';

export interface NotificationsCapabilityDeps {
  db: Kysely<Database>;
  clock: Clock;
  mail: { enqueue(trx: Kysely<Database>, message: MailMessage): Promise<void> };
  baseUrl: string;
  /** Who people are (address, language): the platform's account store. */
  accounts: Recipients;
  logger?: { warn(o: object, m: string): void };
  /** How often the daily digest is checked for (one hour). */
  digestCheckMs?: number;
  /** Names looked up by code in the reader's language (badges, from recognition). */
  names?: Names;
}

/**
 * Builds the notifications capability: a consumer of the event spine that fills each user's
 * notification center and mails them (at once, through the outbox, or in a daily digest).
 * Contract: register `consumers` with the dispatcher (a notification is made once per user and event, even
 * when an event is delivered again); `start` checks the digest hourly until `stop`.
 */
export function createNotifications(deps: NotificationsCapabilityDeps) {
  const service = createNotificationService({
    db: deps.db,
    store: createNotificationStore(),
    clock: deps.clock,
    mail: deps.mail,
    baseUrl: deps.baseUrl,
    accounts: deps.accounts,
    names: deps.names,
  });
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const check = () => {
    current = service
      .sendDailyDigests(deps.clock.now())
      .catch((e: unknown) => deps.logger?.warn({ err: String(e) }, 'daily notification digest failed'));
  };
  return {
    service,
    consumers: [service.consumer],
    sendDailyDigests: service.sendDailyDigests,
    /** Routes under /api/v1. */
    routes: async (app: FastifyInstance) => {
      await app.register(notificationRoutes, { notifications: service, baseUrl: deps.baseUrl });
    },
    /** Starts the hourly digest check (the first one right away). */
    start() {
      if (timer) return;
      check();
      timer = setInterval(check, deps.digestCheckMs ?? 3_600_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await current;
    },
  };
}
export type Notifications = ReturnType<typeof createNotifications>;
