/**
 * `multitude log verify <base-url>`: an independent check of any Multitude instance's log, over
 * the public tlog-tiles endpoints only. It verifies the checkpoint's signature against a pinned
 * key, downloads every entry bundle and level-0 hash tile, recomputes the tree and its root, and
 * proves that the last checkpoint it verified (kept in a local state file) is a prefix of the new
 * one. Any mismatch is a VerifyError with a message meant for a person.
 *
 * The tree is recomputed in one pass over the leaves with a compact range (the roots of the perfect
 * subtrees seen so far): memory stays at 53 hashes whatever the size, and the root of the previously
 * verified size is read off the same pass instead of hashing the log a second time.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CompactRange, leafHash, tileIndexPath, TILE_WIDTH, HASH_SIZE } from './merkle.js';
import { NoteError, openNote, parseCheckpoint, parseVerifierKey, verifierKeyString } from './note.js';

export class VerifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VerifyError';
  }
}

interface LogState {
  key: string;
  origin: string;
  size: number;
  rootHash: string;
  verifiedAt: string;
}

type StateFile = Record<string, LogState>;

export interface VerifyOptions {
  baseUrl: string;
  /** The verifier key to pin; required the first time a log is verified. */
  key?: string;
  stateFile: string;
  fetch?: typeof fetch;
}

export interface VerifyResult {
  /** The signed note that was verified (what a witness cosigns). */
  note: string;
  origin: string;
  size: number;
  rootHash: string;
  previousSize: number | undefined;
}

function readState(file: string): StateFile {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StateFile;
  } catch {
    throw new VerifyError(`the state file ${file} is not valid JSON`);
  }
}

async function get(doFetch: typeof fetch, url: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await doFetch(url);
  } catch (error) {
    throw new VerifyError(`cannot fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!res.ok) throw new VerifyError(`${url} answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

const tileSuffix = (index: number, width: number) =>
  `${tileIndexPath(index)}${width === TILE_WIDTH ? '' : `.p/${width}`}`;

export async function verifyLog(options: VerifyOptions): Promise<VerifyResult> {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/$/, '');
  const states = readState(options.stateFile);
  const previous = states[base];
  if (options.key && previous && options.key.trim() !== previous.key) {
    throw new VerifyError(
      `the key given differs from the key pinned for ${base} in ${options.stateFile} (${previous.key}); remove that entry to pin a new key`,
    );
  }
  const keyText = options.key?.trim() ?? previous?.key;
  if (!keyText) {
    throw new VerifyError(
      `no pinned key for ${base}: pass --key with the log's verifier key obtained from a source you trust`,
    );
  }
  let verifier;
  try {
    verifier = parseVerifierKey(keyText);
  } catch (error) {
    throw new VerifyError(`the pinned key is not a signed-note verifier key: ${(error as Error).message}`);
  }

  const note = (await get(doFetch, `${base}/log/checkpoint`)).toString('utf8');
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(openNote(note, [verifier]).text);
  } catch (error) {
    if (error instanceof NoteError) {
      throw new VerifyError(`the checkpoint is not signed by the pinned key ${verifier.name}: ${error.message}`);
    }
    throw error;
  }
  if (previous && checkpoint.origin !== previous.origin) {
    throw new VerifyError(`the log's origin changed from ${previous.origin} to ${checkpoint.origin}`);
  }
  if (previous && checkpoint.size < previous.size) {
    throw new VerifyError(
      `the log went backwards: it was verified at size ${previous.size}, its checkpoint now says ${checkpoint.size}`,
    );
  }

  const tree = new CompactRange();
  const previousSize = previous?.size ?? 0;
  let previousRoot: Buffer | undefined;
  const tiles = Math.ceil(checkpoint.size / TILE_WIDTH);
  const widthOf = (index: number) => Math.min(TILE_WIDTH, checkpoint.size - index * TILE_WIDTH);
  const fetchTile = (index: number) =>
    Promise.all([
      get(doFetch, `${base}/log/tile/entries/${tileSuffix(index, widthOf(index))}`),
      get(doFetch, `${base}/log/tile/0/${tileSuffix(index, widthOf(index))}`),
    ]);
  // A few tiles in flight while the earlier ones are checked: a large log is many round trips.
  const AHEAD = 8;
  const pending = new Map<number, ReturnType<typeof fetchTile>>();
  for (let index = 0; index < tiles; index++) {
    for (let next = index; next < Math.min(tiles, index + AHEAD); next++) {
      if (!pending.has(next)) {
        const request = fetchTile(next);
        request.catch(() => undefined); // awaited in its turn below
        pending.set(next, request);
      }
    }
    const width = widthOf(index);
    const [bundle, tile] = await pending.get(index)!;
    pending.delete(index);
    if (tile.length !== width * HASH_SIZE)
      throw new VerifyError(`hash tile 0/${tileSuffix(index, width)} is truncated`);
    let at = 0;
    for (let i = 0; i < width; i++) {
      if (at + 2 > bundle.length) throw new VerifyError(`entry bundle ${tileSuffix(index, width)} is truncated`);
      const length = bundle.readUInt16BE(at);
      const entry = bundle.subarray(at + 2, at + 2 + length);
      if (entry.length !== length) throw new VerifyError(`entry bundle ${tileSuffix(index, width)} is truncated`);
      at += 2 + length;
      const hash = leafHash(entry);
      const n = index * TILE_WIDTH + i;
      if (!hash.equals(tile.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE))) {
        throw new VerifyError(`entry ${n} does not match its hash in the served tile`);
      }
      tree.append(hash);
      if (tree.size === previousSize) previousRoot = tree.root();
    }
    if (at !== bundle.length) throw new VerifyError(`entry bundle ${tileSuffix(index, width)} has trailing bytes`);
  }
  if (!tree.root().equals(checkpoint.rootHash)) {
    throw new VerifyError(`the entries served do not hash to the signed root of size ${checkpoint.size}`);
  }
  if (previous && previous.size > 0) {
    if (previousRoot?.toString('base64') !== previous.rootHash) {
      throw new VerifyError(
        `the log rewrote its past: the first ${previous.size} entries no longer hash to the root verified on ${previous.verifiedAt}`,
      );
    }
  }

  states[base] = {
    key: verifierKeyString(verifier),
    origin: checkpoint.origin,
    size: checkpoint.size,
    rootHash: checkpoint.rootHash.toString('base64'),
    verifiedAt: new Date().toISOString(),
  };
  writeFileSync(options.stateFile, `${JSON.stringify(states, null, 2)}\n`);
  return {
    note,
    origin: checkpoint.origin,
    size: checkpoint.size,
    rootHash: checkpoint.rootHash.toString('base64'),
    previousSize: previous?.size,
  };
}
