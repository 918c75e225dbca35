import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';

let t: TestApp;
let author: Session;
let orgAdmin: Session;
let orgEditor: Session;
let stranger: Session;
let org: string;
let otherOrg: string;
let datasetA: string;
let datasetB: string;
let draft: string;
let foreign: string;

const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, session?: Session, payload?: object) =>
  t.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: session ? asSession(session) : {},
    ...(payload ? { payload } : {}),
  });

async function dataset(
  owner: Session,
  organization: string,
  title: string,
  status: 'draft' | 'published' = 'published',
) {
  const res = await api('POST', '/datasets', owner, { title, organization, license: 'etalab-2.0', status });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().slug as string;
}

let n = 0;
async function reuse(session: Session, extra: Record<string, unknown> = {}) {
  n += 1;
  const res = await api('POST', '/reuses', session, {
    title: `Carte des communes ${n}`,
    description: 'Une **carte**',
    url: 'https://example.org/carte',
    type: 'visualization',
    datasets: [datasetA],
    ...extra,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function userId(s: Session) {
  return (await api('GET', '/me', s)).json().id as string;
}

beforeAll(async () => {
  t = await createTestApp();
  author = await register(t.app, 'reu-author');
  orgAdmin = await register(t.app, 'reu-admin');
  orgEditor = await register(t.app, 'reu-editor');
  stranger = await register(t.app, 'reu-stranger');
  org = (await api('POST', '/organizations', orgAdmin, { name: `Ville des réutilisations ${process.pid}` })).json()
    .slug;
  otherOrg = (await api('POST', '/organizations', stranger, { name: `Autre ville ${process.pid}` })).json().slug;
  for (const [s, role] of [
    [orgEditor, 'editor'],
    [author, 'member'],
  ] as const) {
    const inv = await api('POST', `/organizations/${org}/invitations`, orgAdmin, { email: s.email, role });
    expect(inv.statusCode, inv.body).toBe(201);
    const mail = (await t.platform.mail.recent(200)).find((m) => m.to === s.email && m.subject.includes('invited'))!;
    const token = /token=([\w-]+)/.exec(mail.text)![1]!;
    expect((await api('POST', '/invitations/accept', s, { token })).statusCode).toBe(200);
  }
  datasetA = await dataset(orgAdmin, org, 'Découpage administratif');
  datasetB = await dataset(orgAdmin, org, 'Équipements publics');
  draft = await dataset(orgAdmin, org, 'Brouillon', 'draft');
  foreign = await dataset(stranger, otherOrg, 'Données étrangères');
});
afterAll(async () => t.cleanup());

describe('reuses: create, update, delete', () => {
  it('publishes a reuse with sanitized Markdown, normalized topics and its datasets, and announces it', async () => {
    const res = await api('POST', '/reuses', author, {
      title: 'Explorateur des communes',
      description: 'Une *appli* <script>alert(1)</script>[x](javascript:alert(1))',
      url: 'https://example.org/app',
      image: 'https://example.org/shot.png',
      type: 'application',
      topics: ['Open Data', 'open-data', ' Cartographie  '],
      datasets: [datasetA, datasetB],
      organization: org,
    });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({
      slug: 'explorateur-des-communes',
      type: 'application',
      image: 'https://example.org/shot.png',
      topics: ['cartographie', 'open-data'],
      owner: { handle: author.handle },
      organization: { slug: org },
      viewerCanEdit: true,
    });
    expect(r.datasets.map((d: { slug: string }) => d.slug)).toEqual([datasetA, datasetB]);
    expect(r.descriptionHtml).toContain('<em>appli</em>');
    expect(r.descriptionHtml).not.toContain('<script');
    expect(r.descriptionHtml).not.toContain('javascript:');
    const feed = (await api('GET', `/activity?type=reuse.published&actor=${author.handle}`)).json();
    expect(feed.items.length).toBe(1);
    // Same title again: a new slug.
    const again = await api('POST', '/reuses', author, {
      title: 'Explorateur des communes',
      description: '',
      url: 'http://example.org/b',
      type: 'other',
      datasets: [datasetA],
    });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json().slug).toBe('explorateur-des-communes-2');
  });

  it('refuses bad input with 400 problem+json', async () => {
    const base = {
      title: 'Mauvaise',
      description: '',
      url: 'https://example.org',
      type: 'article',
      datasets: [datasetA],
    };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ datasets: [] }, 'datasets'],
      [{ datasets: undefined }, 'datasets'],
      [{ datasets: ['nope-unknown'] }, 'datasets.0'],
      [{ datasets: [datasetA, draft] }, 'datasets.1'],
      [{ url: 'javascript:alert(1)' }, 'url'],
      [{ url: 'ftp://example.org/x' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ image: 'http://example.org/x.png' }, 'image'],
      [{ image: 'data:image/png;base64,AAAA' }, 'image'],
      [{ title: 'x'.repeat(201) }, 'title'],
      [{ description: 'x'.repeat(10_001) }, 'description'],
      [{ topics: Array.from({ length: 11 }, (_, i) => `t${i}`) }, 'topics'],
      [{ topics: ['!!!'] }, 'topics.0'],
      [{ type: 'spaceship' }, 'type'],
      [{ organization: otherOrg }, 'organization'],
      [{ app: 'app_doesnotexist' }, 'app'],
      [{ extra: 1 }, ''],
    ];
    for (const [patch, field] of cases) {
      const res = await api('POST', '/reuses', author, { ...base, ...patch });
      expect(res.statusCode, `${JSON.stringify(patch)} ${res.body}`).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(JSON.stringify(res.json().errors), JSON.stringify(patch)).toContain(field);
    }
    expect((await api('POST', '/reuses', undefined, base)).statusCode).toBe(401);
  });

  it('needs the reuses:write scope with a token', async () => {
    const base = { title: 'Par jeton', description: '', url: 'https://example.org', type: 'api', datasets: [datasetA] };
    const mint = async (scopes: string[]) =>
      (await api('POST', '/me/tokens', author, { name: scopes.join(' '), scopes })).json().token as string;
    const readOnly = await mint(['data:read']);
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reuses',
      headers: { authorization: `Bearer ${readOnly}` },
      payload: base,
    });
    expect(denied.statusCode, denied.body).toBe(403);
    expect(denied.json().code).toBe('insufficient_scope');
    const writer = await mint(['reuses:write']);
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reuses',
      headers: { authorization: `Bearer ${writer}` },
      payload: base,
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().owner.handle).toBe(author.handle);
  });

  it('links an app only when the author owns it', async () => {
    const now = new Date().toISOString();
    const mine = 'app_reuse_test_mine';
    const theirs = 'app_reuse_test_theirs';
    for (const [id, owner] of [
      [mine, await userId(author)],
      [theirs, await userId(stranger)],
    ] as const) {
      await t.db.kysely
        .insertInto('apps')
        .values({
          id,
          clientId: `cid_${id}`,
          clientSecretHash: 'x',
          name: id,
          description: '',
          homepage: null,
          redirectUris: '[]',
          ownerId: owner,
          organizationId: null,
          createdAt: now,
          updatedAt: now,
          deletedAt: null,
        })
        .execute();
    }
    expect((await reuse(author, { app: mine })).app).toBe(mine);
    const res = await api('POST', '/reuses', author, {
      title: 'Pas mon app',
      description: '',
      url: 'https://example.org',
      type: 'api',
      datasets: [datasetA],
      app: theirs,
    });
    expect(res.statusCode, res.body).toBe(400);
  });

  it('lets the owner or the organization admins change and delete it; others get 403', async () => {
    const r = await reuse(author, { organization: org });
    expect((await api('PATCH', `/reuses/${r.slug}`, stranger, { title: 'Volé' })).statusCode).toBe(403);
    expect((await api('PATCH', `/reuses/${r.slug}`, orgEditor, { title: 'Éditeur' })).statusCode).toBe(403);
    expect((await api('PATCH', `/reuses/${r.slug}`, undefined, { title: 'Anonyme' })).statusCode).toBe(401);
    const byOwner = await api('PATCH', `/reuses/${r.slug}`, author, {
      title: 'Nouvelle carte',
      topics: ['Élections'],
      datasets: [datasetB],
    });
    expect(byOwner.statusCode, byOwner.body).toBe(200);
    expect(byOwner.json()).toMatchObject({
      title: 'Nouvelle carte',
      topics: ['elections'],
      datasets: [{ slug: datasetB }],
    });
    const byAdmin = await api('PATCH', `/reuses/${r.slug}`, orgAdmin, { url: 'https://example.org/v2', image: null });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect(byAdmin.json()).toMatchObject({ url: 'https://example.org/v2', image: null, title: 'Nouvelle carte' });
    expect((await api('PATCH', `/reuses/${r.slug}`, author, { url: 'javascript:alert(1)' })).statusCode).toBe(400);
    expect((await api('PATCH', `/reuses/${r.slug}`, author, { datasets: [draft] })).statusCode).toBe(400);
    expect(
      (await api('GET', `/activity?type=reuse.updated&actor=${orgAdmin.handle}`)).json().items.length,
    ).toBeGreaterThan(0);

    expect((await api('DELETE', `/reuses/${r.slug}`, stranger)).statusCode).toBe(403);
    expect((await api('DELETE', `/reuses/${r.slug}`, orgAdmin)).statusCode).toBe(204);
    expect((await api('GET', `/reuses/${r.slug}`)).statusCode).toBe(404);
    expect((await api('PATCH', `/reuses/${r.slug}`, author, { title: 'Fantôme' })).statusCode).toBe(404);
    expect((await api('GET', `/activity?type=reuse.deleted&actor=${orgAdmin.handle}`)).json().items.length).toBe(1);
    const gallery = (await api('GET', '/reuses?_limit=100')).json();
    expect(gallery.items.map((x: { slug: string }) => x.slug)).not.toContain(r.slug);
  });

  it("accepts any organization's published datasets, but only their organizations may feature it", async () => {
    const r = await reuse(author, { datasets: [foreign] });
    expect(r.datasets).toEqual([{ slug: foreign, title: 'Données étrangères', organization: otherOrg }]);
    expect((await api('PUT', `/organizations/${org}/featured-reuses/${r.slug}`, orgAdmin)).statusCode).toBe(400);
    expect((await api('PUT', `/organizations/${otherOrg}/featured-reuses/${r.slug}`, stranger)).statusCode).toBe(200);
  });

  it('counts views through the event spine', async () => {
    const r = await reuse(author);
    await api('GET', `/reuses/${r.slug}`);
    await api('GET', `/reuses/${r.slug}`, stranger);
    await t.dispatcher.drain();
    expect((await api('GET', `/reuses/${r.slug}`)).json().views).toBe(2);
    // Also reachable by id (discussions know a reuse by its id).
    expect((await api('GET', `/reuses/${r.id}`)).json().slug).toBe(r.slug);
  });
});

describe('gallery, used by, featuring', () => {
  let fresh: TestApp;
  let u: Session;
  let admin: Session;
  let o: string;
  let d1: string;
  let d2: string;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, session?: Session, payload?: object) =>
    fresh.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: session ? asSession(session) : {},
      ...(payload ? { payload } : {}),
    });
  const make = async (title: string, type: string, topics: string[], datasets: string[], session = u) => {
    const res = await call('POST', '/reuses', session, {
      title,
      description: `${title} description`,
      url: 'https://example.org',
      type,
      topics,
      datasets,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().slug as string;
  };

  beforeAll(async () => {
    fresh = await createTestApp();
    u = await register(fresh.app, 'gal-user');
    admin = await register(fresh.app, 'gal-admin');
    o = (await call('POST', '/organizations', admin, { name: `Galerie ${process.pid}` })).json().slug;
    d1 = (
      await call('POST', '/datasets', admin, {
        title: 'Communes',
        organization: o,
        license: 'etalab-2.0',
        status: 'published',
      })
    ).json().slug;
    d2 = (
      await call('POST', '/datasets', admin, {
        title: 'Écoles',
        organization: o,
        license: 'etalab-2.0',
        status: 'published',
      })
    ).json().slug;
    await make('Carte des écoles', 'visualization', ['education', 'cartographie'], [d2]);
    await make('Application communes', 'application', ['communes'], [d1]);
    await make('Article population', 'article', ['communes', 'population'], [d1, d2]);
    await make('API géographique', 'api', ['cartographie'], [d1]);
    await make('Autre chose', 'other', [], [d1]);
  });
  afterAll(async () => fresh.cleanup());

  it('filters by type, topic, dataset, organization and words, with facets under the other filters', async () => {
    const all = (await call('GET', '/reuses')).json();
    expect(all.items.map((r: { title: string }) => r.title)).toEqual([
      'Autre chose',
      'API géographique',
      'Article population',
      'Application communes',
      'Carte des écoles',
    ]);
    expect(all.facets.types).toHaveLength(5);
    expect(all.facets.topics[0]).toEqual({ value: 'cartographie', count: 2 });

    const byTopic = (await call('GET', '/reuses?topic=Communes')).json();
    expect(byTopic.items.map((r: { title: string }) => r.title)).toEqual([
      'Article population',
      'Application communes',
    ]);
    // The topic facet ignores the topic filter; the type facet follows it.
    expect(byTopic.facets.types.map((f: { value: string }) => f.value).sort()).toEqual(['application', 'article']);
    expect(byTopic.facets.topics.find((f: { value: string }) => f.value === 'cartographie')).toEqual({
      value: 'cartographie',
      count: 2,
    });

    expect((await call('GET', '/reuses?type=api')).json().items.map((r: { title: string }) => r.title)).toEqual([
      'API géographique',
    ]);
    expect((await call('GET', `/reuses?dataset=${d2}`)).json().items.map((r: { title: string }) => r.title)).toEqual([
      'Article population',
      'Carte des écoles',
    ]);
    expect((await call('GET', '/reuses?q=ecoles')).json().items.map((r: { title: string }) => r.title)).toEqual([
      'Carte des écoles',
    ]);
    expect((await call('GET', '/reuses?q=geo')).json().items.map((r: { title: string }) => r.title)).toEqual([
      'API géographique',
    ]);
    expect((await call('GET', '/reuses?dataset=unknown-dataset')).json().items).toEqual([]);
    expect((await call('GET', `/reuses?organization=${o}`)).json().items).toEqual([]);
    expect((await call('GET', '/reuses?sort=sideways')).statusCode).toBe(400);
    expect((await call('GET', '/reuses?_cursor=garbage')).statusCode).toBe(400);
  });

  it('pages with cursors in every sort, without repeats or gaps', async () => {
    for (const sort of ['recent', 'popular', 'featured']) {
      const seen: string[] = [];
      let url: string | null = `/reuses?sort=${sort}&_limit=2`;
      let pages = 0;
      while (url) {
        const res = await call('GET', url);
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json();
        seen.push(...body.items.map((r: { slug: string }) => r.slug));
        url = body.next ? body.next.replace(/^https?:\/\/[^/]+\/api\/v1/, '') : null;
        if (body.next) expect(res.headers.link).toContain('rel="next"');
        pages += 1;
      }
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(5);
    }
  });

  it('sorts by views, and features only with an admin of an organization whose dataset is used', async () => {
    const popular = (await call('GET', '/reuses')).json().items[3].slug as string;
    await call('GET', `/reuses/${popular}`);
    await fresh.dispatcher.drain();
    expect((await call('GET', '/reuses?sort=popular')).json().items[0].slug).toBe(popular);

    const schools = (await call('GET', `/reuses?q=ecoles`)).json().items[0].slug as string;
    // Not an admin of the organization: 403. Unknown organization: 404. Not the organization's data: 400.
    expect((await call('PUT', `/organizations/${o}/featured-reuses/${schools}`, u)).statusCode).toBe(403);
    expect((await call('PUT', `/organizations/nowhere-org/featured-reuses/${schools}`, admin)).statusCode).toBe(404);
    const elsewhere = (await call('POST', '/organizations', u, { name: `Ailleurs ${process.pid}` })).json().slug;
    const refused = await call('PUT', `/organizations/${elsewhere}/featured-reuses/${schools}`, u);
    expect(refused.statusCode, refused.body).toBe(400);

    const ok = await call('PUT', `/organizations/${o}/featured-reuses/${schools}`, admin);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().featuredBy).toEqual([{ slug: o, name: expect.any(String) }]);
    expect(ok.json().viewerCanFeature).toEqual([{ slug: o, name: expect.any(String), featured: true }]);
    // Featuring again is a no-op: one event.
    expect((await call('PUT', `/organizations/${o}/featured-reuses/${schools}`, admin)).statusCode).toBe(200);
    expect((await call('GET', `/activity?type=reuse.featured`)).json().items.length).toBe(1);
    expect((await call('GET', '/reuses?sort=featured')).json().items[0].slug).toBe(schools);

    // "Used by": the organization's featured reuse first.
    const usedBy = (await call('GET', `/datasets/${d2}/reuses`)).json();
    expect(usedBy.items.map((r: { slug: string; featured: boolean }) => [r.slug, r.featured])).toEqual([
      [schools, true],
      [expect.any(String), false],
    ]);
    const used1 = (await call('GET', `/datasets/${d1}/reuses?_limit=2`)).json();
    expect(used1.items).toHaveLength(2);
    expect(used1.next).not.toBeNull();
    expect((await call('GET', '/datasets/no-such-dataset/reuses')).statusCode).toBe(404);

    expect((await call('DELETE', `/organizations/${o}/featured-reuses/${schools}`, u)).statusCode).toBe(403);
    expect((await call('PUT', `/organizations/${o}/featured-reuses/${schools}`)).statusCode).toBe(401);
    expect((await call('PUT', `/organizations/${o}/featured-reuses/no-such-reuse`, admin)).statusCode).toBe(404);
    const off = await call('DELETE', `/organizations/${o}/featured-reuses/${schools}`, admin);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().featuredBy).toEqual([]);
    expect(
      (await call('GET', `/datasets/${d2}/reuses`)).json().items.every((r: { featured: boolean }) => !r.featured),
    ).toBe(true);
  });

  it("unfeatures when the reuse stops using the organization's datasets", async () => {
    const other = await register(fresh.app, 'gal-other');
    const otherOrgSlug = (await call('POST', '/organizations', other, { name: `Autre galerie ${process.pid}` })).json()
      .slug;
    const theirData = (
      await call('POST', '/datasets', other, {
        title: 'Leurs données',
        organization: otherOrgSlug,
        license: 'etalab-2.0',
        status: 'published',
      })
    ).json().slug;
    const slug = await make('Mixte', 'other', [], [d1, theirData]);
    expect((await call('PUT', `/organizations/${otherOrgSlug}/featured-reuses/${slug}`, other)).statusCode).toBe(200);
    const patched = await fresh.app.inject({
      method: 'PATCH',
      url: `/api/v1/reuses/${slug}`,
      headers: asSession(u),
      payload: { datasets: [d1] },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().featuredBy).toEqual([]);
  });

  it('ranks the most used reuses by views, plus the API calls of their app when usage analytics are there', async () => {
    const plain = (await call('GET', '/stats/reuses')).json();
    expect(plain.items[0].views).toBeGreaterThanOrEqual(plain.items[1].views);
    expect(plain.items[0].score).toBe(plain.items[0].views + plain.items[0].apiCalls);

    expect(plain.apiCallsCounted).toBe(true);

    // An app of the author, used through its API key: its calls count for the reuse built with it.
    const created = await call('POST', '/apps', u, { name: 'Appli carto', description: '', redirectUris: [] });
    expect(created.statusCode, created.body).toBe(201);
    const appId = created.json().id as string;
    const key = (await call('POST', `/apps/${appId}/keys`, u, { name: 'k', scopes: ['data:read'] })).json()
      .key as string;
    const withApp = await call('POST', '/reuses', u, {
      title: 'Appelée',
      description: '',
      url: 'https://example.org',
      type: 'api',
      datasets: [d1],
      app: appId,
    });
    expect(withApp.statusCode, withApp.body).toBe(201);
    expect(
      (
        await call('POST', '/reuses', admin, {
          title: 'Pas la sienne',
          description: '',
          url: 'https://example.org',
          type: 'api',
          datasets: [d1],
          app: appId,
        })
      ).statusCode,
    ).toBe(400);
    for (let i = 0; i < 7; i++) {
      expect(
        (
          await fresh.app.inject({
            method: 'GET',
            url: `/api/v1/datasets/${d1}`,
            headers: { authorization: `Bearer ${key}` },
          })
        ).statusCode,
      ).toBe(200);
    }
    await fresh.apps.usage.flush();
    const ranked = (await call('GET', '/stats/reuses?days=7')).json();
    expect(ranked.items[0]).toMatchObject({ reuse: { title: 'Appelée' }, views: 0, apiCalls: 7, score: 7 });
    expect((await call('GET', '/stats/reuses?days=0')).statusCode).toBe(400);
  });
});

describe('discussions on a reuse', () => {
  it('opens, lists and answers threads on a reuse through the community discussions; its author may close them', async () => {
    const r = await reuse(author);
    const opened = await api('POST', '/discussions', stranger, {
      subject: { kind: 'reuse', id: r.id },
      title: 'Bravo',
      body: 'Très utile, @' + author.handle,
    });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json()).toMatchObject({
      subject: { kind: 'reuse', id: r.id },
      dataset: datasetA,
      viewerCanClose: false,
    });
    const list = (await api('GET', `/discussions?subject=reuse:${r.id}`)).json();
    expect(list.items.map((x: { title: string }) => x.title)).toEqual(['Bravo']);
    const thread = opened.json().id as string;
    const seenByAuthor = (await api('GET', `/discussions/${thread}`, author)).json();
    expect(seenByAuthor.viewerCanClose).toBe(true);
    expect((await api('POST', `/discussions/${thread}/close`, stranger, {})).statusCode).toBe(403);
    const closed = await api('POST', `/discussions/${thread}/close`, author, { resolution: 'Merci' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().status).toBe('closed');

    expect(
      (
        await api('POST', '/discussions', stranger, {
          subject: { kind: 'reuse', id: 'reu_unknown' },
          title: 'x',
          body: 'y',
        })
      ).statusCode,
    ).toBe(404);
    await api('DELETE', `/reuses/${r.slug}`, author);
    expect((await api('GET', `/discussions?subject=reuse:${r.id}`)).statusCode).toBe(404);
    expect((await api('GET', `/discussions/${thread}`)).statusCode).toBe(404);
  });
});

describe('demo content', () => {
  it('seeds three reuses of the demo dataset for the demo organization', async () => {
    const demo = await createTestApp();
    try {
      const owner = await register(demo.app, 'demo-owner');
      const orgSlug = (
        await demo.app.inject({
          method: 'POST',
          url: '/api/v1/organizations',
          headers: asSession(owner),
          payload: { name: `Démo ${process.pid}` },
        })
      ).json().slug;
      const created = await demo.app.inject({
        method: 'POST',
        url: '/api/v1/datasets',
        headers: asSession(owner),
        payload: {
          title: 'Découpage administratif',
          slug: 'decoupage-administratif',
          organization: orgSlug,
          license: 'etalab-2.0',
          status: 'published',
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const me = (await demo.app.inject({ method: 'GET', url: '/api/v1/me', headers: asSession(owner) })).json();
      const slugs = await demo.apps.seedDemoReuses(
        { kind: 'user', userId: me.id, handle: me.handle, isAdmin: false, via: 'session', scopes: 'all' },
        orgSlug,
      );
      expect(slugs).toHaveLength(3);
      const used = (
        await demo.app.inject({ method: 'GET', url: '/api/v1/datasets/decoupage-administratif/reuses' })
      ).json();
      expect(used.items.map((r: { slug: string }) => r.slug).sort()).toEqual([...slugs].sort());
      expect(used.items.every((r: { organization: { slug: string } }) => r.organization.slug === orgSlug)).toBe(true);
    } finally {
      await demo.cleanup();
    }
  });
});
