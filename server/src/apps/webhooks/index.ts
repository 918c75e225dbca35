import type { Db } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import { assertPublicUrl, type OutboundOptions } from '../../kernel/outbound.js';
import type { Consumer } from '../../events/dispatcher.js';
import type { Platform } from '../../platform/index.js';
import { createFanout } from './fanout.js';
import { webhookRoutes } from './routes.js';
import { createWebhookSecretBox } from './secrets.js';
import { createWebhookService } from './service.js';
import { createWebhookStore } from './store.js';
import { createDeliveryWorker, defaultSettings } from './worker.js';

export { eventCatalog, subscribableTypes } from './catalog.js';
export type { WebhookSettings } from './worker.js';

export interface WebhooksDeps {
  db: Db;
  clock: Clock;
  platform: Platform;
  secretKey: string;
  baseUrl: string;
  outbound: OutboundOptions;
  logger: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

/**
 * Webhooks: subscriptions, the fan-out consumer, the delivery worker and the routes.
 * Contract: the consumer turns public catalog events into messages in the dispatcher's transaction (exactly
 * once); the worker delivers them at least once, signed, with retries, and must be started and stopped
 * with the app. Outbound URLs pass the SSRF guard at subscription and at delivery.
 */
export function createWebhooks(deps: WebhooksDeps) {
  const store = createWebhookStore(deps.db.dialect);
  const box = createWebhookSecretBox(deps.secretKey);
  // Mutable on purpose: tests shorten the timeout, the benchmark widens batches.
  const settings = defaultSettings();
  const worker = createDeliveryWorker({
    db: deps.db.kysely,
    store,
    clock: deps.clock,
    box,
    mail: deps.platform.mail,
    accounts: deps.platform.accountStore,
    settings,
    outbound: deps.outbound,
    baseUrl: deps.baseUrl,
    logger: deps.logger,
  });
  // Messages are inserted in the dispatcher's transaction: wake the worker just after it commits.
  const wakeSoon = () => void setTimeout(() => worker.wake(), 5).unref();
  const service = createWebhookService({
    db: deps.db.kysely,
    store,
    clock: deps.clock,
    box,
    access: deps.platform.access,
    settings,
    assertUrl: async (url) => {
      await assertPublicUrl(url, deps.outbound);
    },
    wake: () => worker.wake(),
  });
  const consumer: Consumer = createFanout({
    store,
    directory: deps.platform.directory,
    access: deps.platform.access,
    clock: deps.clock,
    baseUrl: deps.baseUrl,
    onMessages: wakeSoon,
  });
  return {
    service,
    worker,
    settings,
    consumer,
    routes: (api: Parameters<typeof webhookRoutes>[0]) =>
      api.register(webhookRoutes, { webhooks: service, baseUrl: deps.baseUrl }),
    start: () => worker.start(),
    async stop() {
      await worker.stop();
      await worker.close();
    },
    /** Delivered and failed messages since a time (settled messages are kept 30 days). */
    settledSince: (since: string) => store.settledSince(deps.db.kysely, since),
    /** Messages waiting to be sent (benchmark, operations). */
    pending: () => store.countPending(deps.db.kysely),
  };
}
export type Webhooks = ReturnType<typeof createWebhooks>;
