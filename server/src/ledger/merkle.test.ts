import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CompactRange,
  consistencyProof,
  inclusionProof,
  leafHash,
  memoReader,
  nodeHash,
  parseTileIndexPath,
  ProofError,
  rootFromInclusionProof,
  rootOfLeafHashes,
  tileIndexPath,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../test/fixtures/standards/${name}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
const hex = (s: string) => Buffer.from(s, 'hex');
const b64 = (s: string) => Buffer.from(s, 'base64');

const reference = fixture('rfc6962-reference-tree.json') as {
  leaf_inputs_hex: string[];
  root_hashes_by_tree_size_hex: string[];
  node_hashes_by_level_hex: string[][];
  inclusion_proofs: { leaf_index: number; tree_size: number; audit_path_hex: string[] }[];
};
const argon = fixture('go-tlog-argon2020.json') as {
  tree_size: number;
  sha256_root_hash: string;
  leaf_index: number;
  leaf_input: string;
  audit_path: string[];
  consistency_from_size: number;
  consistency_from_root: string;
  consistency: string[];
};

const leaves = reference.leaf_inputs_hex.map((h) => leafHash(hex(h)));

describe('RFC 6962 reference tree (transparency-dev/merkle vectors)', () => {
  it('gives the published root of every size 0–8', () => {
    reference.root_hashes_by_tree_size_hex.forEach((root, size) => {
      expect(Buffer.from(rootOfLeafHashes(leaves.slice(0, size))).toString('hex')).toBe(root);
    });
  });

  it('hashes leaves and nodes as SHA-256 of the prefixed bytes, at any length, each result its own buffer', () => {
    const sha = (...parts: Uint8Array[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    for (const n of [0, 1, 4095, 4096, 70_000, 3]) {
      const entry = Buffer.alloc(n, n % 251);
      expect(leafHash(entry).equals(sha(Uint8Array.of(0), entry))).toBe(true);
    }
    const a = leafHash(Buffer.from('a'));
    const b = leafHash(Buffer.from('b'));
    const aCopy = Buffer.from(a);
    expect(nodeHash(a, b).equals(sha(Uint8Array.of(1), a, b))).toBe(true);
    expect(a.equals(aCopy)).toBe(true);
  });

  it('gives the published root of every size 0–8 when the leaves stream through a compact range', () => {
    const range = new CompactRange();
    reference.root_hashes_by_tree_size_hex.forEach((root, size) => {
      if (size > 0) range.append(leaves[size - 1]!);
      expect(range.root().toString('hex')).toBe(root);
    });
  });

  it('streams to the same root as the whole tree at every size up to 600 (tile boundaries included)', () => {
    const many = Array.from({ length: 600 }, (_, i) => leafHash(Buffer.from(`entry ${i}`)));
    const range = new CompactRange();
    many.forEach((leaf, i) => {
      range.append(leaf);
      expect(range.root().equals(Buffer.from(rootOfLeafHashes(many.slice(0, i + 1))))).toBe(true);
    });
  });

  it('gives the published hash of every complete subtree', () => {
    const read = memoReader(leaves);
    reference.node_hashes_by_level_hex.forEach((row, level) =>
      row.forEach((h, index) => expect(Buffer.from(read(level, index)).toString('hex')).toBe(h)),
    );
  });

  it('generates the published audit path and verifies it', () => {
    for (const p of reference.inclusion_proofs) {
      const proof = inclusionProof(p.leaf_index, p.tree_size, memoReader(leaves));
      expect(proof.map((h) => Buffer.from(h).toString('hex'))).toEqual(p.audit_path_hex);
      const root = hex(reference.root_hashes_by_tree_size_hex[p.tree_size]!);
      expect(() => verifyInclusion(p.leaf_index, p.tree_size, leaves[p.leaf_index]!, proof, root)).not.toThrow();
    }
  });

  it('proves and verifies every inclusion and consistency among sizes 1–8', () => {
    const read = memoReader(leaves);
    for (let size = 1; size <= 8; size++) {
      const root = hex(reference.root_hashes_by_tree_size_hex[size]!);
      for (let i = 0; i < size; i++) {
        verifyInclusion(i, size, leaves[i]!, inclusionProof(i, size, read), root);
        // The wrong leaf never verifies.
        expect(() => verifyInclusion(i, size, leaves[(i + 1) % 8]!, inclusionProof(i, size, read), root)).toThrow(
          ProofError,
        );
      }
      for (let from = 0; from <= size; from++) {
        const old = hex(reference.root_hashes_by_tree_size_hex[from]!);
        verifyConsistency(from, size, old, root, consistencyProof(from, size, read));
      }
    }
  });
});

describe('a real Certificate Transparency log (Argon 2020, Go sumdb/tlog vectors)', () => {
  const root = b64(argon.sha256_root_hash);
  const leaf = leafHash(b64(argon.leaf_input));
  const path = argon.audit_path.map(b64);

  it('verifies the inclusion of entry 10,000 in the tree of 961,984,013', () => {
    expect(() => verifyInclusion(argon.leaf_index, argon.tree_size, leaf, path, root)).not.toThrow();
  });

  it('verifies the consistency 3,654,490 → 961,984,013', () => {
    const proof = argon.consistency.map(b64);
    const oldRoot = b64(argon.consistency_from_root);
    expect(() => verifyConsistency(argon.consistency_from_size, argon.tree_size, oldRoot, root, proof)).not.toThrow();
  });

  it('refuses forged, truncated, lengthened and misplaced proofs', () => {
    const forged = path.map((h, i) => (i === 7 ? Buffer.from(h).fill(0) : h));
    expect(() => verifyInclusion(argon.leaf_index, argon.tree_size, leaf, forged, root)).toThrow(ProofError);
    expect(() => verifyInclusion(argon.leaf_index, argon.tree_size, leaf, path.slice(0, -1), root)).toThrow(
      /too short/,
    );
    expect(() => verifyInclusion(argon.leaf_index, argon.tree_size, leaf, [...path, path[0]!], root)).toThrow(
      /too long/,
    );
    expect(() => verifyInclusion(argon.leaf_index + 1, argon.tree_size, leaf, path, root)).toThrow(ProofError);
    expect(() => verifyInclusion(argon.leaf_index, argon.tree_size * 2, leaf, path, root)).toThrow(ProofError);
    const badLength = [...path.slice(0, -1), Buffer.alloc(31)];
    expect(() => verifyInclusion(argon.leaf_index, argon.tree_size, leaf, badLength, root)).toThrow(/wrong length/);

    const proof = argon.consistency.map(b64);
    const oldRoot = b64(argon.consistency_from_root);
    const from = argon.consistency_from_size;
    expect(() => verifyConsistency(from, argon.tree_size, oldRoot, root, proof.slice(1))).toThrow(ProofError);
    expect(() => verifyConsistency(from, argon.tree_size, oldRoot, root, [...proof, proof[0]!])).toThrow(ProofError);
    expect(() => verifyConsistency(from + 1, argon.tree_size, oldRoot, root, proof)).toThrow(ProofError);
    expect(() => verifyConsistency(from, argon.tree_size, root, root, proof)).toThrow(/old root/);
    expect(() => verifyConsistency(from, argon.tree_size, oldRoot, oldRoot, proof)).toThrow(/new root/);
    expect(() => verifyConsistency(from, argon.tree_size, oldRoot, root, [])).toThrow(/empty/);
    expect(() => verifyConsistency(argon.tree_size, from, root, oldRoot, [])).toThrow(/larger|cannot extend/);
  });
});

describe('sizes near 2^53', () => {
  const max = Number.MAX_SAFE_INTEGER; // 2^53 − 1

  it('computes proof shapes without 32-bit overflow and refuses sizes beyond 2^53 − 1', () => {
    const h = leafHash(Buffer.from('x'));
    // A tree of 2^53 − 1 leaves has 53 levels: the proof of its last leaf has one hash per set bit below the top.
    const read = () => h;
    const proof = inclusionProof(max - 1, max, read);
    expect(proof.length).toBe(52);
    const root = rootFromInclusionProof(max - 1, max, h, proof);
    expect(() => verifyInclusion(max - 1, max, h, proof, root)).not.toThrow();
    expect(inclusionProof(0, max, read).length).toBe(53);
    expect(() => verifyInclusion(2 ** 32 + 5, 2 ** 33, h, inclusionProof(2 ** 32 + 5, 2 ** 33, read), root)).toThrow(
      ProofError,
    );
    const cons = consistencyProof(2 ** 31 + 1, max, read);
    expect(cons.length).toBeGreaterThan(30);
    expect(cons.length).toBeLessThanOrEqual(64);
    expect(() => inclusionProof(0, 2 ** 53, read)).toThrow(ProofError);
    expect(() => verifyConsistency(1, 2 ** 53 + 2, h, h, [h])).toThrow(ProofError);
    expect(() => verifyInclusion(-1, 4, h, [h, h], h)).toThrow(ProofError);
    expect(() => verifyInclusion(0.5, 4, h, [h, h], h)).toThrow(ProofError);
  });

  it('refuses a proof of more than 64 hashes before hashing anything', () => {
    const h = leafHash(Buffer.from('x'));
    expect(() =>
      verifyInclusion(
        0,
        max,
        h,
        Array.from({ length: 100_000 }, () => h),
        h,
      ),
    ).toThrow(/too long/);
  });

  it('the root of an empty tree is SHA-256 of nothing', () => {
    expect(Buffer.from(treeHash(0, () => new Uint8Array())).toString('hex')).toBe(
      reference.root_hashes_by_tree_size_hex[0],
    );
  });
});

describe('tile paths (C2SP tlog-tiles)', () => {
  it('encodes and parses the spec form', () => {
    expect(tileIndexPath(0)).toBe('000');
    expect(tileIndexPath(67)).toBe('067');
    expect(tileIndexPath(1234067)).toBe('x001/x234/067');
    expect(tileIndexPath(Number.MAX_SAFE_INTEGER)).toBe('x009/x007/x199/x254/x740/991');
    for (const n of [0, 5, 999, 1000, 1234067, 2 ** 40]) expect(parseTileIndexPath(tileIndexPath(n))).toBe(n);
  });

  it('refuses non-canonical paths', () => {
    for (const p of [
      '',
      '1',
      '0067',
      'x000/067',
      '001/067',
      'x001/67',
      'x001/x234/067/',
      'abc',
      'x1/x2/x3/x4/x5/x6/007',
    ])
      expect(parseTileIndexPath(p)).toBeUndefined();
  });
});
