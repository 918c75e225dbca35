/**
 * Caches across instances (issue 16, item 3): two instances of one platform on one database. A key or token revoked
 * through one stops working on the other within 1 s (not the caches' 5 s), a table write through one drops the
 * other's cached query results, and a session opened on one is valid, CSRF included, on the other. The bus is
 * PostgreSQL LISTEN/NOTIFY on the PostgreSQL run, Redis pub/sub on the SQLite run (skipped without Redis).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addInstance, type TestInstance } from '../../src/testing/cluster.js';
import { newApp, newUser, type TestUser } from '../../src/testing/fixtures.js';
import { asSession, createTestApp, testDialect, type TestApp } from '../../src/testing/harness.js';

const redisUrl = process.env.MULTITUDE_TEST_REDIS_URL;
const runnable = testDialect === 'postgres' || !!redisUrl;

let a: TestApp;
let b: TestInstance;
let owner: TestUser;

beforeAll(async () => {
  if (!runnable) return;
  const config =
    testDialect === 'sqlite'
      ? { redisUrl, rateLimitPrefix: `t${randomBytes(4).toString('hex')}:` }
      : { redisUrl: undefined };
  a = await createTestApp({ config });
  b = await addInstance(a);
  owner = await newUser(a, { prefix: 'bus-owner' });
});
afterAll(async () => {
  await b?.cleanup();
  await a?.cleanup();
});

/** Polls until `probe` is true; returns the time it took (fails past `limitMs`). */
async function within(limitMs: number, probe: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - start;
    if (Date.now() - start > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.skipIf(!runnable)('caches across two instances', () => {
  it('uses the expected transport', () => {
    expect(a.cluster.bus.transport).toBe(testDialect === 'postgres' ? 'postgres' : 'redis');
  });

  it('stops a revoked API key on the other instance within 1 s', async () => {
    const { app, key } = await newApp(a, owner, { scopes: ['data:read'] });
    const withKey = (t: TestApp | TestInstance) =>
      t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${key!.key}` } });
    // B resolves the key and keeps it in its cache (an app's key is known, though it is nobody's profile).
    const known = (await withKey(b)).statusCode;
    expect(known).not.toBe(401);
    expect((await withKey(b)).statusCode).toBe(known);
    await a.apps.appsCore.keys.revoke(owner.actor, app.id, key!.id);
    const took = await within(1000, async () => (await withKey(b)).statusCode === 401);
    expect(took).toBeLessThan(1000);
    expect((await withKey(a)).statusCode).toBe(401);
  });

  it("stops a revoked capture key, or a deleted app's, on the other instance within 1 s", async () => {
    const { app } = await newApp(a, owner);
    const revoked = await a.capture.service.keys.create(owner.actor, app.id, { name: 'web', origins: [] });
    const kept = await a.capture.service.keys.create(owner.actor, app.id, { name: 'web', origins: [] });
    const capture = (t: TestApp | TestInstance, key: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/capture',
        payload: { batch: randomUUID(), key, events: [{ name: 'bus' }] },
      });
    // B resolves both keys (and their app) and keeps them in its cache.
    expect((await capture(b, revoked.key)).statusCode).toBe(200);
    expect((await capture(b, kept.key)).statusCode).toBe(200);
    await a.capture.service.keys.revoke(owner.actor, app.id, revoked.id);
    expect(await within(1000, async () => (await capture(b, revoked.key)).statusCode === 401)).toBeLessThan(1000);
    expect((await capture(b, kept.key)).statusCode).toBe(200);
    await a.apps.appsCore.apps.remove(owner.actor, app.id);
    expect(await within(1000, async () => (await capture(b, kept.key)).statusCode === 401)).toBeLessThan(1000);
  });

  it('stops a revoked personal token on the other instance within 1 s', async () => {
    const token = await a.platform.tokens.create(owner.actor, { name: 'cli', scopes: ['profile:read'] });
    const me = (t: TestApp | TestInstance) =>
      t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: `Bearer ${token.token}` } });
    expect((await me(b)).statusCode).toBe(200);
    await a.platform.tokens.revoke(owner.actor, token.id);
    const took = await within(1000, async () => (await me(b)).statusCode === 401);
    expect(took).toBeLessThan(1000);
  });

  it("drops the other instance's cached query results when a table is written", async () => {
    const table = `rows_bus${randomBytes(4).toString('hex')}`;
    expect(await b.cluster.queryCache.get(table, 'count', async () => 1)).toBe(1);
    expect(await b.cluster.queryCache.get(table, 'count', async () => 2)).toBe(1);
    a.cluster.queryCache.invalidate(table);
    await within(1000, async () => (await b.cluster.queryCache.get(table, 'count', async () => 3)) === 3);
    // Its own invalidations are not echoed back: A's entries stay until A writes.
    expect(await a.cluster.queryCache.get(table, 'count', async () => 4)).toBe(4);
    b.cluster.queryCache.invalidate(table);
    await within(1000, async () => (await a.cluster.queryCache.get(table, 'count', async () => 5)) === 5);
  });

  it('accepts a session and its CSRF token on either instance', async () => {
    const user = await newUser(a, { prefix: 'bus-session' });
    const res = await b.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(user),
      payload: { title: 'Anywhere', license: 'etalab-2.0' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const forged = await b.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: { ...asSession(user), 'x-csrf-token': 'not-the-token' },
      payload: { title: 'Forged', license: 'etalab-2.0' },
    });
    expect(forged.statusCode).toBe(403);
  });
});
