// The SDK's @openfeature/web-sdk provider against a real Multitude server on a loopback port: the four flag types
// from one OFREP bulk call, a targeting rule that flips with the static context, a change on the server reaching the
// provider (ConfigurationChanged with the new value), the polling fallback, and the spec's error answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/web-sdk';
import type { TestApp } from '../../server/src/testing/harness.js';
import { flagsTestApp, type FlagsTestApp } from '../../server/src/testing/flags.js';
import { MultitudeWebProvider } from '../src/flags/openfeature-web.js';

let t: TestApp;
let base: string;
let appId: string;
let key: string;
let api: FlagsTestApp['api'];

const flagsToCreate = [
  { key: 'banner', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' },
  { key: 'greeting', type: 'string', variants: { en: 'hello', fr: 'bonjour' }, offVariant: 'en' },
  { key: 'page-size', type: 'number', variants: { small: 10, large: 50 }, offVariant: 'small' },
  { key: 'theme', type: 'object', variants: { light: { bg: '#fff' }, dark: { bg: '#000' } }, offVariant: 'light' },
];

beforeAll(async () => {
  ({ t, base, appId, key, api } = await flagsTestApp('SDK web flags', flagsToCreate));
  // French speakers get "bonjour", everyone else the fallthrough "hello".
  const res = await api('PATCH', `/apps/${appId}/flags/greeting/environments/production`, {
    enabled: true,
    rules: [
      { id: 'fr', conditions: [{ attribute: 'lang', op: 'in', value: ['fr', 'fr-BE'] }], serve: { variant: 'fr' } },
    ],
    fallthrough: { variant: 'en' },
    reason: 'localised greeting',
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(async () => {
  await OpenFeature.close();
  await t?.cleanup();
});

describe('the OpenFeature web provider', () => {
  it('answers errors with the default value before the flags are loaded', () => {
    const provider = new MultitudeWebProvider({ baseUrl: base, apiKey: key });
    expect(provider.resolveBooleanEvaluation('banner', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'PROVIDER_NOT_READY',
    });
  });

  it('resolves every type from one bulk call, follows the context, and hears changes over the stream', async () => {
    let bulkCalls = 0;
    const counting: typeof fetch = (input, init) => {
      if (String(input).endsWith('/ofrep/v1/evaluate/flags')) bulkCalls++;
      return fetch(input, init);
    };
    const provider = new MultitudeWebProvider({ baseUrl: base, apiKey: key, fetch: counting });
    await OpenFeature.setContext('web', { targetingKey: 'user-1', lang: 'en' });
    await OpenFeature.setProviderAndWait('web', provider);
    const client = OpenFeature.getClient('web');
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(bulkCalls).toBe(1);

    expect(client.getBooleanValue('banner', true)).toBe(false);
    expect(client.getStringDetails('greeting', 'x')).toMatchObject({ value: 'hello', variant: 'en' });
    expect(client.getNumberValue('page-size', 0)).toBe(10);
    expect(client.getObjectValue('theme', {})).toEqual({ bg: '#fff' });
    expect(bulkCalls).toBe(1); // resolved from the cache

    // The static context changes: the targeting rule flips.
    await OpenFeature.setContext('web', { targetingKey: 'user-1', lang: 'fr' });
    expect(bulkCalls).toBe(2);
    expect(client.getStringDetails('greeting', 'x')).toMatchObject({
      value: 'bonjour',
      variant: 'fr',
      reason: 'TARGETING_MATCH',
    });

    // Errors per the specification: the default value, reason ERROR and the code.
    expect(client.getBooleanDetails('nope', true)).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: 'FLAG_NOT_FOUND',
    });
    expect(client.getNumberDetails('greeting', 7)).toMatchObject({
      value: 7,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
    expect(client.getObjectDetails('banner', { a: 1 })).toMatchObject({ value: { a: 1 }, errorCode: 'TYPE_MISMATCH' });

    // A change on the server reaches the provider: ConfigurationChanged names the flag, the new value is served.
    while (t.flags.service.subscriberCount() === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const changed = new Promise<string[] | undefined>((resolve) =>
      client.addHandler(ProviderEvents.ConfigurationChanged, (details) => resolve(details?.flagsChanged)),
    );
    const res = await api('PATCH', `/apps/${appId}/flags/banner/environments/production`, {
      enabled: true,
      fallthrough: { variant: 'on' },
      reason: 'launch',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await changed).toEqual(['banner']);
    expect(client.getBooleanDetails('banner', false)).toMatchObject({ value: true, variant: 'on', reason: 'STATIC' });
    await OpenFeature.clearProviders();
  });

  it('polls with the ETag when streaming is off', async () => {
    const statuses: number[] = [];
    const recording: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    };
    const provider = new MultitudeWebProvider({
      baseUrl: base,
      apiKey: key,
      streaming: false,
      pollIntervalMs: 50,
      fetch: recording,
    });
    await provider.initialize({ targetingKey: 'user-2' });
    expect(provider.resolveNumberEvaluation('page-size', 0).value).toBe(10);
    while (statuses.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statuses.slice(1)).toContain(304); // unchanged: the ETag matched
    const changed = new Promise<string[] | undefined>((resolve) =>
      provider.events.addHandler(ProviderEvents.ConfigurationChanged, (details) =>
        resolve((details as { flagsChanged?: string[] } | undefined)?.flagsChanged),
      ),
    );
    const res = await api('PATCH', `/apps/${appId}/flags/page-size/environments/production`, {
      enabled: true,
      fallthrough: { variant: 'large' },
      reason: 'bigger pages',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await changed).toEqual(['page-size']);
    expect(provider.resolveNumberEvaluation('page-size', 0)).toMatchObject({ value: 50, variant: 'large' });
    await provider.onClose();
  });

  it('fails to initialise with a key that may not evaluate flags', async () => {
    const provider = new MultitudeWebProvider({ baseUrl: base, apiKey: 'mtk_not-a-key', streaming: false });
    await expect(provider.initialize({})).rejects.toThrow(/HTTP 401/);
    expect(provider.resolveStringEvaluation('greeting', 'd')).toMatchObject({
      value: 'd',
      errorCode: 'PROVIDER_NOT_READY',
    });
  });
});
