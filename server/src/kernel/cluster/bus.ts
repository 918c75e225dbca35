/**
 * The cluster bus: how one instance tells the others "forget what you cached about X" (a revoked credential, a
 * rewritten table). Messages are hints to drop cached state, never data: a lost message costs at most the cache's
 * own time to live, and a duplicate costs a cache miss.
 *
 * Transport, chosen once at start:
 * - Redis configured (REDIS_URL): Redis pub/sub on channel `<prefix>bus` (a second connection subscribes).
 * - otherwise PostgreSQL: LISTEN/NOTIFY on a channel named after the database schema, through one dedicated
 *   connection (reconnected after a failure, caches cleared then since messages may have been missed).
 * - otherwise (SQLite, one machine): in-process only.
 * Delivery is a few milliseconds in both cases: a revoked key stops working on every instance within 1 s.
 * Each instance ignores its own messages (it already acted on them).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Redis } from 'ioredis';

export type BusHandler = (topic: string, payload: string) => void;

export interface ClusterBus {
  readonly transport: 'redis' | 'postgres' | 'local';
  publish(topic: string, payload?: string): void;
  /** `handler` hears other instances' messages; `onGap` runs when messages may have been missed (reconnection). */
  subscribe(handler: BusHandler, onGap?: () => void): void;
  close(): Promise<void>;
}

interface Logger {
  warn(o: object, m: string): void;
}

const encode = (origin: string, topic: string, payload: string) => JSON.stringify([origin, topic, payload]);
function decode(raw: string): [string, string, string] | undefined {
  try {
    const value: unknown = JSON.parse(raw);
    if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string'))
      return value as [string, string, string];
  } catch {
    // not ours
  }
  return undefined;
}

export function createClusterBus(options: {
  redis?: Redis;
  /** Redis key prefix (channel `<prefix>bus`). */
  redisPrefix?: string;
  postgres?: { databaseUrl: string; pgSchema?: string };
  logger?: Logger;
}): ClusterBus {
  const origin = randomBytes(8).toString('hex');
  const handlers: Array<{ handler: BusHandler; onGap?: () => void }> = [];
  const deliver = (raw: string) => {
    const message = decode(raw);
    if (!message || message[0] === origin) return;
    for (const h of handlers) h.handler(message[1], message[2]);
  };
  const gap = () => {
    for (const h of handlers) h.onGap?.();
  };
  const warn = (err: unknown, what: string) => options.logger?.warn({ err: String(err) }, what);

  if (options.redis) {
    const publisher = options.redis;
    const channel = `${options.redisPrefix ?? 'mt:'}bus`;
    const subscriber = publisher.duplicate({ enableOfflineQueue: true });
    subscriber.on('error', () => undefined);
    let subscribedOnce = false;
    subscriber.on('ready', () => {
      void subscriber.subscribe(channel).catch((err: unknown) => warn(err, 'cluster bus: subscribe failed'));
      if (subscribedOnce) gap();
      subscribedOnce = true;
    });
    subscriber.on('message', (_channel: string, raw: string) => deliver(raw));
    return {
      transport: 'redis',
      publish(topic, payload = '') {
        publisher.publish(channel, encode(origin, topic, payload)).catch((err: unknown) => {
          warn(err, 'cluster bus: publish failed (other instances keep their cache until it expires)');
        });
      },
      subscribe(handler, onGap) {
        handlers.push({ handler, onGap });
      },
      async close() {
        subscriber.disconnect();
      },
    };
  }

  if (options.postgres) {
    const { databaseUrl, pgSchema } = options.postgres;
    const channel = `mt_bus_${(pgSchema ?? 'public').replace(/[^a-z0-9_]/gi, '_')}`.slice(0, 63).toLowerCase();
    const publisherPool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    publisherPool.on('error', () => undefined);
    let listener: pg.Client | undefined;
    let closed = false;
    let connectedOnce = false;
    let retry: NodeJS.Timeout | undefined;
    const listen = async () => {
      if (closed) return;
      const client = new pg.Client({ connectionString: databaseUrl });
      client.on('error', () => undefined);
      client.on('end', () => {
        if (listener === client) listener = undefined;
        if (!closed) retry = setTimeout(() => void listen(), 1000);
      });
      client.on('notification', (n) => n.payload && deliver(n.payload));
      try {
        await client.connect();
        await client.query(`LISTEN ${channel}`);
        listener = client;
        if (connectedOnce) gap();
        connectedOnce = true;
      } catch (err) {
        warn(err, 'cluster bus: LISTEN failed; retrying');
        await client.end().catch(() => undefined);
      }
    };
    const ready = listen();
    return {
      transport: 'postgres',
      publish(topic, payload = '') {
        publisherPool
          .query('SELECT pg_notify($1, $2)', [channel, encode(origin, topic, payload)])
          .catch((err: unknown) => warn(err, 'cluster bus: NOTIFY failed'));
      },
      subscribe(handler, onGap) {
        handlers.push({ handler, onGap });
      },
      async close() {
        closed = true;
        clearTimeout(retry);
        await ready;
        await listener?.end().catch(() => undefined);
        await publisherPool.end().catch(() => undefined);
      },
    };
  }

  return {
    transport: 'local',
    publish() {},
    subscribe(handler, onGap) {
      handlers.push({ handler, onGap });
    },
    async close() {},
  };
}
