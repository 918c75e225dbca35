import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { AppError, forbidden, invalid, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { randomToken } from '../../kernel/crypto.js';
import { createTtlCache } from '../../kernel/ttl-cache.js';
import { clampTime, countryFromAcceptLanguage, pathOf, propertyProblems, referrerHost } from './checks.js';
import { newSalt, utcDay, visitorHash } from './visitor.js';
import type { CaptureEventRow, CaptureStore, DimVisitorRow } from './store.js';
import { dimensionsOf, HOURLY_DAYS, pairKey, rollupsOf, visitorWeeksOf } from './rollups.js';
import {
  MAX_BATCH,
  type CaptureBody,
  type CaptureKeyView,
  type CaptureResult,
  type CreateCaptureKeyBody,
} from './schema.js';

export const CAPTURE_KEY_PREFIX = 'mtc_';
const DAY = 86_400_000;
/** Most events committed in one transaction by the group commit (several batches received at once). */
const MAX_GROUP_EVENTS = 10_000;
/** Most (visitor, dimension value) pairs remembered as already counted (see `seenCache`). */
const MAX_SEEN_CACHE = 500_000;
/** How long a resolved sender (capture key and its app, or an app) is reused: as long as the apps' API keys are. */
const SENDER_TTL_MS = 5_000;
// Helpers of `prepare`, which runs for every captured event: at module level rather than closures made per batch.
function once<T>(cache: Map<unknown, T>, value: unknown, f: (v: unknown) => T): T {
  if (cache.has(value)) return cache.get(value)!;
  const out = f(value);
  if (cache.size < 1000) cache.set(value, out);
  return out;
}
function withoutReferrer(props: Record<string, unknown>): Record<string, unknown> {
  const { referrer: _referrer, ...kept } = props;
  return kept;
}
function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

/** Who sends a batch: an app, through its public capture key (from a browser) or a server API key. */
export interface CaptureSender {
  appId: string;
  organizationId: string | null;
  via: 'public-key' | 'server-key';
}

/** What the request says about the visitor; never stored as such (only the daily hash and the country are). */
export interface VisitorContext {
  ip: string;
  userAgent: string;
  acceptLanguage?: string;
  origin?: string;
}

/** The apps a capture key may belong to: the developer platform's read model. */
export interface CaptureApps {
  /** The app if `actor` may manage it (404 otherwise). */
  manageable(actor: UserActor, appId: string): Promise<{ id: string; organizationId: string | null }>;
  /** The app's organization, or undefined when the app does not exist (any more). */
  organizationOf(appId: string): Promise<{ organizationId: string | null } | undefined>;
}

export function createCaptureService(deps: {
  db: Kysely<Database>;
  store: CaptureStore;
  clock: Clock;
  apps: CaptureApps;
  /** Raw events older than this are deleted by `maintain` (rollups stay). */
  retentionDays: number;
  /** Called by `maintain` after it deleted the raw events before `cutoff` (the columnar copy follows). */
  afterRetention?: (cutoff: number) => Promise<void>;
}) {
  const { db, store, clock, apps } = deps;
  // Today's salt, read from the database once a day per instance.
  let salt: { day: string; value: string } | undefined;
  // `executor`: the caller's transaction when there is one (on SQLite, a query on `db` inside it would wait forever).
  const saltOfToday = async (now: number, executor: Kysely<Database> = db) => {
    const day = utcDay(now);
    if (salt?.day !== day) salt = { day, value: await store.saltOf(executor, day, newSalt()) };
    return salt.value;
  };
  // Every batch names its sender: a capture key (with its app's organization) or an app is resolved once and kept a
  // few seconds, as the apps' own API keys are. Whoever revokes a key or deletes an app clears it (`senderCache`,
  // linked to the apps' key cache and the cluster bus in app.ts), so that stops working at once.
  type KeyRow = NonNullable<Awaited<ReturnType<CaptureStore['keyBySecret']>>>;
  const senderCache = createTtlCache<
    | { kind: 'key'; key: KeyRow | undefined; organizationId?: string | null }
    | { kind: 'app'; organizationId: string | null }
    | null
  >({ ttlMs: SENDER_TTL_MS, max: 10_000 });

  const toView = (k: NonNullable<Awaited<ReturnType<CaptureStore['keyBySecret']>>>): CaptureKeyView => ({
    id: k.id,
    appId: k.appId,
    name: k.name,
    key: k.key,
    origins: k.origins,
    createdAt: k.createdAt,
    revokedAt: k.revokedAt,
  });

  /**
   * (visitor, dimension value) pairs known to be recorded in a committed transaction: inserting them again would be
   * ignored, so they are not sent. Only a shortcut: a pair missing here is checked by the database.
   */
  const seenCache = new Set<string>();
  const remember = (pairs: DimVisitorRow[]) => {
    if (seenCache.size + pairs.length > MAX_SEEN_CACHE) seenCache.clear();
    for (const p of pairs) seenCache.add(pairKey(p));
  };

  /**
   * Adds stored events to the rollups (minute/hour/day per name, then per-dimension daily counts with their
   * visitors, then identified visitors' weekly activity), in the caller's transaction. Returns the visitor pairs recorded, for `remember` once committed.
   */
  async function addToRollups(trx: Kysely<Database>, stored: CaptureEventRow[], useCache: boolean) {
    if (!stored.length) return [];
    await store.addRollups(trx, rollupsOf(stored));
    const entries = dimensionsOf(stored);
    const candidates: DimVisitorRow[] = [];
    const entryOf = new Map<string, (typeof entries)[number]>();
    for (const entry of entries)
      for (const visitor of entry.visitors) {
        const pair = {
          day: entry.row.day,
          visitor,
          scope: entry.row.scope,
          dim: entry.grain === 'day' ? entry.row.dim : `h:${entry.row.dim}`,
          value: entry.row.value,
        };
        const k = pairKey(pair);
        if (useCache && seenCache.has(k)) continue;
        candidates.push(pair);
        entryOf.set(k, entry);
      }
    const fresh = candidates.length ? await store.markSeen(trx, candidates) : [];
    for (const p of fresh) entryOf.get(pairKey(p))!.row.visitors++;
    await store.addDimRollups(
      trx,
      'day',
      entries.filter((e) => e.grain === 'day').map((e) => e.row),
    );
    await store.addDimRollups(
      trx,
      'hour',
      entries.filter((e) => e.grain === 'hour').map((e) => e.row),
    );
    await store.addVisitorWeeks(trx, visitorWeeksOf(stored));
    return candidates;
  }

  type Prepared = Awaited<ReturnType<typeof prepare>>;
  interface Pending {
    body: CaptureBody;
    prepared: Prepared;
    now: number;
    resolve: (r: CaptureResult) => void;
    reject: (e: unknown) => void;
  }

  /** One transaction for several batches; each batch's answer is only given once it is committed. */
  async function commitGroup(group: Pending[]) {
    return store.durably(db, () =>
      db.transaction().execute(async (trx) => {
        await store.durableInTransaction(trx);
        const results: CaptureResult[] = [];
        const stored: CaptureEventRow[] = [];
        for (const { body, prepared, now } of group) {
          const { source, rows, rejected, flagged } = prepared;
          const answer = (accepted: number): CaptureResult => ({
            batch: body.batch,
            accepted,
            duplicates: rows.length - accepted,
            replayed: false,
            rejected,
            flagged,
          });
          // Events without a uuid cannot be duplicates: the answer is known before they are inserted, and is stored
          // with the claim (one statement fewer per batch).
          const known = rows.every((r) => r.row.uuid == null) ? answer(rows.length) : undefined;
          if (!(await store.claimBatch(trx, source, body.batch, now, known))) {
            const first = await store.batchResult<CaptureResult>(trx, source, body.batch);
            results.push({ ...first!, replayed: true });
            continue;
          }
          const inserted = await store.insertEvents(
            trx,
            rows.map((r) => r.row),
          );
          for (const row of inserted) stored.push(row);
          const out = known ?? answer(inserted.length);
          if (!known) await store.setBatchResult(trx, source, body.batch, out);
          results.push(out);
        }
        const pairs = await addToRollups(trx, stored, true);
        return { results, pairs };
      }),
    );
  }

  // Group commit: batches that arrive while a transaction runs wait for the next one, which takes them all.
  const queue: Pending[] = [];
  let flushing = false;
  async function flush() {
    try {
      while (queue.length) {
        const group: Pending[] = [];
        let events = 0;
        while (queue.length && (!group.length || events + queue[0]!.prepared.rows.length <= MAX_GROUP_EVENTS)) {
          const next = queue.shift()!;
          events += next.prepared.rows.length;
          group.push(next);
        }
        try {
          const { results, pairs } = await commitGroup(group);
          remember(pairs);
          group.forEach((p, i) => p.resolve(results[i]!));
        } catch (err) {
          // One batch's failure must not fail the others: each is tried alone.
          if (group.length === 1) group[0]!.reject(err);
          else
            for (const p of group)
              try {
                const { results, pairs } = await commitGroup([p]);
                remember(pairs);
                p.resolve(results[0]!);
              } catch (e) {
                p.reject(e);
              }
        }
      }
    } finally {
      flushing = false;
    }
  }

  /** Turns a batch into rows, with per-event refusals and flags. */
  async function prepare(sender: CaptureSender, body: CaptureBody, visitor: VisitorContext, now: number) {
    const source = `app:${sender.appId}`;
    const rows: Array<{ index: number; row: CaptureEventRow }> = [];
    const rejected: CaptureResult['rejected'] = [];
    const flagged: CaptureResult['flagged'] = [];
    const country = countryFromAcceptLanguage(visitor.acceptLanguage);
    let daily: string | undefined;
    // A batch repeats the same few URLs: each is parsed once.
    const paths = new Map<unknown, string | null>();
    const referrers = new Map<unknown, string | null>();
    for (const [index, e] of body.events.entries()) {
      const reasons = propertyProblems(e.properties);
      if (reasons.length) {
        rejected.push({ index, reasons });
        continue;
      }
      const { ts, flag } = clampTime(e.time ? Date.parse(e.time) : undefined, now);
      if (flag) flagged.push({ index, flags: [flag] });
      const props = e.properties ?? {};
      const consented = props.consent === true;
      const identified = !!e.distinctId && (sender.via === 'server-key' || consented);
      if (!identified) daily ??= visitorHash(await saltOfToday(now), sender.appId, visitor.ip, visitor.userAgent);
      // The referrer is kept as its host only, never among the properties.
      const kept = 'referrer' in props ? withoutReferrer(props) : props;
      const datasetId = typeof props.dataset === 'string' ? props.dataset.slice(0, 100) : null;
      rows.push({
        index,
        row: {
          source,
          // None when not given: the batch id already makes a retry count nothing.
          uuid: e.uuid ?? null,
          appId: sender.appId,
          organizationId: sender.organizationId,
          datasetId,
          name: e.name,
          ts,
          receivedAt: now,
          visitor: identified ? e.distinctId! : daily!,
          identified: identified ? 1 : 0,
          path: once(paths, props.url, pathOf),
          referrer: once(referrers, props.referrer, referrerHost),
          country,
          flags: flag ?? null,
          properties: hasKeys(kept) ? JSON.stringify(kept) : null,
        },
      });
    }
    return { source, rows, rejected, flagged };
  }

  return {
    /** The sender of a public capture key, checked against the browser's Origin; 401 / 403 otherwise. */
    async senderOfKey(key: string, origin: string | undefined): Promise<CaptureSender> {
      const now = clock.now().getTime();
      let cached = senderCache.get(`key:${key}`, now);
      if (cached?.kind !== 'key') {
        const k = await store.keyBySecret(db, key);
        // The app of a live key: undefined when it was deleted.
        const app = k && !k.revokedAt ? await apps.organizationOf(k.appId) : undefined;
        cached = { kind: 'key', key: k, organizationId: app?.organizationId };
        senderCache.set(`key:${key}`, cached, now);
      }
      const k = cached.key;
      if (!k || k.revokedAt) throw new AppError('unauthenticated', 'Unknown or revoked capture key');
      // A browser always sends Origin on a cross-origin POST: it must be one the key allows.
      if (origin !== undefined && !k.origins.includes(origin))
        throw forbidden(`This capture key does not accept events from ${origin.slice(0, 200)}`);
      if (cached.organizationId === undefined) throw new AppError('unauthenticated', 'Unknown or revoked capture key');
      return { appId: k.appId, organizationId: cached.organizationId, via: 'public-key' };
    },

    /** The sender for a server call with the app's API key (mtk_…). */
    async senderOfApp(appId: string): Promise<CaptureSender> {
      const now = clock.now().getTime();
      let cached = senderCache.get(`app:${appId}`, now);
      if (cached === undefined) {
        const app = await apps.organizationOf(appId);
        cached = app ? { kind: 'app', organizationId: app.organizationId } : null;
        senderCache.set(`app:${appId}`, cached, now);
      }
      if (cached?.kind !== 'app') throw new AppError('unauthenticated', 'Unknown app');
      return { appId, organizationId: cached.organizationId, via: 'server-key' };
    },

    /**
     * Resolved senders, kept `SENDER_TTL_MS`: cleared by a key's revocation here, and to be cleared by whoever deletes
     * an app (its `onClear` listeners tell the other instances).
     */
    senderCache,

    /**
     * Stores a batch in one transaction and only then answers (a 2xx means committed and synced: neither a killed
     * process nor a power loss loses what was acknowledged). Batches received while a transaction runs are grouped
     * into the next one (group commit): one sync for all of them, each answered after it. A batch id already received answers its first result again, counting nothing;
     * an event uuid already stored for the app is counted once.
     */
    async ingest(sender: CaptureSender, body: CaptureBody, visitor: VisitorContext): Promise<CaptureResult> {
      if (body.events.length > MAX_BATCH)
        throw new AppError(
          'payload_too_large',
          `A batch holds at most ${MAX_BATCH} events (this one has ${body.events.length}); split it`,
        );
      const now = clock.now().getTime();
      const prepared = await prepare(sender, body, visitor, now);
      return new Promise<CaptureResult>((resolve, reject) => {
        queue.push({ body, prepared, now, resolve, reject });
        if (!flushing) {
          flushing = true;
          // A turn of the event loop first, so that batches received together share the transaction.
          setImmediate(() => void flush());
        }
      });
    },

    /** Platform footprint events (from the event spine), in the dispatcher's transaction: each counted once. */
    async record(trx: Kysely<Database>, rows: CaptureEventRow[]) {
      const inserted = await store.insertEvents(trx, rows);
      // Not remembered in the cache: the dispatcher's transaction may still roll back.
      await addToRollups(trx, inserted, false);
    },

    /** A daily visitor id for platform events (no consent asked: the same daily hash, keyed by the actor). */
    /** Events of each name the app captured since `since` (the event-rate guardrail of release plans). */
    eventCounts(appId: string, names: string[], since: Date) {
      return store.countsByName(db, appId, names, since.getTime());
    },

    async dailyId(site: string, who: string, executor?: Kysely<Database>) {
      const now = clock.now().getTime();
      return visitorHash(await saltOfToday(now, executor), site, who, '');
    },

    /**
     * The daily job: destroys the salts of past days, deletes raw events older than the retention, batch ids
     * older than the accepted past window, and minute/hour rollups older than 2 / 90 days (day rollups stay; the
     * hourly per-dimension ones too are kept `HOURLY_DAYS`).
     */
    async maintain() {
      const now = clock.now().getTime();
      const day = utcDay(now);
      const salts = await store.deleteSaltsBefore(db, day);
      if (salt && salt.day !== day) salt = undefined;
      const cutoff = now - deps.retentionDays * 86_400_000;
      const events = await store.deleteEventsBefore(db, cutoff);
      await deps.afterRetention?.(cutoff);
      // The weekly activity follows the raw events (ingestion accepts events up to 7 days back only: nothing is
      // written to the cut week meanwhile with the default retention).
      await db.transaction().execute((trx) => store.trimVisitorWeeks(trx, cutoff));
      await store.deleteBatchesBefore(db, now - 8 * 86_400_000);
      await store.deleteRollupsBefore(db, 'minute', now - 2 * 86_400_000);
      await store.deleteRollupsBefore(db, 'hour', now - 90 * 86_400_000);
      await store.deleteDimHoursBefore(db, now - HOURLY_DAYS * 86_400_000);
      // Visitors already counted per dimension: only needed while events of that day can still arrive.
      await store.deleteSeenBefore(db, Math.floor(now / DAY) * DAY - 8 * DAY);
      seenCache.clear();
      return { salts, events };
    },

    keys: {
      async create(actor: UserActor, appId: string, input: CreateCaptureKeyBody): Promise<CaptureKeyView> {
        const app = await apps.manageable(actor, appId);
        const origins = [...new Set(input.origins.map((o) => o.toLowerCase()))];
        for (const o of origins) {
          try {
            if (new URL(o).origin !== o) throw new Error();
          } catch {
            throw invalid('origins', `${o.slice(0, 100)} is not a web origin (scheme://host[:port])`);
          }
        }
        const row = {
          id: newId('ck'),
          appId: app.id,
          key: randomToken(CAPTURE_KEY_PREFIX).slice(0, 36),
          name: input.name.trim(),
          origins: JSON.stringify(origins),
          createdBy: actor.userId,
          createdAt: clock.now().toISOString(),
          revokedAt: null,
        };
        await store.insertKey(db, row);
        return toView({ ...row, origins });
      },
      async list(actor: UserActor, appId: string): Promise<CaptureKeyView[]> {
        const app = await apps.manageable(actor, appId);
        return (await store.listKeys(db, app.id)).map(toView);
      },
      async revoke(actor: UserActor, appId: string, keyId: string) {
        const app = await apps.manageable(actor, appId);
        if (!(await store.revokeKey(db, app.id, keyId, clock.now().toISOString()))) throw notFound('Capture key');
        senderCache.clear();
      },
    },
  };
}
export type CaptureService = ReturnType<typeof createCaptureService>;
