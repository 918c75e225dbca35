import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type { Database, WebhookSubscriptionsTable } from '../../db/schema.js';
import type { Dialect } from '../../db/database.js';

export type SubscriptionRow = Selectable<WebhookSubscriptionsTable>;
export type SubscriptionChanges = Updateable<WebhookSubscriptionsTable>;
export type MessageRow = Database['webhookMessages'];
export type AttemptRow = Database['webhookAttempts'];

/** A message claimed by a worker, with what it needs to send it. */
export type ClaimedMessage = Pick<
  MessageRow,
  'id' | 'subscriptionId' | 'eventType' | 'payload' | 'tries' | 'attempts' | 'createdAt'
>;

/** What one delivery attempt changes, written with the others of its batch in one transaction. */
export interface MessageUpdate {
  id: string;
  status: MessageRow['status'];
  tries: number;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

const CHUNK = 200;
function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** All SQL of the webhooks part. */
export function createWebhookStore(dialect: Dialect) {
  return {
    // subscriptions
    async insertSubscription(db: Kysely<Database>, row: Insertable<WebhookSubscriptionsTable>) {
      await db.insertInto('webhookSubscriptions').values(row).execute();
    },
    findSubscription: (db: Kysely<Database>, id: string) =>
      db.selectFrom('webhookSubscriptions').selectAll().where('id', '=', id).executeTakeFirst(),
    listSubscriptions(db: Kysely<Database>, ownerId: string, limit: number, before?: string) {
      let q = db.selectFrom('webhookSubscriptions').selectAll().where('ownerId', '=', ownerId);
      if (before) q = q.where('id', '<', before);
      return q
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
    },
    async updateSubscription(db: Kysely<Database>, id: string, changes: SubscriptionChanges) {
      await db.updateTable('webhookSubscriptions').set(changes).where('id', '=', id).execute();
    },
    async deleteSubscription(db: Kysely<Database>, id: string) {
      // Explicit deletes: foreign keys cascade on PostgreSQL, and on SQLite only when enforced.
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('webhookAttempts').where('subscriptionId', '=', id).execute();
        await trx.deleteFrom('webhookMessages').where('subscriptionId', '=', id).execute();
        await trx.deleteFrom('webhookSubscriptions').where('id', '=', id).execute();
      });
    },
    /** Active subscriptions that list a public event type. */
    activeSubscriptionsFor(db: Kysely<Database>, type: string) {
      return db
        .selectFrom('webhookSubscriptions')
        .select(['id', 'ownerId', 'events', 'filters', 'filterOrganizationId', 'createdAt'])
        .where('status', '=', 'active')
        .where(sql<string>`cast(events as text)`, 'like', `%"${type}"%`)
        .execute();
    },
    /** Disables a subscription if it is active; true when this call did it. */
    async disable(db: Kysely<Database>, id: string, reason: string, at: string): Promise<boolean> {
      const result = await db
        .updateTable('webhookSubscriptions')
        .set({ status: 'disabled', disabledReason: reason, disabledAt: at, updatedAt: at })
        .where('id', '=', id)
        .where('status', '=', 'active')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    // things other parts own, read inside our transactions
    appById: (db: Kysely<Database>, id: string) =>
      db
        .selectFrom('apps')
        .select(['id', 'ownerId', 'organizationId', 'deletedAt'])
        .where('id', '=', id)
        .executeTakeFirst(),

    // messages
    async insertMessages(db: Kysely<Database>, rows: MessageRow[]) {
      for (const part of chunks(rows, 100)) {
        await db
          .insertInto('webhookMessages')
          .values(part)
          .onConflict((oc) => oc.columns(['subscriptionId', 'eventId']).doNothing())
          .execute();
      }
    },
    listMessages(
      db: Kysely<Database>,
      subscriptionId: string,
      limit: number,
      options: { before?: string; status?: MessageRow['status'] },
    ) {
      let q = db.selectFrom('webhookMessages').selectAll().where('subscriptionId', '=', subscriptionId);
      if (options.before) q = q.where('id', '<', options.before);
      if (options.status) q = q.where('status', '=', options.status);
      return q
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
    },
    findMessage: (db: Kysely<Database>, subscriptionId: string, id: string) =>
      db
        .selectFrom('webhookMessages')
        .selectAll()
        .where('id', '=', id)
        .where('subscriptionId', '=', subscriptionId)
        .executeTakeFirst(),
    attemptsOf: (db: Kysely<Database>, messageId: string) =>
      db
        .selectFrom('webhookAttempts')
        .selectAll()
        .where('messageId', '=', messageId)
        .orderBy('number', 'asc')
        .execute(),
    async updateMessage(db: Kysely<Database>, id: string, changes: Partial<MessageRow>) {
      await db.updateTable('webhookMessages').set(changes).where('id', '=', id).execute();
    },
    /** Messages settled since `since`: delivered, or failed after every attempt (the commitments page). */
    async settledSince(db: Kysely<Database>, since: string): Promise<{ delivered: number; failed: number }> {
      const rows = await db
        .selectFrom('webhookMessages')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('status', 'in', ['delivered', 'failed'])
        .where('updatedAt', '>=', since)
        .groupBy('status')
        .execute();
      const by = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      return { delivered: by.delivered ?? 0, failed: by.failed ?? 0 };
    },

    async countPending(db: Kysely<Database>): Promise<number> {
      const row = await db
        .selectFrom('webhookMessages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    /**
     * Claims up to `limit` due messages of active subscriptions by pushing their due time to the end of a
     * lease: another worker will not see them until then, and they come back by themselves if this one
     * dies. PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several instances claim disjoint batches.
     * SQLite: one statement, and writers are serialized. A read first: with nothing due (most polls), no write is
     * asked for, so the poll never waits, event loop held, for another thread's write (an import's index builds).
     */
    async claimDue(db: Kysely<Database>, now: string, leaseUntil: string, limit: number): Promise<ClaimedMessage[]> {
      if (dialect === 'sqlite') {
        const due = await db
          .selectFrom('webhookMessages')
          .select('id')
          .where('status', '=', 'pending')
          .where('nextAttemptAt', '<=', now)
          .limit(1)
          .executeTakeFirst();
        if (!due) return [];
      }
      const lock = dialect === 'postgres' ? sql`for update of m skip locked` : sql``;
      const result = await sql<ClaimedMessage>`
        update webhook_messages set next_attempt_at = ${leaseUntil}, updated_at = ${now}
        where id in (
          select m.id from webhook_messages m
          join webhook_subscriptions s on s.id = m.subscription_id
          where m.status = 'pending' and m.next_attempt_at <= ${now} and s.status = 'active'
          order by m.next_attempt_at
          limit ${limit}
          ${lock}
        )
        returning id, subscription_id, event_type, payload, tries, attempts, created_at`.execute(db);
      return result.rows.map((r) => ({ ...r, tries: Number(r.tries), attempts: Number(r.attempts) }));
    },
    subscriptionsByIds: (db: Kysely<Database>, ids: string[]) =>
      ids.length
        ? db.selectFrom('webhookSubscriptions').selectAll().where('id', 'in', ids).execute()
        : Promise.resolve([]),

    /** One transaction's worth of results: the attempts, the messages' new states. */
    async writeResults(db: Kysely<Database>, allAttempts: AttemptRow[], allUpdates: MessageUpdate[], now: string) {
      // A subscription deleted while its messages were in flight took them along: skip those.
      const ids = allUpdates.map((u) => u.id);
      const existing = new Set<string>();
      for (const part of chunks(ids, 500)) {
        for (const r of await db.selectFrom('webhookMessages').select('id').where('id', 'in', part).execute())
          existing.add(r.id);
      }
      const attempts = allAttempts.filter((a) => existing.has(a.messageId));
      const updates = allUpdates.filter((u) => existing.has(u.id));
      for (const part of chunks(attempts, 100)) await db.insertInto('webhookAttempts').values(part).execute();
      // One statement per chunk rather than one per message: a CTE of the new values joined in an UPDATE … FROM
      // (PostgreSQL, and SQLite ≥ 3.33).
      const ts = (v: string | null) => (dialect === 'postgres' ? sql`cast(${v} as timestamptz)` : sql`${v}`);
      for (const part of chunks(updates, 100)) {
        const values = sql.join(
          part.map(
            (u) =>
              sql`(${u.id}, ${u.status}, cast(${u.tries} as integer), cast(${u.attempts} as integer), ${ts(u.nextAttemptAt)}, cast(${u.lastStatusCode} as integer), ${u.lastError}, ${ts(u.deliveredAt)})`,
          ),
        );
        await sql`with v(id, status, tries, attempts, next_attempt_at, last_status_code, last_error, delivered_at) as (values ${values})
          update webhook_messages set status = v.status, tries = v.tries, attempts = v.attempts, next_attempt_at = v.next_attempt_at,
            last_status_code = v.last_status_code, last_error = v.last_error, delivered_at = coalesce(v.delivered_at, webhook_messages.delivered_at), updated_at = ${ts(now)}
          from v where webhook_messages.id = v.id`.execute(db);
      }
    },
    /**
     * Subscription health after a batch, in a few statements: those that received something are reset,
     * those that only failed have their streak grown (grouped by how many failed in the batch).
     */
    async recordOutcomes(db: Kysely<Database>, succeeded: string[], failedBy: Map<number, string[]>, at: string) {
      for (const part of chunks(succeeded, 500)) {
        await db
          .updateTable('webhookSubscriptions')
          .set({ lastSuccessAt: at, consecutiveFailures: 0 })
          .where('id', 'in', part)
          .execute();
      }
      for (const [count, ids] of failedBy) {
        for (const part of chunks(ids, 500)) {
          await db
            .updateTable('webhookSubscriptions')
            .set((eb) => ({ lastFailureAt: at, consecutiveFailures: eb('consecutiveFailures', '+', count) }))
            .where('id', 'in', part)
            .execute();
        }
      }
    },

    /**
     * Deletes up to `limit` settled messages (delivered or failed) last touched before `before`, with their
     * attempts (cascade); returns how many went. Pending ones are never touched.
     */
    async purgeSettled(db: Kysely<Database>, before: string, limit: number): Promise<number> {
      const ids = (
        await db
          .selectFrom('webhookMessages')
          .select('id')
          .where('status', 'in', ['delivered', 'failed'])
          .where('updatedAt', '<', before)
          .orderBy('updatedAt')
          .limit(limit)
          .execute()
      ).map((r) => r.id);
      if (ids.length === 0) return 0;
      await db.deleteFrom('webhookAttempts').where('messageId', 'in', ids).execute();
      await db.deleteFrom('webhookMessages').where('id', 'in', ids).execute();
      return ids.length;
    },
  };
}
export type WebhookStore = ReturnType<typeof createWebhookStore>;
