/**
 * An app with feature flags on a test server listening on a loopback port: what the SDK's flag clients and
 * providers are tested against (a real server, a real app key with the `flags:evaluate` scope).
 */
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { asSession, type TestApp } from './harness.js';
import { listenTestApp } from './http.js';
import { newApp, newUser, type TestUser } from './fixtures.js';

export interface FlagsTestApp {
  t: TestApp;
  /** The server's base URL. */
  base: string;
  owner: TestUser;
  appId: string;
  /** The app's server key (mtk_…, `flags:evaluate` only). */
  key: string;
  /** A management call as the app's owner, under /api/v1. */
  api(method: 'POST' | 'PATCH', url: string, payload: object): Promise<LightMyRequestResponse>;
}

export async function flagsTestApp(name: string, flags: ReadonlyArray<Record<string, unknown>>): Promise<FlagsTestApp> {
  const t = await listenTestApp();
  const owner = await newUser(t, { prefix: 'sdk-flags' });
  const { app, key } = await newApp(t, owner, { name, scopes: ['flags:evaluate'] });
  const api: FlagsTestApp['api'] = (method, url, payload) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: asSession(owner), payload });
  for (const flag of flags) {
    const res = await api('POST', `/apps/${app.id}/flags`, { reason: `${name} test`, ...flag });
    expect(res.statusCode, res.body).toBe(201);
  }
  return { t, base: t.config.baseUrl, owner, appId: app.id, key: key!.key, api };
}
