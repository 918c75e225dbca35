import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import { Agent, request } from 'undici';
import { Webhook } from 'standardwebhooks';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import { newId } from '../../kernel/ids.js';
import { assertPublicUrl, guardedConnector, type OutboundOptions } from '../../kernel/outbound.js';
import type { MailService } from '../../platform/index.js';
import type { SecretBox } from './secrets.js';
import type { AccountStore } from '../../platform/index.js';
import type { AttemptRow, ClaimedMessage, MessageUpdate, SubscriptionRow, WebhookStore } from './store.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Tunables; tests shorten the timeout, the benchmark raises the batch. */
export interface WebhookSettings {
  /** Per attempt: connecting, sending and reading the answer. */
  timeoutMs: number;
  /** Requests in flight at once per batch. */
  concurrency: number;
  /** Messages claimed at once. */
  batchSize: number;
  /** Batches worked at once by the background loop. */
  lanes: number;
  /** How often an idle loop looks for due messages. */
  pollMs: number;
  /** Delay before retry n (after failed attempt n); attempts stop after `retrySchedule.length + 1`. */
  retrySchedule: number[];
  /** ± this fraction of randomness on each delay, so failing receivers are not hit in waves. */
  jitter: number;
  /** Retry-After from a receiver is honoured up to this. */
  maxRetryAfterMs: number;
  /** How long the former secret keeps signing after a rotation. */
  rotationOverlapMs: number;
  /** Bytes of the answer kept in the log. */
  responseBytes: number;
  /** Delivered and failed messages (and their attempts) are kept this long in the log, then deleted. */
  retentionMs: number;
}

export const defaultSettings = (): WebhookSettings => ({
  timeoutMs: 15 * SECOND,
  concurrency: 64,
  batchSize: 256,
  lanes: 2,
  pollMs: 250,
  // About three days in all: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
  retrySchedule: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 14 * HOUR, 20 * HOUR, 24 * HOUR],
  jitter: 0.1,
  maxRetryAfterMs: 24 * HOUR,
  rotationOverlapMs: 24 * HOUR,
  responseBytes: 1024,
  retentionMs: 30 * 24 * HOUR,
});

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return undefined;
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * SECOND;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

interface Outcome {
  message: ClaimedMessage;
  subscription: SubscriptionRow;
  url: string;
  at: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  response: string | null;
  retryAfterMs?: number;
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

export interface WorkerDeps {
  db: Kysely<Database>;
  store: WebhookStore;
  clock: Clock;
  box: SecretBox;
  mail: MailService;
  /** The platform's account store, read in the worker's transaction for the owner's address. */
  accounts: Pick<AccountStore, 'findById'>;
  settings: WebhookSettings;
  /** The SSRF guard: every connection is checked at connect time, on the address it goes to. */
  outbound: OutboundOptions;
  baseUrl: string;
  logger: { info(o: object, m: string): void; warn(o: object, m: string): void };
}

/**
 * The delivery worker: claims due messages in batches, signs them (Standard Webhooks, with both secrets
 * during a rotation's overlap), sends them over keep-alive connections with bounded concurrency, then
 * writes every attempt and every message's new state in one transaction per batch.
 */
export function createDeliveryWorker(deps: WorkerDeps) {
  const { db, store, clock, settings } = deps;
  const agent = new Agent({
    keepAliveTimeout: 30 * SECOND,
    connections: 128,
    connect: guardedConnector(deps.outbound, settings.timeoutMs),
  });

  // Decrypted signers, kept between batches (bounded): keyed by the sealed secrets, so a rotation misses the cache.
  const signerCache = new Map<string, Webhook[]>();
  function signersOf(subscription: SubscriptionRow, now: Date): Webhook[] {
    const overlap =
      !!subscription.previousSecretEnc &&
      !!subscription.previousExpiresAt &&
      new Date(subscription.previousExpiresAt) > now;
    const key = `${subscription.id} ${subscription.secretEnc} ${overlap ? subscription.previousSecretEnc : ''}`;
    let signers = signerCache.get(key);
    if (!signers) {
      signers = [new Webhook(deps.box.open(subscription.secretEnc))];
      if (overlap) signers.push(new Webhook(deps.box.open(subscription.previousSecretEnc!)));
      if (signerCache.size >= 10_000) signerCache.clear();
      signerCache.set(key, signers);
    }
    return signers;
  }

  async function send(
    message: ClaimedMessage,
    subscription: SubscriptionRow,
    signers: Webhook[],
    guard: Promise<string | null>,
  ): Promise<Outcome> {
    const at = clock.now();
    const started = performance.now();
    const base = { message, subscription, url: subscription.url, at };
    const refused = await guard;
    if (refused) return { ...base, durationMs: 0, statusCode: null, error: refused, response: null };
    try {
      const signature = signers.map((w) => w.sign(message.id, at, message.payload)).join(' ');
      const response = await request(subscription.url, {
        method: 'POST',
        dispatcher: agent,
        body: message.payload,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Multitude-Webhooks/1.0',
          'webhook-id': message.id,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': signature,
        },
        signal: AbortSignal.timeout(settings.timeoutMs),
        headersTimeout: settings.timeoutMs,
        bodyTimeout: settings.timeoutMs,
        // Redirects are not followed (undici's request never does unless told to): a 3xx is a failure.
      });
      // Keep the first bytes for the log; read a little more so the connection can be reused, then stop.
      const kept: Buffer[] = [];
      let keptBytes = 0;
      let total = 0;
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        if (keptBytes < settings.responseBytes) {
          kept.push(chunk.subarray(0, settings.responseBytes - keptBytes));
          keptBytes += Math.min(chunk.length, settings.responseBytes - keptBytes);
        }
        total += chunk.length;
        if (total > 64 * 1024) {
          response.body.destroy();
          break;
        }
      }
      return {
        ...base,
        durationMs: Math.round(performance.now() - started),
        statusCode: response.statusCode,
        error: null,
        response: keptBytes ? Buffer.concat(kept).toString('utf8') : null,
        retryAfterMs: parseRetryAfter(response.headers['retry-after'], at),
      };
    } catch (error) {
      const e = error as Error & { code?: string };
      const timedOut =
        e.name === 'TimeoutError' ||
        e.name === 'AbortError' ||
        e.code === 'UND_ERR_HEADERS_TIMEOUT' ||
        e.code === 'UND_ERR_BODY_TIMEOUT';
      const reason = timedOut
        ? `No answer within ${settings.timeoutMs} ms`
        : `${e.code ? `${e.code}: ` : ''}${e.message}`;
      return {
        ...base,
        durationMs: Math.round(performance.now() - started),
        statusCode: null,
        error: reason.slice(0, 500),
        response: null,
      };
    }
  }

  function retryDelay(tries: number, retryAfterMs: number | undefined): number {
    if (retryAfterMs !== undefined) return Math.min(settings.maxRetryAfterMs, Math.max(SECOND, retryAfterMs));
    const base = settings.retrySchedule[tries - 1] ?? settings.retrySchedule[settings.retrySchedule.length - 1]!;
    return Math.round(base * (1 + settings.jitter * (Math.random() * 2 - 1)));
  }

  /** Writes a batch's results: attempts, messages, subscription health, disables and their emails. */
  async function persist(outcomes: Outcome[]) {
    const now = clock.now().toISOString();
    const attempts: AttemptRow[] = [];
    const updates: MessageUpdate[] = [];
    const health = new Map<string, { successAt?: string; failures: number }>();
    const disables = new Map<string, string>();
    for (const o of outcomes) {
      const tries = o.message.tries + 1;
      const number = o.message.attempts + 1;
      const ok = o.statusCode !== null && o.statusCode >= 200 && o.statusCode < 300;
      const gone = o.statusCode === 410;
      const exhausted = !ok && !gone && tries > settings.retrySchedule.length;
      const nextAttemptAt =
        ok || gone || exhausted ? null : new Date(o.at.getTime() + retryDelay(tries, o.retryAfterMs)).toISOString();
      const at = o.at.toISOString();
      const error = o.error ?? (ok ? null : `HTTP ${o.statusCode}`);
      attempts.push({
        id: newId('att'),
        messageId: o.message.id,
        subscriptionId: o.subscription.id,
        number,
        url: o.url,
        at,
        statusCode: o.statusCode,
        durationMs: o.durationMs,
        error: o.error,
        response: o.response,
        nextAttemptAt,
      });
      updates.push({
        id: o.message.id,
        status: ok ? 'delivered' : nextAttemptAt ? 'pending' : 'failed',
        tries,
        attempts: number,
        nextAttemptAt,
        lastStatusCode: o.statusCode,
        lastError: error,
        deliveredAt: ok ? at : null,
      });
      const h = health.get(o.subscription.id) ?? { failures: 0 };
      if (ok) h.successAt = h.successAt && h.successAt > at ? h.successAt : at;
      else h.failures++;
      health.set(o.subscription.id, h);
      if (gone) disables.set(o.subscription.id, 'The endpoint answered 410 Gone');
      else if (exhausted) {
        // Persistent failure: this message failed every attempt for about three days, and nothing
        // reached the endpoint since it was created. (One message refused while others pass is not that.)
        const lastSuccess = [o.subscription.lastSuccessAt, h.successAt].filter(Boolean).sort().pop();
        if (!lastSuccess || lastSuccess < o.message.createdAt)
          disables.set(
            o.subscription.id,
            `Every attempt failed since ${o.message.createdAt} (${settings.retrySchedule.length + 1} attempts; last: ${error})`,
          );
      }
    }
    const disabled: Array<{ subscription: SubscriptionRow; reason: string }> = [];
    await db.transaction().execute(async (trx) => {
      await store.writeResults(trx, attempts, updates, now);
      const succeeded: string[] = [];
      const failedBy = new Map<number, string[]>();
      for (const [id, h] of health) {
        if (h.successAt) succeeded.push(id);
        else failedBy.set(h.failures, [...(failedBy.get(h.failures) ?? []), id]);
      }
      await store.recordOutcomes(trx, succeeded, failedBy, now);
      for (const [id, reason] of disables) {
        if (!(await store.disable(trx, id, reason, now))) continue;
        const subscription = outcomes.find((o) => o.subscription.id === id)!.subscription;
        disabled.push({ subscription, reason });
        const owner = await deps.accounts.findById(trx, subscription.ownerId);
        if (owner) {
          await deps.mail.enqueue(trx, {
            to: owner.email,
            subject: 'Your webhook was disabled',
            text: [
              `Hello ${owner.name},`,
              '',
              `Your webhook subscription ${subscription.id} (${subscription.url}) was disabled: ${reason}.`,
              '',
              'Messages are no longer sent to it. Once the endpoint works again, re-enable it from its page; pending messages will then be sent, and you can replay failed ones from the delivery log:',
              `${deps.baseUrl}/developers/webhooks/${subscription.id}`,
            ].join('\n'),
          });
        }
      }
    });
    for (const d of disabled)
      deps.logger.warn({ subscription: d.subscription.id, reason: d.reason }, 'webhook subscription disabled');
  }

  /** Claims one batch of due messages, sends them and records the results; returns how many were claimed. */
  async function runOnce(): Promise<number> {
    const now = clock.now();
    // The lease covers a whole batch of slow receivers; a message comes back by itself if this process dies.
    const lease = new Date(
      now.getTime() + settings.timeoutMs * Math.ceil(settings.batchSize / settings.concurrency) + MINUTE,
    );
    const claimed = await store.claimDue(db, now.toISOString(), lease.toISOString(), settings.batchSize);
    if (claimed.length === 0) return 0;
    const subscriptions = new Map(
      (await store.subscriptionsByIds(db, [...new Set(claimed.map((m) => m.subscriptionId))])).map((s) => [s.id, s]),
    );
    const signers = new Map<string, Webhook[]>();
    // The SSRF guard runs at every delivery (DNS may have changed since the subscription was made), once per URL and batch.
    const guards = new Map<string, Promise<string | null>>();
    const work: Array<{ message: ClaimedMessage; subscription: SubscriptionRow }> = [];
    for (const message of claimed) {
      const subscription = subscriptions.get(message.subscriptionId);
      if (!subscription || subscription.status !== 'active') continue;
      if (!signers.has(subscription.id)) signers.set(subscription.id, signersOf(subscription, now));
      if (!guards.has(subscription.url)) {
        guards.set(
          subscription.url,
          assertPublicUrl(subscription.url, deps.outbound).then(
            () => null,
            (e: unknown) => `Refused: ${e instanceof Error ? e.message : String(e)}`,
          ),
        );
      }
      work.push({ message, subscription });
    }
    const outcomes = await mapLimit(work, settings.concurrency, ({ message, subscription }) =>
      send(message, subscription, signers.get(subscription.id)!, guards.get(subscription.url)!),
    );
    await persist(outcomes);
    return claimed.length;
  }

  /** Deletes settled messages older than the retention, in chunks; returns how many went. */
  async function purge(): Promise<number> {
    const before = new Date(clock.now().getTime() - settings.retentionMs).toISOString();
    let total = 0;
    for (let n = await store.purgeSettled(db, before, 1000); n > 0; n = await store.purgeSettled(db, before, 1000))
      total += n;
    return total;
  }
  let lastPurgeAt = 0;

  let running = false;
  let lanes: Promise<void>[] = [];
  let wakers: Array<() => void> = [];
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakers = wakers.filter((w) => w !== done);
        resolve();
      }
      wakers.push(done);
    });

  async function lane() {
    while (running) {
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (error) {
        deps.logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'webhook delivery pass failed',
        );
      }
      if (running && claimed === 0) {
        // Idle: once an hour, the log's old settled messages go.
        if (clock.now().getTime() - lastPurgeAt > HOUR) {
          lastPurgeAt = clock.now().getTime();
          await purge().catch((error: unknown) =>
            deps.logger.warn(
              { err: error instanceof Error ? error.message : String(error) },
              'webhook log purge failed',
            ),
          );
        }
        await sleep(settings.pollMs);
      }
    }
  }

  return {
    runOnce,
    purge,
    /** Runs batches until nothing is due now (tests, CLI). */
    async drain(): Promise<number> {
      let total = 0;
      for (let i = 0; i < 10_000; i++) {
        const n = await runOnce();
        if (n === 0) break;
        total += n;
      }
      return total;
    },
    /** New messages are waiting: idle lanes look now. */
    wake() {
      for (const w of [...wakers]) w();
    },
    start() {
      if (running) return;
      running = true;
      lanes = Array.from({ length: settings.lanes }, () => lane());
    },
    async stop() {
      running = false;
      for (const w of [...wakers]) w();
      await Promise.all(lanes);
      lanes = [];
    },
    async close() {
      await agent.close().catch(() => undefined);
    },
  };
}
export type DeliveryWorker = ReturnType<typeof createDeliveryWorker>;
