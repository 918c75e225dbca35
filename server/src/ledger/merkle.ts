/**
 * RFC 9162 (Certificate Transparency v2) Merkle tree hashing, pure and synchronous.
 *
 * - leaf hash `SHA-256(0x00 || entry)`, node hash `SHA-256(0x01 || left || right)`;
 * - the root of a tree of size n is the RFC's MTH: the left subtree is the largest power of two
 *   smaller than n, so every range [a, a + m) with a aligned is the right-leaning fold of its
 *   perfect subtrees (largest first);
 * - inclusion and consistency proofs are generated from a reader of perfect-subtree hashes
 *   (`(level, index)` covers leaves [index·2^level, (index+1)·2^level)), and verified per
 *   RFC 9162 §2.1.3.2 and §2.1.4.2.
 *
 * Sizes and indexes are plain numbers valid up to 2^53 − 1: no bitwise operator is used on them
 * (JavaScript's are 32-bit), only arithmetic. Proofs longer than 64 hashes are refused before any
 * work, so a hostile proof cannot make a verifier loop.
 */
import crypto, { createHash } from 'node:crypto';

export const HASH_SIZE = 32;
/** Longest meaningful proof: a tree of at most 2^53 leaves has at most 53 levels, consistency adds one. */
export const MAX_PROOF_LENGTH = 64;

export type Hash = Uint8Array;
/** Reads the hash of the perfect subtree at `level` and `index` (must exist in the tree). */
export type SubtreeReader = (level: number, index: number) => Hash;

export class ProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProofError';
  }
}

// One-shot SHA-256 (node:crypto `hash`, Node ≥ 20.12; the engines field asks for 20.19, @types/node does not know it
// yet) is about twice as fast per call as a Hash object: a log's verifier and its integration hash two million times
// per million entries. The input is laid out in a scratch buffer (the functions are synchronous, so it is never
// shared between two calls); a Hash object remains the fallback.
const oneShot = (crypto as unknown as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer })
  .hash;
let scratch = Buffer.allocUnsafe(4096);

function prefixedHash(prefix: number, a: Uint8Array, b?: Uint8Array): Buffer {
  const length = 1 + a.length + (b?.length ?? 0);
  if (!oneShot) {
    const h = createHash('sha256').update(Uint8Array.of(prefix)).update(a);
    return (b ? h.update(b) : h).digest();
  }
  if (length > scratch.length) scratch = Buffer.allocUnsafe(Math.max(length, 2 * scratch.length));
  scratch[0] = prefix;
  scratch.set(a, 1);
  if (b) scratch.set(b, 1 + a.length);
  return oneShot('sha256', scratch.subarray(0, length), 'buffer');
}

export function leafHash(entry: Uint8Array): Buffer {
  return prefixedHash(0, entry);
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return prefixedHash(1, left, right);
}

/** The root of the empty tree: SHA-256 of nothing. */
export const emptyRoot = (): Buffer => createHash('sha256').digest();

export function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

function assertSize(n: number, what: string): void {
  if (!isSize(n)) throw new ProofError(`${what} must be an integer between 0 and 2^53 − 1`);
}

/** 2^k for the largest k with 2^k < n (n ≥ 2). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const isOdd = (x: number) => x % 2 === 1;
const half = (x: number) => Math.floor(x / 2);

/**
 * The perfect subtrees making up [start, end), largest first; `start` must be aligned to the
 * largest power of two not above end − start (true for every range a proof or a root needs).
 */
export function perfectSubtrees(start: number, end: number): { level: number; index: number }[] {
  const out: { level: number; index: number }[] = [];
  let at = start;
  while (at < end) {
    let size = 1;
    let level = 0;
    while (size * 2 <= end - at && at % (size * 2) === 0) {
      size *= 2;
      level++;
    }
    out.push({ level, index: at / size });
    at += size;
  }
  return out;
}

/** MTH of leaves [start, end), folded from the perfect subtrees the reader gives. */
export function rangeHash(start: number, end: number, read: SubtreeReader): Hash {
  if (end <= start) throw new ProofError('empty range');
  const parts = perfectSubtrees(start, end).map((p) => read(p.level, p.index));
  let hash = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) hash = nodeHash(parts[i]!, hash);
  return hash;
}

/** The root of a tree of `size` leaves. */
export function treeHash(size: number, read: SubtreeReader): Hash {
  assertSize(size, 'tree size');
  return size === 0 ? emptyRoot() : rangeHash(0, size, read);
}

/** Root of a whole list of leaf hashes (tests, rebuilds, the verifier). */
export function rootOfLeafHashes(leaves: readonly Hash[]): Hash {
  if (leaves.length === 0) return emptyRoot();
  return rangeHash(0, leaves.length, memoReader(leaves));
}

/** A subtree reader over in-memory leaf hashes that computes and remembers inner nodes. */
export function memoReader(leaves: readonly Hash[]): SubtreeReader {
  const levels: Hash[][] = [leaves as Hash[]];
  return function read(level, index) {
    if (level === 0) {
      const leaf = leaves[index];
      if (!leaf) throw new ProofError(`no leaf ${index}`);
      return leaf;
    }
    const row = (levels[level] ??= []);
    let hash = row[index];
    if (!hash) {
      hash = nodeHash(read(level - 1, 2 * index), read(level - 1, 2 * index + 1));
      row[index] = hash;
    }
    return hash;
  };
}

/** The ranges whose MTHs form the inclusion proof of leaf `index` in a tree of `size` (RFC 9162 PATH). */
export function inclusionRanges(index: number, size: number): [number, number][] {
  assertSize(index, 'leaf index');
  assertSize(size, 'tree size');
  if (index >= size) throw new ProofError(`leaf ${index} is not in a tree of ${size}`);
  const out: [number, number][] = [];
  let lo = 0;
  let hi = size;
  // Walk from the root down, then reverse: the proof lists the leaf's sibling first.
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (index < lo + k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo = lo + k;
    }
  }
  return out.reverse();
}

/** The ranges whose MTHs form the consistency proof from `from` to `to` (RFC 9162 PROOF/SUBPROOF). */
export function consistencyRanges(from: number, to: number): [number, number][] {
  assertSize(from, 'old size');
  assertSize(to, 'new size');
  if (from > to) throw new ProofError(`cannot prove ${from} → ${to}: the old tree is larger`);
  if (from === 0 || from === to) return [];
  const out: [number, number][] = [];
  let lo = 0;
  let hi = to;
  let m = from;
  let whole = true;
  while (m !== hi - lo) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m <= k) {
      out.push([lo + k, hi]);
      hi = lo + k;
    } else {
      out.push([lo, lo + k]);
      lo = lo + k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) out.push([lo, hi]);
  return out.reverse();
}

export function inclusionProof(index: number, size: number, read: SubtreeReader): Hash[] {
  return inclusionRanges(index, size).map(([a, b]) => rangeHash(a, b, read));
}

export function consistencyProof(from: number, to: number, read: SubtreeReader): Hash[] {
  return consistencyRanges(from, to).map(([a, b]) => rangeHash(a, b, read));
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function checkHashes(proof: readonly Hash[]): void {
  if (proof.length > MAX_PROOF_LENGTH) throw new ProofError('proof too long');
  for (const h of proof) if (h.length !== HASH_SIZE) throw new ProofError('proof hash of the wrong length');
}

/** Root implied by an inclusion proof (RFC 9162 §2.1.3.2); throws ProofError when the proof cannot fit. */
export function rootFromInclusionProof(index: number, size: number, leaf: Hash, proof: readonly Hash[]): Hash {
  assertSize(index, 'leaf index');
  assertSize(size, 'tree size');
  if (index >= size) throw new ProofError(`leaf ${index} is not in a tree of ${size}`);
  checkHashes(proof);
  let fn = index;
  let sn = size - 1;
  let r: Hash = leaf;
  for (const p of proof) {
    if (sn === 0) throw new ProofError('inclusion proof too long');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError('inclusion proof too short');
  return r;
}

export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): void {
  if (!equal(rootFromInclusionProof(index, size, leaf, proof), root)) {
    throw new ProofError(`leaf ${index} is not included in the tree of ${size} with this root`);
  }
}

/** Checks that the tree (from, oldRoot) is a prefix of (to, newRoot) (RFC 9162 §2.1.4.2). */
export function verifyConsistency(
  from: number,
  to: number,
  oldRoot: Hash,
  newRoot: Hash,
  proof: readonly Hash[],
): void {
  assertSize(from, 'old size');
  assertSize(to, 'new size');
  checkHashes(proof);
  if (from > to) throw new ProofError(`tree of ${to} cannot extend a tree of ${from}`);
  if (from === to) {
    if (proof.length !== 0) throw new ProofError('a proof between equal sizes must be empty');
    if (!equal(oldRoot, newRoot)) throw new ProofError(`two different roots for the same size ${from}`);
    return;
  }
  if (from === 0) {
    if (proof.length !== 0) throw new ProofError('a proof from the empty tree must be empty');
    return;
  }
  if (proof.length === 0) throw new ProofError('empty consistency proof');
  const path: Hash[] = [...proof];
  if (largestPowerOfTwoBelow(from * 2) === from) path.unshift(oldRoot);
  let fn = from - 1;
  let sn = to - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Hash = path[0]!;
  let sr: Hash = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('consistency proof too long');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError('consistency proof too short');
  if (!equal(fr, oldRoot)) throw new ProofError(`the proof does not lead to the old root of size ${from}`);
  if (!equal(sr, newRoot)) throw new ProofError(`the proof does not lead to the new root of size ${to}`);
}

/** Tile height of C2SP tlog-tiles: a tile holds up to 256 hashes of one tree level 8·L. */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

/** The index part of a tile path: 1234067 → "x001/x234/067" (C2SP tlog-tiles). */
export function tileIndexPath(n: number): string {
  assertSize(n, 'tile index');
  const groups: string[] = [];
  let rest = n;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Parses "x001/x234/067" back to 1234067; undefined for anything not in canonical form. */
export function parseTileIndexPath(path: string): number | undefined {
  const parts = path.split('/');
  if (parts.length === 0 || parts.length > 6) return undefined;
  let n = 0;
  for (let i = 0; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const m = (last ? /^(\d{3})$/ : /^x(\d{3})$/).exec(parts[i]!);
    if (!m) return undefined;
    n = n * 1000 + Number(m[1]);
  }
  return isSize(n) && tileIndexPath(n) === path ? n : undefined;
}

/**
 * The RFC 9162 root of leaves appended one by one, kept as the roots of its perfect subtrees (largest first):
 * at most 53 hashes whatever the size, for verifiers that stream a log instead of holding it.
 */
export class CompactRange {
  private readonly peaks: Buffer[] = [];
  size = 0;

  append(leaf: Buffer): void {
    this.peaks.push(leaf);
    this.size += 1;
    // A carry for each trailing 1 bit of the old size: arithmetic, not bitwise (sizes go past 2^32).
    for (let n = this.size; n % 2 === 0; n = n / 2) {
      const right = this.peaks.pop()!;
      const left = this.peaks.pop()!;
      this.peaks.push(nodeHash(left, right));
    }
  }

  /** MTH of the leaves so far: the right-leaning fold of the peaks. */
  root(): Buffer {
    if (this.peaks.length === 0) return emptyRoot();
    let hash = this.peaks[this.peaks.length - 1]!;
    for (let i = this.peaks.length - 2; i >= 0; i--) hash = nodeHash(this.peaks[i]!, hash);
    return hash;
  }
}
