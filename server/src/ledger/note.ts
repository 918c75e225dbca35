/**
 * C2SP signed-note (Ed25519) and tlog-checkpoint, with node:crypto only.
 *
 * - A note is UTF-8 text ending in a newline, a blank line, then signature lines
 *   `— <key name> <base64(key hash (4 bytes, big-endian) || signature)>`.
 * - The key hash is the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key); 0x01 is the
 *   Ed25519 signature type.
 * - A verifier key is `<name>+<key hash, 8 hex digits>+<base64(0x01 || public key)>`; a signer key is
 *   the same with `PRIVATE+KEY+` in front and the 32-byte seed in place of the public key (Go's
 *   golang.org/x/mod/sumdb/note format, so keys move between tools).
 * - A checkpoint is a note whose text is `<origin>\n<tree size>\n<base64 root hash>\n` followed by
 *   optional extension lines.
 * Opening a note checks the signatures of the keys it is given; signatures by unknown keys are
 * kept aside, never trusted.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

const ED25519 = 0x01;
/** C2SP tlog-cosignature: an Ed25519 witness key signs `cosignature/v1` messages (see cosignature.ts). */
export const COSIGNATURE_V1 = 0x04;
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const MAX_SIGNATURES = 100;
const DASH = '\u2014';

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

export interface NoteVerifier {
  /** The signature type byte: 0x01 signs notes, 0x04 cosigns checkpoints. */
  alg: number;
  name: string;
  keyHash: number;
  publicKey: Buffer;
  verify(message: Buffer, signature: Buffer): boolean;
}

export interface NoteSigner {
  name: string;
  keyHash: number;
  sign(message: Buffer): Buffer;
  verifier: NoteVerifier;
}

/** Key names: non-empty, no white space, no plus sign (the separator of key strings). */
const isKeyName = (name: string) => name.length > 0 && !/[\s+]/u.test(name);

function keyHash(name: string, typedKey: Buffer): number {
  const digest = createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(typedKey)
    .digest();
  return digest.readUInt32BE(0);
}

function splitPlus(text: string, count: number): string[] | undefined {
  const parts = text.split('+');
  if (parts.length < count) return undefined;
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join('+')];
}

export const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** Strict standard base64 (with padding): Buffer.from silently skips junk, so round-trip it. */
export function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function verifierFromPublic(name: string, publicKey: Buffer, alg = ED25519): NoteVerifier {
  const typed = Buffer.concat([Buffer.of(alg), publicKey]);
  const key = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  return {
    alg,
    name,
    keyHash: keyHash(name, typed),
    publicKey,
    verify: (message, signature) => signature.length === 64 && verify(null, message, key, signature),
  };
}

/** Parses `<name>+<hash>+<base64 key>`; throws NoteError on anything else. */
export function parseVerifierKey(text: string, alg = ED25519): NoteVerifier {
  // The base64 key may itself hold plus signs: split on the first two only.
  const parts = splitPlus(text, 3);
  if (!parts) throw new NoteError('malformed verifier key');
  const [name, hash, key] = parts as [string, string, string];
  if (!isKeyName(name) || !/^[0-9a-f]{8}$/.test(hash)) throw new NoteError('malformed verifier key');
  const typed = decodeBase64(key);
  if (!typed || typed.length !== 33 || typed[0] !== alg) throw new NoteError('unsupported or malformed key');
  const verifier = verifierFromPublic(name, typed.subarray(1), alg);
  if (verifier.keyHash !== Number.parseInt(hash, 16)) throw new NoteError('verifier key hash does not match its key');
  return verifier;
}

export function verifierKeyString(v: Pick<NoteVerifier, 'name' | 'keyHash' | 'publicKey'> & { alg?: number }): string {
  return `${v.name}+${hex8(v.keyHash)}+${Buffer.concat([Buffer.of(v.alg ?? ED25519), v.publicKey]).toString('base64')}`;
}

function signerFromSeed(name: string, seed: Buffer, alg = ED25519): NoteSigner {
  const privateKey: KeyObject = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const verifier = verifierFromPublic(name, Buffer.from(spki.subarray(SPKI_PREFIX.length)), alg);
  return {
    name,
    keyHash: verifier.keyHash,
    verifier,
    sign: (message) => sign(null, message, privateKey),
  };
}

/** Parses `PRIVATE+KEY+<name>+<hash>+<base64(0x01 || seed)>`. */
export function parseSignerKey(text: string, alg = ED25519): NoteSigner {
  const parts = splitPlus(text.trim(), 5);
  if (!parts || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new NoteError('malformed signer key');
  const [, , name, hash, key] = parts as [string, string, string, string, string];
  if (!isKeyName(name) || !/^[0-9a-f]{8}$/.test(hash)) throw new NoteError('malformed signer key');
  const typed = decodeBase64(key);
  if (!typed || typed.length !== 33 || typed[0] !== alg) throw new NoteError('unsupported or malformed key');
  const signer = signerFromSeed(name, typed.subarray(1), alg);
  if (signer.keyHash !== Number.parseInt(hash, 16)) throw new NoteError('signer key hash does not match its key');
  return signer;
}

/** A new Ed25519 signer key string for `name`. */
export function generateSignerKey(name: string, alg = ED25519): string {
  if (!isKeyName(name)) throw new NoteError('a key name has no spaces and no plus sign');
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const seed = Buffer.from(der.subarray(PKCS8_PREFIX.length));
  const signer = signerFromSeed(name, seed, alg);
  return `PRIVATE+KEY+${name}+${hex8(signer.keyHash)}+${Buffer.concat([Buffer.of(alg), seed]).toString('base64')}`;
}

function checkText(text: string): void {
  if (!text.endsWith('\n') || text.startsWith('\n')) throw new NoteError('malformed note');
  // Control characters other than newline are not allowed in note text.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) throw new NoteError('malformed note');
  }
}

/** Signs `text` with every signer, in order. */
export function signNote(text: string, signers: NoteSigner[]): string {
  checkText(text);
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((s) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(s.keyHash, 0);
    return `${DASH} ${s.name} ${Buffer.concat([head, s.sign(message)]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

export interface NoteSignature {
  name: string;
  keyHash: number;
  signature: Buffer;
}

export interface OpenedNote {
  text: string;
  /** Signatures checked against a known key. */
  verified: NoteSignature[];
  /** Signatures by keys not given (cosignatures of witnesses one does not know, for example). */
  unverified: NoteSignature[];
}

/**
 * Parses a signed note and checks its signatures against `verifiers`. Throws NoteError if the note
 * is malformed, if a known key's signature is wrong, or if no known key signed it.
 */
export function openNote(note: string, verifiers: NoteVerifier[]): OpenedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new NoteError('malformed note');
  const text = note.slice(0, split + 1);
  checkText(text);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed note');
  const message = Buffer.from(text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const m = new RegExp(`^${DASH} (\\S+) (\\S+)$`, 'u').exec(line);
    if (!m || m[1]!.includes('+')) throw new NoteError('malformed note');
    const bytes = decodeBase64(m[2]!);
    if (!bytes || bytes.length < 5) throw new NoteError('malformed note');
    const sig: NoteSignature = { name: m[1]!, keyHash: bytes.readUInt32BE(0), signature: bytes.subarray(4) };
    const id = `${sig.name}+${hex8(sig.keyHash)}`;
    // Cosignatures (0x04) sign another message: they are checked by cosignature.ts, never here.
    const known = verifiers.filter((v) => v.alg === ED25519 && v.name === sig.name && v.keyHash === sig.keyHash);
    if (known.length === 0) {
      unverified.push(sig);
      continue;
    }
    if (!known[0]!.verify(message, sig.signature)) throw new NoteError(`invalid signature for key ${id}`);
    if (!seen.has(id)) verified.push(sig);
    seen.add(id);
  }
  if (verified.length === 0) throw new NoteError('note has no verifiable signatures');
  return { text, verified, unverified };
}

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Extension lines, if any (kept, not interpreted). */
  extensions: string[];
}

export function formatCheckpoint(c: Pick<Checkpoint, 'origin' | 'size' | 'rootHash'> & { extensions?: string[] }) {
  const ext = (c.extensions ?? []).map((l) => `${l}\n`).join('');
  return `${c.origin}\n${c.size}\n${c.rootHash.toString('base64')}\n${ext}`;
}

/** Parses the text of a checkpoint note (after openNote). */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines[lines.length - 1] !== '') throw new NoteError('malformed checkpoint');
  const [origin, size, root] = lines as [string, string, string];
  if (!origin || !/^(0|[1-9]\d{0,15})$/.test(size)) throw new NoteError('malformed checkpoint');
  const n = Number(size);
  const rootHash = decodeBase64(root);
  if (!Number.isSafeInteger(n) || !rootHash || rootHash.length !== 32) throw new NoteError('malformed checkpoint');
  return { origin, size: n, rootHash, extensions: lines.slice(3, -1) };
}
