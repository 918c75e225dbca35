import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/harness.js';
import { apiClient, newOrganization, newTable, newUser, type TestUser } from '../testing/fixtures.js';
import { manualClock } from '../testing/redis.js';

// A clock of our own: the home page is cached 30 s, and "this month" needs a known date.
const clock = manualClock('2026-03-10T12:00:00Z');
let t: TestApp;
let api: ReturnType<typeof apiClient>;
let owner: TestUser;
let contributor: TestUser;
let admin: TestUser;
let editor: TestUser; // an editor of the organization, who may propose changes to its drafts
let org: string;

beforeAll(async () => {
  t = await createTestApp({ clock });
  api = apiClient(t);
  owner = await newUser(t, { prefix: 'howner' });
  contributor = await newUser(t, { prefix: 'hcontrib' });
  admin = await newUser(t, { prefix: 'hadmin', admin: true });
  editor = await newUser(t, { prefix: 'heditor' });
  org = (await newOrganization(t, owner, { members: [[editor, 'editor']] })).slug;
});
afterAll(async () => t.cleanup());

/** A dataset of the organization with one table of `rows` rows; its slug and the table's API path. */
const dataset = (title: string, status: 'draft' | 'published', rows: number) =>
  newTable(
    t,
    owner,
    Array.from({ length: rows }, (_, i) => ({ nom: `Ville ${i}`, population: 100 + i })),
    { organization: org, title, status, fileName: 'villes.csv' },
  );

/** A proposal of `changes` population edits on rows 1…n, reviewed `after` seconds later: accepted or partly. */
async function acceptedContribution(base: string, changes: number, after: number, partly = false, by = contributor) {
  const proposal = await api('POST', `${base}/contributions`, by, {
    changes: Array.from({ length: changes }, (_, i) => ({ op: 'update', rowId: i + 1, values: { population: 1 } })),
    comment: 'Recensement',
  });
  expect(proposal.statusCode, proposal.body).toBe(201);
  clock.advance(after * 1000);
  const accept = await api(
    'POST',
    `/contributions/${proposal.json().id as string}/accept`,
    owner,
    partly ? { changes: [0] } : {},
  );
  expect(accept.statusCode, accept.body).toBe(200);
  return proposal.json().id as string;
}

const home = async () => {
  const res = await api('GET', '/home');
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
};
/** Past the 30 s cache. */
const later = () => clock.advance(31_000);

describe('the home page', () => {
  it('starts empty, then counts published data, contributors, this month’s accepts and the median review time', async () => {
    expect(await home()).toEqual({
      figures: {
        datasets: 0,
        rows: 0,
        contributors: 0,
        acceptedThisMonth: 0,
        medianReviewSeconds: null,
        reviewWindowDays: 90,
      },
      featuredDatasets: [],
      popularDatasets: [],
      featuredReuses: [],
      popularReuses: [],
      latestContributions: [],
    });

    const open = await dataset('Villes ouvertes', 'published', 5);
    const hidden = await dataset('Villes en préparation', 'draft', 7);
    const first = await acceptedContribution(open.base, 2, 600);
    const second = await acceptedContribution(open.base, 3, 1800, true);
    const onDraft = await acceptedContribution(hidden.base, 1, 60, false, editor);
    await t.dispatcher.drain();

    // The reviews moved the clock past the cache's 30 s.
    const view = await home();
    expect(view.figures).toEqual({
      datasets: 1,
      rows: 5, // the draft's 7 rows are not counted
      contributors: 2,
      acceptedThisMonth: 3,
      medianReviewSeconds: 600, // 60, 600 and 1800 s
      reviewWindowDays: 90,
    });
    // Latest accepted first; the draft's contribution is not shown.
    expect(view.latestContributions).toEqual([
      {
        id: second,
        dataset: { slug: open.slug, title: 'Villes ouvertes' },
        author: { handle: contributor.handle, name: expect.any(String) },
        changes: 1,
        partial: true,
        acceptedAt: expect.any(String),
      },
      expect.objectContaining({ id: first, changes: 2, partial: false }),
    ]);
    expect(view.latestContributions.map((c: { id: string }) => c.id)).not.toContain(onDraft);
    expect(view.popularDatasets.map((d: { slug: string }) => d.slug)).toEqual([open.slug]);

    // Cached: a new dataset shows after 30 s.
    await dataset('Villes nouvelles', 'published', 1);
    expect((await home()).figures).toMatchObject({ datasets: 1, rows: 5 });
    later();
    expect((await home()).figures).toMatchObject({ datasets: 2, rows: 6 });

    // Next month: nothing accepted yet this month; contributors stay.
    clock.set('2026-04-01T00:00:01Z');
    const april = await home();
    expect(april.figures).toMatchObject({ acceptedThisMonth: 0, contributors: 2 });
  });

  it('lets platform administrators feature published datasets, and lists the reuses organizations feature', async () => {
    const { slug } = await dataset('Budget participatif', 'published', 2);
    const draft = await dataset('Budget à venir', 'draft', 1);
    expect((await api('PUT', `/datasets/${slug}/featured`, owner)).statusCode).toBe(403);
    expect((await api('PUT', `/datasets/${slug}/featured`)).statusCode).toBe(401);
    expect((await api('PUT', `/datasets/${draft.slug}/featured`, admin)).statusCode).toBe(409);
    expect((await api('PUT', '/datasets/no-such-dataset/featured', admin)).statusCode).toBe(404);
    const featured = await api('PUT', `/datasets/${slug}/featured`, admin);
    expect(featured.statusCode, featured.body).toBe(200);
    expect(featured.json().featured).toBe(true);
    const event = await t.db.kysely
      .selectFrom('events')
      .select(['visibility'])
      .where('type', '=', 'dataset.featured')
      .executeTakeFirstOrThrow();
    expect(event.visibility).toBe('public');
    const listed = (await api('GET', '/datasets?featured=true')).json();
    expect(listed.items.map((d: { slug: string }) => d.slug)).toEqual([slug]);
    expect(listed.items[0].featured).toBe(true);

    const reuse = await api('POST', '/reuses', contributor, {
      title: 'Carte du budget',
      description: 'Une carte',
      url: 'https://example.org/carte',
      type: 'visualization',
      datasets: [slug],
    });
    expect(reuse.statusCode, reuse.body).toBe(201);
    const plain = await api('POST', '/reuses', contributor, {
      title: 'Article sur le budget',
      description: 'Un article',
      url: 'https://example.org/article',
      type: 'article',
      datasets: [slug],
    });
    expect(plain.statusCode, plain.body).toBe(201);
    const feature = await api('PUT', `/organizations/${org}/featured-reuses/${reuse.json().slug as string}`, owner);
    expect(feature.statusCode, feature.body).toBe(200);

    later();
    const view = await home();
    expect(view.featuredDatasets.map((d: { slug: string }) => d.slug)).toEqual([slug]);
    expect(view.featuredReuses.map((r: { slug: string }) => r.slug)).toEqual([reuse.json().slug]);
    expect(view.popularReuses.map((r: { slug: string }) => r.slug).sort()).toEqual(
      [reuse.json().slug, plain.json().slug].sort(),
    );

    expect((await api('DELETE', `/datasets/${slug}/featured`, admin)).json().featured).toBe(false);
    later();
    expect((await home()).featuredDatasets).toEqual([]);
  });
});
