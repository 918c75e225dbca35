import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';

let t: TestApp;
let s: Session;
beforeAll(async () => {
  t = await createTestApp();
  s = await register(t.app, 'tok');
});
afterAll(async () => t.cleanup());

const create = (body: object, session = s) =>
  t.app.inject({ method: 'POST', url: '/api/v1/me/tokens', headers: asSession(session), payload: body });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('personal access tokens', () => {
  it('returns the secret once, lists only the prefix, and stores a SHA-256 hash', async () => {
    const res = await create({ name: 'laptop', scopes: ['profile:read', 'organizations:read'] });
    expect(res.statusCode).toBe(201);
    const { token, prefix, id } = res.json();
    expect(token).toMatch(/^mtp_[\w-]{43}$/);
    expect(token.startsWith(prefix)).toBe(true);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/me/tokens', headers: { cookie: s.cookie } });
    const item = list.json().items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({
      name: 'laptop',
      prefix,
      scopes: ['profile:read', 'organizations:read'],
      lastUsedAt: null,
    });
    expect(JSON.stringify(list.json())).not.toContain(token);
    const stored = await t.db.kysely
      .selectFrom('personalTokens')
      .select('tokenHash')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.tokenHash).not.toContain(token);
  });

  it('authenticates API calls with Authorization: Bearer and records last use', async () => {
    const { token, id } = (await create({ name: 'cli', scopes: ['profile:read'] })).json();
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ handle: s.handle, authenticatedBy: 'token' });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/me/tokens', headers: { cookie: s.cookie } });
    expect(list.json().items.find((i: { id: string }) => i.id === id).lastUsedAt).not.toBeNull();
  });

  it('needs no CSRF header for token-authenticated mutations', async () => {
    const { token } = (await create({ name: 'writer', scopes: ['profile:read', 'profile:write'] })).json();
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: bearer(token),
      payload: { name: 'Via token' },
    });
    expect(res.statusCode).toBe(200);
  });

  it('refuses calls outside the token scopes with 403 insufficient_scope', async () => {
    const { token } = (await create({ name: 'narrow', scopes: ['profile:read'] })).json();
    const res = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: bearer(token),
      payload: { name: 'Nope' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('insufficient_scope');
    const org = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: bearer(token),
      payload: { name: 'Scoped out' },
    });
    expect(org.statusCode).toBe(403);
  });

  it('cannot mint or list tokens with a token (session only)', async () => {
    const { token } = (
      await create({ name: 'all', scopes: ['profile:read', 'profile:write', 'organizations:write'] })
    ).json();
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/tokens',
      headers: bearer(token),
      payload: { name: 'child', scopes: ['profile:read'] },
    });
    expect(res.statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me/tokens', headers: bearer(token) })).statusCode).toBe(
      403,
    );
  });

  it('rejects revoked, expired, unknown and malformed tokens with 401', async () => {
    const { token, id } = (await create({ name: 'revoke me', scopes: ['profile:read'] })).json();
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${id}`, headers: asSession(s) })).statusCode,
    ).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) })).statusCode).toBe(401);
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${id}`, headers: asSession(s) })).statusCode,
    ).toBe(404);

    const soon = new Date(Date.now() + 1500).toISOString();
    const expiring = (await create({ name: 'short-lived', scopes: ['profile:read'], expiresAt: soon })).json();
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(expiring.token) })).statusCode).toBe(
      200,
    );
    await new Promise((r) => setTimeout(r, 1600));
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(expiring.token) })).statusCode).toBe(
      401,
    );

    expect((await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer('mtp_unknown') })).statusCode).toBe(
      401,
    );
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Basic abc' } })).statusCode,
    ).toBe(401);
  });

  it("cannot revoke someone else's token (404, not 403)", async () => {
    const other = await register(t.app, 'tok-other');
    const { id } = (await create({ name: 'mine', scopes: ['profile:read'] })).json();
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/me/tokens/${id}`, headers: asSession(other) })).statusCode,
    ).toBe(404);
  });

  it('validates the request: unknown scope, past expiry, empty name, no scopes', async () => {
    expect((await create({ name: 'x', scopes: ['root'] })).statusCode).toBe(400);
    expect((await create({ name: 'x', scopes: [] })).statusCode).toBe(400);
    expect((await create({ name: '', scopes: ['profile:read'] })).statusCode).toBe(400);
    const past = await create({ name: 'x', scopes: ['profile:read'], expiresAt: '2001-01-01T00:00:00Z' });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0].field).toBe('expiresAt');
  });

  it('lists the scopes a token may carry', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/me/token-scopes' });
    expect(res.json().scopes.map((x: { id: string }) => x.id)).toContain('profile:read');
  });
});
