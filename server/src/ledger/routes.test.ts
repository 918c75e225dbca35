import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/harness.js';
import { createEventStore } from '../events/store.js';
import { leafHash, rootOfLeafHashes, verifyConsistency, verifyInclusion } from './merkle.js';
import { openNote, parseCheckpoint, parseVerifierKey } from './note.js';

let t: TestApp;
const ids: string[] = [];
const SIZE = 300;

beforeAll(async () => {
  t = await createTestApp();
  const store = createEventStore(t.db.dialect);
  for (let i = 0; i < SIZE; i++) {
    const id = randomUUID();
    ids.push(id);
    await store.insert(t.db.kysely, {
      id,
      type: 'dataset.published',
      actorId: null,
      subjectId: `s${i}`,
      organizationId: null,
      visibility: 'public',
      payload: { i },
      occurredAt: new Date().toISOString(),
    });
  }
  await t.dispatcher.drain();
  await t.ledger.integrate();
});
afterAll(async () => t?.cleanup());

const get = (url: string) => t.app.inject({ method: 'GET', url });

async function signedCheckpoint() {
  const key = (await get('/log/key')).body.trim();
  const note = (await get('/log/checkpoint')).body;
  return parseCheckpoint(openNote(note, [parseVerifierKey(key)]).text);
}

function splitBundle(body: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length;) {
    const n = body.readUInt16BE(at);
    out.push(body.subarray(at + 2, at + 2 + n));
    at += 2 + n;
  }
  return out;
}

describe('tlog-tiles endpoints', () => {
  it('serves the checkpoint uncached, signed by the key at /log/key', async () => {
    const res = await get('/log/checkpoint');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const cp = await signedCheckpoint();
    expect(cp.size).toBe(SIZE);
    expect(cp.origin).toBe('localhost:3000/log');
  });

  it('serves hash tiles and entry bundles from which the signed root is recomputed', async () => {
    const cp = await signedCheckpoint();
    const full = await get('/log/tile/0/000');
    expect(full.statusCode).toBe(200);
    expect(full.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(full.rawPayload.length).toBe(256 * 32);
    // Data for verifiers anywhere, browsers included: readable cross-origin, without a page's document headers.
    expect(full.headers['access-control-allow-origin']).toBe('*');
    expect(full.headers['content-security-policy']).toBeUndefined();
    expect(full.headers['x-content-type-options']).toBe('nosniff');
    const partial = await get('/log/tile/0/001.p/44');
    expect(partial.statusCode).toBe(200);
    expect(partial.rawPayload.length).toBe(44 * 32);
    expect(partial.headers['cache-control']).not.toContain('immutable');
    const hashes = Buffer.concat([full.rawPayload, partial.rawPayload]);
    const leaves = Array.from({ length: SIZE }, (_, i) => hashes.subarray(i * 32, i * 32 + 32));
    expect(Buffer.from(rootOfLeafHashes(leaves)).equals(cp.rootHash)).toBe(true);

    // Level 1 holds the hashes of 256-leaf subtrees: one so far.
    const level1 = await get('/log/tile/1/000.p/1');
    expect(level1.statusCode).toBe(200);
    expect(Buffer.from(rootOfLeafHashes(leaves.slice(0, 256))).equals(level1.rawPayload)).toBe(true);

    const entries = [
      ...splitBundle((await get('/log/tile/entries/000')).rawPayload),
      ...splitBundle((await get('/log/tile/entries/001.p/44')).rawPayload),
    ];
    expect(entries).toHaveLength(SIZE);
    entries.forEach((e, i) => expect(leafHash(e).equals(leaves[i]!)).toBe(true));
  });

  it('answers 404 for tiles the log does not have and for non-canonical paths', async () => {
    for (const path of [
      '0/001',
      '0/001.p/45',
      '0/002.p/1',
      '1/000',
      '0/1',
      '0/0000',
      '0/000.p/0',
      '0/000.p/256',
      '0/000.p/010',
      '0/x000/000',
      '7/000',
      '01/000',
      'entries/001',
      'entries/001.p/45',
      'entries',
      'x/000',
    ]) {
      const res = await get(`/log/tile/${path}`);
      expect(res.statusCode, path).toBe(404);
      expect(res.headers['content-type'], path).toMatch(/problem\+json/);
    }
  });
});

describe('JSON proof endpoints', () => {
  it('gives an entry with its inclusion proof', async () => {
    const cp = await signedCheckpoint();
    const res = await get('/api/v1/log/entries/5');
    expect(res.statusCode).toBe(200);
    const body = res.json<{ index: number; entry: string; leafHash: string; proof: string[]; eventId: string }>();
    expect(body.eventId).toBe(ids[5]);
    expect(leafHash(Buffer.from(body.entry)).toString('base64')).toBe(body.leafHash);
    verifyInclusion(
      5,
      cp.size,
      Buffer.from(body.leafHash, 'base64'),
      body.proof.map((p) => Buffer.from(p, 'base64')),
      cp.rootHash,
    );
  });

  it('finds an event in the log', async () => {
    const res = await get(`/api/v1/log/events/${ids[299]}`);
    expect(res.statusCode).toBe(200);
    expect(res.json<{ index: number }>().index).toBe(299);
    expect((await get(`/api/v1/log/events/${randomUUID()}`)).statusCode).toBe(404);
  });

  it('proves consistency between sizes', async () => {
    const cp = await signedCheckpoint();
    const res = await get(`/api/v1/log/consistency?from=10&to=${SIZE}`);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ fromRoot: string; toRoot: string; proof: string[] }>();
    expect(body.toRoot).toBe(cp.rootHash.toString('base64'));
    verifyConsistency(
      10,
      SIZE,
      Buffer.from(body.fromRoot, 'base64'),
      cp.rootHash,
      body.proof.map((p) => Buffer.from(p, 'base64')),
    );
  });

  it('finds the entries about a subject, and tells the size of the log day by day', async () => {
    const res = await get('/api/v1/log/entries?subject=s7');
    expect(res.statusCode).toBe(200);
    const items = res.json<{ items: { index: number; eventId: string; entry: string }[] }>().items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ index: 7, eventId: ids[7] });
    expect(JSON.parse(items[0]!.entry)).toMatchObject({ subject: 's7', type: 'dataset.published' });
    expect((await get('/api/v1/log/entries?subject=nothing-here')).json()).toEqual({ items: [] });
    expect((await get('/api/v1/log/entries')).statusCode).toBe(400);
    expect((await get('/api/v1/log/entries?subject=s1&_limit=1000')).statusCode).toBe(400);

    const history = (await get('/api/v1/log/history')).json<{ items: { day: string; size: number }[] }>().items;
    expect(history).toEqual([{ day: new Date().toISOString().slice(0, 10), size: SIZE }]);
    expect((await get('/api/v1/log/history?days=0')).statusCode).toBe(400);
  });

  it("answers a client's mistakes with 4xx, never 500", async () => {
    expect((await get('/api/v1/log/entries/300')).statusCode).toBe(404);
    expect((await get('/api/v1/log/entries/-1')).statusCode).toBe(400);
    expect((await get('/api/v1/log/entries/abc')).statusCode).toBe(400);
    expect((await get('/api/v1/log/entries/9007199254740993')).statusCode).toBe(400);
    expect((await get('/api/v1/log/consistency?from=20&to=10')).statusCode).toBe(400);
    expect((await get('/api/v1/log/consistency?from=1&to=301')).statusCode).toBe(404);
    expect((await get('/api/v1/log/consistency?from=1')).statusCode).toBe(400);
  });
});
