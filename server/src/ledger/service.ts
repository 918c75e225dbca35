/**
 * The transparency log: a consumer of the event spine appends one entry per public event (in the
 * consumer's transaction, so exactly once and in spine order); `integrate()` then hashes the new
 * entries into the tree and signs ONE checkpoint for the whole batch, in one transaction.
 *
 * Honesty rules: a checkpoint is only ever stored for a larger size than the last (one row per
 * size, so no fork can be stored); nodes and checkpoint commit together, so a crash leaves either
 * the old checkpoint or the new one; entries are append-only; `rebuild()` recomputes entries and
 * tree from the events table and refuses the result unless its root equals the signed one.
 */
import { LRUCache } from 'lru-cache';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, notFound } from '../kernel/errors.js';
import type { Consumer } from '../events/dispatcher.js';
import type { Directory } from '../events/service.js';
import type { StoredEvent } from '../events/schema.js';
import { eventCatalog, eventDefinition, eventTypes } from '../events/catalog.js';
import { buildEntry, entryBundle } from './entry.js';
import {
  consistencyRanges,
  emptyRoot,
  inclusionRanges,
  leafHash,
  nodeHash,
  perfectSubtrees,
  rangeHash,
  treeHash,
  TILE_HEIGHT,
  TILE_WIDTH,
  type Hash,
} from './merkle.js';
import {
  formatCheckpoint,
  NoteError,
  signNote,
  verifierKeyString,
  type NoteSigner,
  type NoteVerifier,
} from './note.js';
import { checkCosignature } from './cosignature.js';
import type { LedgerStore, StoredCheckpoint, StoredEntry } from './store.js';
import type { ClusterBus } from '../kernel/cluster/index.js';

export const LEDGER_CONSUMER = 'ledger';
/** Most entries hashed into one checkpoint (bounds one transaction's work). */
const MAX_BATCH = 16_384;

export interface LedgerDeps {
  db: Kysely<Database>;
  store: LedgerStore;
  clock: Clock;
  directory: Pick<Directory, 'usersByIds'>;
  signer: NoteSigner;
  /** During a key rotation, the new key: it signs every checkpoint beside `signer`. */
  nextSigner?: NoteSigner;
  origin: string;
  logger?: { warn(obj: object, msg: string): void };
  /** The witnesses whose cosignatures (C2SP tlog-cosignature) the log accepts and publishes. */
  witnesses?: NoteVerifier[];
  /** How often pending entries are integrated and a checkpoint signed (ms). */
  integrateIntervalMs?: number;
  /** Tells the other instances when this one signs a checkpoint, so they drop the one they hold in memory. */
  bus?: ClusterBus;
}

/** How long a checkpoint held in memory is served without asking the database (a missed bus message costs this). */
const CHECKPOINT_TTL_MS = 2000;
const CHECKPOINT_TOPIC = 'log-checkpoint';

const key = (level: number, index: number) => `${level}/${index}`;

/** Private types logged as a bare hash (personal-data access records): counted publicly, read by no one else. */
const HASHED_TYPES = eventTypes.filter((t) => (eventCatalog[t] as { ledger?: 'hashed' }).ledger === 'hashed');

/** Whether an event becomes a log entry: every public event, and the private types logged as a hash. */
function logged(event: Pick<StoredEvent, 'type' | 'visibility'>): 'full' | 'hashed' | undefined {
  if (eventDefinition(event.type)?.ledger === 'hashed') return 'hashed';
  return event.visibility === 'public' ? 'full' : undefined;
}

export function createLedger(deps: LedgerDeps) {
  const { db, store, clock, signer, origin } = deps;
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  // The latest checkpoint, held in memory: every proof, tile and /log/checkpoint needs it, and on PostgreSQL reading
  // it is a round trip. Replaced when this instance signs one, dropped when another instance says it signed one
  // (cluster bus), and read again after CHECKPOINT_TTL_MS whatever happens. An older checkpoint is still a signed,
  // valid one: a proof served against it verifies, it is only less recent.
  let held: { cp: StoredCheckpoint; at: number } | undefined;
  let heldGeneration = 0;
  const hold = (cp: StoredCheckpoint, generation = heldGeneration) => {
    if (generation !== heldGeneration) return;
    if (held && held.cp.size > cp.size) return;
    held = { cp, at: performance.now() };
  };
  const forgetCheckpoint = () => {
    held = undefined;
    heldGeneration++;
  };
  deps.bus?.subscribe((topic, payload) => {
    if (topic === CHECKPOINT_TOPIC && (!held || Number(payload) > held.cp.size)) forgetCheckpoint();
  }, forgetCheckpoint);

  /** Runs `fn` after every earlier integration of this process (the database arbitrates between processes). */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  }

  /**
   * `loggedActor`: the handle a stored entry already recorded for this event. A rebuild keeps it, since a handle
   * can change after logging (an erased account's becomes a pseudonym) and the signed root covers the old one.
   */
  async function entryFor(
    event: StoredEvent,
    executor: Kysely<Database>,
    loggedActor?: string | null,
  ): Promise<{ entry: string; subject: string | null }> {
    const actor =
      loggedActor !== undefined
        ? loggedActor
        : event.actorId && logged(event) !== 'hashed'
          ? (await deps.directory.usersByIds([event.actorId], executor))[0]?.handle
          : undefined;
    return entryOf(event, actor ?? null);
  }

  /** The entry of `event` whose actor's handle is known, and the subject it is searchable by. */
  function entryOf(event: StoredEvent, actor: string | null): { entry: string; subject: string | null } {
    // A hashed entry says that something happened, never who did it to whom.
    const hashed = logged(event) === 'hashed';
    const subject = hashed ? null : event.subjectId;
    const entry = buildEntry({
      eventId: event.id,
      type: event.type,
      occurredAt: event.occurredAt,
      actor: hashed ? null : actor,
      subject,
      organization: hashed ? null : event.organizationId,
      payload: event.payload,
    });
    return { entry, subject: subject ?? null };
  }

  /** Node rows for entries [n0, n0 + entries.length) on top of a tree of n0, and the new root. */
  async function growTree(trx: Kysely<Database>, n0: number, entries: StoredEntry[]) {
    const n = n0 + entries.length;
    // One map per level, keyed by index: no "level/index" string per node (a batch makes ~32,768 of them).
    const levels: Map<number, Hash>[] = [];
    const at = (level: number) => (levels[level] ??= new Map());
    const get = (level: number, index: number) => levels[level]?.get(index);
    // The old tree's right edge is all the new nodes can need from it.
    if (n0 > 0) {
      const edge = perfectSubtrees(0, n0);
      const found = await store.nodes(trx, edge);
      for (const c of edge) {
        const h = found.get(key(c.level, c.index));
        if (!h) throw new Error(`log tree is missing node ${key(c.level, c.index)}`);
        at(c.level).set(c.index, h);
      }
    }
    const rows: { level: number; index: number; hash: Hash }[] = [];
    const leaves = at(0);
    entries.forEach((e, i) => {
      if (e.index !== n0 + i) throw new Error(`log entries are not contiguous at ${n0 + i}`);
      const h = leafHash(Buffer.from(e.entry, 'utf8'));
      leaves.set(e.index, h);
      rows.push({ level: 0, index: e.index, hash: h });
    });
    for (let level = 1, width = 2; width <= n; level++, width *= 2) {
      const below = at(level - 1);
      const here = at(level);
      for (let j = Math.floor(n0 / width); j < Math.floor(n / width); j++) {
        const h = nodeHash(below.get(2 * j)!, below.get(2 * j + 1)!);
        here.set(j, h);
        rows.push({ level, index: j, hash: h });
      }
    }
    const root = n === 0 ? emptyRoot() : rangeHash(0, n, (l, i) => get(l, i)!);
    return { rows, root: Buffer.from(root) };
  }

  /**
   * Stores the full entry bundles that entries [n0, n0 + entries.length) complete, in the transaction that signs
   * them: from then on a bundle is served as stored bytes, not assembled from 256 rows per request.
   */
  async function storeFullBundles(trx: Kysely<Database>, n0: number, entries: StoredEntry[]) {
    const first = Math.floor(n0 / TILE_WIDTH);
    const end = Math.floor((n0 + entries.length) / TILE_WIDTH);
    if (end <= first) return;
    // The first bundle may have begun in an earlier batch.
    const head = n0 > first * TILE_WIDTH ? await store.entries(trx, first * TILE_WIDTH, n0) : [];
    const texts = [...head, ...entries].map((e) => e.entry);
    const rows: { index: number; bundle: Buffer }[] = [];
    for (let b = first; b < end; b++) {
      const at = (b - first) * TILE_WIDTH;
      rows.push({ index: b, bundle: entryBundle(texts.slice(at, at + TILE_WIDTH)) });
    }
    await store.insertBundles(trx, rows);
  }

  function sign(size: number, rootHash: Buffer): StoredCheckpoint {
    const note = signNote(
      formatCheckpoint({ origin, size, rootHash }),
      deps.nextSigner ? [signer, deps.nextSigner] : [signer],
    );
    return { size, rootHash, note, createdAt: clock.now().toISOString() };
  }

  /** One batch: hash pending entries and sign one checkpoint. Returns it and how many entries it added. */
  async function integrateBatch(): Promise<{ added: number; signed: StoredCheckpoint } | undefined> {
    return db.transaction().execute(async (trx) => {
      const latest = await store.latestCheckpoint(trx);
      const n0 = latest?.size ?? 0;
      const entries = await store.entries(trx, n0, n0 + MAX_BATCH);
      if (latest && entries.length === 0) return undefined;
      const { rows, root } = await growTree(trx, n0, entries);
      await store.insertNodes(trx, rows);
      await storeFullBundles(trx, n0, entries);
      const signed = sign(n0 + entries.length, root);
      await store.insertCheckpoint(trx, signed);
      return { added: entries.length, signed };
    });
  }

  /** Integrates every pending entry (one signed checkpoint per batch); returns the latest checkpoint. */
  function integrate(): Promise<StoredCheckpoint> {
    return serial(async () => {
      let signed: StoredCheckpoint | undefined;
      for (;;) {
        const batch = await integrateBatch();
        if (!batch) break;
        signed = batch.signed;
        if (batch.added < MAX_BATCH) break;
      }
      if (signed) {
        hold(signed);
        deps.bus?.publish(CHECKPOINT_TOPIC, String(signed.size));
        return signed;
      }
      return (await checkpointFromDb())!;
    });
  }

  async function checkpointFromDb(): Promise<StoredCheckpoint | undefined> {
    const generation = heldGeneration;
    const cp = await store.latestCheckpoint(db);
    if (cp) hold(cp, generation);
    return cp;
  }

  async function checkpoint(): Promise<StoredCheckpoint> {
    if (held && performance.now() - held.at < CHECKPOINT_TTL_MS) return held.cp;
    return (await checkpointFromDb()) ?? integrate();
  }

  /**
   * The latest checkpoint for a request about the first `size` entries: the one held in memory if it covers them,
   * else the database's (another instance may have signed a larger one that this instance has not heard of yet).
   */
  async function checkpointCovering(size: number): Promise<StoredCheckpoint> {
    const cp = await checkpoint();
    if (cp.size >= size) return cp;
    return (await checkpointFromDb()) ?? cp;
  }

  /** A checkpoint's note with the cosignatures received for it appended (still a valid signed note). */
  async function withCosignatures(cp: StoredCheckpoint) {
    const cosignatures = await store.cosignatures(db, cp.size);
    return { note: cp.note + cosignatures.map((c) => `${c.line}\n`).join(''), cosignatures };
  }

  async function readerFor(ranges: [number, number][]) {
    const coords = ranges.flatMap(([a, b]) => perfectSubtrees(a, b));
    const found = await store.nodes(db, coords);
    return (level: number, index: number): Hash => {
      const h = found.get(key(level, index));
      if (!h) throw new Error(`log tree is missing node ${key(level, index)}`);
      return h;
    };
  }

  async function inclusion(index: number, size: number) {
    const ranges = inclusionRanges(index, size);
    const read = await readerFor(ranges);
    return ranges.map(([a, b]) => Buffer.from(rangeHash(a, b, read)));
  }

  /** Appends entries for `events` (in spine order) that should be logged and are not yet. */
  async function append(events: StoredEvent[], trx: Kysely<Database>) {
    const candidates = events.filter((e) => logged(e));
    if (candidates.length === 0) return;
    const actorIds = [...new Set(candidates.flatMap((e) => (e.actorId && logged(e) === 'full' ? [e.actorId] : [])))];
    const handles = new Map(
      actorIds.length ? (await deps.directory.usersByIds(actorIds, trx)).map((u) => [u.id, u.handle]) : [],
    );
    // Synchronous from here: every handle is known, so no promise per entry. The store skips the events a rebuild
    // may already have logged.
    const rows = candidates.map((event) => ({
      eventId: event.id,
      ...entryOf(event, event.actorId ? (handles.get(event.actorId) ?? null) : null),
    }));
    await store.appendEntries(trx, rows, clock.now().toISOString());
  }

  // Full tiles and bundles never change (until a rebuild, which clears this): verifiers and witnesses fetch the
  // same ones again and again. Bundles (~64 KB, stored whole) have their own smaller cache: a verifier reading a
  // large log through them would otherwise push every hash tile out.
  const fullTiles = new LRUCache<string, Buffer>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (b) => b.length });
  const fullBundles = new LRUCache<number, Buffer>({ maxSize: 8 * 1024 * 1024, sizeCalculation: (b) => b.length });

  const consumer: Consumer = {
    name: LEDGER_CONSUMER,
    // Every type: whether an event is logged depends on the visibility it was recorded with.
    types: eventTypes,
    handle: (event, trx) => append([event], trx),
    // Durable appends at the log's own pace: one transaction per batch of the spine, not per event.
    handleBatch: append,
  };

  return {
    consumer,
    origin,
    verifierKey: verifierKeyString(signer.verifier),
    /** The key that will replace it, while a rotation is under way. */
    nextVerifierKey: deps.nextSigner ? verifierKeyString(deps.nextSigner.verifier) : undefined,
    integrate,
    checkpoint,

    /** The latest checkpoint as served at /log/checkpoint: signed by the log, and by the witnesses that cosigned it. */
    async servedCheckpoint(): Promise<string> {
      return (await withCosignatures(await checkpoint())).note;
    },

    /**
     * Records a witness's cosignature of the checkpoint of `size` (C2SP tlog-cosignature), after checking it
     * against the configured witness keys. Returns whether it was new.
     */
    async addCosignature(size: number, line: string) {
      const cp = await store.checkpointOfSize(db, size);
      if (!cp) throw notFound(`A checkpoint of size ${size}`);
      const text = cp.note.slice(0, cp.note.lastIndexOf('\n\n') + 1);
      let cosignature;
      try {
        cosignature = checkCosignature(text, line, deps.witnesses ?? []);
      } catch (error) {
        if (error instanceof NoteError) throw new AppError('validation_failed', error.message);
        throw error;
      }
      if (!cosignature) throw new AppError('forbidden', 'This key is not a witness of this log');
      if (cosignature.timestamp * 1000 > clock.now().getTime() + 5 * 60_000) {
        throw new AppError('validation_failed', 'The cosignature is dated in the future');
      }
      const added = await store.insertCosignature(
        db,
        {
          size,
          keyId: `${cosignature.name}+${cosignature.keyHash.toString(16).padStart(8, '0')}`,
          witness: cosignature.name,
          signedAt: cosignature.timestamp,
          line: cosignature.line,
        },
        clock.now().toISOString(),
      );
      return { size, witness: cosignature.name, signedAt: new Date(cosignature.timestamp * 1000).toISOString(), added };
    },

    /** The largest checkpoint some witness cosigned, with every cosignature it got; undefined before any. */
    async witnessed() {
      const size = await store.latestCosignedSize(db);
      const cp = size === undefined ? undefined : await store.checkpointOfSize(db, size);
      if (!cp) return undefined;
      const { note, cosignatures } = await withCosignatures(cp);
      return {
        size: cp.size,
        rootHash: cp.rootHash.toString('base64'),
        note,
        witnesses: cosignatures.map((c) => ({
          name: c.witness,
          keyId: c.keyId,
          signedAt: new Date(c.signedAt * 1000).toISOString(),
        })),
      };
    },

    /** Entry `index` and its inclusion proof against the latest checkpoint. */
    async entry(index: number) {
      if (!Number.isSafeInteger(index) || index < 0) throw notFound(`Log entry ${index}`);
      // The checkpoint is usually held in memory; then the entry and the proof's nodes are read at once (on
      // PostgreSQL each read is a round trip, and a proof is served in about one millisecond).
      const cp = await checkpointCovering(index + 1);
      if (index >= cp.size) throw notFound(`Log entry ${index} (the latest checkpoint has ${cp.size})`);
      const [[stored], proof] = await Promise.all([store.entries(db, index, index + 1), inclusion(index, cp.size)]);
      if (!stored) throw new Error(`log entry ${index} is missing under the checkpoint of ${cp.size}`);
      return { index, entry: stored.entry, eventId: stored.eventId, checkpoint: cp, proof };
    },

    async byEventId(eventId: string) {
      const stored = await store.entryByEventId(db, eventId);
      if (!stored) throw notFound('Log entry of this event');
      const cp = await checkpointCovering(stored.index + 1);
      if (stored.index >= cp.size)
        return { index: stored.index, entry: stored.entry, eventId, checkpoint: cp, proof: null };
      return {
        index: stored.index,
        entry: stored.entry,
        eventId,
        checkpoint: cp,
        proof: await inclusion(stored.index, cp.size),
      };
    },

    /** The entries about a subject, newest first (entries not yet in a checkpoint included). */
    bySubject: (subject: string, limit: number) => store.entriesBySubject(db, subject, limit),

    /** The log's size at the end of each of the last `days` days that saw a checkpoint. */
    history(days: number) {
      const since = new Date(clock.now().getTime() - days * 86_400_000).toISOString();
      return store.sizeByDay(db, since);
    },

    async consistency(from: number, to: number) {
      const cp = await checkpointCovering(to);
      if (to > cp.size) throw notFound(`A tree of ${to} (the latest checkpoint has ${cp.size})`);
      if (from > to) throw new AppError('validation_failed', '`from` must not exceed `to`');
      const ranges = consistencyRanges(from, to);
      const read = await readerFor([
        ...ranges,
        ...(from > 0 ? [[0, from] as [number, number]] : []),
        ...(to > 0 ? [[0, to] as [number, number]] : []),
      ]);
      return {
        from,
        to,
        fromRoot: Buffer.from(treeHash(from, read)),
        toRoot: Buffer.from(treeHash(to, read)),
        proof: ranges.map(([a, b]) => Buffer.from(rangeHash(a, b, read))),
        checkpoint: cp,
      };
    },

    /**
     * Hash tile `level`/`index` of `width` hashes (256 = full), or undefined if the latest
     * checkpoint does not cover it (C2SP tlog-tiles).
     */
    async tile(level: number, index: number, width: number): Promise<Buffer | undefined> {
      const cached = width === TILE_WIDTH ? fullTiles.get(`${level}/${index}`) : undefined;
      if (cached) return cached;
      const span = 2 ** (level * TILE_HEIGHT);
      const cp = await checkpointCovering((index * TILE_WIDTH + Math.max(width, 1)) * span);
      const available = Math.floor(cp.size / span) - index * TILE_WIDTH;
      if (width < 1 || width > TILE_WIDTH || width > available) return undefined;
      const start = index * TILE_WIDTH;
      const { count, bytes: tile } = await store.nodeBytes(db, level * TILE_HEIGHT, start, start + width);
      if (count !== width) throw new Error(`log tree is missing hashes of tile ${level}/${index}`);
      if (width === TILE_WIDTH) fullTiles.set(`${level}/${index}`, tile);
      return tile;
    },

    /** Entry bundle `index` of `width` entries, each prefixed by its big-endian uint16 length. */
    async entryBundle(index: number, width: number): Promise<Buffer | undefined> {
      if (width === TILE_WIDTH) {
        // Stored with the checkpoint that completed it, so a stored bundle is always covered by the latest one.
        const stored = fullBundles.get(index) ?? (await store.bundle(db, index));
        if (stored) {
          fullBundles.set(index, stored);
          return stored;
        }
      }
      const cp = await checkpointCovering(index * TILE_WIDTH + Math.max(width, 1));
      const available = cp.size - index * TILE_WIDTH;
      if (width < 1 || width > TILE_WIDTH || width > available) return undefined;
      // A partial bundle, or a full one integrated before bundles were stored (034): built from the entry rows.
      const start = index * TILE_WIDTH;
      const entries = await store.entries(db, start, start + width);
      const bundle = entryBundle(entries.map((e) => e.entry));
      if (width === TILE_WIDTH) fullBundles.set(index, bundle);
      return bundle;
    },

    /**
     * Recomputes the log from the events table (after losing the log tables). The rebuilt root
     * at the latest checkpoint's size must equal the signed root, or nothing is changed.
     */
    async rebuild(): Promise<{ size: number; root: Buffer }> {
      return serial(() =>
        db.transaction().execute(async (trx) => {
          const latest = await store.latestCheckpoint(trx);
          // Only the actor's handle is taken from the stored entries (everything else is recomputed from the
          // outbox): the handle as of logging, which an erasure since then must not change.
          const loggedActors = new Map<string, string | null>();
          for (const e of await store.entries(trx, 0, Number.MAX_SAFE_INTEGER)) {
            const actor = (JSON.parse(e.entry) as { actor?: unknown }).actor;
            if (typeof actor === 'string' || actor === null) loggedActors.set(e.eventId, actor);
          }
          await store.clearTree(trx);
          const events = await store.loggedEvents(trx, HASHED_TYPES);
          const now = clock.now().toISOString();
          const entries: (StoredEntry & { subject: string | null })[] = [];
          for (const event of events) {
            entries.push({
              index: entries.length,
              eventId: event.id,
              ...(await entryFor(event, trx, loggedActors.get(event.id))),
            });
          }
          await store.insertEntries(trx, entries, now);
          const size = latest?.size ?? 0;
          if (entries.length < size) {
            throw new Error(`the events table holds ${entries.length} logged events; the signed log has ${size}`);
          }
          const { rows, root } = await growTree(trx, 0, entries.slice(0, size));
          if (latest && !root.equals(latest.rootHash)) {
            throw new Error('the rebuilt log does not match the signed checkpoint; nothing was changed');
          }
          await store.insertNodes(trx, rows);
          await storeFullBundles(trx, 0, entries.slice(0, size));
          fullTiles.clear();
          fullBundles.clear();
          return { size, root };
        }),
      );
    },

    /**
     * Forgets the full tiles held in memory: after the log tables were changed behind the service's back (a
     * restore from a backup, or a test playing a dishonest operator), as a restart would.
     */
    dropCaches() {
      fullTiles.clear();
      fullBundles.clear();
      forgetCheckpoint();
    },

    start() {
      if (timer) return;
      timer = setInterval(() => {
        integrate().catch((err: unknown) => deps.logger?.warn({ err: String(err) }, 'log integration failed'));
      }, deps.integrateIntervalMs ?? 1000);
      timer.unref();
    },

    async stop() {
      clearInterval(timer);
      timer = undefined;
      await chain;
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
