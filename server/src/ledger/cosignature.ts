/**
 * C2SP tlog-cosignature (Ed25519, `cosignature/v1`): a witness's statement that, as of a time, the checkpoint is
 * the largest consistent tree it has seen of that log.
 *
 * - A witness key is a signed-note key of type 0x04: verifier `<name>+<hash>+<base64(0x04 || public key)>`, key
 *   hash SHA-256(name || "\n" || 0x04 || public key)[:4].
 * - The signed message is `cosignature/v1\ntime <seconds>\n` followed by the checkpoint's whole note text.
 * - The signature line is `— <name> base64(key hash (4) || timestamp (u64, big-endian) || Ed25519 signature (64))`.
 */
import {
  COSIGNATURE_V1,
  decodeBase64,
  hex8,
  NoteError,
  parseSignerKey,
  parseVerifierKey,
  type NoteSigner,
  type NoteVerifier,
} from './note.js';

const DASH = '\u2014';
const MAX_TIMESTAMP = 2n ** 63n - 1n;

export interface Cosignature {
  name: string;
  keyHash: number;
  /** Seconds since the epoch, when the witness cosigned. */
  timestamp: number;
  /** The signature line, as it goes under the checkpoint. */
  line: string;
}

export const parseWitnessKey = (text: string): NoteSigner => parseSignerKey(text, COSIGNATURE_V1);
export const parseWitnessVerifierKey = (text: string): NoteVerifier => parseVerifierKey(text, COSIGNATURE_V1);

export function cosignatureMessage(checkpointText: string, timestamp: number): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`, 'utf8');
}

/** The witness's signature line for a checkpoint text (the note body, without signatures). */
export function cosign(checkpointText: string, witness: NoteSigner, timestamp: number): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new NoteError('bad cosignature timestamp');
  const head = Buffer.alloc(12);
  head.writeUInt32BE(witness.keyHash, 0);
  head.writeBigUInt64BE(BigInt(timestamp), 4);
  const signature = witness.sign(cosignatureMessage(checkpointText, timestamp));
  return `${DASH} ${witness.name} ${Buffer.concat([head, signature]).toString('base64')}`;
}

/**
 * Checks one signature line against the witnesses one trusts. Returns the cosignature, or undefined when the line
 * is by a key not in `witnesses`; throws NoteError when it is by a known witness but does not verify.
 */
export function checkCosignature(
  checkpointText: string,
  line: string,
  witnesses: NoteVerifier[],
): Cosignature | undefined {
  const m = new RegExp(`^${DASH} (\\S+) (\\S+)$`, 'u').exec(line.trim());
  if (!m) throw new NoteError('malformed cosignature line');
  const bytes = decodeBase64(m[2]!);
  if (!bytes || bytes.length !== 4 + 8 + 64) return undefined;
  const keyHash = bytes.readUInt32BE(0);
  const witness = witnesses.find((w) => w.alg === COSIGNATURE_V1 && w.name === m[1] && w.keyHash === keyHash);
  if (!witness) return undefined;
  const big = bytes.readBigUInt64BE(4);
  if (big > MAX_TIMESTAMP || big > BigInt(Number.MAX_SAFE_INTEGER)) throw new NoteError('cosignature time too far');
  const timestamp = Number(big);
  if (!witness.verify(cosignatureMessage(checkpointText, timestamp), bytes.subarray(12))) {
    throw new NoteError(`invalid cosignature by ${witness.name}+${hex8(keyHash)}`);
  }
  return { name: witness.name, keyHash, timestamp, line: `${DASH} ${m[1]} ${m[2]}` };
}
