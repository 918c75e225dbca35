import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  generateSignerKey,
  NoteError,
  openNote,
  parseCheckpoint,
  parseSignerKey,
  parseVerifierKey,
  signNote,
  verifierKeyString,
} from './note.js';

const vectors = JSON.parse(
  readFileSync(new URL('../../test/fixtures/standards/c2sp-signed-note.json', import.meta.url), 'utf8'),
) as {
  spec: { verifierKey: string; note: string; text: string };
  go: {
    signerKey: string;
    verifierKey: string;
    enochVerifierKey: string;
    text: string;
    peterSignature: string;
    enochSignature: string;
  };
};

describe('signed-note: published examples', () => {
  it('verifies the C2SP specification example (example.com/foo+530d903a)', () => {
    const v = parseVerifierKey(vectors.spec.verifierKey);
    expect(v.name).toBe('example.com/foo');
    expect(v.keyHash).toBe(0x530d903a);
    expect(verifierKeyString(v)).toBe(vectors.spec.verifierKey);
    const opened = openNote(vectors.spec.note, [v]);
    expect(opened.text).toBe(vectors.spec.text);
    expect(opened.verified.map((s) => s.name)).toEqual(['example.com/foo']);
  });

  it('signs byte for byte like Go sumdb/note (PeterNeumann)', () => {
    const signer = parseSignerKey(vectors.go.signerKey);
    expect(verifierKeyString(signer.verifier)).toBe(vectors.go.verifierKey);
    expect(signNote(vectors.go.text, [signer])).toBe(`${vectors.go.text}\n${vectors.go.peterSignature}`);
  });

  it('keeps signatures of unknown keys aside and checks the known ones', () => {
    const peter = parseVerifierKey(vectors.go.verifierKey);
    const enoch = parseVerifierKey(vectors.go.enochVerifierKey);
    const note = `${vectors.go.text}\n${vectors.go.peterSignature}${vectors.go.enochSignature}`;
    const one = openNote(note, [peter]);
    expect(one.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(one.unverified.map((s) => s.name)).toEqual(['EnochRoot']);
    expect(openNote(note, [peter, enoch]).verified).toHaveLength(2);
    expect(() => openNote(note, [])).toThrow(/no verifiable signatures/);
  });
});

describe('signed-note: hostile inputs', () => {
  const peter = parseVerifierKey(vectors.go.verifierKey);
  const note = `${vectors.go.text}\n${vectors.go.peterSignature}`;

  it('refuses mangled verifier keys', () => {
    const key = vectors.go.verifierKey;
    for (let i = 0; i < key.length; i++) {
      const mangled = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      expect(() => parseVerifierKey(mangled), mangled).toThrow(NoteError);
    }
    expect(() => parseVerifierKey(key.slice(0, -1))).toThrow(NoteError);
    expect(() => parseVerifierKey(`${key}+x`)).toThrow(NoteError);
    // Wrong algorithm byte, with a matching hash (Go's own test).
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow(
      NoteError,
    );
  });

  it('refuses a forged signature, a changed text and malformed notes', () => {
    const forged = note.replace('x08go', 'x08gp');
    expect(() => openNote(forged, [peter])).toThrow(NoteError);
    expect(() => openNote(note.replace('answer', 'Answer'), [peter])).toThrow(/invalid signature/);
    for (const bad of [
      vectors.go.text,
      `${vectors.go.text}\n`,
      note.slice(0, -1),
      `\u0001${note}`,
      `${note}Unexpected line.\n`,
      `${vectors.go.text}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${vectors.go.text}\n${vectors.go.peterSignature.repeat(101)}`,
    ]) {
      expect(() => openNote(bad, [peter]), JSON.stringify(bad)).toThrow(NoteError);
    }
  });

  it('a checkpoint signed by an unknown key is not trusted', () => {
    const other = parseSignerKey(generateSignerKey('example.org/log'));
    const signed = signNote(formatCheckpoint({ origin: 'example.org/log', size: 1, rootHash: Buffer.alloc(32) }), [
      other,
    ]);
    expect(() => openNote(signed, [peter])).toThrow(/no verifiable signatures/);
    // Same name, different key: unknown key hash, so still not trusted.
    const impostor = parseSignerKey(generateSignerKey('PeterNeumann'));
    expect(() => openNote(signNote(vectors.go.text, [impostor]), [peter])).toThrow(/no verifiable signatures/);
  });
});

describe('tlog-checkpoint', () => {
  it('formats, signs, opens and parses a checkpoint', () => {
    const signer = parseSignerKey(generateSignerKey('example.org/log'));
    const root = Buffer.alloc(32, 7);
    const text = formatCheckpoint({ origin: 'example.org/log', size: 961984013, rootHash: root });
    expect(text).toBe(`example.org/log\n961984013\n${root.toString('base64')}\n`);
    const opened = openNote(signNote(text, [signer]), [signer.verifier]);
    const c = parseCheckpoint(opened.text);
    expect(c).toEqual({ origin: 'example.org/log', size: 961984013, rootHash: root, extensions: [] });
  });

  it('refuses malformed checkpoints', () => {
    const root = Buffer.alloc(32).toString('base64');
    for (const bad of [
      `o\n1\n${root}`,
      `o\n01\n${root}\n`,
      `o\n-1\n${root}\n`,
      `o\n9007199254740993\n${root}\n`,
      `o\n1\n${Buffer.alloc(31).toString('base64')}\n`,
      `\n1\n${root}\n`,
      `o\n1\n${root.slice(1)}\n`,
    ])
      expect(() => parseCheckpoint(bad), JSON.stringify(bad)).toThrow(NoteError);
  });
});

describe('the log key in the data directory', () => {
  it('is generated once, private, and the same on the next start', async () => {
    const { mkdtempSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadOrCreateLogSigner, LOG_KEY_FILE } = await import('./keys.js');
    const dir = mkdtempSync(join(tmpdir(), 'multitude-logkey-'));
    const first = loadOrCreateLogSigner(dir, 'example.org/log');
    expect(first.name).toBe('example.org/log');
    expect(statSync(join(dir, LOG_KEY_FILE)).mode & 0o777).toBe(0o600);
    const again = loadOrCreateLogSigner(dir, 'example.org/log');
    expect(verifierKeyString(again.verifier)).toBe(verifierKeyString(first.verifier));
  });
});
