import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../testing/harness.js';

let t: TestApp;
let alice: Session;
let bob: Session;
beforeAll(async () => {
  t = await createTestApp();
  alice = await register(t.app, 'alice');
  bob = await register(t.app, 'bob');
  for (const name of ['Alpha', 'Beta', 'Gamma']) {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(alice),
      payload: { name: `${name} ${process.pid}` },
    });
  }
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/organizations',
    headers: asSession(bob),
    payload: { name: `Delta ${process.pid}` },
  });
  await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/tokens',
    headers: asSession(bob),
    payload: { name: 'private', scopes: ['profile:read'] },
  });
});
afterAll(async () => t.cleanup());

const get = (url: string) => t.app.inject({ method: 'GET', url: `/api/v1/activity${url}` });

describe('GET /api/v1/activity', () => {
  it('lists public events newest first, never private ones', async () => {
    const items = (await get('')).json().items as Array<{ type: string; actor: { handle: string } | null }>;
    expect(items[0]!.type).toBe('organization.created');
    expect(items.map((i) => i.type)).not.toContain('token.created');
    expect(items.map((i) => i.type)).not.toContain('user.signed_in');
  });

  it('filters by type, actor and organization', async () => {
    const byType = (await get('?type=user.registered')).json().items;
    expect(byType.length).toBe(2);
    const byActor = (await get(`?actor=${alice.handle}&type=organization.created`)).json().items;
    expect(byActor).toHaveLength(3);
    expect(byActor.every((e: { actor: { handle: string } }) => e.actor.handle === alice.handle)).toBe(true);
    const slug = `delta-${process.pid}`;
    const byOrg = (await get(`?organization=${slug}`)).json().items;
    expect(byOrg.map((e: { organization: { slug: string } }) => e.organization.slug)).toEqual([slug]);
    expect((await get('?actor=nobody-at-all')).json().items).toEqual([]);
  });

  it('tells each event as a sentence, in the language of ?lang= or Accept-Language', async () => {
    const query = `?actor=${bob.handle}&type=organization.created`;
    const [en] = (await get(query)).json().items as Array<{ text: string; actor: { name: string } }>;
    expect(en!.text).toBe(`${en!.actor.name} created the organization Delta ${process.pid}`);
    const [fr] = (await get(`${query}&lang=fr`)).json().items as Array<{ text: string }>;
    expect(fr!.text).toBe(`${en!.actor.name} a créé l’organisation Delta ${process.pid}`);
    const negotiated = await t.app.inject({
      method: 'GET',
      url: `/api/v1/activity${query}`,
      headers: { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.5' },
    });
    expect(negotiated.json().items[0].text).toBe(fr!.text);
    expect(negotiated.headers.vary).toContain('Accept-Language');
    expect((await get(`${query}&lang=de`)).statusCode).toBe(400);
  });

  it('pages with a cursor, without overlap, and a Link header', async () => {
    const all = (await get('?_limit=100')).json().items.map((e: { id: string }) => e.id);
    const seen: string[] = [];
    let url = '?_limit=2';
    for (let i = 0; i < 20 && url; i++) {
      const res = await get(url);
      seen.push(...res.json().items.map((e: { id: string }) => e.id));
      const next = res.json().next as string | null;
      if (next) expect(res.headers.link).toContain('rel="next"');
      url = next ? new URL(next).search : '';
    }
    expect(seen).toEqual(all);
  });

  it.each(['?_cursor=%%%', '?_cursor=eyJ4IjoxfQ', '?_limit=0', '?_limit=1e9', '?type=DROP%20TABLE', '?unknown=1'])(
    'answers 400 problem+json to %s',
    async (query) => {
      const res = await get(query);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    },
  );
});
