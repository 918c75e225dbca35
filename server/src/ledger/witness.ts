/**
 * `multitude log witness <base-url>`: cosigns another instance's checkpoints, as a C2SP witness. It first verifies
 * the log as `log verify` does (pinned key, every entry and tile, and the last witnessed checkpoint a prefix of the
 * new one: a witness never cosigns a fork or a rewritten past), then cosigns exactly the checkpoint it verified
 * and hands the cosignature to the instance, which publishes it under that checkpoint.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { cosign, parseWitnessKey } from './cosignature.js';
import { COSIGNATURE_V1, generateSignerKey, parseSignerKey, verifierKeyString } from './note.js';
import { verifyLog, VerifyError, type VerifyResult } from './verify.js';

export interface WitnessOptions {
  baseUrl: string;
  /** The file holding the witness's private key (`multitude log witness-key`). */
  keyFile: string;
  /** The log's verifier key, pinned on first use. */
  logKey?: string;
  stateFile: string;
  fetch?: typeof fetch;
  now?: () => Date;
}

export interface WitnessResult extends VerifyResult {
  witness: string;
  added: boolean;
}

/** A new witness key in `file` (readable by its owner only); returns the verifier key to give the log's operator. */
export function createWitnessKey(name: string, file: string): string {
  const key = generateSignerKey(name, COSIGNATURE_V1);
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return verifierKeyString(parseSignerKey(key, COSIGNATURE_V1).verifier);
}

export async function witnessLog(options: WitnessOptions): Promise<WitnessResult> {
  let witness;
  try {
    witness = parseWitnessKey(readFileSync(options.keyFile, 'utf8'));
  } catch (error) {
    throw new VerifyError(`${options.keyFile} does not hold a witness key: ${(error as Error).message}`);
  }
  const verified = await verifyLog({
    baseUrl: options.baseUrl,
    key: options.logKey,
    stateFile: options.stateFile,
    fetch: options.fetch,
  });
  const text = verified.note.slice(0, verified.note.lastIndexOf('\n\n') + 1);
  const timestamp = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const line = cosign(text, witness, timestamp);
  const base = options.baseUrl.replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  const res = await doFetch(`${base}/api/v1/log/cosignatures`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: verified.size, cosignature: line }),
  });
  if (res.status !== 200 && res.status !== 201) {
    const problem = (await res.json().catch(() => ({}))) as { detail?: string };
    throw new VerifyError(
      `the log refused the cosignature (${res.status}${problem.detail ? `: ${problem.detail}` : ''}); is ${verifierKeyString(witness.verifier)} in its MULTITUDE_LOG_WITNESSES?`,
    );
  }
  return { ...verified, witness: witness.name, added: res.status === 201 };
}
