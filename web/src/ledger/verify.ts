/**
 * Checking the transparency log in the browser, with Web Crypto only: the checkpoint's Ed25519 signature (C2SP
 * signed-note), and an entry's RFC 9162 inclusion proof against the signed root. Nothing here trusts the server's
 * word: hashes are recomputed from the entry's text.
 */

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
}

export class VerificationError extends Error {
  override name = 'VerificationError';
}

const utf8 = new TextEncoder();

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Opens a signed note with a verifier key `<name>+<hex key hash>+<base64 of 0x01 ‖ Ed25519 key>` and returns its
 * checkpoint. Throws VerificationError when no signature by that key verifies.
 */
export async function openCheckpoint(note: string, verifierKey: string): Promise<Checkpoint> {
  const [name, hash, key] = splitKey(verifierKey.trim());
  if (!name || !hash || !key) throw new VerificationError('malformed verifier key');
  const typed = fromBase64(key);
  if (typed.length !== 33 || typed[0] !== 1) throw new VerificationError('not an Ed25519 verifier key');
  const expectedHash = toHex((await sha256(utf8.encode(`${name}\n`), typed)).slice(0, 4));
  if (expectedHash !== hash) throw new VerificationError('the verifier key hash does not match its key');

  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new VerificationError('malformed note');
  const text = note.slice(0, split + 1);
  const signatures = note
    .slice(split + 2)
    .split('\n')
    .filter(Boolean);
  const publicKey = await crypto.subtle.importKey('raw', typed.slice(1), { name: 'Ed25519' }, false, ['verify']);
  let verified = false;
  for (const line of signatures) {
    const m = /^— (\S+) (\S+)$/u.exec(line);
    if (!m || m[1] !== name) continue;
    const sig = fromBase64(m[2]!);
    if (sig.length !== 68 || toHex(sig.slice(0, 4)) !== hash) continue;
    if (await crypto.subtle.verify('Ed25519', publicKey, sig.slice(4), utf8.encode(text))) verified = true;
  }
  if (!verified) throw new VerificationError('no valid signature by the log’s key');

  const [origin, size, root] = text.split('\n');
  if (!origin || !size || !/^(0|[1-9]\d*)$/.test(size) || !root) throw new VerificationError('malformed checkpoint');
  return { origin, size: Number(size), rootHash: fromBase64(root) };
}

function splitKey(key: string): [string, string, string] | [] {
  const first = key.indexOf('+');
  const second = key.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return [];
  return [key.slice(0, first), key.slice(first + 1, second), key.slice(second + 1)];
}

/** RFC 9162 §2.1.3.2: the root a leaf and its inclusion proof lead to, or an error. */
export async function verifyInclusion(
  index: number,
  size: number,
  entry: string,
  proof: string[],
  root: Uint8Array,
): Promise<Uint8Array> {
  if (!(index >= 0 && index < size)) throw new VerificationError(`entry ${index} is beyond the tree of ${size}`);
  const leaf = await sha256(Uint8Array.of(0), utf8.encode(entry));
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof.map(fromBase64)) {
    if (sn === 0) throw new VerificationError('the proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0 || !equal(r, root)) throw new VerificationError('the proof does not lead to the signed root');
  return leaf;
}
