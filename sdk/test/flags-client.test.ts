// The SDK's flags against a real Multitude server on a loopback port: local evaluation of the downloaded ruleset,
// SSE streaming of changes (within a second), ETag polling, the OpenFeature provider, and a stream reader that
// never reads being disconnected.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature } from '@openfeature/server-sdk';
import type { TestApp } from '../../server/src/testing/harness.js';
import { flagsTestApp, type FlagsTestApp } from '../../server/src/testing/flags.js';
import { FlagsClient } from '../src/flags/client.js';
import { MultitudeProvider } from '../src/flags/openfeature.js';

let t: TestApp;
let base: string;
let appId: string;
let key: string;
let api: FlagsTestApp['api'];

beforeAll(async () => {
  ({ t, base, appId, key, api } = await flagsTestApp('SDK flags', [
    { key: 'banner', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' },
    { key: 'theme', type: 'object', variants: { light: { bg: '#fff' }, dark: { bg: '#000' } }, offVariant: 'light' },
  ]));
});
afterAll(async () => {
  await OpenFeature.close();
  await t?.cleanup();
});

describe('flags in the SDK', () => {
  it('streams a change, and the OpenFeature provider evaluates locally', async () => {
    const sdk = new FlagsClient({ baseUrl: base, serverKey: key });
    await OpenFeature.setProviderAndWait('local', new MultitudeProvider(sdk));
    const client = OpenFeature.getClient('local');
    expect(await client.getBooleanValue('banner', true, { targetingKey: 'u' })).toBe(false);
    const changed = new Promise<number>((resolve) => sdk.onChange(() => resolve(Date.now())));
    const started = Date.now();
    const res = await api('PATCH', `/apps/${appId}/flags/banner/environments/production`, {
      enabled: true,
      fallthrough: { variant: 'on' },
      reason: 'launch',
    });
    expect(res.statusCode, res.body).toBe(200);
    // How fast is bench:iteration's business; here the change must come over the stream, well before the 30 s poll.
    expect((await changed) - started).toBeLessThan(15_000);
    expect(await client.getBooleanDetails('banner', false, { targetingKey: 'u' })).toMatchObject({
      value: true,
      variant: 'on',
      reason: 'STATIC',
    });
    expect(await client.getObjectValue('theme', {}, {})).toEqual({ bg: '#fff' });
    expect((await client.getStringDetails('banner', 'x', {})).errorCode).toBe('TYPE_MISMATCH');
    expect((await client.getBooleanDetails('nope', true, {})).errorCode).toBe('FLAG_NOT_FOUND');
    // the polling fallback: the ruleset endpoint answers 304 to the SDK's ETag
    const poll = await fetch(`${base}/api/v1/flags/ruleset?environment=production`, {
      headers: { authorization: `Bearer ${key}`, 'if-none-match': sdk.version! },
    });
    expect(poll.status).toBe(304);
  });

  it('polls with the ETag when streaming is off', async () => {
    const sdk = new FlagsClient({ baseUrl: base, serverKey: key, streaming: false, pollIntervalMs: 100 });
    await sdk.start();
    expect(sdk.evaluate('theme', {}).value).toEqual({ bg: '#fff' });
    const changed = new Promise<void>((resolve) => sdk.onChange(() => resolve()));
    await api('PATCH', `/apps/${appId}/flags/theme/environments/production`, {
      enabled: true,
      fallthrough: { variant: 'dark' },
      reason: 'dark by default',
    });
    await changed;
    expect(sdk.evaluate('theme', {}).value).toEqual({ bg: '#000' });
    sdk.close();
  });

  it('disconnects a stream reader that never reads', async () => {
    await OpenFeature.close(); // the first test's stream ends: only the slow reader below listens
    const big = await api('POST', `/apps/${appId}/flags`, {
      key: 'big',
      type: 'object',
      variants: { a: { blob: 'x'.repeat(300_000) }, b: { blob: 'y'.repeat(300_000) } },
      offVariant: 'a',
      reason: 'a heavy payload',
    });
    expect(big.statusCode).toBe(201);
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.pause(); // never reads
    socket.write(
      `GET /api/v1/flags/stream HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${key}\r\naccept: text/event-stream\r\n\r\n`,
    );
    while (t.flags.service.subscriberCount() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    // Each change pushes the whole ruleset (over 600 kB) to the reader, whose socket buffers fill up, then ours.
    let pushes = 0;
    while (t.flags.service.subscriberCount() > 0 && pushes < 100) {
      pushes++;
      const res = await api('PATCH', `/apps/${appId}/flags/big/environments/production`, {
        offVariant: pushes % 2 ? 'b' : 'a',
        reason: `push ${pushes}`,
      });
      expect(res.statusCode).toBe(200);
    }
    expect(t.flags.service.subscriberCount()).toBe(0);
    expect(pushes).toBeGreaterThan(1);
    socket.destroy();
  }, 60_000);
});
