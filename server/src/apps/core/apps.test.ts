import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { sha256 } from '../../kernel/crypto.js';

let t: TestApp;
let s: Session;
beforeAll(async () => {
  t = await createTestApp();
  s = await register(t.app, 'apps');
});
afterAll(async () => t.cleanup());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, session: Session, payload?: object) =>
  t.app.inject({ method, url: `/api/v1${url}`, headers: asSession(session), ...(payload ? { payload } : {}) });
const newApp = (body: object = {}, session = s) =>
  api('POST', '/apps', session, {
    name: 'Explorer',
    description: 'Maps datasets',
    redirectUris: ['https://explorer.example/callback'],
    ...body,
  });

describe('apps (OAuth clients)', () => {
  it('registers an app, shows the client secret once and stores only its SHA-256', async () => {
    const res = await newApp({
      homepage: 'https://explorer.example',
      redirectUris: ['https://explorer.example/cb?x=1', 'http://127.0.0.1:8765/cb', 'http://localhost/cb'],
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      name: 'Explorer',
      homepage: 'https://explorer.example',
      organization: null,
      owner: { handle: s.handle },
    });
    expect(body.redirectUris).toEqual([
      'https://explorer.example/cb?x=1',
      'http://127.0.0.1:8765/cb',
      'http://localhost/cb',
    ]);
    expect(body.clientId).toMatch(/^mtc_/);
    expect(body.clientSecret).toMatch(/^mts_[\w-]{43}$/);

    const row = await t.db.kysely.selectFrom('apps').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(row.clientSecretHash).toBe(sha256(body.clientSecret));
    expect(JSON.stringify(row)).not.toContain(body.clientSecret);

    const got = await api('GET', `/apps/${body.id}`, s);
    expect(got.statusCode).toBe(200);
    expect(got.json().clientSecret).toBeUndefined();
    const list = await api('GET', '/apps', s);
    expect(list.json().items.map((a: { id: string }) => a.id)).toContain(body.id);
    expect(list.body).not.toContain(body.clientSecret);
  });

  it('refuses invalid redirect URIs with 400 and the offending field', async () => {
    for (const uri of [
      'http://example.org/cb',
      'https://example.org/cb#frag',
      '/relative/cb',
      'ftp://example.org/cb',
      'javascript:alert(1)',
      'https://user:pw@example.org/cb',
      'not a uri',
      'https:example.org/cb',
      'com.example.app:/cb',
    ]) {
      const res = await newApp({ redirectUris: ['https://ok.example/cb', uri] });
      expect(res.statusCode, uri).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].field).toBe('redirectUris.1');
    }
    expect((await newApp({ name: '' })).statusCode).toBe(400);
    expect((await newApp({ name: '   ' })).json().errors[0].field).toBe('name');
    expect((await newApp({ unknown: 1 })).statusCode).toBe(400);
  });

  it("answers 404 for someone else's app, on every route", async () => {
    const { id } = (await newApp()).json();
    const other = await register(t.app, 'apps-other');
    expect((await api('GET', `/apps/${id}`, other)).statusCode).toBe(404);
    expect((await api('PATCH', `/apps/${id}`, other, { name: 'Mine now' })).statusCode).toBe(404);
    expect((await api('DELETE', `/apps/${id}`, other)).statusCode).toBe(404);
    expect((await api('POST', `/apps/${id}/client-secret`, other)).statusCode).toBe(404);
    expect((await api('GET', '/apps', other)).json().items).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/apps/${id}` })).statusCode).toBe(401);
  });

  it('updates, resets the client secret (shown once) and soft-deletes', async () => {
    const created = (await newApp()).json();
    const patched = await api('PATCH', `/apps/${created.id}`, s, {
      name: 'Renamed',
      redirectUris: ['https://renamed.example/cb'],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Renamed', redirectUris: ['https://renamed.example/cb'] });
    expect(
      (await api('PATCH', `/apps/${created.id}`, s, { redirectUris: ['http://evil.example/cb'] })).statusCode,
    ).toBe(400);

    const reset = await api('POST', `/apps/${created.id}/client-secret`, s);
    expect(reset.statusCode).toBe(200);
    expect(reset.json().clientSecret).not.toBe(created.clientSecret);
    const client = await t.apps.clientRegistry.findByClientId(created.clientId);
    expect(client?.clientSecretHash).toBe(sha256(reset.json().clientSecret));
    expect(client?.redirectUris).toEqual(['https://renamed.example/cb']);
    expect(client?.allowedScopes).toContain('data:read');
    expect(client?.allowedScopes).not.toContain('personal-data:read');

    expect((await api('DELETE', `/apps/${created.id}`, s)).statusCode).toBe(204);
    expect((await api('GET', `/apps/${created.id}`, s)).statusCode).toBe(404);
    expect(await t.apps.clientRegistry.findByClientId(created.clientId)).toBeUndefined();
    const events = await t.db.kysely.selectFrom('events').select('type').where('subjectId', '=', created.id).execute();
    expect(events.map((e) => e.type).sort()).toEqual([
      'app.client_secret_reset',
      'app.deleted',
      'app.registered',
      'app.updated',
    ]);
  });

  it('registers apps for an organization only as its owner or admin; its admins then see them', async () => {
    const org = await api('POST', '/organizations', s, { name: 'Apps Org', slug: `apps-org-${process.pid}` });
    expect(org.statusCode).toBe(201);
    const slug = org.json().slug;
    const created = await newApp({ organization: slug });
    expect(created.statusCode).toBe(201);
    expect(created.json().organization).toMatchObject({ slug });

    const outsider = await register(t.app, 'apps-outsider');
    expect((await newApp({ organization: slug }, outsider)).statusCode).toBe(403);
    expect((await newApp({ organization: 'no-such-org-here' }, outsider)).statusCode).toBe(400);
    expect((await api('GET', `/apps/${created.json().id}`, outsider)).statusCode).toBe(404);
  });

  it('paginates the list with a cursor', async () => {
    const u = await register(t.app, 'apps-pages');
    for (const name of ['A', 'B', 'C']) expect((await newApp({ name }, u)).statusCode).toBe(201);
    const first = await api('GET', '/apps?_limit=2', u);
    expect(first.json().items.map((a: { name: string }) => a.name)).toEqual(['C', 'B']);
    const next = new URL(first.json().next);
    const second = await api('GET', `/apps${next.search}`, u);
    expect(second.json().items.map((a: { name: string }) => a.name)).toEqual(['A']);
    expect(second.json().next).toBeNull();
    expect((await api('GET', '/apps?_cursor=garbage', u)).statusCode).toBe(400);
  });
});
