import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../testing/harness.js';
import { createEventStore } from '../events/store.js';
import type { Visibility } from '../events/schema.js';
import { systemClock } from '../kernel/clock.js';
import { buildEntry, canonicalJson, entryBundle, EntryTooLargeError, MAX_ENTRY_BYTES } from './entry.js';
import { leafHash, rootOfLeafHashes, verifyConsistency, verifyInclusion } from './merkle.js';
import { openNote, parseCheckpoint } from './note.js';
import { createLedger, type Ledger } from './service.js';
import { createLedgerStore } from './store.js';
import { loadOrCreateLogSigner } from './keys.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ config: { baseUrl: 'https://data.example.org' } });
});
afterAll(async () => t?.cleanup());

async function emit(n: number, visibility: Visibility = 'public', payload: Record<string, unknown> = {}) {
  const store = createEventStore(t.db.dialect);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = randomUUID();
    ids.push(id);
    await store.insert(t.db.kysely, {
      id,
      type: 'dataset.published',
      actorId: null,
      subjectId: `subject-${i}`,
      organizationId: null,
      visibility,
      payload: { i, ...payload },
      occurredAt: new Date().toISOString(),
    });
  }
  await t.dispatcher.drain();
  return ids;
}

/** A second instance of the service over the same database and key: what a restart builds. */
function restarted(): Ledger {
  return createLedger({
    db: t.db.kysely,
    store: createLedgerStore(),
    clock: systemClock,
    directory: t.platform.directory,
    signer: loadOrCreateLogSigner(t.config.dataDir, t.ledger.origin),
    origin: t.ledger.origin,
  });
}

async function allEntries() {
  const rows = await t.db.kysely.selectFrom('logEntries').select(['idx', 'entry']).orderBy('idx').execute();
  return rows.map((r) => r.entry);
}

async function allCheckpoints() {
  const rows = await t.db.kysely.selectFrom('logCheckpoints').select(['size', 'note']).orderBy('size').execute();
  return rows.map((r) => ({ size: Number(r.size), note: r.note }));
}

describe('canonical entries', () => {
  it('sorts keys, drops white space, hashes the payload and never holds it', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'é'], c: { z: 1, y: 'x' } })).toBe(
      '{"a":[true,null,"é"],"b":1,"c":{"y":"x","z":1}}',
    );
    const fields = {
      eventId: 'e1',
      type: 'dataset.published',
      occurredAt: '2026-01-01T00:00:00.000Z',
      actor: 'alice',
      subject: 's1',
      organization: null,
    };
    const entry = buildEntry({ ...fields, payload: { email: 'alice@example.org', title: 'T' } });
    expect(entry).not.toContain('alice@example.org');
    expect(Object.keys(JSON.parse(entry) as object)).toEqual([
      'actor',
      'eventId',
      'occurredAt',
      'organization',
      'payloadSha256',
      'subject',
      'type',
      'v',
    ]);
    // Key order of the payload does not change its hash.
    const again = buildEntry({ ...fields, payload: { title: 'T', email: 'alice@example.org' } });
    expect(JSON.parse(again)).toMatchObject({
      payloadSha256: (JSON.parse(entry) as { payloadSha256: string }).payloadSha256,
    });
  });

  it('writes entries byte for byte as the canonical JSON of their fields, whatever the strings hold', () => {
    const payload = { z: [1, 'é', null, { b: true, a: -0.5 }], a: 'x' };
    const payloadSha256 = createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');
    for (const fields of [
      { eventId: 'e1', type: 't', occurredAt: 'o', actor: null, subject: null, organization: null },
      {
        eventId: 'é"\\\u2028\u0001',
        type: 'dataset.published',
        occurredAt: '2026-01-01T00:00:00.000Z',
        actor: 'zoë "the" \n',
        subject: '💡',
        organization: 'org\t1',
      },
    ]) {
      expect(buildEntry({ ...fields, payload })).toBe(canonicalJson({ v: 1, ...fields, payloadSha256 }));
    }
  });

  it('refuses an entry beyond 65,535 bytes', () => {
    const fields = {
      eventId: 'e',
      occurredAt: '2026-01-01T00:00:00.000Z',
      actor: null,
      subject: null,
      organization: null,
      payload: {},
    };
    expect(() => buildEntry({ ...fields, type: 'x'.repeat(MAX_ENTRY_BYTES) })).toThrow(EntryTooLargeError);
    expect(() => buildEntry({ ...fields, type: 'x'.repeat(1000) })).not.toThrow();
  });
});

describe('the log as a consumer of the event spine', () => {
  it('logs public events only, batches them under one signed checkpoint, and its root is the tree of its entries', async () => {
    const before = (await t.ledger.integrate()).size;
    const publicIds = await emit(300);
    await emit(5, 'private');
    await emit(3, 'organization');
    const checkpointsBefore = (await allCheckpoints()).length;
    const cp = await t.ledger.integrate();
    expect(cp.size).toBe(before + 300);
    // One checkpoint for the whole batch.
    expect((await allCheckpoints()).length).toBe(checkpointsBefore + 1);

    const opened = openNote(cp.note, [(await import('./note.js')).parseVerifierKey(t.ledger.verifierKey)]);
    const parsed = parseCheckpoint(opened.text);
    expect(parsed.origin).toBe('data.example.org/log');
    expect(parsed.size).toBe(cp.size);
    const entries = await allEntries();
    expect(entries).toHaveLength(cp.size);
    expect(Buffer.from(rootOfLeafHashes(entries.map((e) => leafHash(Buffer.from(e))))).equals(parsed.rootHash)).toBe(
      true,
    );
    const logged = new Set(entries.map((e) => (JSON.parse(e) as { eventId: string }).eventId));
    for (const id of publicIds) expect(logged.has(id)).toBe(true);

    // Inclusion of an event, checked against the signed root.
    const found = await t.ledger.byEventId(publicIds[7]!);
    expect(found.proof).not.toBeNull();
    verifyInclusion(found.index, cp.size, leafHash(Buffer.from(found.entry)), found.proof!, parsed.rootHash);
  });

  it('signs nothing new when nothing was appended', async () => {
    const cp = await t.ledger.integrate();
    const count = (await allCheckpoints()).length;
    expect((await t.ledger.integrate()).size).toBe(cp.size);
    expect((await allCheckpoints()).length).toBe(count);
  });

  it('never goes backwards nor forks across a restart and concurrent integrators', async () => {
    const old = await t.ledger.integrate();
    await emit(40);
    const a = restarted();
    const b = restarted();
    // Two processes racing over the same entries: at most one checkpoint per size can be stored.
    await Promise.allSettled([a.integrate(), b.integrate(), t.ledger.integrate()]);
    await emit(17);
    const after = await restarted().integrate();
    expect(after.size).toBe(old.size + 57);

    const checkpoints = await allCheckpoints();
    for (let i = 1; i < checkpoints.length; i++) {
      expect(checkpoints[i]!.size).toBeGreaterThan(checkpoints[i - 1]!.size);
    }
    // Every stored checkpoint is a prefix of the latest one.
    for (const c of checkpoints) {
      const proof = await t.ledger.consistency(c.size, after.size);
      const root = parseCheckpoint(c.note.slice(0, c.note.indexOf('\n\n') + 1)).rootHash;
      verifyConsistency(c.size, after.size, root, after.rootHash, proof.proof);
    }
  });

  it('serves what another instance signed meanwhile, though it holds an older checkpoint in memory', async () => {
    const held = await t.ledger.integrate();
    await emit(5);
    const signed = await restarted().integrate();
    expect(signed.size).toBe(held.size + 5);
    // Beyond the checkpoint this instance holds: read again, and proved against the newer one.
    const last = await t.ledger.entry(signed.size - 1);
    expect(last.checkpoint.size).toBe(signed.size);
    verifyInclusion(signed.size - 1, signed.size, leafHash(Buffer.from(last.entry)), last.proof, signed.rootHash);
    expect((await t.ledger.consistency(held.size, signed.size)).toRoot.equals(signed.rootHash)).toBe(true);
    // Within it: a proof that verifies against the checkpoint it comes with, whichever that is.
    const first = await t.ledger.entry(0);
    const root = parseCheckpoint(first.checkpoint.note.slice(0, first.checkpoint.note.indexOf('\n\n') + 1)).rootHash;
    verifyInclusion(0, first.checkpoint.size, leafHash(Buffer.from(first.entry)), first.proof, root);
    // Beyond every checkpoint: still nothing, however far.
    await expect(t.ledger.entry(signed.size)).rejects.toThrow(/not found/);
    await expect(t.ledger.entry(Number.MAX_SAFE_INTEGER)).rejects.toThrow(/not found/);
    expect(await t.ledger.tile(0, 2 ** 40, 256)).toBeUndefined();
    expect(await t.ledger.entryBundle(2 ** 40, 1)).toBeUndefined();
  });

  it('rebuilds from the events table after losing its tables, to the signed root', async () => {
    await emit(25);
    const signed = await t.ledger.integrate();
    const entriesBefore = await allEntries();
    await sql`delete from log_nodes`.execute(t.db.kysely);
    await sql`delete from log_entries`.execute(t.db.kysely);

    const rebuilt = await t.ledger.rebuild();
    expect(rebuilt.size).toBe(signed.size);
    expect(rebuilt.root.equals(signed.rootHash)).toBe(true);
    expect(await allEntries()).toEqual(entriesBefore);
    // Proofs work again on the rebuilt tree, and the consumer does not log anything twice.
    const proof = await t.ledger.entry(signed.size - 1);
    verifyInclusion(signed.size - 1, signed.size, leafHash(Buffer.from(proof.entry)), proof.proof, signed.rootHash);
    await emit(2);
    expect((await t.ledger.integrate()).size).toBe(signed.size + 2);
  });

  it('stores each full entry bundle with the checkpoint that completes it, and a rebuild stores them again', async () => {
    // The bundle is completed by a second batch: its first entries come from the batch before.
    const before = (await t.ledger.integrate()).size;
    await emit(256 - (before % 256) - 10);
    expect((await t.ledger.integrate()).size % 256).toBe(246);
    await emit(20);
    const size = (await t.ledger.integrate()).size;
    const storedBundles = async () =>
      (await t.db.kysely.selectFrom('logBundles').select(['idx', 'bundle']).orderBy('idx').execute()).map((r) => ({
        index: Number(r.idx),
        bundle: Buffer.from(r.bundle),
      }));
    const entries = await allEntries();
    const expected = Array.from({ length: Math.floor(size / 256) }, (_, b) => ({
      index: b,
      bundle: entryBundle(entries.slice(b * 256, b * 256 + 256)),
    }));
    expect(expected.length).toBeGreaterThan(0);
    expect(await storedBundles()).toEqual(expected);
    // Served as stored, byte for byte.
    const last = expected[expected.length - 1]!;
    expect((await t.ledger.entryBundle(last.index, 256))!.equals(last.bundle)).toBe(true);

    await sql`delete from log_bundles`.execute(t.db.kysely);
    await sql`delete from log_nodes`.execute(t.db.kysely);
    await sql`delete from log_entries`.execute(t.db.kysely);
    await t.ledger.rebuild();
    expect(await storedBundles()).toEqual(expected);
  });

  it('refuses a rebuild from a rewritten outbox, and changes nothing', async () => {
    const signed = await t.ledger.integrate();
    const entriesBefore = await allEntries();
    const first = await t.db.kysely
      .selectFrom('events')
      .select(['id', 'payload'])
      .where('visibility', '=', 'public')
      .orderBy('txId')
      .orderBy('position')
      .limit(1)
      .executeTakeFirstOrThrow();
    await t.db.kysely
      .updateTable('events')
      .set({ payload: JSON.stringify({ rewritten: true }) })
      .where('id', '=', first.id)
      .execute();
    await expect(t.ledger.rebuild()).rejects.toThrow(/does not match the signed checkpoint/);
    expect(await allEntries()).toEqual(entriesBefore);
    expect((await t.ledger.checkpoint()).size).toBe(signed.size);
    await t.db.kysely
      .updateTable('events')
      .set({ payload: typeof first.payload === 'string' ? first.payload : JSON.stringify(first.payload) })
      .where('id', '=', first.id)
      .execute();
  });
});
