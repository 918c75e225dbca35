import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../testing/harness.js';
import { emitPublished, runCli } from './test-support.js';
import {
  checkCosignature,
  cosign,
  cosignatureMessage,
  parseWitnessKey,
  parseWitnessVerifierKey,
} from './cosignature.js';
import { COSIGNATURE_V1, generateSignerKey, NoteError, openNote, parseVerifierKey } from './note.js';
import { createWitnessKey } from './witness.js';

const dir = mkdtempSync(join(tmpdir(), 'multitude-witness-'));
const witnessFile = join(dir, 'witness.key');
const witnessKey = createWitnessKey('witness.example.org', witnessFile);
const strangerFile = join(dir, 'stranger.key');
createWitnessKey('stranger.example.org', strangerFile);

let t: TestApp;
let baseUrl: string;
let logKey: string;

const post = (body: object) => t.app.inject({ method: 'POST', url: '/api/v1/log/cosignatures', payload: body });

beforeAll(async () => {
  t = await createTestApp({ config: { logWitnesses: [witnessKey] } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}`;
  logKey = (await (await fetch(`${baseUrl}/log/key`)).text()).trim();
  await emitPublished(t, 40, { prefix: 'w' });
});
afterAll(async () => t?.cleanup());
afterEach(() => vi.restoreAllMocks());

describe('C2SP tlog-cosignature', () => {
  it('signs `cosignature/v1`, the time and the checkpoint with a 0x04 key, and checks it', () => {
    const signer = parseWitnessKey(generateSignerKey('w.example', COSIGNATURE_V1));
    const verifier = parseWitnessVerifierKey(witnessKey);
    expect(Buffer.from(witnessKey.split('+')[2]!, 'base64')[0]).toBe(0x04);
    const text = 'example.com/log\n12\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    expect(cosignatureMessage(text, 1679315147).toString()).toBe(`cosignature/v1\ntime 1679315147\n${text}`);
    const line = cosign(text, signer, 1679315147);
    const bytes = Buffer.from(line.split(' ')[2]!, 'base64');
    expect(bytes).toHaveLength(4 + 8 + 64);
    expect(bytes.readBigUInt64BE(4)).toBe(1679315147n);
    expect(checkCosignature(text, line, [signer.verifier])).toMatchObject({ name: 'w.example', timestamp: 1679315147 });
    // Another checkpoint, another key, a note key of type 0x01: never accepted as this cosignature.
    expect(() => checkCosignature(text.replace('12', '13'), line, [signer.verifier])).toThrow(NoteError);
    expect(checkCosignature(text, line, [verifier])).toBeUndefined();
    expect(() => parseWitnessVerifierKey(logKey)).toThrow(NoteError);
    expect(() => parseVerifierKey(witnessKey)).toThrow(NoteError);
  });
});

describe('multitude log witness', () => {
  it('has help, and makes keys', async () => {
    expect((await runCli('log', 'witness', '--help')).out).toContain('multitude log witness <base-url>');
    expect((await runCli('log', 'witness-key', '--help')).code).toBe(0);
    expect((await runCli('log', 'witness', baseUrl)).code).toBe(2);
    expect((await runCli('log', 'witness-key', '--name', 'x')).code).toBe(2);
    const made = await runCli('log', 'witness-key', '--name', 'w2.example', '--out', join(dir, 'w2.key'));
    expect(made.code).toBe(0);
    expect(made.out).toMatch(/^w2\.example\+[0-9a-f]{8}\+/m);
    // Never overwrites a key.
    expect((await runCli('log', 'witness-key', '--name', 'w2.example', '--out', join(dir, 'w2.key'))).code).toBe(1);
  });

  it('verifies, cosigns, and the instance publishes the cosignature under its checkpoint', async () => {
    const state = join(dir, 'state.json');
    const first = await runCli(
      'log',
      'witness',
      baseUrl,
      '--key-file',
      witnessFile,
      '--log-key',
      logKey,
      '--state',
      state,
    );
    expect(first.out).toContain('Cosigned localhost:3000/log at 40 entries as witness.example.org');
    expect(first.code).toBe(0);

    const served = await (await fetch(`${baseUrl}/log/checkpoint`)).text();
    const opened = openNote(served, [parseVerifierKey(logKey)]);
    expect(opened.unverified.map((s) => s.name)).toEqual(['witness.example.org']);
    const line = served.trimEnd().split('\n').at(-1)!;
    expect(checkCosignature(opened.text, line, [parseWitnessVerifierKey(witnessKey)])?.name).toBe(
      'witness.example.org',
    );

    const witnessed = await t.app.inject({ method: 'GET', url: '/api/v1/log/witnessed' });
    expect(witnessed.json()).toMatchObject({ size: 40, witnesses: [{ name: 'witness.example.org' }] });

    // The log grows: the next run proves consistency with size 40 and cosigns the new size.
    await emitPublished(t, 5, { prefix: 'w' });
    const second = await runCli('log', 'witness', baseUrl, '--key-file', witnessFile, '--state', state);
    expect(second.out).toContain('at 45 entries');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/log/witnessed' })).json().size).toBe(45);
    // Cosigning the same size again adds nothing.
    const again = await runCli('log', 'witness', baseUrl, '--key-file', witnessFile, '--state', state);
    expect(again.out).toContain('(already cosigned)');
  });

  it('refuses cosignatures from strangers, forged or misdated ones, and sizes it never signed', async () => {
    const stranger = await runCli(
      'log',
      'witness',
      baseUrl,
      '--key-file',
      strangerFile,
      '--log-key',
      logKey,
      '--state',
      join(dir, 'stranger.json'),
    );
    expect(stranger.code).toBe(1);
    expect(stranger.out).toContain('refused the cosignature (403');

    const witness = parseWitnessKey(readFileSync(witnessFile, 'utf8'));
    const cp = await t.ledger.checkpoint();
    const text = cp.note.slice(0, cp.note.lastIndexOf('\n\n') + 1);
    const now = Math.floor(Date.now() / 1000);
    // Signed over another size's text.
    const wrong = cosign(text.replace(`\n${cp.size}\n`, `\n${cp.size + 1}\n`), witness, now);
    expect((await post({ size: cp.size, cosignature: wrong })).statusCode).toBe(400);
    expect((await post({ size: cp.size, cosignature: cosign(text, witness, now + 3600) })).statusCode).toBe(400);
    expect((await post({ size: cp.size, cosignature: 'not a signature line' })).statusCode).toBe(400);
    expect((await post({ size: 999_999, cosignature: cosign(text, witness, now) })).statusCode).toBe(404);
    expect((await post({ size: -1, cosignature: 'x' })).statusCode).toBe(400);
  });
});
