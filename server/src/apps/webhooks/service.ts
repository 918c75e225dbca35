import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { AppError, conflict, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { decodeCursor, encodeCursor, isKeyCursor, toPage } from '../../kernel/pagination.js';
import { readJson } from '../../db/database.js';
import type { OrganizationAccess } from '../../platform/index.js';
import { eventCatalog, subscribableTypes } from './catalog.js';
import { newSigningSecret, type SecretBox } from './secrets.js';
import type {
  Attempt,
  CreateWebhookBody,
  Delivery,
  DeliveryDetail,
  DeliveryQuery,
  ListQuery,
  UpdateWebhookBody,
  Webhook,
  WebhookFilters,
  WebhookWithSecret,
} from './schema.js';
import type { AttemptRow, MessageRow, SubscriptionChanges, SubscriptionRow, WebhookStore } from './store.js';
import type { WebhookSettings } from './worker.js';

/** Subscriptions one account may hold. */
export const MAX_SUBSCRIPTIONS = 100;

const toWebhook = (r: SubscriptionRow, now: Date): Webhook => ({
  id: r.id,
  url: r.url,
  description: r.description,
  events: readJson<string[]>(r.events),
  filters: readJson<WebhookFilters>(r.filters),
  app: r.appId,
  status: r.status,
  disabledReason: r.disabledReason,
  disabledAt: r.disabledAt,
  previousSecretExpiresAt: r.previousExpiresAt && new Date(r.previousExpiresAt) > now ? r.previousExpiresAt : null,
  lastSuccessAt: r.lastSuccessAt,
  lastFailureAt: r.lastFailureAt,
  consecutiveFailures: Number(r.consecutiveFailures),
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const toDelivery = (m: MessageRow): Delivery => ({
  id: m.id,
  eventType: m.eventType,
  eventId: m.eventId,
  status: m.status,
  attempts: Number(m.attempts),
  nextAttemptAt: m.status === 'pending' ? m.nextAttemptAt : null,
  lastStatusCode: m.lastStatusCode === null ? null : Number(m.lastStatusCode),
  lastError: m.lastError,
  createdAt: m.createdAt,
  deliveredAt: m.deliveredAt,
});

const toAttempt = (a: AttemptRow): Attempt => ({
  id: a.id,
  number: Number(a.number),
  url: a.url,
  at: a.at,
  statusCode: a.statusCode === null ? null : Number(a.statusCode),
  durationMs: Number(a.durationMs),
  error: a.error,
  response: a.response,
  nextAttemptAt: a.nextAttemptAt,
});

export interface WebhookServiceDeps {
  db: Kysely<Database>;
  store: WebhookStore;
  clock: Clock;
  box: SecretBox;
  access: OrganizationAccess;
  settings: WebhookSettings;
  /** The SSRF guard (throws a 400 problem for private, loopback or unresolvable hosts unless allowed). */
  assertUrl(url: string): Promise<void>;
  /** Tells the delivery worker a message is due now. */
  wake(): void;
}

/** Webhook subscriptions, their secrets, the delivery log and replays. */
export function createWebhookService(deps: WebhookServiceDeps) {
  const { db, store, clock } = deps;
  const now = () => clock.now();

  async function own(actor: UserActor, id: string): Promise<SubscriptionRow> {
    const row = await store.findSubscription(db, id);
    // Someone else's subscription does not exist for you.
    if (!row || row.ownerId !== actor.userId) throw notFound('Webhook subscription');
    return row;
  }

  function checkEvents(events: string[]) {
    const unknown = events.filter((e) => !subscribableTypes.includes(e));
    if (unknown.length) {
      throw new AppError(
        'validation_failed',
        `Unknown event type${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (see GET /api/v1/webhooks/event-types)`,
        {
          errors: unknown.map((e) => ({ field: `events.${events.indexOf(e)}`, message: `Unknown event type ${e}` })),
        },
      );
    }
  }

  async function resolveFilters(
    filters: WebhookFilters | undefined,
  ): Promise<{ filters: WebhookFilters; organizationId: string | null }> {
    const clean: WebhookFilters = {};
    if (filters?.datasets) clean.datasets = filters.datasets;
    let organizationId: string | null = null;
    if (filters?.organization) {
      const org = await deps.access.bySlug(filters.organization);
      if (!org) throw invalid('filters.organization', `No organization ${filters.organization}`);
      clean.organization = org.slug;
      organizationId = org.id;
    }
    return { filters: clean, organizationId };
  }

  async function checkUrl(url: string) {
    await deps.assertUrl(url);
  }

  async function message(subscription: SubscriptionRow, msgId: string): Promise<MessageRow> {
    const row = await store.findMessage(db, subscription.id, msgId);
    if (!row) throw notFound('Delivery');
    return row;
  }

  return {
    eventTypes: () => eventCatalog.map(({ type, description }) => ({ type, description })),

    async create(actor: UserActor, body: CreateWebhookBody): Promise<WebhookWithSecret> {
      checkEvents(body.events);
      await checkUrl(body.url);
      const { filters, organizationId } = await resolveFilters(body.filters);
      const appId: string | null = body.app ?? actor.client?.appId ?? null;
      if (body.app) {
        const app = await store.appById(db, body.app);
        if (!app || app.deletedAt || app.ownerId !== actor.userId) throw invalid('app', 'No such app among yours');
        if (actor.client && actor.client.appId !== body.app)
          throw invalid('app', 'An app’s credentials can only subscribe for that app');
      }
      const existing = await store.listSubscriptions(db, actor.userId, MAX_SUBSCRIPTIONS);
      if (existing.length >= MAX_SUBSCRIPTIONS)
        throw conflict(`You have ${MAX_SUBSCRIPTIONS} subscriptions, the most one account may hold: delete one first`);
      const secret = newSigningSecret();
      const at = now().toISOString();
      const row = {
        id: newId('whk'),
        ownerId: actor.userId,
        appId,
        url: body.url,
        description: body.description?.trim() ?? '',
        events: JSON.stringify(body.events),
        filters: JSON.stringify(filters),
        filterOrganizationId: organizationId,
        secretEnc: deps.box.seal(secret),
        previousSecretEnc: null,
        previousExpiresAt: null,
        status: 'active',
        disabledReason: null,
        disabledAt: null,
        lastSuccessAt: null,
        lastFailureAt: null,
        consecutiveFailures: 0,
        createdAt: at,
        updatedAt: at,
      } satisfies SubscriptionRow;
      await store.insertSubscription(db, row);
      return { ...toWebhook(row, now()), secret };
    },

    async list(actor: UserActor, query: ListQuery) {
      const limit = query._limit ?? 20;
      const before = query._cursor ? decodeCursor(query._cursor, isKeyCursor).k : undefined;
      const rows = await store.listSubscriptions(db, actor.userId, limit, before);
      const page = toPage(rows, limit, (last) => encodeCursor({ k: last.id }));
      return { items: page.items.map((r) => toWebhook(r, now())), nextCursor: page.nextCursor };
    },

    get: async (actor: UserActor, id: string): Promise<Webhook> => toWebhook(await own(actor, id), now()),

    async update(actor: UserActor, id: string, patch: UpdateWebhookBody): Promise<Webhook> {
      const row = await own(actor, id);
      const changes: SubscriptionChanges = {};
      if (patch.events) {
        checkEvents(patch.events);
        changes.events = JSON.stringify(patch.events);
      }
      if (patch.url !== undefined && patch.url !== row.url) {
        await checkUrl(patch.url);
        changes.url = patch.url;
      }
      if (patch.filters) {
        const { filters, organizationId } = await resolveFilters(patch.filters);
        changes.filters = JSON.stringify(filters);
        changes.filterOrganizationId = organizationId;
      }
      if (patch.description !== undefined) changes.description = patch.description.trim();
      const at = now().toISOString();
      if (patch.enabled === true && row.status === 'disabled') {
        // Re-enabled: a fresh start. Pending messages resume; failed ones can be replayed.
        Object.assign(changes, { status: 'active', disabledReason: null, disabledAt: null, consecutiveFailures: 0 });
      } else if (patch.enabled === false && row.status === 'active') {
        Object.assign(changes, { status: 'disabled', disabledReason: 'Disabled by its owner', disabledAt: at });
      }
      changes.updatedAt = at;
      await store.updateSubscription(db, id, changes);
      if (changes.status === 'active') deps.wake();
      return toWebhook({ ...row, ...changes }, now());
    },

    async remove(actor: UserActor, id: string) {
      await own(actor, id);
      await store.deleteSubscription(db, id);
    },

    /** A new secret, shown once; the former one keeps signing alongside it during the overlap. */
    async rotateSecret(actor: UserActor, id: string): Promise<WebhookWithSecret> {
      const row = await own(actor, id);
      const secret = newSigningSecret();
      const at = now();
      const changes: SubscriptionChanges = {
        secretEnc: deps.box.seal(secret),
        previousSecretEnc: row.secretEnc,
        previousExpiresAt: new Date(at.getTime() + deps.settings.rotationOverlapMs).toISOString(),
        updatedAt: at.toISOString(),
      };
      await store.updateSubscription(db, id, changes);
      return { ...toWebhook({ ...row, ...changes }, at), secret };
    },

    /** Queues a webhook.test message to the subscription. */
    async test(actor: UserActor, id: string): Promise<Delivery> {
      const row = await own(actor, id);
      if (row.status !== 'active') throw conflict('This subscription is disabled: re-enable it first');
      const at = now().toISOString();
      const msgId = newId('msg');
      const payload = JSON.stringify({
        type: 'webhook.test',
        timestamp: at,
        data: {
          subscriptionId: row.id,
          message: 'A test message from Multitude: your endpoint receives and can verify our webhooks.',
        },
      });
      const msg: MessageRow = {
        id: msgId,
        subscriptionId: row.id,
        eventId: null,
        eventType: 'webhook.test',
        payload,
        status: 'pending',
        tries: 0,
        attempts: 0,
        nextAttemptAt: at,
        lastStatusCode: null,
        lastError: null,
        createdAt: at,
        updatedAt: at,
        deliveredAt: null,
      };
      await store.insertMessages(db, [msg]);
      deps.wake();
      return toDelivery(msg);
    },

    async deliveries(actor: UserActor, id: string, query: DeliveryQuery) {
      const row = await own(actor, id);
      const limit = query._limit ?? 20;
      const before = query._cursor ? decodeCursor(query._cursor, isKeyCursor).k : undefined;
      const rows = await store.listMessages(db, row.id, limit, { before, status: query.status });
      const page = toPage(rows, limit, (last) => encodeCursor({ k: last.id }));
      return { items: page.items.map(toDelivery), nextCursor: page.nextCursor };
    },

    async delivery(actor: UserActor, id: string, msgId: string): Promise<DeliveryDetail> {
      const msg = await message(await own(actor, id), msgId);
      const attempts = await store.attemptsOf(db, msg.id);
      return { ...toDelivery(msg), payload: JSON.parse(msg.payload) as unknown, attemptLog: attempts.map(toAttempt) };
    },

    /** Sends the same message again (same webhook-id, same body, so receivers can deduplicate). */
    async replay(actor: UserActor, id: string, msgId: string): Promise<Delivery> {
      const row = await own(actor, id);
      const msg = await message(row, msgId);
      if (row.status !== 'active') throw conflict('This subscription is disabled: re-enable it first');
      if (msg.status === 'pending') throw conflict('This message is already waiting to be sent');
      const at = now().toISOString();
      const changes: Partial<MessageRow> = { status: 'pending', tries: 0, nextAttemptAt: at, updatedAt: at };
      await store.updateMessage(db, msg.id, changes);
      deps.wake();
      return toDelivery({ ...msg, ...changes });
    },
  };
}
export type WebhookService = ReturnType<typeof createWebhookService>;
