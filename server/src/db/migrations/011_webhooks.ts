import { columnTypes, type Migration } from './types.js';

/**
 * Webhooks: subscriptions (their signing secrets encrypted at rest), the messages fanned out from the
 * event spine (one per event and matching subscription) and every delivery attempt.
 */
export const webhooks: Migration = {
  name: '011_webhooks',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('webhook_subscriptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('app_id', 'text')
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('events', t.json, (c) => c.notNull())
      // {datasets?: string[], organization?: string}: as the subscriber gave them.
      .addColumn('filters', t.json, (c) => c.notNull())
      // The organization filter resolved to its id at creation (slugs can change).
      .addColumn('filter_organization_id', 'text')
      // AES-256-GCM of the whsec_… secret: signing needs the secret itself, so it cannot be hashed.
      .addColumn('secret_enc', 'text', (c) => c.notNull())
      // After a rotation, the former secret keeps signing (next to the new one) until previous_expires_at.
      .addColumn('previous_secret_enc', 'text')
      .addColumn('previous_expires_at', t.timestamp)
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('disabled_reason', 'text')
      .addColumn('disabled_at', t.timestamp)
      .addColumn('last_success_at', t.timestamp)
      .addColumn('last_failure_at', t.timestamp)
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('webhook_subscriptions_owner_idx')
      .on('webhook_subscriptions')
      .columns(['owner_id', 'id'])
      .execute();
    await db.schema
      .createIndex('webhook_subscriptions_status_idx')
      .on('webhook_subscriptions')
      .columns(['status'])
      .execute();

    await db.schema
      .createTable('webhook_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subscription_id', 'text', (c) =>
        c.notNull().references('webhook_subscriptions.id').onDelete('cascade'),
      )
      .addColumn('event_id', 'text')
      .addColumn('event_type', 'text', (c) => c.notNull())
      // The body exactly as signed and sent (text, not jsonb: a replay sends the same bytes).
      .addColumn('payload', 'text', (c) => c.notNull())
      // pending → delivered | failed (retries exhausted, 410, subscription disabled); replay → pending.
      .addColumn('status', 'text', (c) => c.notNull())
      // Attempts in the current round (the retry schedule's index); replay starts a new round.
      .addColumn('tries', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      // When the message is due; a worker that claims it pushes this forward by its lease.
      .addColumn('next_attempt_at', t.timestamp)
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('delivered_at', t.timestamp)
      .execute();
    // One message per event and subscription, whatever happens to the dispatcher.
    await db.schema
      .createIndex('webhook_messages_event_uq')
      .on('webhook_messages')
      .columns(['subscription_id', 'event_id'])
      .unique()
      .execute();
    await db.schema
      .createIndex('webhook_messages_log_idx')
      .on('webhook_messages')
      .columns(['subscription_id', 'id'])
      .execute();
    await db.schema
      .createIndex('webhook_messages_due_idx')
      .on('webhook_messages')
      .columns(['status', 'next_attempt_at'])
      .execute();

    await db.schema
      .createTable('webhook_attempts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('message_id', 'text', (c) => c.notNull().references('webhook_messages.id').onDelete('cascade'))
      .addColumn('subscription_id', 'text', (c) => c.notNull())
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('error', 'text')
      // The first bytes of the answer, for the delivery log.
      .addColumn('response', 'text')
      .addColumn('next_attempt_at', t.timestamp)
      .execute();
    await db.schema
      .createIndex('webhook_attempts_message_idx')
      .on('webhook_attempts')
      .columns(['message_id', 'number'])
      .execute();
  },
};
