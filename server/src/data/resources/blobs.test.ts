/**
 * The disk blob store: content-addressed files, and the purge's guard against deleting content an upload has just
 * written again (`removeUnlessWrittenSince`).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createDiskBlobStore } from './blobs.js';

const root = mkdtempSync(join(tmpdir(), 'multitude-blobs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const store = createDiskBlobStore(root);
const put = (text: string) => store.put(Readable.from([Buffer.from(text)]), { maxBytes: 1000 });
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const HOUR = 3_600_000;

describe('disk blob store', () => {
  it('stores the same content once, under its hash', async () => {
    const a = await put('same');
    const b = await put('same');
    expect(a).toEqual(b);
    expect(a.sha256).toBe(sha('same'));
    expect(existsSync(a.path)).toBe(true);
  });

  it('marks content put again as written now, so the purge spares it', async () => {
    const { path, sha256 } = await put('again');
    const long = new Date(Date.now() - 24 * HOUR);
    utimesSync(path, long, long);
    // Nothing wrote it for a day: deleted.
    expect(await store.removeUnlessWrittenSince(sha256, new Date(Date.now() - HOUR))).toBe('gone');
    expect(existsSync(path)).toBe(false);

    await put('again');
    utimesSync(path, long, long);
    await put('again');
    expect(statSync(path).mtimeMs).toBeGreaterThan(Date.now() - HOUR);
    expect(await store.removeUnlessWrittenSince(sha256, new Date(Date.now() - HOUR))).toBe('recent');
    expect(existsSync(path)).toBe(true);
  });

  it('reports a blob already gone as gone', async () => {
    expect(await store.removeUnlessWrittenSince(sha('never stored'), new Date())).toBe('gone');
  });
});
