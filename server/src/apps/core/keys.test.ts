import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { sha256 } from '../../kernel/crypto.js';

let t: TestApp;
let s: Session;
// Time moves forward when a test says so (keys expire by the clock, whatever an instance has cached).
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
let appId: string;
beforeAll(async () => {
  t = await createTestApp({ clock });
  s = await register(t.app, 'keys');
  appId = (await api('POST', '/apps', s, { name: 'Keyed', description: '', redirectUris: [] })).json().id;
});
afterAll(async () => t.cleanup());

function api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, session: Session, payload?: object) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: asSession(session), ...(payload ? { payload } : {}) });
}
const withKey = (key: string, method: 'GET' | 'POST' | 'PATCH' = 'GET', url = '/api/v1/datasets', payload?: object) =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
const createKey = async (body: object = {}, id = appId) => {
  const res = await api('POST', `/apps/${id}/keys`, s, {
    name: 'server',
    scopes: ['data:read', 'profile:read'],
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; key: string; prefix: string; scopes: string[] };
};
function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): { code: string } },
  status: number,
  code: string,
) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json().code).toBe(code);
}

describe('API keys', () => {
  it('returns the key once (mtk_ + 43 characters), lists the prefix only, stores a SHA-256 hash', async () => {
    const created = await createKey();
    expect(created.key).toMatch(/^mtk_[\w-]{43}$/);
    expect(created.prefix).toBe(created.key.slice(0, 12));
    const list = await api('GET', `/apps/${appId}/keys`, s);
    expect(list.statusCode).toBe(200);
    expect(list.json().items.find((k: { id: string }) => k.id === created.id)).toMatchObject({
      prefix: created.prefix,
      status: 'active',
      scopes: ['data:read', 'profile:read'],
      lastUsedAt: null,
    });
    expect(list.body).not.toContain(created.key);
    const row = await t.db.kysely
      .selectFrom('appKeys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row.secretHash).toBe(sha256(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key);
  });

  it('authenticates calls to the data API as the developer, through the app, and records last use', async () => {
    const { key, id } = await createKey();
    const res = await withKey(key);
    expect(res.statusCode).toBe(200);
    expect(Array.isArray(res.json().items)).toBe(true);
    const me = await withKey(key, 'GET', '/api/v1/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ handle: s.handle });
    const keys = (await api('GET', `/apps/${appId}/keys`, s)).json().items;
    expect(keys.find((k: { id: string }) => k.id === id).lastUsedAt).not.toBeNull();
  });

  it('answers 401 problem+json for wrong, expired, revoked keys and keys of a deleted app', async () => {
    expectProblem(await withKey('mtk_' + 'x'.repeat(43)), 401, 'unauthenticated');
    expectProblem(await withKey('mtk_'), 401, 'unauthenticated');

    const expiring = await createKey({ expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    expect((await withKey(expiring.key)).statusCode).toBe(200);
    clock.offsetMs = 3601_000;
    expectProblem(await withKey(expiring.key), 401, 'unauthenticated');
    expect(
      (await api('GET', `/apps/${appId}/keys`, s)).json().items.find((k: { id: string }) => k.id === expiring.id)
        .status,
    ).toBe('expired');
    clock.offsetMs = 0;

    const revoked = await createKey();
    expect((await withKey(revoked.key)).statusCode).toBe(200);
    expect((await api('DELETE', `/apps/${appId}/keys/${revoked.id}`, s)).statusCode).toBe(204);
    expectProblem(await withKey(revoked.key), 401, 'unauthenticated');
    expect((await api('DELETE', `/apps/${appId}/keys/${revoked.id}`, s)).statusCode).toBe(404);

    const doomed = (await api('POST', '/apps', s, { name: 'Doomed', description: '', redirectUris: [] })).json();
    const doomedKey = await createKey({}, doomed.id);
    expect((await withKey(doomedKey.key)).statusCode).toBe(200);
    expect((await api('DELETE', `/apps/${doomed.id}`, s)).statusCode).toBe(204);
    expectProblem(await withKey(doomedKey.key), 401, 'unauthenticated');
  });

  it('rotates: the new key works, the old one works during the overlap and answers 401 after it', async () => {
    const old = await createKey({ name: 'rotating' });
    const rotated = await api('POST', `/apps/${appId}/keys/${old.id}/rotate`, s, { overlapSeconds: 3600 });
    expect(rotated.statusCode).toBe(200);
    const { key, previous } = rotated.json();
    expect(key.key).toMatch(/^mtk_/);
    expect(key.key).not.toBe(old.key);
    expect(key).toMatchObject({ name: 'rotating', scopes: old.scopes, status: 'active' });
    expect(previous).toMatchObject({ id: old.id, replacedBy: key.id, status: 'rotating' });
    expect(Math.abs(new Date(previous.expiresAt).getTime() - (Date.now() + 3600_000))).toBeLessThan(60_000);
    expect((await withKey(key.key)).statusCode).toBe(200);
    expect((await withKey(old.key)).statusCode).toBe(200);
    // Rotating the old key again is a conflict.
    expectProblem(await api('POST', `/apps/${appId}/keys/${old.id}/rotate`, s, {}), 409, 'conflict');

    // The overlap ends: the old key answers 401, the new one keeps working.
    clock.offsetMs = 3601_000;
    expectProblem(await withKey(old.key), 401, 'unauthenticated');
    expect((await withKey(key.key)).statusCode).toBe(200);
    clock.offsetMs = 0;

    // No body: the default overlap of 24 hours; overlap 0 ends the old key at once.
    const other = await createKey();
    const byDefault = await t.app.inject({
      method: 'POST',
      url: `/api/v1/apps/${appId}/keys/${other.id}/rotate`,
      headers: asSession(s),
    });
    expect(byDefault.statusCode, byDefault.body).toBe(200);
    expect(new Date(byDefault.json().previous.expiresAt).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const third = await createKey();
    expect((await api('POST', `/apps/${appId}/keys/${third.id}/rotate`, s, { overlapSeconds: 0 })).statusCode).toBe(
      200,
    );
    expectProblem(await withKey(third.key), 401, 'unauthenticated');
    expect(
      (await api('POST', `/apps/${appId}/keys/${third.id}/rotate`, s, { overlapSeconds: 31 * 24 * 3600 })).statusCode,
    ).toBe(400);
  });

  it('refuses calls outside the key scopes with 403 insufficient_scope', async () => {
    const { key } = await createKey({ scopes: ['data:read'] });
    expectProblem(await withKey(key, 'PATCH', '/api/v1/me', { name: 'Nope' }), 403, 'insufficient_scope');
    expectProblem(await withKey(key, 'GET', '/api/v1/me'), 403, 'insufficient_scope');
  });

  it('refuses sensitive scopes without an approved accreditation (403 accreditation_required)', async () => {
    const res = await api('POST', `/apps/${appId}/keys`, s, {
      name: 'too much',
      scopes: ['data:read', 'personal-data:read'],
    });
    expectProblem(res, 403, 'accreditation_required');
    expect(res.json().detail).toContain('personal-data:read');
  });

  it("validates input and hides someone else's app and keys (404)", async () => {
    expect((await api('POST', `/apps/${appId}/keys`, s, { name: 'x', scopes: ['root'] })).statusCode).toBe(400);
    expect((await api('POST', `/apps/${appId}/keys`, s, { name: 'x', scopes: [] })).statusCode).toBe(400);
    const past = await api('POST', `/apps/${appId}/keys`, s, {
      name: 'x',
      scopes: ['data:read'],
      expiresAt: '2001-01-01T00:00:00Z',
    });
    expectProblem(past, 400, 'validation_failed');
    expect(past.json().errors[0].field).toBe('expiresAt');

    const { id } = await createKey();
    const other = await register(t.app, 'keys-other');
    expect((await api('GET', `/apps/${appId}/keys`, other)).statusCode).toBe(404);
    expect((await api('POST', `/apps/${appId}/keys`, other, { name: 'x', scopes: ['data:read'] })).statusCode).toBe(
      404,
    );
    expect((await api('POST', `/apps/${appId}/keys/${id}/rotate`, other, {})).statusCode).toBe(404);
    expect((await api('DELETE', `/apps/${appId}/keys/${id}`, other)).statusCode).toBe(404);
    expect((await api('DELETE', `/apps/${appId}/keys/key_nope`, s)).statusCode).toBe(404);
  });

  it("cannot mint keys or reset secrets with an app's own key, even with apps:write", async () => {
    const { key } = await createKey({ scopes: ['apps:read', 'apps:write'] });
    expect((await withKey(key, 'GET', `/api/v1/apps/${appId}/keys`)).statusCode).toBe(200);
    expectProblem(
      await withKey(key, 'POST', `/api/v1/apps/${appId}/keys`, { name: 'child', scopes: ['data:read'] }),
      403,
      'forbidden',
    );
    expectProblem(await withKey(key, 'POST', `/api/v1/apps/${appId}/client-secret`), 403, 'forbidden');
  });
});
