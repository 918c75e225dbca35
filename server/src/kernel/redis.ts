/**
 * The server's one Redis connection (when `REDIS_URL` is set), shared by the parts that keep counters
 * across instances: the API's rate limits (apps/limits) and the sign-in throttle (platform/accounts).
 * Opened by the composition root, closed when the app closes.
 *
 * A request must never wait for Redis to come back: no offline queue, no retries per command, short
 * timeouts. A command on a lost connection fails at once and the caller falls back to counting in
 * memory (with a warning). The connection itself keeps retrying in the background.
 */
import { Redis } from 'ioredis';

const FIRST_CONNECTION_MS = 2000;
const firstConnections = new WeakMap<Redis, Promise<void>>();

/** Opens a client from a `redis://…` URL; `onError` hears every connection error (throttle the logging). */
export function openRedis(url: string, onError: (err: unknown) => void): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1000,
    connectTimeout: FIRST_CONNECTION_MS,
    lazyConnect: false,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  client.on('error', onError);
  // Without an offline queue, a command sent before the first connection fails: the first commands
  // wait for it (at most 2 s); later, a lost connection fails at once. An error during the first attempt
  // does not end the wait: the ready check times out when the event loop is busy at start (another
  // instance being built in the same process, a slow start), and the retry 200 ms later succeeds.
  firstConnections.set(
    client,
    new Promise<void>((resolve) => {
      client.once('ready', () => resolve());
      client.once('end', () => resolve());
      setTimeout(resolve, FIRST_CONNECTION_MS).unref();
    }),
  );
  return client;
}

/** Resolves once the client's first connection attempt is over (connected, failed or timed out). */
export function firstConnection(client: Redis): Promise<void> {
  const known = firstConnections.get(client);
  if (known) return known;
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve) => {
    client.once('ready', () => resolve());
    client.once('error', () => resolve());
    setTimeout(resolve, FIRST_CONNECTION_MS).unref();
  });
}

/** Closes the connection without waiting for Redis (which may be the reason we are closing). */
export async function closeRedis(client: Redis): Promise<void> {
  firstConnections.delete(client);
  client.disconnect();
}
